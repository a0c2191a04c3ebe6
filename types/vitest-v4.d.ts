// Types for `assay/vitest/v4` on Vitest 3.2–4, which reads custom matchers from
// `Matchers<T>`. On Vitest 5 and later use `assay/vitest` instead.
import type { AssayMatchers } from '../dist/esm/matchers/types.js'

declare module 'vitest' {
  interface Matchers<T = any> extends AssayMatchers<T> {}
}

// What assay attaches to tests and files in Vitest, for reporters reading `testCase.meta()`.
declare module 'vitest' {
  interface TaskMeta {
    assay?: {
      records?: import('../dist/esm/src/report/records.js').AssayRecord[]
      cassette?: { path: string; obsolete: string[]; pruned: number }
      baselines?: { path: string; obsolete: string[]; pruned: number; written: number; updated: number }
    }
  }
}
