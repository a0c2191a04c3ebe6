// Setup file for Jest 29 and 30: `setupFilesAfterEnv: ['assay/jest']`. It extends the `expect`
// that `@jest/globals` hands out, which is also the global one when globals are injected.
import { appendFileSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, expect } from '@jest/globals'
import * as matchers from '../matchers/index.js'
import { beginTest } from '../src/baseline/runtime.js'
import { reportTo } from '../src/judge/coordinator.js'
import { coordinatorURL, useCoordinator, useRunnerConcurrency } from '../src/judge/runtime.js'
import { loadNlp, loadOpenAI } from '../src/lazy.js'
import { finishTestFile } from '../src/lifecycle.js'
import { shareSecrets } from '../src/judge/secret-sharing.js'
import { takeUnawaited, takeUnawaitedInFile } from '../src/pending.js'
import { setRunner } from '../src/runner.js'
import { deadlineOf, setRecordSink, setTestContextProvider } from '../src/report/records.js'
import { checkInstalledRunner } from '../src/runner-support.js'

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
setRecordSink((record) => {
  // The attempt lets the reporter keep only the last attempt of a retried test (jest.retryTimes).
  if (sideFile) pending.push(`${JSON.stringify({ ...record, attempt: circusState()?.currentlyRunningTest?.invocations ?? 1 })}\n`)
  const coordinator = coordinatorURL()
  // The run summary counts judge verdicts, app calls and stores, not every check.
  if (coordinator && record.kind !== 'check') reportTo(coordinator, record)
})

interface CircusBlock {
  type?: string
  concurrent?: boolean
  mode?: string
  name?: string
  parent?: CircusBlock
  errors?: unknown[]
  children?: CircusBlock[]
}

interface CircusState {
  rootDescribeBlock?: CircusBlock
  hasFocusedTests?: boolean
  testNamePattern?: unknown
  currentlyRunningTest?: { invocations?: number; concurrent?: boolean; startedAt?: number | null; timeout?: number } | null
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

// Jest refuses a require while no test of the file is running, and that is where a
// concurrent test resumes after an await once another concurrent test has ended. The judge
// and the entity extractor load their dependencies on first use, so in a file with
// concurrent tests they are loaded here, while Jest still allows it.
beforeAll(() => {
  const concurrent = (b: CircusBlock): boolean => (b.type === 'test' && b.concurrent === true) || (b.children ?? []).some(concurrent)
  const root = circusState()?.rootDescribeBlock
  if (root && concurrent(root)) {
    loadOpenAI()
    loadNlp()
  }
})

// Each attempt of a test (jest.retryTimes included) counts its unnamed baselines from 1.
beforeEach(() => {
  const state = expect.getState()
  beginTest(state.testPath, state.currentTestName)
})

// A judged assertion still running when its test ends was not awaited: fail the test.
// Concurrent tests share one expect, which cannot tell them apart: they are checked at
// the end of the file instead.
afterEach(() => {
  if (circusState()?.currentlyRunningTest?.concurrent) return
  const state = expect.getState()
  const unawaited = takeUnawaited({ testPath: state.testPath, currentTestName: state.currentTestName })
  if (unawaited) throw unawaited
})

afterAll(async () => {
  const state = expect.getState()
  try {
    if (state.testPath) await finishTestFile(state.testPath, { fullRun: fullRun(), failed: failedTests() }, state)
  } finally {
    writeRecords()
  }
  const unawaited = state.testPath ? takeUnawaitedInFile(state.testPath) : undefined
  if (unawaited) throw unawaited
})
