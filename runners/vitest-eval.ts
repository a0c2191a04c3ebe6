// describeEval for Vitest 3.2–5: the runner-agnostic dataset eval (src/eval/run.ts) on
// Vitest's describe, test and afterAll.
import { afterAll, describe, expect, test, vi } from 'vitest'
import { describeEvalFor, type DescribeEval, type EvalRunner } from '../src/eval/run.js'

interface WorkerState {
  filepath?: string
  config?: { maxConcurrency?: number; testTimeout?: number; root?: string }
}
const worker = () => (globalThis as { __vitest_worker__?: WorkerState }).__vitest_worker__

const runner: EvalRunner = {
  describe: (name, body, mode) => (mode === 'only' ? describe.only : mode === 'skip' ? describe.skip : describe)(name, body),
  // The test's own expect names it as the runner's failed-test list does; the global one may
  // name another concurrent test. `retry: 0` overrides `--retry` and the config's `retry`:
  // a retried case would replace its trials with the last attempt's (trials repeat a case).
  test: (name, body, { concurrent, timeout }) =>
    (concurrent ? test.concurrent : test)(name, { retry: 0, timeout }, ({ task, expect: own }) => body({ task, testName: own.getState().currentTestName })),
  afterAll: (fn) => afterAll(fn),
  testPath: () => expect.getState().testPath ?? worker()?.filepath,
  root: () => worker()?.config?.root ?? process.cwd(),
  maxConcurrency: () => worker()?.config?.maxConcurrency,
  testTimeout: () => worker()?.config?.testTimeout,
  // For this test file only: Vitest resets its configuration after each file.
  raiseConcurrency: (n) => vi.setConfig({ maxConcurrency: n }),
}

/**
 * Declares a dataset eval: one test per row, named by its id, its trials run inside the
 * test, and the dataset's gates checked when its cases are done. See {@link EvalOptions}.
 *
 * @example
 * ```ts
 * import { describeEval } from 'assay/vitest'
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
