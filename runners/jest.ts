// Setup file for Jest 29 and 30: `setupFilesAfterEnv: ['assay/jest']`. It extends the `expect`
// that `@jest/globals` hands out, which is also the global one when globals are injected.
import { appendFileSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, expect } from '@jest/globals'
import * as matchers from '../matchers/index.js'
import { beginTest } from '../src/baseline/runtime.js'
import { collectedTestError, takeCollected } from '../src/batch/pending.js'
import { noteLate, reportTo } from '../src/judge/coordinator.js'
import { coordinatorURL, useCoordinator, useRunnerConcurrency } from '../src/judge/runtime.js'
import { loadNlp, loadOpenAI } from '../src/lazy.js'
import { finishTestFile } from '../src/lifecycle.js'
import { shareSecrets } from '../src/judge/secret-sharing.js'
import { useProgressTarget } from '../src/eval/progress-notice.js'
import { drainFile, onStartedAfterFile, openFile, setMomentProvider, takeUnawaited, takeUnawaitedInFile } from '../src/pending.js'
import { setRunner } from '../src/runner.js'
import { redact } from '../src/secrets.js'
import { deadlineOf, setRecordSink, setTestContextProvider } from '../src/report/records.js'
import { checkInstalledRunner } from '../src/runner-support.js'
import { timersDue, watchTimers } from '../src/timers.js'

// The Jest running this file is the one its test file resolves.
const testPath = expect.getState().testPath
checkInstalledRunner('jest', testPath ? dirname(testPath) : process.cwd())

expect.extend(matchers)
setTestContextProvider(() => {
  const state = expect.getState()
  const circus = circusState()
  const test = circus?.currentlyRunningTest
  // test.concurrent tests share one expect state: its test name is whichever started last.
  // A test's own timeout argument wins over testTimeout, as jest-circus decides it.
  return { testPath: state.testPath, testName: state.currentTestName, concurrent: test?.concurrent === true, deadline: deadlineOf(test?.startedAt, test?.timeout || circus?.testTimeout) }
})
useCoordinator(process.env.ASSAY_COORDINATOR)
// The keys this worker learns go to the reporters' process: to the coordinator, or without
// one, to the assay reporter.
shareSecrets(process.env.ASSAY_COORDINATOR || process.env.ASSAY_SECRETS_URL)
// Dataset evals' progress goes the same way, to the reporters' process.
useProgressTarget(process.env.ASSAY_COORDINATOR || process.env.ASSAY_SECRETS_URL)
// A judged assertion that starts after its file ended can fail no test, and Jest ignores a
// worker's own exit code: it is written down for the process that runs the reporters, which
// fails the run. Read now: the file's environment is torn down by then.
const lateDir = process.env.ASSAY_LATE_DIR
if (lateDir) onStartedAfterFile((message) => noteLate(lateDir, redact(message)))
setRunner({ name: 'jest', config: process.env.ASSAY_RUNNER_CONFIG })

// Jest has no per-test metadata: records go to a side file per worker, for the reporters.
const records = process.env.ASSAY_RECORDS_DIR
const sideFile = records ? join(records, `worker-${process.env.JEST_WORKER_ID ?? '1'}-${process.pid}.jsonl`) : undefined
if (records) mkdirSync(records, { recursive: true })
// Buffered and written once per test file: a record per assertion, each appended at once,
// would cost a file write per expect().
let pending: string[] = []
function writeRecords(): void {
  if (!sideFile || pending.length === 0) return
  appendFileSync(sideFile, pending.join(''))
  pending = []
}
process.on('exit', writeRecords)
setRecordSink((given) => {
  // Under test.concurrent the expect state names whichever test started last; Jest's async
  // context names the test whose code made the record, which the reporter joins it to.
  const name = (expect.getState() as { currentConcurrentTestName?: () => string | undefined }).currentConcurrentTestName?.()
  const record = name !== undefined && 'testName' in given ? { ...given, testName: name } : given
  // The attempt lets the reporter keep only the last attempt of a retried test (jest.retryTimes).
  if (sideFile) pending.push(`${JSON.stringify({ ...record, attempt: circusState()?.currentlyRunningTest?.invocations ?? 1 })}\n`)
  const coordinator = coordinatorURL()
  // The run summary counts judge verdicts, app calls and stores, not every check.
  if (coordinator && record.kind !== 'check') reportTo(coordinator, record)
})

