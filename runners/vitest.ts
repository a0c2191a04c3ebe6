// Setup file for Vitest 3.2, 4 and 5: `test: { setupFiles: ['assay/vitest'] }`, or the `assay()`
// plugin from `assay/vitest/plugin`, which also wires the global setup and passes options.
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as vitest from 'vitest'
import { afterAll, afterEach, beforeAll, beforeEach, expect, inject } from 'vitest'
import * as matchers from '../matchers/index.js'
import { beginTest } from '../src/baseline/runtime.js'
import { collectedTestError, takeCollected } from '../src/batch/pending.js'
import { configure, type AssayConfig } from '../src/config.js'
import { reportTo } from '../src/judge/coordinator.js'
import { coordinatorURL, useCoordinator, useRunnerConcurrency } from '../src/judge/runtime.js'
import { finishTestFile } from '../src/lifecycle.js'
import { shareSecrets } from '../src/judge/secret-sharing.js'
import { useProgressTarget } from '../src/eval/progress-notice.js'
import { drainFile, markOutliving, openFile, setMomentProvider, takeUnawaited, takeUnawaitedInFile } from '../src/pending.js'
import { setRunner } from '../src/runner.js'
import { deadlineOf, setRecordSink, setTestContextProvider } from '../src/report/records.js'
import { checkInstalledRunner } from '../src/runner-support.js'
import { timersDue, watchTimers } from '../src/timers.js'

// Before anything that reads Vitest's internals: an unsupported Vitest fails here, saying so.
checkInstalledRunner('vitest', dirname(fileURLToPath(import.meta.url)))

expect.extend(matchers)
const provided = inject as unknown as (key: string) => unknown
const options = provided('assayConfig') as AssayConfig | undefined
if (options) configure(options)
useCoordinator(provided('assayCoordinator') as string | undefined)
// The keys this worker learns go to the reporters' process: to the coordinator, or without
// one, to the assay reporter.
shareSecrets((provided('assayCoordinator') ?? provided('assaySecretsURL')) as string | undefined)
// Dataset evals' progress goes the same way, to the reporters' process.
useProgressTarget((provided('assayCoordinator') ?? provided('assaySecretsURL')) as string | undefined)
setRunner({ name: 'vitest', config: provided('assayRunnerConfig') as string | undefined })
// The plugin's global setup passes the resolved maxConcurrency; without the plugin, the
// worker's state (no public API) has it; without either, the judge's own default holds.
useRunnerConcurrency(
  () =>
    (provided('assayRunnerConcurrency') as number | undefined) ??
    (globalThis as { __vitest_worker__?: { config?: { maxConcurrency?: number } } }).__vitest_worker__?.config?.maxConcurrency,
)

type RunnerTest = NonNullable<ReturnType<typeof vitest.TestRunner.getCurrentTest>>

// Vitest 4 and 5 expose the running test through `TestRunner`; Vitest 3.2 (and 4, but not 5)
// through `vitest/suite`, imported only where `TestRunner` is missing. The specifier is not
// a literal, or Vite would resolve it when it transforms this file, and fail on Vitest 5.
const runner = (vitest as { TestRunner?: typeof vitest.TestRunner }).TestRunner
const suiteModule = 'vitest/suite'
const currentTest: () => RunnerTest | undefined = runner
  ? () => runner.getCurrentTest()
  : ((await import(/* @vite-ignore */ suiteModule)) as typeof import('vitest/suite')).getCurrentTest

setTestContextProvider(() => {
  const state = expect.getState()
  const test = currentTest()
  // Concurrent tests share the global expect's state: its test name is whichever started last.
  // Vitest forgets its current test when a concurrent one ends, while others still run.
  const concurrent = test ? test.concurrent === true : runningFile !== undefined && testRunning(runningFile)
  return { testPath: state.testPath, testName: state.currentTestName, concurrent, deadline: deadlineOf(test?.result?.startTime, test?.timeout) }
})

/**
 * The test a record belongs to: the one the matcher's `expect` is bound to, which stays
 * right under `test.concurrent` (where the runner's current test is whichever started
 * last); without one (app calls through recordingFetch), the runner's current test.
 */
function testFor(owner: unknown): RunnerTest | undefined {
  if (owner && (owner as { type?: unknown }).type === 'test') return owner as RunnerTest
  return currentTest()
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
  name: string
  fullTestName?: string
  suite?: TaskLike
  file?: TaskLike
  tasks?: TaskLike[]
  filepath?: string
  result?: { state?: string; duration?: number; errors?: { message?: unknown }[]; hooks?: Partial<Record<'beforeAll' | 'afterAll', string>> }
  concurrent?: boolean
  meta: Record<string, unknown>
}

