// Dataset evals (describeEval) under real runners: a JSONL dataset of 8 cases × 3 trials
// against the fixture server, whose judge scores one case 9, 3, 9 over its trials, so that
// case is flaky. The record run, a replay under lockdown, a failing gate, one case picked
// with -t, and a bad row, each checked on exit code, output and assay's results.json.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { startFixtureServer, type ChatCompletionBody, type FixtureServer } from '../../fixtures/server/index.js'
import { parseResults, type Results } from '../../src/report/schema.js'
import { FixtureProject, runners as allRunners } from './harness.js'

const IDS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']
const runners = allRunners.filter((r) => ['Vitest 3.2 (ESM, Node 20)', 'Vitest 4 (ESM, Node 20)', 'Vitest 5 (ESM, Node 22)', 'Jest 29 (CommonJS, globals)', 'Jest 30 (CommonJS, globals)'].includes(r.name))

const body = (esm: boolean, data: string) => `${esm ? "import { describeEval } from 'assay/vitest'\nimport OpenAI from 'openai'\nimport { recordingFetch } from 'assay'" : "const { describeEval } = require('assay/jest')\nconst OpenAI = require('openai')\nconst { recordingFetch } = require('assay')"}

const app = new OpenAI({ baseURL: process.env.OPENAI_BASE_URL, apiKey: 'sk-e2e-app', fetch: recordingFetch(), maxRetries: 0 })

describeEval('news', {
  data: '${data}',
  schema: z.object({ id: z.string(), article: z.string() }),
  task: async (input) => {
    const reply = await app.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Summarise: ' + input.article }] })
    return reply.choices[0].message.content
  },
  assert: async (output, input) => {
    await expect(output).toScoreAtLeast(7, { source: input.article })
  },
  trials: 3,
  concurrency: 8,
  timeout: 60000,
  thresholds: { passRate: Number(process.env.PASS_RATE), maxCost: 1 },
})
`

// Every expected-error directive must be needed, or tsc fails on it.
const TYPED = `
describeEval('typed', {
  data: [{ id: 'a', article: 'x' }],
  schema: z.object({ id: z.string(), article: z.string() }),
  task: (input, { trial, id }) => ({ text: input.article + String(trial) + id }),
  assert: (output, input) => output.text.length + input.article.length,
  trials: 3,
  concurrency: 2,
  timeout: 10_000,
  thresholds: { passRate: 0.9, meanScore: 7, confidence: 0.95, maxCost: 0.5, p95LatencyMs: 4000, agreement: 0.6 },
})
describeEval.only('only', { data: 'rows.jsonl', schema: z.object({ id: z.string() }), task: () => 1 })
describeEval.skip('skip', { data: () => [], schema: z.object({ id: z.string() }), task: () => 1 })
// @ts-expect-error the row has no field "missing"
describeEval('bad-row', { data: [], schema: z.object({ id: z.string() }), task: (input) => input.missing })
// @ts-expect-error the output is a number, which has no .text
describeEval('bad-output', { data: [], schema: z.object({ id: z.string() }), task: () => 1, assert: (output) => output.text })
// @ts-expect-error passRate is a number
describeEval('bad-gate', { data: [], schema: z.object({ id: z.string() }), task: () => 1, thresholds: { passRate: 'high' } })
`

