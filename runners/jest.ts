// Setup file for Jest 30: `setupFilesAfterEnv: ['assay/jest']`. It extends the `expect`
// that `@jest/globals` hands out, which is also the global one when globals are injected.
import { appendFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, expect } from '@jest/globals'
import * as matchers from '../matchers/index.js'
import { reportTo } from '../src/judge/coordinator.js'
import { coordinatorURL, useCoordinator, useRunnerConcurrency } from '../src/judge/runtime.js'
import { finishTestFile } from '../src/lifecycle.js'
import { setRecordSink, setTestContextProvider } from '../src/report/records.js'

expect.extend(matchers)
setTestContextProvider(() => {
  const state = expect.getState()
  return { testPath: state.testPath, testName: state.currentTestName }
})
useCoordinator(process.env.ASSAY_COORDINATOR)

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
  mode?: string
  children?: CircusBlock[]
}

interface CircusState {
  rootDescribeBlock?: CircusBlock
  hasFocusedTests?: boolean
  testNamePattern?: unknown
  currentlyRunningTest?: { invocations?: number } | null
  maxConcurrency?: number
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

afterAll(async () => {
  const state = expect.getState()
  try {
    if (state.testPath) await finishTestFile(state.testPath, fullRun(), state)
  } finally {
    writeRecords()
  }
})
