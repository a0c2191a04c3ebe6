// Evals across prompt versions under real runners: a dataset of 8 cases run with versions
// v1 and v2 of a prompt in the project's prompts/ folder, against the fixture server, where
// v1's prompt gets bullets for two stories and v2's (the expert one) for all. The record
// run, a replay under lockdown (CI, versions registered), -t picking one version, a third
// version recording only its own cases, and `assay gate --versions` on the results.
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { startFixtureServer, type ChatCompletionBody, type FixtureServer } from '../../fixtures/server/index.js'
import { parseResults, type Results } from '../../src/report/schema.js'
import { FixtureProject, runners as allRunners } from './harness.js'

const IDS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']
const runners = allRunners.filter((r) => ['Vitest 4 (ESM, Node 20)', 'Vitest 5 (ESM, Node 22)', 'Jest 30 (CommonJS, globals)'].includes(r.name))

const PROMPTS: Record<string, string> = {
  v1: '---\ninput:\n  schema:\n    text: string\n---\nSummarize the following text in 3 bullet points:\n\n{{text}}\n',
  v2: '---\nconfig:\n  temperature: 0\ninput:\n  schema:\n    text: string\n---\n{{role "system"}}\nYou are an expert summarizer. Write exactly 3 bullet points, each starting with "- ", each under 12 words.\n{{role "user"}}\n{{text}}\n',
  v3: '---\ninput:\n  schema:\n    text: string\n---\nSummarize in one sentence: {{text}}\n',
}
const sha = (text: string) => createHash('sha256').update(text).digest('hex')

const body = (esm: boolean) => `${esm ? "import { describeEval } from 'assay/vitest'\nimport OpenAI from 'openai'\nimport { recordingFetch } from 'assay'" : "const { describeEval } = require('assay/jest')\nconst OpenAI = require('openai')\nconst { recordingFetch } = require('assay')"}

const app = new OpenAI({ baseURL: process.env.OPENAI_BASE_URL, apiKey: 'sk-e2e-app', fetch: recordingFetch(), maxRetries: 0 })

describeEval('news', {
  data: ${JSON.stringify(IDS)}.map((id) => ({ id, article: 'Story ' + id + ': revenue rose 5% to $85.8 billion.' })),
  schema: z.object({ id: z.string(), article: z.string() }),
  prompts: { summarizer: process.env.VERSIONS.split(',') },
  task: async (input, { prompt }) => {
    const reply = await app.chat.completions.create({ model: 'gpt-4o-mini', messages: prompt.render({ text: input.article }) })
    return reply.choices[0].message.content
  },
  assert: async (output, input) => {
    expect(output).toMatchStructuralBaseline()
    await expect(output).toScoreAtLeast(7, { source: input.article })
    expect(output).toHaveBullets({ min: 3 })
  },
  concurrency: 8,
  timeout: 60000,
  thresholds: { passRate: 0.01 },
})
`

