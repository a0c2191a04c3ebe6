// What assay attaches to tests and files in Vitest (4 and 5 alike), for reporters reading
// `testCase.meta()` and `testModule.meta()`.
import type { AssayRecord } from '../dist/esm/src/report/records.js'

declare module 'vitest' {
  interface TaskMeta {
    assay?: {
      records?: AssayRecord[]
      /** The attempt (0 for the first) whose records these are, when the test is retried. */
      attempt?: number
      cassette?: { path: string; obsolete: string[]; pruned: number }
      baselines?: { path: string; obsolete: string[]; pruned: number; written: number; updated: number }
    }
  }
}
