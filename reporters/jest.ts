// `assay/reporter/jest`: the Jest 29 and 30 reporter. Jest has no per-test metadata, so the
// setup file (`assay/jest`) writes assay's records to one side file per worker in
// ASSAY_RECORDS_DIR; this reporter sets that folder up before the workers start and
// joins the records to Jest's results by test file and full test name.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildResults, type FileInput, type TestInput } from '../src/report/build.js'
import type { AssayRecord } from '../src/report/records.js'
import type { Results } from '../src/report/schema.js'
import { runId } from '../src/report/run-id.js'
import { errorText } from './errors.js'
import { claimSummary } from './claim.js'
import { checkInstalledRunner } from '../src/runner-support.js'
import { lateRunError, startCoordinator, type Coordinator } from '../src/judge/coordinator.js'
import { parseReporterOptions, writeReport, type ReporterOptions, type WrittenReport } from './output.js'
import { progressMode, type ProgressMode } from '../src/eval/progress.js'
import { jestReportersPrint, startProgress, type RunningProgress } from './progress.js'
import { jestFilters, type JestFilterSource } from './filters.js'

/** The parts of Jest's aggregated results this reporter reads. */
interface JestAssertionResult {
  ancestorTitles: string[]
  title: string
  status: string
  duration?: number | null
  failureMessages: string[]
  failureDetails?: unknown[]
}
interface JestTestResult {
  testFilePath: string
  testResults: JestAssertionResult[]
  testExecError?: { message?: string } | null
  perfStats?: { runtime?: number }
}
interface JestAggregatedResult {
  startTime: number
  numFailedTests: number
  numRuntimeErrorTestSuites: number
  testResults: JestTestResult[]
  wasInterrupted?: boolean
}

const STATES: Record<string, TestInput['state']> = { passed: 'passed', failed: 'failed', todo: 'todo' }

/** Joins a record to its Jest test: the setup file sees Jest's full name (titles joined by spaces). */
const recordKey = (testPath: string | undefined, testName: string | undefined) => `${testPath}\u0000${testName ?? ''}`

/** Reads every worker's side file; a torn last line (a killed worker) is skipped. */
function readRecords(dir: string): AssayRecord[] {
  let names: string[]
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.jsonl')).sort()
  } catch {
    return []
  }
  const records: AssayRecord[] = []
  for (const name of names) {
    for (const line of readFileSync(join(dir, name), 'utf8').split('\n')) {
      if (!line) continue
      try {
        records.push(JSON.parse(line) as AssayRecord)
      } catch {
        // A worker killed mid-write leaves at most its last line incomplete.
      }
    }
  }
  return records
}

function clearRecords(dir: string): void {
  try {
    for (const n of readdirSync(dir)) if (n.endsWith('.jsonl')) rmSync(join(dir, n), { force: true })
  } catch {
    // Nothing there yet.
  }
}

/**
 * The assay reporter for Jest: writes results.json, index.html and the run history to the
 * report folder, prints a summary, and on GitHub Actions writes the step summary and
 * `::error` annotations.
 *
 * @example
 * ```js
 * // jest.config.js
 * module.exports = {
 *   setupFilesAfterEnv: ['assay/jest'],
 *   reporters: ['default', ['assay/reporter/jest', { outputDir: 'assay-report' }]],
 * }
 * ```
 */
export default class AssayJestReporter {
  readonly #options: ReporterOptions
  readonly #root: string
  /** Jest's `--shard`, 1-based. */
  readonly #shard: { index: number; count: number } | undefined
  readonly #records: string
  /** Whether this reporter made the records folder (and so removes it after the run). */
  readonly #ownRecords: boolean
  /** Where workers send the keys they learn when assay's global setup runs no coordinator. */
  #keys: Promise<Coordinator> | undefined
  #ownCoordinator: Coordinator | undefined
  /** What fails the run although every test passed: judged assertions that started after their file ended. */
  #late: Error | undefined
  /** How the run was told to run only some tests (`-t`, path patterns, --onlyChanged…). */
  readonly #filtered: string[]
  readonly #progressMode: ProgressMode
  #progress: RunningProgress | undefined
  #filesLeft: number | undefined
  /** The last run's results and files, for programmatic use. */
  last: { results: Results; written: WrittenReport } | undefined

