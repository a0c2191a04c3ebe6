// Types for `assay/jest` on Jest 29 and 30: `expect`'s `Matchers` reaches `@jest/globals`
// users, and the global `jest.Matchers` reaches users of `@types/jest`.
import type { AssayMatchers } from '../dist/esm/matchers/types.js'

declare module 'expect' {
  interface Matchers<R extends void | Promise<void>, T = unknown> extends AssayMatchers<R> {}
}

declare global {
  namespace jest {
    interface Matchers<R, T = {}> extends AssayMatchers<R> {}
  }
}

// describeEval, from the setup module itself.
export { describeEval, type EvalOptions, type TrialInfo } from '../dist/esm/runners/jest-eval.js'