interface CircusBlock {
  type?: string
  mode?: string
  name?: string
  parent?: CircusBlock
  errors?: unknown[]
  children?: CircusBlock[]
  hooks?: CircusHook[]
  concurrent?: boolean
  status?: string
  fn?: HookFn
}

type HookFn = (this: unknown, ...args: unknown[]) => unknown

interface CircusHook {
  type: string
  fn: HookFn
  asyncError?: unknown
  timeout?: number
}

interface CircusState {
  rootDescribeBlock?: CircusBlock
  hasFocusedTests?: boolean
  testNamePattern?: unknown
  currentlyRunningTest?: (CircusBlock & { invocations?: number; startedAt?: number | null; timeout?: number }) | null
  maxConcurrency?: number
  testTimeout?: number
}

/** jest-circus's state, found by its symbol's description (Jest has no public API for it). */
let circusSymbol: symbol | undefined
function circusState(): CircusState | undefined {
  circusSymbol ??= Object.getOwnPropertySymbols(globalThis).find((s) => s.description === 'JEST_STATE_SYMBOL')
  return circusSymbol ? ((globalThis as Record<symbol, unknown>)[circusSymbol] as CircusState | undefined) : undefined
}

// test.concurrent tests run up to Jest's maxConcurrency at once: as many judge requests may fly.
useRunnerConcurrency(() => circusState()?.maxConcurrency)

/**
 * Whether every test of this file runs: no skip, todo or only, and no name filter. Jest
 * has no public API for it, so this reads jest-circus's state, found by its symbol's
 * description; when it cannot be found, the run counts as partial and nothing is pruned.
 */
function fullRun(): boolean {
  const state = circusState()
  if (!state?.rootDescribeBlock || state.hasFocusedTests || state.testNamePattern) return false
  const all = (b: CircusBlock): boolean => (b.mode === undefined || b.mode === 'run') && (b.children ?? []).every(all)
  return all(state.rootDescribeBlock)
}

/** A test's name as jest-circus builds `currentTestName`: its titles without the root block's. */
function circusName(test: CircusBlock): string {
  const names: string[] = []
  for (let b: CircusBlock | undefined = test; b?.parent; b = b.parent) names.unshift(b.name ?? '')
  return names.join(' ')
}

/** The tests of this file that failed (a retried test that passed in the end did not). */
function failedTests(): string[] {
  const out: string[] = []
  const walk = (b: CircusBlock) => {
    if (b.type === 'test' && (b.errors?.length ?? 0) > 0) out.push(circusName(b))
    for (const child of b.children ?? []) walk(child)
  }
  const root = circusState()?.rootDescribeBlock
  if (root) walk(root)
  return out
}

// Each attempt of a test (jest.retryTimes included) counts its unnamed baselines from 1.
beforeEach(() => {
  const state = expect.getState()
  beginTest(state.testPath, state.currentTestName)
})

// A judged assertion still running when its test ends was not awaited: fail the test.
// Concurrent tests share one expect state, which cannot tell them apart: for them only
// assertions that Jest's async context names are matched, the others are checked at the
// end of the file.
afterEach(() => {
  const state = expect.getState()
  const unawaited = takeUnawaited({ testPath: state.testPath, currentTestName: state.currentTestName }, circusState()?.currentlyRunningTest?.concurrent === true)
  if (unawaited) throw unawaited
  if (takeCollected(state.currentTestName)) throw collectedTestError(state.currentTestName)
})

// The end of the file: wait for what its tests left running, settle its stores, send its
// records, and fail it for un-awaited or late judged assertions. It must come after the
// file's own afterAll hooks (an awaited judged assertion there is recorded like any other),
// but Jest runs them in the order they were declared, this one first: see arrangeFile.
async function endFile(): Promise<void> {
  const state = expect.getState()
  try {
    if (state.testPath) {
      await drainFile(state.testPath, timersDue)
      await finishTestFile(state.testPath, { fullRun: fullRun(), failed: failedTests() }, state)
    }
  } finally {
    // A file with `.only` ran some of its tests: the reporter marks the run filtered.
    if (sideFile && state.testPath && circusState()?.hasFocusedTests) pending.push(`${JSON.stringify({ kind: 'focus', testPath: state.testPath })}\n`)
    writeRecords()
  }
  const unawaited = state.testPath ? takeUnawaitedInFile(state.testPath) : undefined
  if (unawaited) throw unawaited
}
// Above the default timeout: draining the file may wait a few seconds first.
afterAll(endFile, 30_000)