  constructor(globalConfig?: { rootDir?: string; shard?: { shardIndex: number; shardCount: number } | null; reporters?: unknown[] | null } & JestFilterSource, options?: ReporterOptions) {
    this.#options = parseReporterOptions(options)
    this.#filtered = jestFilters(globalConfig ?? {})
    this.#progressMode = progressMode({ env: process.env, option: this.#options.progress, tty: process.stderr.isTTY === true, runnerPrints: jestReportersPrint(globalConfig?.reporters) })
    this.#root = globalConfig?.rootDir ?? process.cwd()
    const shard = globalConfig?.shard
    this.#shard = shard ? { index: shard.shardIndex, count: shard.shardCount } : undefined
    checkInstalledRunner('jest', this.#root)
    // Workers inherit the environment; they start after the reporters are made.
    this.#ownRecords = !process.env.ASSAY_RECORDS_DIR
    process.env.ASSAY_RECORDS_DIR ||= mkdtempSync(join(tmpdir(), 'assay-records-'))
    this.#records = process.env.ASSAY_RECORDS_DIR
    claimSummary()
  }

  onRunStart(aggregated?: { numTotalTestSuites?: number }): Promise<void> {
    this.#progress?.stop()
    // Jest's default reporter writes to stderr and redraws its status around what others write there.
    this.#progress = startProgress(this.#progressMode, (line) => void process.stderr.write(`${line}\n`))
    // Files not yet run declare their datasets later: the line must not read as the end before.
    this.#filesLeft = aggregated?.numTotalTestSuites
    if (this.#filesLeft !== undefined) this.#progress.files(this.#filesLeft)
    mkdirSync(this.#records, { recursive: true })
    clearRecords(this.#records)
    // Keys a worker learns must reach this process, where the runner's errors are redacted:
    // through the coordinator of assay's global setup (which ran before this), or one of
    // this reporter's. Workers start after this and inherit the variable.
    if (process.env.ASSAY_COORDINATOR || this.#keys) return Promise.resolve()
    const keys = (this.#keys = startCoordinator())
    return keys.then((k) => {
      this.#ownCoordinator = k
      process.env.ASSAY_SECRETS_URL = k.url
      process.env.ASSAY_LATE_DIR = k.lateDir
    })
  }

  onTestFileResult(): void {
    if (this.#filesLeft === undefined) return
    this.#progress?.files((this.#filesLeft = Math.max(0, this.#filesLeft - 1)))
  }

  onRunComplete(_contexts: unknown, aggregated: JestAggregatedResult): Promise<void> {
    this.#progress?.stop()
    this.#progress = undefined
    const read = readRecords(this.#records)
    // The setup file's note of a file whose tests were focused with `.only`; no test's record.
    const isFocus = (r: AssayRecord) => (r as { kind: string }).kind === 'focus'
    const records = read.filter((r) => !isFocus(r))
    const focused = read.some(isFocus)
    const byTest = new Map<string, AssayRecord[]>()
    const byFile = new Map<string, AssayRecord[]>()
    const add = (map: Map<string, AssayRecord[]>, key: string, r: AssayRecord) => {
      const list = map.get(key)
      if (list) list.push(r)
      else map.set(key, [r])
    }
    // A retried test keeps the records of its last attempt only, as its result does.
    const lastAttempt = new Map<string, number>()
    const testKey = (r: AssayRecord) => recordKey(r.testPath, (r as { testName?: string }).testName)
    const attemptOf = (r: AssayRecord) => (r as { attempt?: number }).attempt ?? 1
    for (const r of records) lastAttempt.set(testKey(r), Math.max(lastAttempt.get(testKey(r)) ?? 1, attemptOf(r)))
    for (const r of records) {
      if (!r.testPath) continue
      if (r.kind === 'cassette' || r.kind === 'baseline') add(byFile, r.testPath, r)
      else if (attemptOf(r) === lastAttempt.get(testKey(r))) add(byTest, testKey(r), r)
    }
    const files: FileInput[] = aggregated.testResults.map((file) => ({
      path: file.testFilePath,
      durationMs: file.perfStats?.runtime ?? null,
      errors: file.testExecError ? [errorText(file.testExecError)] : [],
      records: byFile.get(file.testFilePath) ?? [],
      tests: file.testResults.map((t) => {
        const titles = [...t.ancestorTitles, t.title]
        const state = STATES[t.status] ?? 'skipped'
        return {
          titles,
          state,
          durationMs: state === 'passed' || state === 'failed' ? (t.duration ?? null) : null,
          errors: t.failureMessages.map((m, i) => (t.failureDetails?.[i] && typeof (t.failureDetails[i] as { message?: unknown }).message === 'string' ? errorText(t.failureDetails[i]) : m)),
          records: byTest.get(recordKey(file.testFilePath, titles.join(' '))) ?? [],
        }
      }),
    }))
    // Written down by workers (which are all stopped by now) in the run's coordinator: assay's
    // global setup's, or this reporter's own.
    const coordinator = (globalThis as { __assayCoordinator?: Coordinator }).__assayCoordinator ?? this.#ownCoordinator
    const late = coordinator?.late() ?? []
    this.#late = late.length > 0 ? lateRunError(late) : undefined
    // Jest fails the run for a reporter's error, but does not print it.
    if (this.#late) process.stderr.write(`${this.#late.message}\n`)
    const failed = aggregated.numFailedTests > 0 || aggregated.numRuntimeErrorTestSuites > 0 || late.length > 0
    const results = buildResults({
      runner: 'jest',
      root: this.#root,
      startedAt: new Date(aggregated.startTime),
      durationMs: Date.now() - aggregated.startTime,
      status: aggregated.wasInterrupted ? 'interrupted' : failed ? 'failed' : 'passed',
      errors: late,
      files,
      id: runId(process.env),
      shard: this.#shard,
      filtered: focused ? [...this.#filtered, '.only'] : this.#filtered,
    })
    this.last = { results, written: writeReport(results, this.#root, this.#options) }
    if (this.#ownRecords) rmSync(this.#records, { recursive: true, force: true })
    const keys = this.#keys
    this.#keys = undefined
    this.#ownCoordinator = undefined
    if (!keys) return Promise.resolve()
    delete process.env.ASSAY_SECRETS_URL
    delete process.env.ASSAY_LATE_DIR
    return keys.then((k) => k.close())
  }

  /** Jest fails the run when a reporter has an error: here, judged assertions that started after their file ended. */
  getLastError(): Error | undefined {
    return this.#late
  }
}
