import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import AssayJestReporter from '../../reporters/jest.js'
import { post } from '../../src/judge/coordinator.js'
import { resetSecrets } from '../../src/secrets.js'
import { parseResults } from '../../src/report/schema.js'

let root: string
let records: string
let saved: string | undefined
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'assay-jest-reporter-'))
  records = join(root, 'records')
  saved = process.env.ASSAY_RECORDS_DIR
  process.env.ASSAY_RECORDS_DIR = records
  // As under assay's global setup, so that the reporter starts no receiver of its own for
  // the workers' keys (the tests of that receiver remove it).
  process.env.ASSAY_COORDINATOR = 'http://assay:token@127.0.0.1:9'
  vi.spyOn(console, 'log').mockImplementation(() => {})
})
afterEach(() => {
  if (saved === undefined) delete process.env.ASSAY_RECORDS_DIR
  else process.env.ASSAY_RECORDS_DIR = saved
  delete process.env.ASSAY_COORDINATOR
  vi.restoreAllMocks()
  rmSync(root, { recursive: true, force: true })
})

const file = () => join(root, 'a.test.js')
const aggregated = () => ({
  startTime: Date.parse('2026-11-28T10:00:00Z'),
  numFailedTests: 1,
  numRuntimeErrorTestSuites: 0,
  testResults: [
    {
      testFilePath: file(),
      perfStats: { runtime: 40 },
      testResults: [
        { ancestorTitles: ['summary'], title: 'keeps names', status: 'passed', duration: 3, failureMessages: [] },
        { ancestorTitles: ['summary'], title: 'is short', status: 'failed', duration: 4, failureMessages: ['Error: too long\n    at Object.<anonymous> (/x/a.test.js:9:3)'], failureDetails: [{ name: 'JestAssertionError', message: 'too long' }] },
        { ancestorTitles: [], title: 'later', status: 'pending', duration: null, failureMessages: [] },
        { ancestorTitles: [], title: 'some day', status: 'todo', failureMessages: [] },
      ],
    },
  ],
})

const line = (r: object) => `${JSON.stringify({ testPath: file(), ...r })}\n`

test('joins each worker’s records to its test by file and full name, and writes every output', () => {
  const reporter = new AssayJestReporter({ rootDir: root }, { outputDir: 'out' })
  reporter.onRunStart()
  mkdirSync(records, { recursive: true })
  writeFileSync(join(records, 'worker-1-100.jsonl'), line({ kind: 'check', testName: 'summary keeps names', matcher: 'toPreserveEntities', pass: true, negated: false, details: { entities: { kept: ['Apple'], missing: [] } } }))
  // A second worker, whose last line was cut short by a crash.
  writeFileSync(
    join(records, 'worker-2-200.jsonl'),
    line({ kind: 'check', testName: 'summary is short', matcher: 'toBeConcise', pass: false, negated: false, message: 'too long' }) +
      line({ kind: 'baseline', path: join(root, '__llm_baselines__/a.test.js.json'), obsolete: ['old 1'], pruned: 0, written: 2, updated: 0 }) +
      '{"kind": "check", "testPa',
  )
  reporter.onRunComplete(undefined, aggregated())
  const results = parseResults(readFileSync(join(root, 'out/results.json'), 'utf8'))
  expect(results.run).toMatchObject({ runner: 'jest', startedAt: '2026-11-28T10:00:00.000Z', status: 'failed' })
  const [f] = results.files
  expect(f).toMatchObject({ path: 'a.test.js', durationMs: 40, stores: [{ kind: 'baseline', path: '__llm_baselines__/a.test.js.json', obsolete: ['old 1'], written: 2 }] })
  expect(f!.tests.map((t) => [t.titles.join(' › '), t.state, t.assertions.map((a) => a.matcher)])).toEqual([
    ['summary › keeps names', 'passed', ['toPreserveEntities']],
    ['summary › is short', 'failed', ['toBeConcise']],
    ['later', 'skipped', []],
    ['some day', 'todo', []],
  ])
  expect(f!.tests[1]!.errors).toEqual(['too long'])
  expect(existsSync(join(root, 'out/index.html'))).toBe(true)
  expect(readdirSync(join(root, 'out/history'))).toHaveLength(1)
  expect(reporter.last?.results).toEqual(results)
  // Records the user's folder holds are kept for them; a new run starts from an empty folder.
  expect(readdirSync(records)).toHaveLength(2)
  reporter.onRunStart()
  expect(readdirSync(records)).toEqual([])
})

