// A runner's retry of dataset cases (Vitest's --retry, Jest's retryTimes) under real runners:
// each case's first attempt fails both its trials, and a second attempt would pass them, so
// a retry that ran again would turn a failed dataset into a passed one and hide half its
// spend. The dataset must fail with the first attempt's trials and cost, the app must get
// the first attempt's calls only, and the progress line must never count past its total.
// And two datasets of one name in one file, which would be merged into one, are refused.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { startFixtureServer, type FixtureServer } from '../../fixtures/server/index.js'
import { parseResults } from '../../src/report/schema.js'
import { FixtureProject, runners as allRunners } from './harness.js'

const runners = allRunners.filter((r) => ['Vitest 3.2 (ESM, Node 20)', 'Vitest 4 (ESM, Node 20)', 'Vitest 5 (ESM, Node 22)', 'Jest 29 (CommonJS, globals)', 'Jest 30 (CommonJS, globals)'].includes(r.name))

const body = (esm: boolean) => `${esm ? "import { describeEval } from 'assay/vitest'\nimport OpenAI from 'openai'\nimport { recordingFetch } from 'assay'" : "const { describeEval } = require('assay/jest')\nconst OpenAI = require('openai')\nconst { recordingFetch } = require('assay')\njest.retryTimes(2)"}

const app = new OpenAI({ baseURL: process.env.OPENAI_BASE_URL, apiKey: 'sk-e2e-app', fetch: recordingFetch(), maxRetries: 0 })

// Two quick cases of one trial first, so the progress line counts trials of mixed datasets.
describeEval('quick', { data: [{ id: 'q0' }, { id: 'q1' }], schema: z.object({ id: z.string() }), task: () => 'ok' })

const runs = new Map()
describeEval('retried', {
  data: () => Array.from({ length: 4 }, (_, i) => ({ id: 'r' + i })),
  schema: z.object({ id: z.string() }),
  task: async (input) => {
    const n = (runs.get(input.id) ?? 0) + 1
    runs.set(input.id, n)
    const reply = await app.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Row ' + input.id + ' ' + 'revenue rose 5%. '.repeat(50) }] })
    return { run: n, text: reply.choices[0].message.content }
  },
  // The first attempt's two trials fail; a retry's would pass.
  assert: (output) => {
    if (output.run <= 2) throw new Error('run ' + output.run + ' fails')
  },
  trials: 2,
  concurrency: 1,
  timeout: 60000,
  thresholds: { passRate: 0.6, maxCost: 1 },
})
`

// Before the second dataset is declared (a slow start), its trials are "1 trial each".
const LINE = /^assay: (\d+)\/(\d+) cases \((?:(\d+)\/(\d+) trials|1 trial each)\), .*\$(\d+\.\d{4}) so far$/

describe.each(runners)('$name: a retry of dataset cases', (runner) => {
  let project: FixtureProject
  let server: FixtureServer
  const jest = runner.project.startsWith('jest')

  beforeAll(async () => {
    project = new FixtureProject(runner.project, inject('assayPackage'), runner.trees?.())
    project.writeTest('retry.test.js', body(!jest))
    project.writeTest('twice.test.js', `${jest ? "const { describeEval } = require('assay/jest')" : "import { describeEval } from 'assay/vitest'"}
const rows = [{ id: 'a' }, { id: 'b' }]
describeEval('same', { data: rows, schema: z.object({ id: z.string() }), task: () => 'first', thresholds: { passRate: 0.9 } })
describeEval('other', { data: rows, schema: z.object({ id: z.string() }), task: () => 'other' })
describeEval('same', { data: rows, schema: z.object({ id: z.string() }), task: () => 'second' })
`)
    // Slow enough that the run outlasts the progress line's 3 s.
    server = await startFixtureServer({ latencyMs: 500 })
  })
  afterAll(async () => {
    await server?.close()
    project?.remove()
  })

  test("leaves the dataset failing with its first attempt's trials and cost, and the progress within its total", async () => {
    const run = await runner.run(project, undefined, 'retry.test.js', { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'sk-e2e-judge', ASSAY_CACHE: 'auto', CI: 'true' }, jest ? [] : ['--retry', '2'])
    expect(run.code, run.output).toBe(1)
    // 4 cases × 2 trials, each one app call: no case ran a second time.
    expect(server.requests).toHaveLength(8)
    const results = parseResults(readFileSync(join(project.dir, 'assay-report/results.json'), 'utf8'))
    const dataset = results.datasets!.find((d) => d.name === 'retried')!
    expect(dataset).toMatchObject({ cases: 4, trials: 8, passedTrials: 0, flaky: [], status: 'failed' })
    expect(dataset.gates.map((g) => [g.name, g.pass])).toEqual([
      ['passRate', false],
      ['maxCost', true],
    ])
    const cases = results.files.flatMap((f) => f.tests.flatMap((t) => (t.eval?.dataset === 'retried' ? [{ state: t.state, ...t.eval }] : [])))
    expect(cases.map((c) => [c.id, c.state, c.trials.map((t) => t.pass)]).sort()).toEqual(['r0', 'r1', 'r2', 'r3'].map((id) => [id, 'failed', [false, false]]))
    for (const c of cases) expect(c.trials.map((t) => t.error)).toEqual(['run 1 fails', 'run 2 fails'])
    // The cost is the eight calls made, each one priced.
    const spent = cases.flatMap((c) => c.trials).reduce((sum, t) => sum + t.cost, 0)
    expect(cases.flatMap((c) => c.trials).every((t) => t.cost > 0)).toBe(true)
    expect(dataset.cost).toBeCloseTo(spent, 6)
    expect(results.totals.appCalls).toMatchObject({ calls: 8, live: 8 })
    expect(results.totals.appCalls.cost).toBeCloseTo(spent, 4)
    // Jest retries the failed cases, which fail again with the first attempt's failure;
    // Vitest does not retry them at all.
    if (jest) expect(run.output).toContain('is not run again on a retry')
    else expect(run.output).not.toMatch(/retry x\d|\(retry/)

    const lines = run.output.split('\n').filter((l) => /^assay: \d+\/\d+ cases/.test(l))
    expect(lines.length, run.output).toBeGreaterThanOrEqual(1)
    for (const line of lines) {
      expect(line).toMatch(LINE)
      const [, done, total, trialsDone, trialsTotal] = LINE.exec(line)!.map(Number)
      expect(done!, line).toBeLessThanOrEqual(total!)
      if (!line.includes('each')) expect(trialsDone!, line).toBeLessThanOrEqual(trialsTotal!)
    }
    expect(lines.at(-1)).toMatch(/^assay: 6\/6 cases \(10\/10 trials\), took \d+s, \$/)
    expect(Number(LINE.exec(lines.at(-1)!)![5])).toBeCloseTo(spent, 4)
  })

  test('two datasets of one name in one file fail the file with a usage error naming both lines', async () => {
    const run = await runner.run(project, undefined, 'twice.test.js', { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'sk-e2e-judge', CI: 'true' })
    expect(run.code, run.output).toBe(1)
    const lines = readFileSync(join(project.dir, 'twice.test.js'), 'utf8').split('\n')
    const [first, second] = lines.flatMap((l, i) => (l.startsWith("describeEval('same'") ? [i + 1] : []))
    expect(run.output).toContain(`dataset "same" is declared twice in twice.test.js, at line ${first} and at line ${second}: results, gates, progress and \`assay gate\` know a dataset by its file and name`)
  })
})
