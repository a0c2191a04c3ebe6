import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeEach, describe, expect, test } from 'vitest'
import { startFixtureServer, type ChatCompletionBody, type FixtureServer } from '../../fixtures/server/index.js'
import { CassetteMissError, type CacheMode } from '../../src/judge/cassette.js'
import { JudgeClient } from '../../src/judge/client.js'
import { JudgeReplyError, requestsSpent, runJudge, type JudgeRuntime } from '../../src/judge/judge.js'
import { nodeFileSystem } from '../../src/store/file.js'

let server: FixtureServer
let dir: string
beforeEach(async () => {
  await server?.close()
  server = await startFixtureServer()
  dir = mkdtempSync(join(tmpdir(), 'assay-judge-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))
afterAll(() => server?.close())

/** A judge reply with the given scores; the reasoning holds no digits, so the score tokens are the only numbers. */
const verdict = (scores: Record<string, number>) =>
  JSON.stringify({ criteria: Object.fromEntries(Object.entries(scores).map(([k, score]) => [k, { reasoning: `The ${k} is fair.`, score }])) })
const standard = verdict({ accuracy: 9, completeness: 6, conciseness: 6 })

function runtime(cacheMode: CacheMode = 'auto'): JudgeRuntime {
  return {
    client: new JudgeClient({ endpoints: [{ model: 'gpt-4o-mini', baseURL: server.url, apiKey: 'sk-judge-secret' }], random: () => 0 }),
    model: 'gpt-4o-mini',
    temperature: 0,
    cacheMode,
    fs: nodeFileSystem(),
    cassettes: new Map(),
    capabilities: { logprobs: true, n: true, jsonSchema: true },
  }
}
const testPath = () => join(dir, 'summary.test.ts')

describe('runJudge', () => {
  test('one request scores every criterion, with structured output and logprobs asked for', async () => {
    server.configure({ respond: () => standard })
    const v = await runJudge({ output: 'The summary.', source: 'The article.' }, runtime('off'))
    expect(v).toMatchObject({ overall: 7, model: 'gpt-4o-mini', judge: 0, replayed: false, requests: 1, weighted: true, samples: [7], spread: 0 })
    expect(v.criteria.accuracy).toEqual({ description: expect.stringContaining('supported by the source'), score: 9, reasoning: 'The accuracy is fair.' })
    expect(v.cost).toBeGreaterThan(0)
    const body = server.requests[0]!.body as ChatCompletionBody
    expect(body).toMatchObject({ temperature: 0, logprobs: true, top_logprobs: 5, response_format: { type: 'json_schema', json_schema: { name: 'assay_verdict', strict: true } } })
  })

  test('records to the cassette and replays with no request, across runs', async () => {
    server.configure({ respond: () => standard })
    const live = await runJudge({ output: 'The summary.', testPath: testPath() }, runtime())
    const replayed = await runJudge({ output: 'The summary.', testPath: testPath() }, runtime('lockdown'))
    expect(server.requests).toHaveLength(1)
    expect(replayed).toMatchObject({ overall: live.overall, criteria: live.criteria, replayed: true, requests: 0 })
    const file = readFileSync(join(dir, '__llm_cassettes__', 'summary.test.ts.json'), 'utf8')
    expect(file).toContain('"recordedAt"')
    expect(file).not.toContain('sk-judge-secret')
  })

  test('a lockdown miss fails with the command that records it', async () => {
    await expect(runJudge({ output: 'Never recorded.', testPath: testPath() }, runtime('lockdown'))).rejects.toBeInstanceOf(CassetteMissError)
    expect(server.requests).toHaveLength(0)
  })

  test('weights scores by the judge\'s log-probabilities', async () => {
    server.configure({ respond: () => ({ content: standard, topLogprobs: { at: '9', probabilities: { '9': 0.5, '8': 0.5 } } }) })
    const v = await runJudge({ output: 'x' }, runtime('off'))
    expect(v.weighted).toBe(true)
    expect(v.criteria.accuracy!.score).toBeCloseTo(8.5)
    expect(v.overall).toBeCloseTo((8.5 + 6 + 6) / 3)
  })

  test('an endpoint that rejects logprobs is asked without them, and remembered', async () => {
    server.configure({ rejectLogprobs: true, respond: () => standard })
    const rt = runtime('off')
    await runJudge({ output: 'x' }, rt)
    await runJudge({ output: 'y' }, rt)
    expect(server.requests.map((r) => r.status)).toEqual([400, 200, 200])
    expect(rt.capabilities.logprobs).toBe(false)
  })

  test('a verdict counts every request it sent: rejected, repaired and failed ones', async () => {
    let calls = 0
    server.configure({ rejectLogprobs: true, respond: () => (calls++ === 0 ? 'About 8/10.' : standard) })
    // A 400 for logprobs, the answer without them, and the repair of its invalid reply.
    expect((await runJudge({ output: 'x' }, runtime('off'))).requests).toBe(3)
    expect(server.requests).toHaveLength(3)
    server.configure({ rejectLogprobs: false })
    server.script({ kind: 'status', status: 500 }, { kind: 'status', status: 500 }, { kind: 'status', status: 500 }, { kind: 'status', status: 500 }, { kind: 'status', status: 500 })
    const rt = runtime('off')
    const error = await runJudge({ output: 'y' }, { ...rt, client: new JudgeClient({ endpoints: [{ model: 'gpt-4o-mini', baseURL: server.url }], maxRetries: 4, random: () => 0 }) }).catch((e: unknown) => e)
    expect(requestsSpent(error)).toBe(5)
    expect(server.requests).toHaveLength(8)
    expect(requestsSpent(new Error('never sent'))).toBe(0)
  })

  test('samples use n choices in one request, or one request each where n is unsupported', async () => {
    server.configure({ respond: (_b, i) => verdict({ accuracy: 6 + i, completeness: 6 + i, conciseness: 6 + i }) })
    const v = await runJudge({ output: 'x', samples: 3 }, runtime('off'))
    expect(v.samples).toEqual([6, 7, 8])
    expect(v.spread).toBe(2)
    expect(server.requests).toHaveLength(1)
    server.configure({ rejectN: true })
    const rt = runtime('off')
    const w = await runJudge({ output: 'x', samples: 3 }, rt)
    expect(w.samples).toHaveLength(3)
    expect(server.requests.slice(1).map((r) => (r.body as ChatCompletionBody).seed ?? (r.body as ChatCompletionBody).n)).toEqual([3, undefined, 1, 2])
  })

  test('without JSON-schema support, JSON in prose is read tolerantly', async () => {
    server.configure({ rejectJsonSchema: true, respond: () => `Here is my verdict:\n\`\`\`json\n${standard}\n\`\`\`` })
    const v = await runJudge({ output: 'x' }, runtime('off'))
    expect(v.overall).toBe(7)
  })

  test('an invalid reply is repaired once; invalid twice is an error with the raw text', async () => {
    let calls = 0
    server.configure({ respond: () => (calls++ === 0 ? 'I would say about 8/10.' : standard) })
    expect((await runJudge({ output: 'x' }, runtime('off'))).overall).toBe(7)
    expect(server.requests).toHaveLength(2)
    server.configure({ respond: () => '{"criteria": {"accuracy": {"score": "high"}}}' })
    const error = (await runJudge({ output: 'y' }, runtime('off')).catch((e: unknown) => e)) as JudgeReplyError
    expect(error).toBeInstanceOf(JudgeReplyError)
    expect(error.message).toContain("The judge's reply was invalid twice")
    expect(error.message).toContain('Raw judge reply:\n{"criteria": {"accuracy": {"score": "high"}}}')
  })

  test('a refusal and a truncated reply are errors, not scores', async () => {
    server.configure({ respond: () => standard })
    server.script({ kind: 'refusal' })
    await expect(runJudge({ output: 'x' }, runtime('off'))).rejects.toThrow("The judge refused to score: I'm sorry, I can't help with that.")
    server.script({ kind: 'truncated' })
    await expect(runJudge({ output: 'x' }, runtime('off'))).rejects.toThrow('cut off at its token limit')
  })
})
