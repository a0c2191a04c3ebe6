// The progress of a dataset eval that outlasts the 3 s threshold, under real runners: 12
// cases at 2 at a time against a fixture server answering in 500 ms, each an app call with a
// price. On CI, a plain line at
// each tenth crossed after 3 s, the last at 12/12; with ASSAY_PROGRESS=0, none.
import { execFileSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { startFixtureServer, type FixtureServer } from '../../fixtures/server/index.js'
import { FixtureProject, runners as allRunners } from './harness.js'

const runners = allRunners.filter((r) => ['Vitest 3.2 (ESM, Node 20)', 'Vitest 4 (ESM, Node 20)', 'Vitest 5 (ESM, Node 22)', 'Jest 29 (CommonJS, globals)', 'Jest 30 (CommonJS, globals)'].includes(r.name))

const body = (esm: boolean) => `${esm ? "import { describeEval } from 'assay/vitest'\nimport OpenAI from 'openai'\nimport { recordingFetch } from 'assay'" : "const { describeEval } = require('assay/jest')\nconst OpenAI = require('openai')\nconst { recordingFetch } = require('assay')"}

const app = new OpenAI({ baseURL: process.env.OPENAI_BASE_URL, apiKey: 'sk-e2e-app', fetch: recordingFetch(), maxRetries: 0 })

describeEval('slow', {
  data: () => Array.from({ length: 12 }, (_, i) => ({ id: 'c' + i, article: 'Story ' + i + ': ' + 'revenue rose 5%. '.repeat(150) })),
  schema: z.object({ id: z.string(), article: z.string() }),
  task: async (input) => {
    const reply = await app.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: input.article }] })
    return reply.choices[0].message.content
  },
  concurrency: 2,
  timeout: 60000,
})
`

// Live, once every case is done but before the file has ended, the line says a file is still to run.
const LINE = /^assay: (\d+)\/12 cases \(1 trial each\), (ETA \d+s|ETA not yet known|took \d+s|1 test file still to run), \$\d+\.\d{4} so far$/

describe.each(runners)('$name: progress of a dataset eval', (runner) => {
  let project: FixtureProject
  let server: FixtureServer
  const env = (extra: Record<string, string>) => ({ OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'sk-e2e-judge', ASSAY_CACHE: 'auto', ...extra })
  // Every run is live and slow: the cassette a run records is removed before the next.
  const fresh = () => rmSync(join(project.dir, '__llm_cassettes__'), { recursive: true, force: true })
  const progressLines = (output: string) => output.split('\n').filter((l) => /^assay: \d+\/\d+ cases/.test(l))

  beforeAll(async () => {
    project = new FixtureProject(runner.project, inject('assayPackage'), runner.trees?.())
    project.writeTest('progress.test.js', body(!runner.project.startsWith('jest')))
    server = await startFixtureServer({ latencyMs: 500 })
  })
  afterAll(async () => {
    await server?.close()
    project?.remove()
  })

  test('on CI, a line at each tenth of the cases done after 3 s, the last at 12/12 with the time taken and the spend', async () => {
    fresh()
    const run = await runner.run(project, undefined, 'progress.test.js', env({ CI: 'true' }))
    expect(run.code, run.output).toBe(0)
    const lines = progressLines(run.output)
    expect(lines.length, run.output).toBeGreaterThanOrEqual(1)
    expect(lines.length).toBeLessThanOrEqual(11)
    for (const line of lines) expect(line).toMatch(LINE)
    const done = lines.map((l) => Number(LINE.exec(l)![1]))
    // Each line is a further tenth of the cases done, never the same tenth twice.
    expect(new Set(done.map((d) => Math.floor((d * 10) / 12))).size).toBe(done.length)
    expect(done).toEqual([...done].sort((a, b) => a - b))
    expect(lines.at(-1)).toMatch(/^assay: 12\/12 cases \(1 trial each\), took \d+s, \$\d+\.\d{4} so far$/)
    // The app's live calls (about 750 prompt tokens of gpt-4o each) are the spend.
    const spend = lines.map((l) => Number(/\$(\S+) so far/.exec(l)![1]))
    expect(spend.at(-1)).toBeGreaterThan(0.01)
    expect(spend).toEqual([...spend].sort((a, b) => a - b))
  })

  test('files run one after another: no line claims the end before the last file is done', async () => {
    fresh()
    project.writeTest('progress-next.test.js', body(!runner.project.startsWith('jest')).replace("describeEval('slow'", "describeEval('next'"))
    const vitest = runner.project.startsWith('vitest')
    const run = await runner.run(project, undefined, 'progress', env({ CI: 'true' }), vitest ? ['--no-file-parallelism'] : ['--runInBand'])
    expect(run.code, run.output).toBe(0)
    const lines = progressLines(run.output)
    // The first file's 12 cases are all done before the second declares its 12.
    expect(lines.some((l) => l.startsWith('assay: 12/12 cases'))).toBe(false)
    expect(lines.slice(0, -1).every((l) => !/took/.test(l)), lines.join('\n')).toBe(true)
    expect(lines.at(-1)).toMatch(/^assay: 24\/24 cases \(1 trial each\), took \d+s, \$\d+\.\d{4} so far$/)
  })

  test('ASSAY_PROGRESS=0 turns it off', async () => {
    fresh()
    const sent = server.requests.length
    const run = await runner.run(project, undefined, 'progress.test.js', env({ CI: 'true', ASSAY_PROGRESS: '0' }))
    expect(server.requests.length - sent).toBe(12)
    expect(run.code, run.output).toBe(0)
    expect(run.output).toMatch(/12 passed/)
    expect(progressLines(run.output)).toEqual([])
  })
})

// `script` (util-linux) runs the runner on a pseudo-terminal and copies what it drew.
const hasScript = (() => {
  try {
    execFileSync('script', ['-qec', 'true', '/dev/null'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()
const terminal = runners.filter((r) => ['Vitest 4 (ESM, Node 20)', 'Jest 30 (CommonJS, globals)'].includes(r.name))

describe.runIf(hasScript).each(terminal)('$name: progress on a terminal', (runner) => {
  let project: FixtureProject
  let server: FixtureServer
  const vitest = runner.project.startsWith('vitest')
  const onTerminal = (args: string) =>
    project.run('script', ['-qec', `${process.execPath} ${vitest ? 'node_modules/vitest/vitest.mjs run' : 'node_modules/jest/bin/jest.js'} progress.test.js ${args}`, '/dev/null'], {
      OPENAI_BASE_URL: server.url,
      OPENAI_API_KEY: 'sk-e2e-judge',
      ASSAY_CACHE: 'off',
      CI: '',
      TERM: 'xterm',
    })
  // Control sequences out, carriage returns kept: what is left is what each line shows.
  const plain = (text: string) => text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')

  beforeAll(async () => {
    project = new FixtureProject(runner.project, inject('assayPackage'), runner.trees?.())
    project.writeTest('progress.test.js', body(vitest))
    server = await startFixtureServer({ latencyMs: 500 })
  })
  afterAll(async () => {
    await server?.close()
    project?.remove()
  })

  test("with the runner's default reporter drawing its status, whole lines of their own, never drawn over", async () => {
    const run = await onTerminal(vitest ? '--reporter=default --reporter=assay/reporter' : '')
    expect(run.code, run.output).toBe(0)
    const shown = plain(run.stdout).split('\n').filter((l) => l.includes('assay: '))
    expect(shown.length, run.stdout).toBeGreaterThanOrEqual(1)
    // Jest clears its status (cursor to the line's start) before writing others' output there.
    for (const l of shown) expect(l.replace(/^\r+/, '').replace(/\r$/, '')).toMatch(LINE)
    expect(shown.at(-1)).toMatch(/^\r*assay: 12\/12 cases/)
  })

  test.runIf(vitest)('with no reporter printing but assay, one line redrawn in place, cleared at the end', async () => {
    const run = await onTerminal('--reporter=assay/reporter')
    expect(run.code, run.output).toBe(0)
    const draws = run.stdout.split('\r\x1b[2K').slice(1)
    expect(draws.length, run.stdout).toBeGreaterThanOrEqual(2)
    // Every draw but the last (the clearing) is a progress line with no line break.
    for (const d of draws.slice(0, -1)) expect(d).toMatch(LINE)
    expect(draws.slice(0, -1).at(-1)).toMatch(/^assay: 12\/12 cases \(1 trial each\), took \d+s/)
    expect(draws.at(-1)!.trim().replace(/\x1b\[\?25h/, '')).toBe('')
  })
})