describe.each(runners)('$name: describeEval', (runner) => {
  let project: FixtureProject
  let server: FixtureServer
  let recorded: Results
  const esm = !runner.project.startsWith('jest')
  const env = (extra: Record<string, string>) => ({ OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'sk-e2e-judge', ...extra })
  const results = () => parseResults(readFileSync(join(project.dir, 'assay-report/results.json'), 'utf8'))
  const cases = (r: Results) => r.files.flatMap((f) => f.tests.flatMap((t) => (t.eval ? [{ state: t.state, ...t.eval }] : [])))
  // What a replay must give again: everything but what the live calls cost and how long they took.
  const outcome = (r: Results) => cases(r).map((c) => ({ id: c.id, state: c.state, flaky: c.flaky, passRate: c.passRate, trials: c.trials.map((t) => ({ trial: t.trial, pass: t.pass, score: t.score, output: t.output })) }))

  beforeAll(async () => {
    project = new FixtureProject(runner.project, inject('assayPackage'), runner.trees?.())
    writeFileSync(join(project.dir, 'news.jsonl'), IDS.map((id) => JSON.stringify({ id, article: `Story ${id}: revenue rose 5% to $85.8 billion.` })).join('\n') + '\n')
    writeFileSync(join(project.dir, 'bad.jsonl'), `${JSON.stringify({ id: 'a', article: 'Fine.' })}\n${JSON.stringify({ id: 'b', article: 5 })}\n`)
    project.writeTest('eval.test.js', body(esm, 'news.jsonl'))
    project.writeTest('eval-bad.test.js', body(esm, 'bad.jsonl'))
    // Each case's judge requests are counted: story b scores 9, 3, 9 over its three trials.
    const asked = new Map<string, number>()
    server = await startFixtureServer({
      latencyMs: 1000,
      respond: (chat: ChatCompletionBody, choice) => {
        const text = JSON.stringify(chat.messages)
        const id = /Story (\w)/.exec(text)?.[1] ?? '?'
        if (!chat.response_format) return `- Story ${id}: revenue up 5%.`
        const n = asked.get(id) ?? 0
        if (choice === 0) asked.set(id, n + 1)
        const score = id === 'b' && n % 3 === 1 ? 3 : 9
        return JSON.stringify({ criteria: Object.fromEntries(['accuracy', 'completeness', 'conciseness'].map((k) => [k, { reasoning: 'Matches the source.', score }])) })
      },
    })
  })
  afterAll(async () => {
    await server?.close()
    project?.remove()
  })

  test('records every trial, reports cases, trials, flaky cases and the dataset with its gates, running 8 cases at once', async () => {
    const run = await runner.run(project, undefined, 'eval.test.js', env({ ASSAY_CACHE: 'auto', CI: '', PASS_RATE: '0.5' }))
    expect(run.code, run.output).toBe(0)
    // 8 cases × 3 trials, each an app call and a judge call.
    expect(server.requests).toHaveLength(48)
    // The runner's own limit is 5: describeEval's concurrency of 8 held, and was not exceeded.
    expect(server.peakInFlight).toBeGreaterThan(5)
    expect(server.peakInFlight).toBeLessThanOrEqual(8)
    recorded = results()
    const all = cases(recorded)
    expect(all.map((c) => c.id).sort()).toEqual(IDS)
    const b = all.find((c) => c.id === 'b')!
    expect(b.trials.map((t) => [t.trial, t.pass, t.score])).toEqual([
      [0, true, 9],
      [1, false, 3],
      [2, true, 9],
    ])
    expect(b).toMatchObject({ flaky: true, passRate: 2 / 3, state: 'passed', input: expect.stringContaining('Story b') })
    expect(b.trials[1]!.error).toMatch(/toScoreAtLeast/)
    expect(b.trials[0]!.output).toBe('- Story b: revenue up 5%.')
    expect(b.trials.every((t) => t.cost > 0)).toBe(true)
    expect(all.filter((c) => c.id !== 'b').every((c) => c.passRate === 1 && !c.flaky && c.trials.length === 3)).toBe(true)
    // Each case's test holds its own trials' judged assertions, its failed one in b's.
    const tests = recorded.files.flatMap((f) => f.tests).filter((t) => t.eval)
    expect(tests.map((t) => [t.eval!.id, t.assertions.length, t.assertions.filter((a) => !a.pass).length, t.llmCalls.length])).toEqual(
      expect.arrayContaining(IDS.map((id) => [id, 3, id === 'b' ? 1 : 0, 3])),
    )
    expect(recorded.datasets).toHaveLength(1)
    const dataset = recorded.datasets![0]!
    expect(dataset).toMatchObject({ name: 'news', file: 'eval.test.js', source: 'news.jsonl', cases: 8, trials: 24, passedTrials: 23, flaky: ['b'], status: 'passed' })
    expect(dataset.passRate.value).toBeCloseTo(23 / 24, 6)
    expect(dataset.gates.map((g) => [g.name, g.pass])).toEqual([
      ['passRate', true],
      ['maxCost', true],
    ])
    // Each trial has its own cassette entries: 3 app calls and 3 judge calls per case.
    const cassette = JSON.parse(readFileSync(join(project.dir, '__llm_cassettes__', 'eval.test.js.json'), 'utf8')) as { entries: object }
    expect(Object.keys(cassette.entries)).toHaveLength(48)
  })

  test('a replay under lockdown sends no request and gives the same results', async () => {
    const sent = server.requests.length
    const run = await runner.run(project, undefined, 'eval.test.js', env({ ASSAY_CACHE: 'lockdown', CI: 'true', PASS_RATE: '0.5' }))
    expect(run.code, run.output).toBe(0)
    expect(server.requests.length).toBe(sent)
    const replayed = results()
    const byId = (r: Results) => outcome(r).sort((x, y) => (x.id < y.id ? -1 : 1))
    expect(byId(replayed)).toEqual(byId(recorded))
    expect(replayed.datasets![0]).toMatchObject({ cases: 8, passedTrials: 23, flaky: ['b'], cost: 0, status: 'passed' })
  })

  test('a failing gate fails the run with its message, and the report says so', async () => {
    const run = await runner.run(project, undefined, 'eval.test.js', env({ ASSAY_CACHE: 'lockdown', CI: 'true', PASS_RATE: '0.97' }))
    expect(run.code, run.output).toBe(1)
    expect(run.output).toContain('news')
    expect(run.output).toMatch(/passRate/)
    const dataset = results().datasets![0]!
    expect(dataset.status).toBe('failed')
    expect(dataset.gates.find((g) => g.name === 'passRate')).toMatchObject({ pass: false, threshold: 0.97 })
    // Case b's pass rate (2/3) is below the gate: its own test fails too; the others pass.
    const states = Object.fromEntries(cases(results()).map((c) => [c.id, c.state]))
    expect(states).toMatchObject({ a: 'passed', b: 'failed', c: 'passed' })
  })

  test('-t picks one case by its id, and the gates hold over the cases that ran', async () => {
    // 2 of 3 trials of one case, which is one sample (effective n 1): the Wilson lower bound
    // at 95% is 9.4%, so a gate of 5% passes.
    // Vitest 5 matches -t against "news > b", Vitest 4 and Jest against "news b".
    const run = await runner.run(project, undefined, 'eval.test.js', env({ ASSAY_CACHE: 'lockdown', CI: 'true', PASS_RATE: '0.05' }), ['-t', ' b$'])
    expect(run.code, run.output).toBe(0)
    const r = results()
    expect(cases(r).map((c) => c.id)).toEqual(['b'])
    expect(r.datasets![0]).toMatchObject({ cases: 1, trials: 3, passedTrials: 2, passRate: { effectiveN: 1 } })
  })

  test('describeEval is typed: the row from the schema, the output from the task, the options checked', async () => {
    const entry = runner.project === 'vitest5' ? 'assay/vitest' : esm ? 'assay/vitest/v4' : 'assay/jest'
    writeFileSync(join(project.dir, 'eval-types.ts'), `import { describeEval } from '${entry}'\nimport { z } from 'zod'\n${TYPED}`)
    writeFileSync(join(project.dir, 'tsconfig.eval.json'), JSON.stringify({ extends: './tsconfig.json', files: ['eval-types.ts'] }))
    const run = await project.run(process.execPath, [join(project.dir, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.eval.json'])
    expect(run.code, run.output).toBe(0)
  })

  test('describeEval.only runs only its dataset, describeEval.skip skips its cases', async () => {
    const declare = (how: string, name: string) => `describeEval${how}('${name}', { data: [{ id: '${name}-1' }, { id: '${name}-2' }], schema: z.object({ id: z.string() }), task: (row) => row.id })\n`
    const head = esm ? "import { describeEval } from 'assay/vitest'\n" : "const { describeEval } = require('assay/jest')\n"
    project.writeTest('eval-modes.test.js', head + declare('', 'plain') + declare('.only', 'chosen') + declare('.skip', 'skipped'))
    const run = await runner.run(project, undefined, 'eval-modes.test.js', { CI: '' })
    expect(run.code, run.output).toBe(0)
    const r = results()
    const states = Object.fromEntries(r.files.flatMap((f) => f.tests).map((t) => [t.titles.at(-1), t.state]))
    expect(states).toEqual({ 'plain-1': 'skipped', 'plain-2': 'skipped', 'chosen-1': 'passed', 'chosen-2': 'passed', 'skipped-1': 'skipped', 'skipped-2': 'skipped' })
    expect(r.datasets!.map((d) => [d.name, d.cases])).toEqual([['chosen', 2]])
  })

  // The fixture server answers each request after 1 s: the fast case's 2 judged trials take
  // about 2 s, well inside its 6 s; the slow case's task alone takes 7 s.
  test('failure messages redact known keys; a timed-out case counts in its dataset and runs no late assertion; an unawaited judged assertion fails its trial', async () => {
    const head = esm ? "import { describeEval } from 'assay/vitest'\n" : "const { describeEval } = require('assay/jest')\n"
    project.writeTest(
      'eval-hostile.test.js',
      `${head}const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const schema = z.object({ id: z.string(), text: z.string() })
describeEval('secrets', { data: [{ id: 'k', text: process.env.OPENAI_API_KEY }], schema, task: (row) => 'reply with ' + row.text,
  assert: (output) => { throw new Error('upstream said ' + output) }, thresholds: { passRate: 0.9 } })
describeEval('timeouts', { data: [{ id: 'fast', text: 'Story y' }, { id: 'slow', text: 'Story z' }], schema, trials: 2, timeout: 6000,
  task: async (row) => { if (row.id === 'slow') await sleep(7000); return row.text },
  assert: async (output) => { await expect(output).toScoreAtLeast(7) }, thresholds: { passRate: 0.05, p95LatencyMs: 5000 } })
describeEval('unawaited', { data: [{ id: 'u', text: 'Story x' }], schema, concurrency: 1, task: (row) => row.text,
  assert: (output) => { expect(output).toScoreAtLeast(7) } })
test('keeps the file open past the slow task', async () => { await sleep(8000) })
`,
    )
    const run = await runner.run(project, undefined, 'eval-hostile.test.js', env({ ASSAY_CACHE: 'off', CI: '' }))
    expect(run.code, run.output).toBe(1)
    expect(run.output).not.toContain('sk-e2e-judge')
    expect(run.output).toContain('Output: reply with [REDACTED]')
    expect(run.output).toMatch(/Dataset "secrets" failed 1 of 1 gates/)
    expect(run.output).toContain('took more than its timeout of 6000 ms for 2 trial(s)')
    expect(run.output).not.toMatch(/LateAssertionError|started after its test ended/)
    expect(run.output).toMatch(/toScoreAtLeast was not awaited/)
    const r = results()
    const byName = Object.fromEntries((r.datasets ?? []).map((d) => [d.name, d]))
    expect(byName.timeouts).toMatchObject({ cases: 2, trials: 4, passedTrials: 2, status: 'failed' })
    expect(byName.timeouts!.gates.map((g) => [g.name, g.pass])).toEqual([
      ['passRate', true],
      ['p95LatencyMs', false],
    ])
    const slow = cases(r).find((c) => c.id === 'slow')!
    expect(slow.trials.map((t) => [t.pass, t.unfinished])).toEqual([
      [false, true],
      [false, true],
    ])
    expect(slow.trials.every((t) => t.latencyMs >= 6000)).toBe(true)
    expect(byName.secrets!.status).toBe('failed')
    const unawaited = cases(r).find((c) => c.id === 'u')!
    expect(unawaited.trials[0]).toMatchObject({ pass: false, error: expect.stringContaining('toScoreAtLeast was not awaited in trial 0') })
    expect(byName.unawaited!.passedTrials).toBe(0)
  })

  test('a bad row fails the run naming its file and line', async () => {
    const run = await runner.run(project, undefined, 'eval-bad.test.js', env({ ASSAY_CACHE: 'lockdown', CI: 'true', PASS_RATE: '0.5' }))
    expect(run.code, run.output).toBe(1)
    expect(run.output).toContain('bad.jsonl:2')
  })
})
