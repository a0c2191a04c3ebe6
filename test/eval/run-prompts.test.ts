// describeEval's prompts option: every case run with each prompt version, as its own test
// in a describe block per version, with the version in its result and its own gates.
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { z } from 'zod'
import { defineEval, type EvalOptions, type EvalRunner } from '../../src/eval/run.js'
import { setRecordSink, type AssayRecord, type EvalCaseRecord, type RecordOwner } from '../../src/report/records.js'
import { usageError } from '../helpers.js'
import { onProgress, type ProgressNotice } from '../../src/eval/progress.js'
import { useProgressTarget } from '../../src/eval/progress-notice.js'
import { startCoordinator } from '../../src/judge/coordinator.js'

interface Declared {
  /** Describe blocks by their path (`news > summarizer@v1`). */
  describes: string[]
  tests: { path: string; body: (owner: RecordOwner | undefined) => Promise<void> }[]
  afterAll: { path: string; fn: () => void | Promise<void> }[]
}

// Each fake runner is its own test file: one file may declare a dataset name only once.
let files = 0

/** A runner that records what describeEval declares, with each block's path, so a test can run it step by step. */
function fakeRunner(): { runner: EvalRunner; declared: Declared } {
  const file = `${process.cwd()}/evals/news-${++files}.test.ts`
  const declared: Declared = { describes: [], tests: [], afterAll: [] }
  const stack: string[] = []
  const runner: EvalRunner = {
    describe: (name, body) => {
      stack.push(name)
      declared.describes.push(stack.join(' > '))
      body()
      stack.pop()
    },
    test: (name, body) => void declared.tests.push({ path: [...stack, name].join(' > '), body }),
    afterAll: (fn) => void declared.afterAll.push({ path: stack.join(' > '), fn }),
    testPath: () => file,
    root: () => process.cwd(),
    maxConcurrency: () => 5,
    testTimeout: () => 5000,
    raiseConcurrency: () => {},
  }
  return { runner, declared }
}

const V1 = `---
model: openai/gpt-4o-mini
input:
  schema:
    text: string
---
Summarize the following text in 3 bullet points:

{{text}}
`
const V2 = `---
model: openai/gpt-4o-mini
config:
  temperature: 0
input:
  schema:
    text: string
---
{{role "system"}}
You are an expert summarizer. Write exactly 3 bullet points, each starting with "- ".
{{role "user"}}
{{text}}
`

let dir: string
let records: AssayRecord[] = []
const saved = process.env.ASSAY_PROMPTS_DIR
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'assay-eval-prompts-'))
  mkdirSync(join(dir, 'summarizer'))
  writeFileSync(join(dir, 'summarizer', 'v1.prompt'), V1)
  writeFileSync(join(dir, 'summarizer', 'v2.prompt'), V2)
  process.env.ASSAY_PROMPTS_DIR = dir
  // A local run: the versions written above register on first read (CI registers none).
  vi.stubEnv('CI', '')
  setRecordSink((record) => records.push(record))
})
afterEach(() => {
  vi.unstubAllEnvs()
  setRecordSink(undefined)
  records = []
  if (saved === undefined) delete process.env.ASSAY_PROMPTS_DIR
  else process.env.ASSAY_PROMPTS_DIR = saved
  rmSync(dir, { recursive: true, force: true })
})

const schema = z.object({ id: z.string(), text: z.string() })
type Row = z.infer<typeof schema>
const data = [
  { id: 'a', text: 'First.' },
  { id: 'b', text: 'Second.' },
]
const sha = (text: string) => createHash('sha256').update(text).digest('hex')
// The task shows which messages the version rendered; v1's one user message has no bullets.
const options = (extra: Partial<EvalOptions<Row, string>> = {}): EvalOptions<Row, string> => ({
  data,
  schema,
  prompts: { summarizer: ['v1', 'v2'] },
  task: (row, { prompt }) => prompt!.render({ text: row.text }).map((m) => `${m.role}: ${m.content}`).join('\n'),
  ...extra,
})
const cases = () => records.filter((r): r is EvalCaseRecord => r.kind === 'eval-case').map((r) => r.case)