/** The messages of every error the file's tests and suites reported. */
function allErrors(task: TaskLike): string[] {
  return [...(task.result?.errors ?? []).map((e) => String(e.message)), ...(task.tasks ?? []).flatMap(allErrors)]
}

function allTests(task: TaskLike): TaskLike[] {
  return task.type === 'test' ? [task] : (task.tasks ?? []).flatMap(allTests)
}

/** The test's name as `expect.getState().currentTestName` gives it, which keys its baselines. */
function testName(test: TaskLike): string {
  if (test.fullTestName !== undefined) return test.fullTestName
  const names = [test.name]
  for (let s = test.suite; s && s !== test.file && s.type !== 'file' && !s.filepath; s = s.suite) names.unshift(s.name)
  return names.join(' > ')
}

// The file now running, from its first hook: its suites say whether a beforeAll or afterAll runs.
let runningFile: TaskLike | undefined
// eslint-disable-next-line no-empty-pattern
beforeAll(function ({}, suite) {
  // eslint-disable-next-line prefer-rest-params
  runningFile = (suite ?? arguments[0]) as unknown as TaskLike
  if (runningFile.filepath) openFile(runningFile.filepath)
})

const hookRunning = (suite: TaskLike): boolean =>
  suite.result?.hooks?.beforeAll === 'run' || suite.result?.hooks?.afterAll === 'run' || (suite.tasks ?? []).some((t) => t.type === 'suite' && hookRunning(t))

// A judged assertion belongs to the test its `expect` is bound to while that test runs (its
// duration is set once it has ended, after its afterEach hooks); with no test, to the
// file's beforeAll/afterAll hook running; otherwise it started after its test ended.
// Under test.concurrent, the global `expect` may be bound to a concurrent test that has
// ended, or to none, while the test that calls it still runs: while any test of the file
// runs, such an assertion may be that test's, so it is not refused as late.
const testRunning = (suite: TaskLike): boolean =>
  (suite.tasks ?? []).some((t) => (t.type === 'test' ? t.result?.state === 'run' && t.result.duration === undefined : testRunning(t)))
setMomentProvider((owner) => {
  const test = owner.task as TaskLike | undefined
  if (test?.type === 'test') {
    if (test.result?.duration === undefined) return 'test'
    return test.concurrent && runningFile && testRunning(runningFile) ? 'test' : 'outside'
  }
  // Vitest clears its current test when a concurrent test ends, while others still run.
  if (currentTest() || (runningFile && testRunning(runningFile))) return 'test'
  return runningFile && hookRunning(runningFile) ? 'hook' : 'outside'
})
// Short timers the tests leave are waited for at the file's end (see src/timers.ts).
watchTimers()

// Each attempt of a test (retries included) counts its unnamed baselines from 1.
beforeEach(({ task }) => {
  beginTest(expect.getState().testPath, testName(task as unknown as TaskLike))
})

// A judged assertion still running when its test ends was not awaited: fail the test.
// Concurrent tests may share one expect, which cannot tell them apart: they are checked
// at the end of the file instead, with the errors the tests reported.
afterEach(({ task }) => {
  const t = task as unknown as TaskLike
  if (t.concurrent) {
    if (t.file?.filepath) markOutliving(t.file.filepath, task)
    return
  }
  const unawaited = takeUnawaited({ task, testPath: t.file?.filepath, currentTestName: testName(t) })
  if (unawaited) throw unawaited
  if (takeCollected(testName(t))) throw collectedTestError(testName(t))
})

// After each test file: settle its cassette and baselines (see finishTestFile), with the
// reports also in the file's meta. A failed test keeps its entries.
// Vitest 4+ passes the file's suite second; the first argument is the fixture context,
// which must be written as a destructuring pattern. Vitest 3.2 passes the suite first.
// eslint-disable-next-line no-empty-pattern
afterAll(async function ({}, suite) {
  // eslint-disable-next-line prefer-rest-params
  const file = (suite ?? arguments[0]) as unknown as TaskLike
  if (!file.filepath) return
  await drainFile(file.filepath, timersDue)
  const tests = allTests(file)
  const end = { fullRun: tests.every((t) => t.mode === 'run'), failed: tests.filter((t) => t.result?.state === 'fail').map(testName) }
  await finishTestFile(file.filepath, end, expect.getState(), ({ cassette, baselines }) => {
    file.meta.assay = { ...(file.meta.assay as object), ...(cassette ? { cassette } : {}), ...(baselines ? { baselines } : {}) }
  })
  const unawaited = takeUnawaitedInFile(file.filepath, allErrors(file))
  if (unawaited) throw unawaited
  // Above the default hook timeout: draining the file may wait a few seconds first.
}, 30_000)

export { describeEval, type EvalOptions, type TrialInfo } from './vitest-eval.js'
