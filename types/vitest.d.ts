// Types for `assay/vitest` on Vitest 5 and later, which reads custom matchers from
// `Matchers<R, T>`. On Vitest 3.2–4 use `assay/vitest/v4` instead.
/// <reference path="./task-meta.d.ts" />
import type { AssayMatchers } from '../dist/esm/matchers/types.js'

declare module 'vitest' {
  interface Matchers<R extends void | Promise<void>, T> extends AssayMatchers<R> {}
}

// describeEval, from the setup module itself.
export { describeEval, type EvalOptions, type TrialInfo } from '../dist/esm/runners/vitest-eval.js'