describe('describeEval with prompts', () => {
  test('declares a describe block per version, oldest first, each with one test per case', () => {
    const { runner, declared } = fakeRunner()
    defineEval(runner, 'news', options({ prompts: { summarizer: ['v2', 'v1'] } }), 'run')
    expect(declared.describes).toEqual(['news', 'news > summarizer@v1', 'news > summarizer@v2'])
    expect(declared.tests.map((t) => t.path)).toEqual(['news > summarizer@v1 > a', 'news > summarizer@v1 > b', 'news > summarizer@v2 > a', 'news > summarizer@v2 > b'])
    expect(declared.afterAll.map((a) => a.path)).toEqual(['news > summarizer@v1', 'news > summarizer@v2', 'news'])
  })

  test("each case's task gets its version (info.prompt and info.prompts[name]), and its result carries name, version and hash", async () => {
    const { runner, declared } = fakeRunner()
    const seen: string[] = []
    defineEval(runner, 'news', options({ assert: (_o, row, info) => void seen.push(`${row.id} ${info.prompt!.version} ${info.prompts!.summarizer!.hash === info.prompt!.hash}`) }), 'run')
    for (const t of declared.tests) await t.body({ task: t.path })
    expect(seen).toEqual(['a v1 true', 'b v1 true', 'a v2 true', 'b v2 true'])
    const results = cases()
    expect(results.map((c) => [c.id, c.prompt])).toEqual([
      ['a', { name: 'summarizer', version: 'v1', hash: sha(V1) }],
      ['b', { name: 'summarizer', version: 'v1', hash: sha(V1) }],
      ['a', { name: 'summarizer', version: 'v2', hash: sha(V2) }],
      ['b', { name: 'summarizer', version: 'v2', hash: sha(V2) }],
    ])
    expect(results[0]!.trials[0]!.output).toBe('user: Summarize the following text in 3 bullet points:\n\nFirst.')
    expect(results[2]!.trials[0]!.output).toMatch(/^system: You are an expert summarizer\..*\nuser: First\.$/s)
  })

  test("each version's gates are its own: the failing version's block fails, naming the version, the passing one's does not", async () => {
    const { runner, declared } = fakeRunner()
    defineEval(runner, 'news', options({ thresholds: { passRate: 0.3 }, assert: (output) => expect(output).toContain('- ') }), 'run')
    await Promise.allSettled(declared.tests.map((t) => t.body({ task: t.path })))
    const [v1, v2] = declared.afterAll
    await expect(Promise.resolve().then(v1!.fn)).rejects.toThrow(/^Dataset "news" \(prompt summarizer@v1\) failed 1 of 1 gates:/)
    await expect(Promise.resolve().then(v2!.fn)).resolves.toBeUndefined()
  })

  test("the progress line counts a case once per version: the same id done in two versions is two cases, not a retry; the dataset settles after every version's gates", async () => {
    const coordinator = await startCoordinator()
    const seen: ProgressNotice[] = []
    const stop = onProgress((n) => seen.push(n))
    try {
      useProgressTarget(coordinator.url)
      const { runner, declared } = fakeRunner()
      defineEval(runner, 'news', options(), 'run')
      for (const t of declared.tests) await t.body({ task: t.path })
      for (const a of declared.afterAll) await a.fn()
      const key = `${runner.testPath()}\u0000news`
      expect(seen).toEqual([{ type: 'declared', key, cases: 4, trials: 1 }, ...Array.from({ length: 4 }, () => ({ type: 'case', key, trials: 1, cost: 0 })), { type: 'settled', key, ran: 4 }])
    } finally {
      stop()
      useProgressTarget(undefined)
      await coordinator.close()
    }
  })

  test('labels resolve to versions when declared; refs naming the same version run it once', () => {
    writeFileSync(join(dir, 'summarizer', 'v10.prompt'), V2.replace('expert', 'veteran'))
    const { runner, declared } = fakeRunner()
    // Without a production label, production is the latest, as latest is: v10 (natural order).
    defineEval(runner, 'news', options({ prompts: { summarizer: ['production', 'latest', 'v2'] } }), 'run')
    expect(declared.describes).toEqual(['news', 'news > summarizer@v2', 'news > summarizer@v10'])
  })

  test('a bad prompts option, or a version the registry does not have, is a usage error before any test is declared', () => {
    const declare = (prompts: unknown) => () => defineEval(fakeRunner().runner, 'news', options({ prompts: prompts as EvalOptions<Row, string>['prompts'] }), 'run')
    expect(usageError(declare({ summarizer: ['v1'], other: ['v1'] }))).toContain('prompts must name exactly one prompt (its versions are compared case by case)')
    expect(usageError(declare({ summarizer: [] }))).toContain("prompts.summarizer must be a non-empty array of versions or labels, e.g. ['v1', 'v2']")
    expect(usageError(declare(['v1']))).toContain('prompts must be an object naming a prompt and its versions')
    expect(usageError(declare({ summarizer: ['v3'] }))).toMatch(/v3/)
  })

  test('a version file edited after the eval was declared is refused when its cases run, naming the file and both hashes', async () => {
    const { runner, declared } = fakeRunner()
    defineEval(runner, 'news', options(), 'run')
    writeFileSync(join(dir, 'summarizer', 'v1.prompt'), `${V1}\nEdited.`)
    const edited = sha(`${V1}\nEdited.`)
    await expect(declared.tests[0]!.body({ task: 'a' })).rejects.toThrow(`summarizer/v1.prompt changed while the eval ran (sha256 ${sha(V1)} when declared, ${edited} now)`)
    expect(readFileSync(join(dir, 'summarizer', 'v1.prompt'), 'utf8')).toContain('Edited.')
  })
})
