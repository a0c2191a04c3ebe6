// The semantic judge cache in runJudge: reuse for near-duplicates, never across outputs the
// judge scores differently, across runs through the cassette, and its policy per cache mode.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeEach, describe, expect, test } from 'vitest'
import { lexicalEmbedding, testRuntime } from '../helpers.js'
import { startFixtureServer, type ChatCompletionBody, type FixtureServer } from '../../fixtures/server/index.js'
import { embed as lexicalEmbed } from '../../fixtures/server/sample.js'
import { CassetteMissError, openCassettes, type CacheMode } from '../../src/judge/cassette.js'
import { settleCassette } from '../../src/judge/runtime.js'
import { runJudge, type JudgeRuntime } from '../../src/judge/judge.js'
import { cosine } from '../../src/judge/cosine.js'
import { semanticCacheFor, type Embed } from '../../src/judge/semantic-cache.js'

let server: FixtureServer
let dir: string
beforeEach(async () => {
  await server?.close()
  server = await startFixtureServer()
  // The scripted judge reads the decision in the output: a denied refund scores 2, any other 9.
  server.configure({
    respond: (body: ChatCompletionBody) => {
      const user = String(body.messages.at(-1)?.content)
      const score = /denied/.test(user) ? 2 : /\$45/.test(user) ? 4 : 9
      return JSON.stringify({ criteria: { accuracy: { reasoning: 'Read it.', score } } })
    },
  })
  dir = mkdtempSync(join(tmpdir(), 'assay-semantic-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))
afterAll(() => server?.close())

const lexical: Embed = lexicalEmbedding
const embedCalls: string[][] = []
const embedPaths: (string | undefined)[] = []
const counting: Embed = async (texts, path) => {
  embedCalls.push(texts)
  embedPaths.push(path)
  return lexical(texts)
}
beforeEach(() => {
  embedCalls.length = 0
  embedPaths.length = 0
})

const testPath = () => join(dir, 'support.test.ts')
const cassetteFile = () => join(dir, '__llm_cassettes__', 'support.test.ts.json')
const runtime = (mode: CacheMode = 'auto', setting: Parameters<typeof semanticCacheFor>[0] = { threshold: 0.8, lockdown: true }, embed: Embed = counting): JudgeRuntime => ({
  ...testRuntime({ baseURL: server.url, cacheMode: mode, logprobs: false }),
  semantic: semanticCacheFor(setting, mode, 'lexical-64', embed, {}),
})
const ask = (output: string, rt: JudgeRuntime, extra: { source?: string } = {}) => runJudge({ output, criteria: ['accuracy'], testPath: testPath(), ...extra }, rt)

const approved = 'Hi Maria, your refund of $40 for order 1234 was approved today and will reach your card within 5 business days.'
const spaced = 'Hi  Maria, your refund of $40 for order 1234 was approved today  and will reach your card within 5 business days.'
const denied = approved.replace('approved', 'denied')
const otherAmount = approved.replace('$40', '$45')

describe('reuse', () => {
  test('a near-duplicate reuses the recorded verdict with no judge request, and says from which output', async () => {
    const rt = runtime()
    const first = await ask(approved, rt)
    expect(first.reusedFrom).toBeUndefined()
    const again = await ask(spaced, rt)
    expect(server.requests.filter((r) => r.path.endsWith('/chat/completions'))).toHaveLength(1)
    expect(again).toMatchObject({ overall: 9, replayed: true, requests: 0, reusedFrom: { output: approved, similarity: 1 } })
    expect(again.reusedFrom!.key).toMatch(/^[0-9a-f]{32}$/)
    expect(readFileSync(cassetteFile(), 'utf8')).toContain(again.reusedFrom!.key)
  })

  test('outputs the judge scores differently are judged afresh, however similar (the test that catches a wrong reuse)', async () => {
    const rt = runtime()
    await ask(approved, rt)
    // Close enough for the embedding alone: only the guard stands between them and reuse.
    for (const trap of [denied, otherAmount]) expect(cosine(lexicalEmbed(approved), lexicalEmbed(trap))).toBeGreaterThanOrEqual(0.8)
    const d = await ask(denied, rt)
    const m = await ask(otherAmount, rt)
    expect([d.overall, d.reusedFrom]).toEqual([2, undefined])
    expect([m.overall, m.reusedFrom]).toEqual([4, undefined])
    expect(server.requests).toHaveLength(3)
  })

  test('works across runs: the index of outputs and vectors lives in the cassette', async () => {
    await ask(approved, runtime())
    const file = readFileSync(cassetteFile(), 'utf8')
    expect(file).toContain('"kind": "semantic-index"')
    const later = await ask(spaced, runtime())
    expect(later.reusedFrom?.output).toBe(approved)
    expect(server.requests).toHaveLength(1)
  })

  test('an output with its own recorded answer replays it, and is embedded once to join the index', async () => {
    await ask(approved, runtime())
    expect(embedCalls).toEqual([[approved]])
    // The test file goes along, so that a run's embeddings replay from its cassette.
    expect(embedPaths).toEqual([testPath()])
    const replayed = await ask(approved, runtime())
    expect(replayed.reusedFrom).toBeUndefined()
    expect(embedCalls).toHaveLength(1)
  })

  test('a different question (another source) never shares verdicts', async () => {
    const rt = runtime()
    await ask(approved, rt, { source: 'Ticket 1' })
    const other = await ask(spaced, rt, { source: 'Ticket 2' })
    expect(other.reusedFrom).toBeUndefined()
    expect(server.requests).toHaveLength(2)
  })

  test('below the threshold, no reuse', async () => {
    const rt = runtime('auto', { threshold: 0.999 })
    await ask(approved, rt)
    const reworded = await ask('Hi Maria, good news: your refund of $40 for order 1234 was approved today and will reach your card within 5 business days.', rt)
    expect(reworded.reusedFrom).toBeUndefined()
    expect(server.requests).toHaveLength(2)
  })

  test('a candidate whose answer is no longer in the cassette is passed over for the judge', async () => {
    await ask(approved, runtime())
    const data = JSON.parse(readFileSync(cassetteFile(), 'utf8')) as { entries: Record<string, { request: { params: { kind?: string } } }> }
    for (const [key, entry] of Object.entries(data.entries)) if (entry.request.params.kind !== 'semantic-index') delete data.entries[key]
    writeFileSync(cassetteFile(), JSON.stringify(data))
    const v = await ask(spaced, runtime())
    expect(v.reusedFrom).toBeUndefined()
    expect(server.requests).toHaveLength(2)
  })

  test('an embedding that fails leaves the output to the judge', async () => {
    await ask(approved, runtime())
    const v = await ask(spaced, runtime('auto', true, async () => Promise.reject(new Error('embeddings down'))))
    expect(v.reusedFrom).toBeUndefined()
    expect(server.requests).toHaveLength(2)
  })

  test('a hand-broken index entry is an error naming the cassette', async () => {
    await ask(approved, runtime())
    writeFileSync(cassetteFile(), readFileSync(cassetteFile(), 'utf8').replace('"outputs": [', '"outputs": [ 7, '))
    await expect(ask(spaced, runtime())).rejects.toThrow(/semantic cache index .* in .*support\.test\.ts\.json is not a list/)
  })
})

describe('cache modes', () => {
  test('lockdown reuses only when configured { lockdown: true }, and writes nothing', async () => {
    await ask(approved, runtime())
    const before = readFileSync(cassetteFile(), 'utf8')
    await expect(ask(spaced, runtime('lockdown', true))).rejects.toBeInstanceOf(CassetteMissError)
    expect((await ask(spaced, runtime('lockdown', { lockdown: true }))).reusedFrom?.output).toBe(approved)
    expect(readFileSync(cassetteFile(), 'utf8')).toBe(before)
    expect(server.requests).toHaveLength(1)
  })

  test('a cassette miss with no near-duplicate stays a miss under lockdown, never a pass', async () => {
    await ask(approved, runtime())
    await expect(ask(denied, runtime('lockdown', { lockdown: true }))).rejects.toBeInstanceOf(CassetteMissError)
  })

  test('refresh judges every output afresh and indexes it', async () => {
    await ask(approved, runtime())
    const v = await ask(spaced, runtime('refresh'))
    expect(v.reusedFrom).toBeUndefined()
    expect(server.requests).toHaveLength(2)
    expect(readFileSync(cassetteFile(), 'utf8')).toContain(`"output": ${JSON.stringify(spaced)}`)
  })

  test('the index stays while an answer it points to is used, also by a run with the cache off, and goes with them', async () => {
    await ask(approved, runtime())
    const keys = () => Object.keys((JSON.parse(readFileSync(cassetteFile(), 'utf8')) as { entries: object }).entries)
    expect(keys()).toHaveLength(2)
    // A CI run (lockdown, semantic cache off) replays the answer and never reads the index.
    await ask(approved, { ...testRuntime({ baseURL: server.url, cacheMode: 'lockdown', logprobs: false }), cassettes: openCassettes() })
    expect(settleCassette(testPath(), { fullRun: true, update: true, failed: [] })).toMatchObject({ obsolete: [], pruned: 0 })
    expect(keys()).toHaveLength(2)
    // A run in which no test asks that question any more: both go.
    expect(settleCassette(testPath(), { fullRun: true, update: true, failed: [] })).toMatchObject({ pruned: 2 })
  })

  test('policy: off by default; on by configuration or ASSAY_SEMANTIC_CACHE; lockdown only when asked', () => {
    expect(semanticCacheFor(false, 'auto', 'm', lexical, {})).toBeUndefined()
    expect(semanticCacheFor(true, 'auto', 'm', lexical, {})).toMatchObject({ threshold: 0.97, reuse: true, index: true, model: 'm' })
    expect(semanticCacheFor(false, 'auto', 'm', lexical, { ASSAY_SEMANTIC_CACHE: '1' })).toMatchObject({ threshold: 0.97 })
    expect(semanticCacheFor({ threshold: 0.99 }, 'auto', 'm', lexical, { ASSAY_SEMANTIC_CACHE: '0' })).toBeUndefined()
    expect(semanticCacheFor(true, 'lockdown', 'm', lexical, {})).toBeUndefined()
    expect(semanticCacheFor(false, 'lockdown', 'm', lexical, { ASSAY_SEMANTIC_CACHE: '1' })).toBeUndefined()
    expect(semanticCacheFor({ lockdown: true }, 'lockdown', 'm', lexical, {})).toMatchObject({ reuse: true, index: false })
    expect(semanticCacheFor(true, 'refresh', 'm', lexical, {})).toMatchObject({ reuse: false, index: true })
    expect(semanticCacheFor(true, 'off', 'm', lexical, {})).toBeUndefined()
    expect(() => semanticCacheFor(true, 'auto', 'm', lexical, { ASSAY_SEMANTIC_CACHE: 'yes' })).toThrow(/ASSAY_SEMANTIC_CACHE is "yes", but it must be 1 \(on\) or 0 \(off\)/)
  })
})
