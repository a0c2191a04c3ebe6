// Setup file for Vitest 4 and 5: `test: { setupFiles: ['assay/vitest'] }`, or the `assay()`
// plugin from `assay/vitest/plugin`, which also wires the global setup and passes options.
import { afterAll, expect, inject, TestRunner } from 'vitest'
import * as matchers from '../matchers/index.js'
import { configure, type AssayConfig } from '../src/config.js'
import { reportTo } from '../src/judge/coordinator.js'
import { coordinatorURL, useCoordinator, useRunnerConcurrency } from '../src/judge/runtime.js'
import { finishTestFile } from '../src/lifecycle.js'
import { setRecordSink, setTestContextProvider } from '../src/report/records.js'

expect.extend(matchers)
setTestContextProvider(() => {
  const state = expect.getState()
  return { testPath: state.testPath, testName: state.currentTestName }
})

const provided = inject as unknown as (key: string) => unknown
const options = provided('assayConfig') as AssayConfig | undefined
if (options) configure(options)
useCoordinator(provided('assayCoordinator') as string | undefined)
// The plugin's global setup passes the resolved maxConcurrency; without the plugin, the
// worker's state (no public API) has it; without either, the judge's own default holds.
useRunnerConcurrency(
  () =>
    (provided('assayRunnerConcurrency') as number | undefined) ??
    (globalThis as { __vitest_worker__?: { config?: { maxConcurrency?: number } } }).__vitest_worker__?.config?.maxConcurrency,
)

type RunnerTest = NonNullable<ReturnType<typeof TestRunner.getCurrentTest>>

/**
 * The test a record belongs to: the one the matcher's `expect` is bound to, which stays
 * right under `test.concurrent` (where the runner's current test is whichever started
 * last); without one (app calls through recordingFetch), the runner's current test.
 */
function testFor(owner: unknown): RunnerTest | undefined {
  if (owner && (owner as { type?: unknown }).type === 'test') return owner as RunnerTest
  return TestRunner.getCurrentTest()
}

// Each assertion's record is attached to its test, where the reporters read it.
setRecordSink((record, owner) => {
  const coordinator = coordinatorURL()
  // The run summary counts judge verdicts, app calls and stores, not every check.
  if (coordinator && record.kind !== 'check') reportTo(coordinator, record)
  const test = testFor(owner?.task)
  if (!test) return
  const meta = test.meta as { assay?: { records: unknown[]; attempt?: number } }
  const assay = (meta.assay ??= { records: [] })
  // A retried test keeps the records of its last attempt only, as its result does.
  const attempt = test.result?.retryCount ?? 0
  if ((assay.attempt ?? 0) !== attempt) assay.records = []
  assay.attempt = attempt
  assay.records.push(record)
})

interface TaskLike {
  type: string
  mode: string
  tasks?: TaskLike[]
  filepath?: string
  meta: Record<string, unknown>
}

function allTests(task: TaskLike): TaskLike[] {
  return task.type === 'test' ? [task] : (task.tasks ?? []).flatMap(allTests)
}

// After each test file: settle its cassette and baselines (see finishTestFile), with the
// reports also in the file's meta.
// Vitest 4+ passes the file's suite second; the first argument is the fixture context,
// which must be written as a destructuring pattern.
// eslint-disable-next-line no-empty-pattern
afterAll(async ({}, suite) => {
  const file = suite as unknown as TaskLike
  if (!file.filepath) return
  await finishTestFile(file.filepath, allTests(file).every((t) => t.mode === 'run'), expect.getState(), ({ cassette, baselines }) => {
    file.meta.assay = { ...(file.meta.assay as object), ...(cassette ? { cassette } : {}), ...(baselines ? { baselines } : {}) }
  })
})
