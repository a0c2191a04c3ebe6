// A collect pass over embeddings, the faithfulness judge and the semantic judge cache:
// nothing is sent, every miss waits for the batch, and the batch's answers replay.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { startFixtureServer, type ChatCompletionBody, type FixtureServer } from '../../fixtures/server/index.js'
import { BatchCollectedError, readPending } from '../../src/batch/pending.js'
import { runBatch } from '../../src/batch/run.js'
import { configure, resetConfig } from '../../src/config.js'
import { cassettePath, type CacheMode } from '../../src/judge/cassette.js'
import { embeddingKey, recordedVector } from '../../src/judge/embed-cassette.js'
import { embedTexts } from '../../src/judge/embed.js'
import { runFaithfulness } from '../../src/judge/faithfulness.js'
import { semanticCacheFor } from '../../src/judge/semantic-cache.js'
import { lexicalEmbedding, testRuntime } from '../helpers.js'

const MODEL = 'text-embedding-3-small'
const OUTPUT = 'Revenue rose 5%. Tim Cook announced a buyback.'
const SOURCE = 'Revenue rose 5%. Tim Cook announced a dividend.'
/** The fact checker's reply: the buyback is contradicted, unless the output is "unreadable", which gets prose. */
const reply = (chat: ChatCompletionBody) => {
  const text = JSON.stringify(chat.messages)
  if (text.includes('unreadable')) return 'All fine.'
  return JSON.stringify({
    claims: [
      { claim: 'Revenue rose 5%.', reason: 'The source says so.', verdict: 'supported' },
      { claim: 'Tim Cook announced a buyback.', reason: 'The source says a dividend.', verdict: 'contradicted' },
    ],
  })
}

let server: FixtureServer
let dir: string
const env = { ...process.env }
beforeEach(async () => {
  server = await startFixtureServer({ respond: reply })
  dir = mkdtempSync(join(tmpdir(), 'assay-batch-semantic-'))
  process.env.ASSAY_BATCH_DIR = join(dir, 'state')
  configure({ judge: { baseURL: server.url } })
})
afterEach(async () => {
  process.env = { ...env }
  resetConfig()
  await server.close()
  rmSync(dir, { recursive: true, force: true })
})

const runtime = (cacheMode: CacheMode = 'auto') => testRuntime({ baseURL: server.url, apiKey: 'sk-judge-secret', cacheMode })
const testPath = (name = 'similar.test.ts') => join(dir, name)
const sent = (path: string) => server.requests.filter((r) => r.path === path).length
const pending = () => readPending(process.env.ASSAY_BATCH_DIR!)
const batch = () => runBatch({ dir: process.env.ASSAY_BATCH_DIR!, apiKey: 'sk-batch-secret', write: () => {}, pollIntervalMs: 1 })
const entries = (name: string) => JSON.parse(readFileSync(cassettePath(testPath(name)), 'utf8')).entries as Record<string, { request: unknown; response: unknown; cost: number }>

