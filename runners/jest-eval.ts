// describeEval for Jest 29 and 30: the runner-agnostic dataset eval (src/eval/run.ts) on
// Jest's describe, test and afterAll.
import { afterAll, describe, expect, test } from '@jest/globals'
import { describeEvalFor, type DescribeEval, type EvalRunner } from '../src/eval/run.js'
import type { RecordOwner } from '../src/report/records.js'

interface CircusState {
  maxConcurrency?: number
  testTimeout?: number
}

/** jest-circus's state, found by its symbol's description (Jest has no public API for it). */
function circusState(): CircusState | undefined {
  const symbol = Object.getOwnPropertySymbols(globalThis).find((s) => s.description === 'JEST_STATE_SYMBOL')
  return symbol ? ((globalThis as Record<symbol, unknown>)[symbol] as CircusState | undefined) : undefined
}

// The running test's name: under test.concurrent the expect state names whichever test
// started last, while Jest's async context names the test whose body runs.
function owner(): RecordOwner {
  const state = expect.getState() as { currentTestName?: string; currentConcurrentTestName?: () => string | undefined }
  return { testName: state.currentConcurrentTestName?.() ?? state.currentTestName }
}

const runner: EvalRunner = {
  describe: (name, body, mode) => (mode === 'only' ? describe.only : mode === 'skip' ? describe.skip : describe)(name, body),
  test: (name, body, { concurrent, timeout }) => (concurrent ? test.concurrent(name, () => body(owner()), timeout) : test(name, () => body(owner()), timeout)),
  afterAll: (fn) => afterAll(fn),
  testPath: () => expect.getState().testPath,
  // Jest gives a test file no view of its rootDir: the directory it runs in stands for it.
  root: () => process.cwd(),
  maxConcurrency: () => circusState()?.maxConcurrency,
  testTimeout: () => circusState()?.testTimeout,
  // Jest reads the limit when it starts the file's concurrent tests, after they are declared;
  // the state is the test file's own.
  raiseConcurrency: (n) => {
    const state = circusState()
    if (state) state.maxConcurrency = n
  },
}

/**
 * Declares a dataset eval: one test per row, named by its id, its trials run inside the
 * test, and the dataset's gates checked when its cases are done. See {@link EvalOptions}.
 *
 * @example
 * ```ts
 * const { describeEval } = require('assay/jest')
 * describeEval('summariser', {
 *   data: 'fixtures/datasets/news.jsonl',
 *   schema: z.object({ id: z.string(), article: z.string() }),
 *   task: (input) => summarize(input.article),
 *   assert: async (output, input) => {
 *     await expect(output).toScoreAtLeast(7, { source: input.article })
 *   },
 *   trials: 3,
 *   thresholds: { passRate: 0.9 },
 * })
 * ```
 */
export const describeEval: DescribeEval = describeEvalFor(() => runner)
export type { EvalOptions, TrialInfo } from '../src/eval/run.js'
