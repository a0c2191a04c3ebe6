// Dataset cases running concurrently under real runners: each case's cassette entries name
// the case's own test (so `-u` keeps those of a case that failed), and awaited judged
// assertions that fail on a cassette miss are not taken for unawaited ones of another case.
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { startFixtureServer, type FixtureServer } from '../../fixtures/server/index.js'
import { FixtureProject, runners as allRunners } from './harness.js'

const runners = allRunners.filter((r) => ['Vitest 3.2 (ESM, Node 20)', 'Vitest 4 (ESM, Node 20)', 'Vitest 5 (ESM, Node 22)', 'Jest 29 (CommonJS, globals)', 'Jest 30 (CommonJS, globals)'].includes(r.name))

// Trial 2 of case b never ends when HANG is set: the case times out and its test fails,
// leaving trials 3 and 4 of b unasked.
// The project's header imports expect and z.
const head = (esm: boolean) => (esm ? "import { describeEval } from 'assay/vitest'" : "const { describeEval } = require('assay/jest')")
const rec = (esm: boolean) => `${head(esm)}
describeEval('rec', {
  data: [{ id: 'a', text: 'Story a.' }, { id: 'b', text: 'Story b.' }, { id: 'c', text: 'Story c.' }],
  schema: z.object({ id: z.string(), text: z.string() }),
  task: async (input, { trial }) => {
    if (process.env.HANG && input.id === 'b' && trial === 2) await new Promise(() => {})
    await new Promise((resolve) => setTimeout(resolve, 5 * trial))
    return input.text + ' trial ' + trial
  },
  assert: async (output) => {
    await expect(output).toScoreAtLeast(7)
  },
  trials: 5,
  concurrency: 3,
  timeout: Number(process.env.CASE_TIMEOUT),
})
`

const unawaited = (esm: boolean) => `${head(esm)}
describeEval('unaw', {
  data: Array.from({ length: 10 }, (_, i) => ({ id: 'r' + i, text: 'row ' + i })),
  schema: z.object({ id: z.string(), text: z.string() }),
  task: (input) => input.text,
  assert: async (output) => {
    await expect(output).toScoreAtLeast(7)
  },
  trials: 2,
  concurrency: 5,
  timeout: 60000,
})
`

// Plain concurrent tests: "slow" asks the judge after "fast" ended, while the runner's
// shared state still names "fast", the test that started last.
const plain = `let fastEnded
const ended = new Promise((resolve) => (fastEnded = resolve))
test.concurrent('slow', async () => {
  await ended
  await new Promise((resolve) => setTimeout(resolve, 300))
  await expect('Story slow. trial 0').toScoreAtLeast(7)
})
test.concurrent('fast', async () => {
  fastEnded()
})
`

interface Entry {
  request: { messages: { content: unknown }[] }
  test?: string
}

describe.each(runners)('$name: concurrent dataset cases', (runner) => {
  let project: FixtureProject
  let server: FixtureServer
  const esm = !runner.project.startsWith('jest')
    const env = (extra: Record<string, string>) => ({ OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'sk-e2e-judge', ...extra })
  const cassette = (file: string) => JSON.parse(readFileSync(join(project.dir, '__llm_cassettes__', `${file}.json`), 'utf8')) as { entries: Record<string, Entry> }
  // The case an entry's request came from: its output, "Story <id>. trial <k>", is in the prompt.
  const caseOf = (e: Entry) => /Story (\w)\. trial/.exec(JSON.stringify(e.request.messages))?.[1]
  // How the runner names case b's test (what its failed-test list holds).
  const named = (id: string) => (esm ? `rec > ${id}` : `rec ${id}`)

  beforeAll(async () => {
    project = new FixtureProject(runner.project, inject('assayPackage'), runner.trees?.())
    project.writeTest(`rec.test.js`, rec(esm))
    project.writeTest(`unaw.test.js`, unawaited(esm))
    if (esm) project.writeTest('plain.test.js', plain)
    // Slow enough answers that the three cases' trials overlap.
    server = await startFixtureServer({
      latencyMs: 150,
      respond: () => JSON.stringify({ criteria: Object.fromEntries(['accuracy', 'completeness', 'conciseness'].map((k) => [k, { reasoning: 'Fine.', score: 9 }])) }),
    })
  })
  afterAll(async () => {
    await server?.close()
    project?.remove()
  })

  test('each entry names its own case, so -u keeps every entry of a case that timed out, and a replay finds them', async () => {
    const recorded = await runner.run(project, undefined, `rec.test.js`, env({ ASSAY_CACHE: 'auto', CI: '', CASE_TIMEOUT: '60000' }))
    expect(recorded.code, recorded.output).toBe(0)
    const entries = Object.values(cassette(`rec.test.js`).entries)
    expect(entries).toHaveLength(15)
    expect(entries.map((e) => [caseOf(e), e.test]).sort()).toEqual(['a', 'b', 'c'].flatMap((id) => Array.from({ length: 5 }, () => [id, named(id)])))

    const updated = await runner.run(project, undefined, `rec.test.js`, env({ ASSAY_CACHE: 'auto', CI: '', CASE_TIMEOUT: '8000', HANG: '1' }), ['-u'])
    expect(updated.code, updated.output).toBe(1)
    expect(updated.output).toMatch(/case "b" of dataset "rec" took more than its timeout/)
    expect(updated.output).not.toMatch(/removed \d+ obsolete/)
    expect(Object.keys(cassette(`rec.test.js`).entries)).toHaveLength(15)

    const sent = server.requests.length
    const replayed = await runner.run(project, undefined, `rec.test.js`, env({ ASSAY_CACHE: 'lockdown', CI: 'true', CASE_TIMEOUT: '60000' }))
    expect(replayed.code, replayed.output).toBe(0)
    expect(server.requests.length).toBe(sent)
  })

  test.runIf(esm)('under plain test.concurrent, an entry recorded after another test ended names no test, not that one', async () => {
    const run = await runner.run(project, undefined, 'plain.test.js', env({ ASSAY_CACHE: 'auto', CI: '' }))
    expect(run.code, run.output).toBe(0)
    expect(Object.values(cassette('plain.test.js').entries).map((e) => e.test)).toEqual([undefined])
  })

  test('awaited judged assertions of concurrent cases that miss the cassette fail with the miss, and are not called unawaited', async () => {
    rmSync(join(project.dir, '__llm_cassettes__', `unaw.test.js.json`), { force: true })
    const run = await runner.run(project, undefined, `unaw.test.js`, env({ ASSAY_CACHE: 'lockdown', CI: 'true' }))
    expect(run.code, run.output).toBe(1)
    expect(run.output).toMatch(/No recorded answer for this LLM request/)
    expect(run.output).not.toMatch(/not awaited|UnawaitedAssertionError/)
  })
})
