// Types for `assay/vitest/v4` on Vitest 3.2–4, which reads custom matchers from
// `Matchers<T>`. On Vitest 5 and later use `assay/vitest` instead.
/// <reference path="./task-meta.d.ts" />
import type { AssayMatchers } from '../dist/esm/matchers/types.js'

declare module 'vitest' {
  interface Matchers<T = any> extends AssayMatchers<T> {}
}

// describeEval, from the setup module itself.
export { describeEval, type EvalOptions, type TrialInfo } from '../dist/esm/runners/vitest-eval.js'
