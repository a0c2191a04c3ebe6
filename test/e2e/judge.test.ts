// The judge's cassettes under real runners with the coordinator (the Vitest plugin, Jest's
// global setup): several test files asking the identical question at the same time share
// one HTTP call, and each must still record the answer in its own cassette, or it misses on
// CI; and an answer without a verdict is never recorded, so the next run asks again.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { startFixtureServer, type FixtureServer } from '../../fixtures/server/index.js'
import { mountTmpfs, remountReadOnly, tmpfsUnavailable } from '../store/tmpfs.js'
import { FixtureProject, node22Path, root, runners as allRunners, type RunResult } from './harness.js'

const FILES = ['shared-a', 'shared-b', 'shared-c']

/** The URL of a port that was just free and is closed now: connections to it are refused. */
async function closedPort(): Promise<string> {
  const http = createServer()
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/v1`
  await new Promise((resolve) => http.close(resolve))
  return url
}

// Each file waits until all of them have started, so their requests leave together; the
// judge's latency then keeps the first one in flight while the others ask the coordinator.
const body = (fs: string) => `${fs}
const barrier = process.env.BARRIER_DIR
async function together() {
  if (!barrier) return
  mkdirSync(barrier, { recursive: true })
  writeFileSync(barrier + '/' + Math.random().toString(36).slice(2), '')
  for (let i = 0; readdirSync(barrier).length < ${FILES.length}; i++) {
    if (i > 3000) throw new Error('the other test files never started')
    await new Promise((r) => setTimeout(r, 20))
  }
}

test('pass: shared judged', async () => {
  await together()
  await expect('- Revenue rose 5% to $85.8 billion.').toScoreAtLeast(7, { source: 'Apple reported revenue of $85.8 billion, up 5%.' })
})
`

interface Runner {
  name: string
  project: string
  trees?: () => string[]
  esm: boolean
  /** Writes what the project needs for the coordinator, where its fixture config lacks it. */
  prepare?: (p: FixtureProject) => void
  run(p: FixtureProject, files: string, env: Record<string, string>, extra?: string[]): Promise<RunResult>
  /** Arguments that make the runner write Jest-format results to results.json. */
  results: string[]
}

const vitest = (node: () => string) => (p: FixtureProject, files: string, env: Record<string, string>, extra: string[] = []) =>
  p.run(node(), ['node_modules/vitest/vitest.mjs', 'run', files, '--maxWorkers=4', ...extra], env)
const vitestResults = ['--reporter=default', '--reporter=json', '--outputFile.json=results.json', '--reporter=assay/reporter']

const runners: Runner[] = [
  { name: 'Vitest 4 with the plugin', project: 'vitest-esm', esm: true, run: vitest(() => process.execPath), results: vitestResults },
  {
    name: 'Vitest 5 with the plugin',
    project: 'vitest5',
    esm: true,
    trees: () => [join(root, 'test/e2e/vitest5/node_modules'), join(root, 'node_modules')],
    prepare: (p) => writeFileSync(join(p.dir, 'vitest.config.js'), "import { defineConfig } from 'vitest/config'\nimport { assay } from 'assay/vitest/plugin'\n\nexport default defineConfig({ plugins: [assay()] })\n"),
    run: vitest(node22Path),
    results: vitestResults,
  },
  {
    name: 'Jest 30 with its global setup',
    project: 'jest-cjs',
    esm: false,
    run: (p, files, env, extra = []) => p.run(process.execPath, ['node_modules/jest/bin/jest.js', '--ci', '--maxWorkers=4', files, ...extra], env),
    results: ['--json', '--outputFile=results.json'],
  },
]

describe.each(runners)('$name: judge answers and cassettes', (runner) => {
  let refuse = false
  let project: FixtureProject
  let judge: FixtureServer
  const env = () => ({ OPENAI_BASE_URL: judge.url, OPENAI_API_KEY: 'sk-e2e-flight' })
  const entries = (file: string) => Object.keys((JSON.parse(readFileSync(join(project.dir, '__llm_cassettes__', `${file}.test.js.json`), 'utf8')) as { entries: object }).entries)

  beforeAll(async () => {
    project = new FixtureProject(runner.project, inject('assayPackage'), runner.trees?.())
    runner.prepare?.(project)
    const header = readFileSync(join(project.dir, 'header.js'), 'utf8')
    const fs = runner.esm ? "import { mkdirSync, readdirSync, writeFileSync } from 'node:fs'" : "const { mkdirSync, readdirSync, writeFileSync } = require('node:fs')"
    for (const file of FILES) writeFileSync(join(project.dir, `${file}.test.js`), `${header}\n${body(fs)}`)
    writeFileSync(join(project.dir, 'refused.test.js'), `${header}\ntest('pass: judged after a refusal', async () => {\n  await expect('- Revenue rose 5%.').toScoreAtLeast(7, { source: 'Revenue rose 5%.' })\n})\n`)
    judge = await startFixtureServer({
      latencyMs: 1500,
      respond: () =>
        refuse
          ? { content: null, refusal: 'I cannot help with that.' }
          : JSON.stringify({ criteria: Object.fromEntries(['accuracy', 'completeness', 'conciseness'].map((k) => [k, { reasoning: 'Matches the source.', score: 9 }])) }),
    })
  })
  afterAll(async () => {
    await judge?.close()
    project?.remove()
  })

  test('every file that asked records the answer, and a CI re-run replays all of them with no request', async () => {
    const first = await runner.run(project, 'shared-', { ...env(), CI: '', BARRIER_DIR: join(project.dir, 'barrier') })
    expect(first.code, first.output).toBe(0)
    // One HTTP call answered all three files: the answer was shared, not asked three times.
    expect(judge.requests).toHaveLength(1)
    for (const file of FILES) expect(entries(file), file).toHaveLength(1)
    expect(new Set(FILES.map((f) => entries(f)[0])).size).toBe(1)
    // Each file keeps the slim entry: the score tokens' alternatives, not every token's log-probs.
    const cassette = readFileSync(join(project.dir, '__llm_cassettes__', `${FILES[0]}.test.js.json`), 'utf8')
    expect(JSON.parse(cassette)).toMatchObject({ assay: 'cassette', version: 3 })
    expect(cassette).toContain('"scores"')
    expect(cassette).not.toContain('"bytes"')

    const again = await runner.run(project, 'shared-', { ...env(), CI: '1' })
    expect(again.code, again.output).toBe(0)
    expect(again.output).toMatch(/assay: judge 0 live, 3 replayed; 0 requests/)
    expect(judge.requests).toHaveLength(1)
  })

  test('a refusal fails the test and is not recorded; the next run asks again and passes', async () => {
    const cassette = join(project.dir, '__llm_cassettes__', 'refused.test.js.json')
    refuse = true
    const before = judge.requests.length
    const refused = await runner.run(project, 'refused', { ...env(), CI: '' })
    expect(refused.code, refused.output).toBe(1)
    expect(refused.output).toContain('The judge refused to score: I cannot help with that.')
    expect(refused.output).toContain('The answer was live and is not recorded, so the next run asks the judge again.')
    expect(judge.requests.length).toBe(before + 1)
    expect(existsSync(cassette)).toBe(false)

    refuse = false
    const answered = await runner.run(project, 'refused', { ...env(), CI: '' })
    expect(answered.code, answered.output).toBe(0)
    expect(judge.requests.length).toBe(before + 2)
    expect(Object.keys((JSON.parse(readFileSync(cassette, 'utf8')) as { entries: object }).entries)).toHaveLength(1)
    const replayed = await runner.run(project, 'refused', { ...env(), CI: '1' })
    expect(replayed.code, replayed.output).toBe(0)
    expect(judge.requests.length).toBe(before + 2)
  })
})

// A dead endpoint is learnt once for the run, through the coordinator's shared circuit
// breaker, not once per worker or per test file.
describe.each(runners)('$name: a dead endpoint', (runner) => {
  const FILES = 6
  const TESTS = 2
  let project: FixtureProject
  beforeAll(() => {
    project = new FixtureProject(runner.project, inject('assayPackage'), runner.trees?.())
    runner.prepare?.(project)
    const header = readFileSync(join(project.dir, 'header.js'), 'utf8')
    for (let f = 0; f < FILES; f++) {
      const tests = Array.from({ length: TESTS }, (_, t) => `test('dead ${f}-${t}', async () => {\n  await expect('- Revenue rose ${f}.${t}%.').toScoreAtLeast(7)\n})\n`)
      writeFileSync(join(project.dir, `dead-${f}.test.js`), `${header}\n${tests.join('')}`)
    }
  })
  afterAll(() => project?.remove())

  test('with 4 workers, few connections are attempted, and every judged test fails naming ECONNREFUSED and the URL', async () => {
    const url = await closedPort()
    const started = Date.now()
    const run = await runner.run(project, 'dead-', { OPENAI_BASE_URL: url, OPENAI_API_KEY: 'sk-e2e-dead', CI: '', ASSAY_CACHE: 'off' }, runner.results)
    const elapsed = Date.now() - started
    expect(run.code, run.output).toBe(1)
    const results = project.results()
    expect(results.size, run.output).toBe(FILES * TESTS)
    for (const [title, outcome] of results) {
      expect(outcome.status, title).toBe('failed')
      expect(outcome.message, title).toContain(`at ${url}: `)
      expect(outcome.message, title).toMatch(/ECONNREFUSED/)
    }
    // The breaker opens after 3 refusals in a row; each worker may have one attempt in flight
    // when it does, and one probe per 10 s interval is let through for the whole run. A
    // breaker per worker or per test file would attempt 3 per file: 18.
    const attempted = Number(/assay: judge 0 live, 0 replayed, 12 without a verdict; (\d+) requests?/.exec(run.output)?.[1])
    expect(attempted, run.output).toBeGreaterThanOrEqual(3)
    expect(attempted, run.output).toBeLessThanOrEqual(3 + 3 + Math.ceil(elapsed / 10_000))
  })
})

// A 429 asking for a wait under judge.maxRateLimitWaitMs but longer than the test's timeout
// fails the test at once, saying why, instead of letting the runner time it out.
describe.each(allRunners)('$name: a retry-after longer than the test has left', (runner) => {
  let project: FixtureProject
  let judge: FixtureServer
  beforeAll(async () => {
    project = new FixtureProject(runner.project, inject('assayPackage'), runner.trees?.())
    judge = await startFixtureServer()
  })
  afterAll(async () => {
    await judge?.close()
    project?.remove()
  })

  test('fails the judged test at once, naming the judge, the 429 and the wait, not with a timeout', async () => {
    project.writeTest('waits.test.js', "test('judged under a long 429', async () => {\n  await expect('- Revenue rose 5%.').toScoreAtLeast(7, { source: 'Revenue rose 5%.' })\n}, 5000)\n")
    judge.script({ kind: 'rate-limit', retryAfterMs: 60_000 })
    const run = await runner.run(project, undefined, 'waits.test.js', { OPENAI_BASE_URL: judge.url, OPENAI_API_KEY: 'sk-e2e-wait', CI: '' })
    expect(run.code, run.output).toBe(1)
    const outcome = project.results().get('judged under a long 429')
    expect(outcome?.status, run.output).toBe('failed')
    expect(outcome?.message).toMatch(new RegExp(`judge \\S+ at ${judge.url.replace(/[.]/g, '\\.')} answered 429 and asked to wait 60 s, longer than the \\d+\\.\\d s the test has left before its timeout`))
    expect(outcome?.message).toMatch(/longer timeout \(its timeout argument, or testTimeout/)
    expect(outcome?.message).not.toMatch(/timed out/i)
    expect(judge.requests).toHaveLength(1)
  })
})

// Tests in a read-only checkout (root ignores file modes, so a read-only mount stands for
// one): the judge answers, but its verdicts cannot be recorded. The run fails saying which
// folder cannot be written and how to fix it, never that the judge gave no verdict.
describe.skipIf(tmpfsUnavailable !== undefined).each(runners)(`$name: a read-only test folder${tmpfsUnavailable ? ` (skipped: ${tmpfsUnavailable})` : ''}`, (runner) => {
  test('judged tests fail naming the folder that cannot be written (EROFS) and the fix', async () => {
    const project = new FixtureProject(runner.project, inject('assayPackage'), runner.trees?.())
    runner.prepare?.(project)
    const judge = await startFixtureServer({ respond: () => JSON.stringify({ criteria: Object.fromEntries(['accuracy', 'completeness', 'conciseness'].map((k) => [k, { reasoning: 'Matches.', score: 9 }])) }) })
    const folder = join(project.dir, 'readonly')
    mkdirSync(folder)
    const disk = mountTmpfs(256 * 1024, folder)
    try {
      const header = readFileSync(join(project.dir, 'header.js'), 'utf8')
      const tests = [1, 2, 3].map((i) => `test('judged ${i}', async () => {\n  await expect('- Revenue rose ${i}%.').toScoreAtLeast(7, { source: 'Revenue rose ${i}%.' })\n})\n`)
      writeFileSync(join(folder, 'ro.test.js'), `${header}\n${tests.join('')}`)
      remountReadOnly(disk)
      const run = await runner.run(project, 'readonly/', { OPENAI_BASE_URL: judge.url, OPENAI_API_KEY: 'sk-e2e-ro', CI: '' })
      expect(run.code, run.output).toBe(1)
      expect(run.output).toContain(`the folder ${join(folder, '__llm_cassettes__')} cannot be written: read-only file system (EROFS)`)
      expect(run.output).toContain('Make the folder writable for this user, or keep the tests on a writable disk')
      expect(run.output).not.toContain('the judge gave no verdict')
      expect(run.output).not.toContain('ENOENT')
    } finally {
      disk.unmount()
      await judge.close()
      project.remove()
    }
  })
})