// beforeAll and afterAll hooks of the file, and concurrent tests' bodies (which Jest starts
// before any test is "running"), now running: a judged assertion then is theirs, not late.
let running = 0

/**
 * `fn`, counted in {@link running} while it runs, with its arity kept (Jest reads it for
 * `done`). When a returned promise resolves, `after` may return the error that fails it.
 */
function counted(fn: HookFn, after?: () => Error | undefined): HookFn {
  if (fn.constructor.name === 'GeneratorFunction') return fn
  if (fn.length > 0) {
    return function (this: unknown, done: unknown) {
      running++
      let left = false
      const leave = () => void (left || ((left = true), running--))
      const wrapped = Object.assign((...args: unknown[]) => (leave(), (done as (...a: unknown[]) => unknown)(...args)), done)
      try {
        return fn.call(this, wrapped)
      } catch (error) {
        leave()
        throw error
      }
    }
  }
  return function (this: unknown) {
    running++
    let result: unknown
    try {
      result = fn.call(this)
    } catch (error) {
      running--
      throw error
    }
    if (typeof (result as { then?: unknown } | undefined)?.then !== 'function') {
      running--
      return result
    }
    return Promise.resolve(result).then(
      (value) => {
        running--
        const error = after?.()
        if (error) throw error
        return value
      },
      (error: unknown) => {
        running--
        throw error
      },
    )
  }
}

/**
 * Runs first of the file's hooks, once every test and hook is declared: counts the file's
 * beforeAll/afterAll hooks and concurrent test bodies while they run, and moves the end of
 * the file after the file's own afterAll hooks. Jest has already listed the root's hooks,
 * so the hook objects keep their places and their functions move.
 */
function arrangeFile(): void {
  const file = expect.getState().testPath
  if (file) openFile(file)
  const root = circusState()?.rootDescribeBlock
  if (!root) return
  let concurrent = false
  const walk = (block: CircusBlock) => {
    for (const hook of block.hooks ?? []) if ((hook.type === 'beforeAll' || hook.type === 'afterAll') && hook.fn !== (endFile as HookFn) && hook.fn !== (arrangeFile as HookFn)) hook.fn = counted(hook.fn)
    for (const child of block.children ?? []) {
      if (child.type === 'test' && child.concurrent && child.fn) {
        // Jest runs no beforeEach/afterEach around concurrent tests: the body's end is the
        // test's end, where its judged assertions still running were not awaited.
        const testPath = expect.getState().testPath
        const name = circusName(child)
        child.fn = counted(child.fn, () => takeUnawaited({ testPath, currentTestName: name }, true))
        concurrent = true
      } else walk(child)
    }
  }
  walk(root)
  const afters = (root.hooks ?? []).filter((h) => h.type === 'afterAll')
  for (let i = afters.findIndex((h) => h.fn === (endFile as HookFn)); i >= 0 && i < afters.length - 1; i++) {
    const [a, b] = [afters[i]!, afters[i + 1]!]
    ;[a.fn, b.fn] = [b.fn, a.fn]
    ;[a.asyncError, b.asyncError] = [b.asyncError, a.asyncError]
    ;[a.timeout, b.timeout] = [b.timeout, a.timeout]
  }
  // Jest 30 refuses require() outside a test's or hook's code, which is where concurrent
  // test bodies run: load the judge's and the entity matchers' dependencies now.
  if (concurrent) {
    loadOpenAI()
    loadNlp()
  }
}
beforeAll(arrangeFile)

// A judged assertion belongs to the running test, or to a hook or concurrent test body
// that runs; otherwise it started after its test ended. Jest 30 also names the test whose
// code started it, which tells a late one apart while another test runs.
setMomentProvider((owner) => {
  const state = circusState()
  const origin = (owner as { currentTestIdentity?: () => CircusBlock | undefined }).currentTestIdentity?.()
  if (origin && origin.status === 'done' && origin !== state?.currentlyRunningTest) return 'outside'
  if (state?.currentlyRunningTest) return 'test'
  return running > 0 ? 'hook' : 'outside'
})
// Short timers the tests leave are waited for at the file's end (see src/timers.ts).
watchTimers()

export { describeEval, type EvalOptions, type TrialInfo } from './jest-eval.js'