describe.each(runners)('$name: describeEval across prompt versions', (runner) => {
  let project: FixtureProject
  let server: FixtureServer
  const esm = !runner.project.startsWith('jest')
  const env = (extra: Record<string, string>) => ({ OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'sk-e2e-judge', ...extra })
  const results = () => parseResults(readFileSync(join(project.dir, 'assay-report/results.json'), 'utf8'))
  const cases = (r: Results) => r.files.flatMap((f) => f.tests.flatMap((t) => (t.eval ? [{ titles: t.titles, state: t.state, ...t.eval }] : [])))
  const outcome = (r: Results) => cases(r).map((c) => [c.titles.join(' > '), c.state, c.prompt, c.trials.map((t) => [t.pass, t.score, t.output])]).sort()
  const sent = () => server.requests.map((r) => JSON.stringify(r.body))
  const baselines = () => Object.keys(JSON.parse(readFileSync(join(project.dir, '__llm_baselines__', 'versions.test.js.json'), 'utf8')).entries as object)
  // Each case of each version has its own structural baseline, named by its own test.
  const baselined = (versions: string[]) => versions.flatMap((v) => IDS.map((id) => (esm ? `news > summarizer@${v} > ${id} 1` : `news summarizer@${v} ${id} 1`))).sort()
  let recorded: Results

  beforeAll(async () => {
    project = new FixtureProject(runner.project, inject('assayPackage'), runner.trees?.())
    mkdirSync(join(project.dir, 'prompts', 'summarizer'), { recursive: true })
    for (const v of ['v1', 'v2']) writeFileSync(join(project.dir, 'prompts', 'summarizer', `${v}.prompt`), PROMPTS[v]!)
    project.writeTest('versions.test.js', body(esm))
    server = await startFixtureServer({
      respond: (chat: ChatCompletionBody) => {
        const text = JSON.stringify(chat.messages)
        const id = /Story (\w)/.exec(text)?.[1] ?? '?'
        if (chat.response_format) {
          const score = /- Story/.test(text) ? 9 : 4
          return JSON.stringify({ criteria: Object.fromEntries(['accuracy', 'completeness', 'conciseness'].map((k) => [k, { reasoning: 'Judged.', score }])) })
        }
        const bullets = text.includes('expert') || (text.includes('3 bullet points') && (id === 'a' || id === 'b'))
        return bullets ? `- Story ${id}: revenue rose.\n- It rose 5%.\n- To $85.8 billion.` : `Story ${id} says revenue rose 5%.`
      },
    })
  })
  afterAll(async () => {
    await server?.close()
    project?.remove()
  })

  test('records each case with each version, as its own test, and results carry the version, its hash and a dataset entry per version', async () => {
    const run = await runner.run(project, undefined, 'versions.test.js', env({ ASSAY_CACHE: 'auto', CI: '', VERSIONS: 'v1,v2' }))
    // v1's cases without bullets fail their tests.
    expect(run.code, run.output).toBe(1)
    // 8 cases × 2 versions, each an app call and a judge call.
    expect(server.requests).toHaveLength(32)
    recorded = results()
    const all = cases(recorded)
    expect(all.map((c) => c.titles.join(' > ')).sort()).toEqual(['v1', 'v2'].flatMap((v) => IDS.map((id) => `news > summarizer@${v} > ${id}`)))
    for (const v of ['v1', 'v2']) expect(all.filter((c) => c.prompt?.version === v).every((c) => c.prompt!.hash === sha(PROMPTS[v]!) && c.prompt!.name === 'summarizer')).toBe(true)
    expect(all.filter((c) => c.state === 'passed').map((c) => `${c.prompt!.version} ${c.id}`).sort()).toEqual(['v1 a', 'v1 b', ...IDS.map((id) => `v2 ${id}`)])
    expect(recorded.datasets!.map((d) => [d.name, d.prompt?.version, d.prompt?.hash, d.cases, d.passedTrials])).toEqual([
      ['news', 'v1', sha(PROMPTS.v1!), 8, 2],
      ['news', 'v2', sha(PROMPTS.v2!), 8, 8],
    ])
    expect(baselines().sort()).toEqual(baselined(['v1', 'v2']))
    // The versions were registered, as a local run does, for CI to check.
    expect(JSON.parse(readFileSync(join(project.dir, 'prompts', 'summarizer', 'labels.json'), 'utf8'))).toMatchObject({ versions: { v1: sha(PROMPTS.v1!), v2: sha(PROMPTS.v2!) } })
  })

  test('a replay under lockdown on CI sends no request and gives the same results', async () => {
    const before = server.requests.length
    const run = await runner.run(project, undefined, 'versions.test.js', env({ ASSAY_CACHE: 'lockdown', CI: 'true', VERSIONS: 'v1,v2' }))
    expect(run.code, run.output).toBe(1)
    expect(run.output).not.toMatch(/No recorded answer|not registered/)
    expect(server.requests.length).toBe(before)
    expect(outcome(results())).toEqual(outcome(recorded))
  })

  test('-t picks one version by its name', async () => {
    const run = await runner.run(project, undefined, 'versions.test.js', env({ ASSAY_CACHE: 'lockdown', CI: 'true', VERSIONS: 'v1,v2' }), ['-t', 'summarizer@v2'])
    expect(run.code, run.output).toBe(0)
    const ran = cases(results())
    expect(ran.map((c) => c.prompt!.version)).toEqual(IDS.map(() => 'v2'))
  })

  test('a third version records only its own cases, and gate --versions says v2 was better than v1 and v3 is worse, exiting 1', async () => {
    writeFileSync(join(project.dir, 'prompts', 'summarizer', 'v3.prompt'), PROMPTS.v3!)
    const before = server.requests.length
    const run = await runner.run(project, undefined, 'versions.test.js', env({ ASSAY_CACHE: 'auto', CI: '', VERSIONS: 'v1,v2,v3' }))
    expect(run.code, run.output).toBe(1)
    const added = sent().slice(before)
    expect(added).toHaveLength(16)
    expect(added.filter((b) => b.includes('one sentence') || !b.includes('response_format'))).toHaveLength(added.length / 2)
    expect(added.every((b) => !b.includes('expert') && !b.includes('3 bullet points'))).toBe(true)
    // v3's prose is new baselines, not a drift of v1's or v2's.
    expect(run.output).toContain("assay: baselines 8 written, 0 updated, 0 drifted")
    expect(baselines().sort()).toEqual(baselined(['v1', 'v2', 'v3']))
    const gate = await project.run(process.execPath, ['node_modules/assay/bin/assay.mjs', 'gate', '--versions'])
    expect(gate.code, gate.output).toBe(1)
    expect(gate.output).toMatch(/news: summarizer v1 → v2: better \(pass rate 25\.0% → 100\.0%, p = [\d.]+;/)
    expect(gate.output).toMatch(/news: summarizer v2 → v3: worse \(pass rate 100\.0% → 0\.0%, p = [\d.]+;/)
    expect(gate.output).toContain('assay gate: FAIL: newer version significantly worse: news summarizer v2 → v3')
  })
})