describe('embeddings in a collect pass', () => {
  test.each(['auto', 'lockdown'] as const)('(%s) a miss is collected one line per input, not sent, and fails the assertion', async (mode) => {
    process.env.ASSAY_BATCH = 'collect'
    const error = await embedTexts({ inputs: ['Refund approved.', 'The refund was approved.', 'Refund approved.'], testPath: testPath() }, runtime(mode)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(BatchCollectedError)
    expect((error as Error).message).toMatch(/^Collected for the batch: this embedding request for 2 inputs \(key [0-9a-f]{32} and 1 more\) has no recorded answer/)
    expect(sent('/v1/embeddings')).toBe(0)
    const lines = pending()
    expect(Object.keys(lines).sort()).toEqual([embeddingKey(MODEL, 'Refund approved.'), embeddingKey(MODEL, 'The refund was approved.')].sort())
    expect(lines[embeddingKey(MODEL, 'Refund approved.')]).toMatchObject({ kind: 'embedding', url: '/v1/embeddings', baseURL: server.url, body: { model: MODEL, input: ['Refund approved.'] }, cassettes: [{ path: cassettePath(testPath()) }] })
  })

  test('a recorded vector replays and only the missing input is collected', async () => {
    await embedTexts({ inputs: ['Refund approved.'], testPath: testPath() }, runtime())
    process.env.ASSAY_BATCH = 'collect'
    await expect(embedTexts({ inputs: ['Refund approved.'], testPath: testPath() }, runtime('lockdown'))).resolves.toMatchObject({ replayed: true })
    await expect(embedTexts({ inputs: ['Refund approved.', 'Refund denied.'], testPath: testPath() }, runtime('lockdown'))).rejects.toBeInstanceOf(BatchCollectedError)
    expect(Object.keys(pending())).toEqual([embeddingKey(MODEL, 'Refund denied.')])
    expect(sent('/v1/embeddings')).toBe(1)
  })

  test('under lockdown, a recorded vector that cannot be read is collected for the batch to replace, not failed on', async () => {
    await embedTexts({ inputs: ['Refund approved.'], testPath: testPath() }, runtime())
    const file = cassettePath(testPath())
    writeFileSync(file, readFileSync(file, 'utf8').replace('"float32-base64"', '"float16-base64"'))
    process.env.ASSAY_BATCH = 'collect'
    await expect(embedTexts({ inputs: ['Refund approved.'], testPath: testPath() }, runtime('lockdown'))).rejects.toBeInstanceOf(BatchCollectedError)
    expect(Object.keys(pending())).toEqual([embeddingKey(MODEL, 'Refund approved.')])
    delete process.env.ASSAY_BATCH
    await expect(batch()).resolves.toMatchObject({ written: 1, failed: [] })
    await expect(embedTexts({ inputs: ['Refund approved.'], testPath: testPath() }, runtime('lockdown'))).resolves.toMatchObject({ replayed: true })
    expect(sent('/v1/embeddings')).toBe(1)
  })

  test('the batch writes one embedding entry per input, as a live run records it, at half the price, and it replays with no request', async () => {
    const inputs = ['Refund approved.', 'The refund was approved.']
    process.env.ASSAY_BATCH = 'collect'
    await expect(embedTexts({ inputs, testPath: testPath() }, runtime())).rejects.toBeInstanceOf(BatchCollectedError)
    delete process.env.ASSAY_BATCH
    await expect(batch()).resolves.toMatchObject({ status: 'done', written: 2, failed: [], noVerdict: [] })
    expect(server.batches().map((b) => b.endpoint)).toEqual(['/v1/embeddings'])
    expect(sent('/v1/embeddings')).toBe(0)

    const replayed = await embedTexts({ inputs, testPath: testPath() }, runtime('lockdown'))
    expect(replayed).toMatchObject({ replayed: true, requests: 0 })
    expect(sent('/v1/embeddings')).toBe(0)
    const live = await embedTexts({ inputs, testPath: testPath('live.test.ts') }, runtime())
    expect(replayed.vectors).toStrictEqual(live.vectors)
    for (const input of inputs) {
      const key = embeddingKey(MODEL, input)
      const batched = entries('similar.test.ts')[key]!
      const recorded = entries('live.test.ts')[key]!
      expect(batched.request).toEqual(recorded.request)
      expect(batched.response).toEqual(recorded.response)
      expect(recordedVector(batched as never)).toStrictEqual(recordedVector(recorded as never))
    }
    // Each input is sent alone in the batch, so its cost is its own tokens at half the price.
    const solo = await embedTexts({ inputs: [inputs[0]!], testPath: testPath('solo.test.ts') }, runtime())
    expect(entries('similar.test.ts')[embeddingKey(MODEL, inputs[0]!)]!.cost).toBeCloseTo(solo.cost! / 2, 15)
  })

  test('an answer that holds no vector for its input is not written, and is reported', async () => {
    server.configure({ embeddings: (texts) => texts.map(() => [0, Number.NaN]) })
    process.env.ASSAY_BATCH = 'collect'
    await expect(embedTexts({ inputs: ['Refund approved.'], testPath: testPath() }, runtime())).rejects.toBeInstanceOf(BatchCollectedError)
    delete process.env.ASSAY_BATCH
    const result = await batch()
    expect(result).toMatchObject({ written: 0, failed: [{ key: embeddingKey(MODEL, 'Refund approved.') }] })
    expect(result.failed[0]!.reason).toMatch(/not a finite number|NaN|no vector/)
  })
})

describe('the semantic judge cache in a collect pass', () => {
  test('is off, so it embeds nothing and a verdict is collected as a plain miss', () => {
    const embed = async () => lexicalEmbedding(['a'])
    expect(semanticCacheFor(true, 'auto', MODEL, embed, {})).toBeDefined()
    expect(semanticCacheFor(true, 'auto', MODEL, embed, { ASSAY_BATCH: 'collect' })).toBeUndefined()
    expect(semanticCacheFor({ lockdown: true }, 'lockdown', MODEL, embed, { ASSAY_BATCH: 'collect' })).toBeUndefined()
  })
})

describe('toBeFaithfulTo in a collect pass', () => {
  test('a miss is collected, not sent, and the batch answer replays as the live one with no request', async () => {
    process.env.ASSAY_BATCH = 'collect'
    await expect(runFaithfulness({ output: OUTPUT, source: SOURCE, testPath: testPath('f.test.ts') }, runtime('lockdown'))).rejects.toBeInstanceOf(BatchCollectedError)
    expect(sent('/v1/chat/completions')).toBe(0)
    expect(Object.values(pending())[0]).toMatchObject({ kind: 'judge', url: '/v1/chat/completions', question: { claims: { output: OUTPUT } } })
    delete process.env.ASSAY_BATCH
    await expect(batch()).resolves.toMatchObject({ written: 1, failed: [], noVerdict: [] })

    const replayed = await runFaithfulness({ output: OUTPUT, source: SOURCE, testPath: testPath('f.test.ts') }, runtime('lockdown'))
    expect(sent('/v1/chat/completions')).toBe(0)
    const live = await runFaithfulness({ output: OUTPUT, source: SOURCE, testPath: testPath('live.test.ts') }, runtime())
    expect(replayed).toMatchObject({ replayed: true, requests: 0, claims: live.claims })
    const [key, recorded] = Object.entries(entries('live.test.ts'))[0]!
    expect(entries('f.test.ts')[key]!.request).toEqual(recorded.request)
    expect(entries('f.test.ts')[key]!.response).toEqual(recorded.response)
  })

  test('a batch answer that holds no valid claims is not written, and is reported', async () => {
    const output = 'An unreadable summary.'
    process.env.ASSAY_BATCH = 'collect'
    await expect(runFaithfulness({ output, source: SOURCE, testPath: testPath('f.test.ts') }, runtime())).rejects.toBeInstanceOf(BatchCollectedError)
    delete process.env.ASSAY_BATCH
    const result = await batch()
    expect(result).toMatchObject({ written: 0, failed: [] })
    expect(result.noVerdict[0]!.reason).toContain('the reply holds no JSON')
  })
})

describe('the matchers in a collect pass', () => {
  test('toBeSemanticallySimilarTo and toBeFaithfulTo fail saying what was collected, and never pass under .not', async () => {
    process.env.ASSAY_BATCH = 'collect'
    const failure = (run: () => Promise<unknown>) => run().then(() => 'passed', (e: Error) => e.message)
    for (const run of [
      () => expect('Refund approved.').toBeSemanticallySimilarTo('The refund was approved.'),
      () => expect('Refund approved.').not.toBeSemanticallySimilarTo('The refund was approved.'),
    ]) expect(await failure(run)).toMatch(/^toBeSemanticallySimilarTo: no similarity was computed, so the assertion cannot pass\.\nCollected for the batch: this embedding request for 2 inputs/)
    for (const run of [() => expect(OUTPUT).toBeFaithfulTo(SOURCE), () => expect(OUTPUT).not.toBeFaithfulTo(SOURCE)]) expect(await failure(run)).toContain('Collected for the batch: this judge request')
    expect(sent('/v1/embeddings') + sent('/v1/chat/completions')).toBe(0)
    expect(Object.values(pending()).map((r) => r.kind).sort()).toEqual(['embedding', 'embedding', 'judge'])
  })
})