test('a retried test keeps the records of its last attempt only', () => {
  const reporter = new AssayJestReporter({ rootDir: root }, { summary: false, html: false, history: false })
  reporter.onRunStart()
  const check = (attempt: number, pass: boolean) => line({ kind: 'check', testName: 'summary is short', matcher: 'toBeConcise', pass, negated: false, attempt })
  writeFileSync(join(records, 'worker-1-1.jsonl'), check(1, false) + check(2, false) + check(3, true))
  reporter.onRunComplete(undefined, aggregated())
  expect(reporter.last!.results.files[0]!.tests[1]!.assertions).toEqual([{ matcher: 'toBeConcise', pass: true, negated: false }])
})

test('with no records folder set, it makes one for the workers and removes it after the run', () => {
  delete process.env.ASSAY_RECORDS_DIR
  const reporter = new AssayJestReporter({ rootDir: root }, { summary: false, html: false, history: false })
  const made = process.env.ASSAY_RECORDS_DIR!
  expect(made).toMatch(/assay-records-/)
  reporter.onRunStart()
  reporter.onRunComplete(undefined, aggregated())
  expect(existsSync(made)).toBe(false)
  expect(existsSync(join(root, 'assay-report/results.json'))).toBe(true)
  expect(existsSync(join(root, 'assay-report/index.html'))).toBe(false)
  expect(existsSync(join(root, 'assay-report/history'))).toBe(false)
})

test('bad options are a usage error that names the option', () => {
  expect(() => new AssayJestReporter({ rootDir: root }, { outputdir: 'x' } as never)).toThrow(/assay reporter: invalid options \(options: Unrecognized key: "outputdir"\)/)
  expect(() => new AssayJestReporter({ rootDir: root }, { history: -1 })).toThrow(/history: /)
})

test('without a coordinator, the run has one of the reporter\'s: keys the workers send there are redacted from the report, and it closes after the run', async () => {
  delete process.env.ASSAY_COORDINATOR
  try {
    const reporter = new AssayJestReporter({ rootDir: root }, { summary: false, html: false, history: false })
    await reporter.onRunStart()
    const url = process.env.ASSAY_SECRETS_URL
    expect(url).toMatch(/^http:\/\/assay:[0-9a-f]+@127\.0\.0\.1:\d+$/)
    // What a worker's shareSecrets does: the key reaches this process in memory only.
    await post(url!, '/secrets', { keys: ['sk-worker-only-0123456789'] })
    const run = aggregated()
    run.testResults[0]!.testResults[1]!.failureDetails = [{ name: 'Error', message: 'the app replied: you sent sk-worker-only-0123456789' }]
    await reporter.onRunComplete(undefined, run)
    const written = readFileSync(join(root, 'assay-report/results.json'), 'utf8')
    expect(written).toContain('the app replied: you sent [REDACTED]')
    expect(written).not.toContain('sk-worker-only')
    expect(process.env.ASSAY_SECRETS_URL).toBeUndefined()
    await expect(post(url!, '/secrets', { keys: [] })).rejects.toThrow(/is not running/)
  } finally {
    resetSecrets()
  }
})

test('with the coordinator of assay\'s global setup, the reporter starts none: workers send their keys to the coordinator', async () => {
  const reporter = new AssayJestReporter({ rootDir: root }, { summary: false, html: false, history: false })
  await reporter.onRunStart()
  expect(process.env.ASSAY_SECRETS_URL).toBeUndefined()
  await reporter.onRunComplete(undefined, aggregated())
})

test('a shard\'s results carry the run id and Jest\'s resolved shard', () => {
  vi.stubEnv('ASSAY_RUN_ID', '')
  vi.stubEnv('GITHUB_RUN_ID', '555')
  vi.stubEnv('GITHUB_RUN_ATTEMPT', '3')
  try {
    const reporter = new AssayJestReporter({ rootDir: root, shard: { shardIndex: 3, shardCount: 4 } }, { summary: false, html: false, history: false })
    reporter.onRunStart()
    reporter.onRunComplete(undefined, aggregated())
    expect(reporter.last!.results.run).toMatchObject({ id: '555-3', shard: { index: 3, count: 4 } })
    const whole = new AssayJestReporter({ rootDir: root }, { summary: false, html: false, history: false })
    whole.onRunStart()
    whole.onRunComplete(undefined, aggregated())
    expect(whole.last!.results.run.shard).toBeUndefined()
  } finally {
    vi.unstubAllEnvs()
  }
})
