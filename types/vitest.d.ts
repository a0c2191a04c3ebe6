// Types for `assay/vitest` on Vitest 5 and later, which reads custom matchers from
// `Matchers<R, T>`. On Vitest 3.2–4 use `assay/vitest/v4` instead.
import type { AssayMatchers } from '../dist/esm/matchers/types.js'

declare module 'vitest' {
  interface Matchers<R extends void | Promise<void>, T> extends AssayMatchers<R> {}
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
