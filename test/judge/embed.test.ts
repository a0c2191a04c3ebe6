import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { startFixtureServer, type FixtureServer } from '../../fixtures/server/index.js'
import { resetConfig } from '../../src/config.js'
import { cassettePath, CassetteMissError, openCassettes, type CacheMode } from '../../src/judge/cassette.js'
import { embeddingEntry, embeddingKey, recordedVector } from '../../src/judge/embed-cassette.js'
import { embedTexts, EmbeddingEntryError } from '../../src/judge/embed.js'
import { settleCassette } from '../../src/judge/runtime.js'
import { registerSecret, resetSecrets } from '../../src/secrets.js'
import { testRuntime } from '../helpers.js'

let server: FixtureServer
let dir: string
let n = 0
beforeAll(async () => {
  server = await startFixtureServer()
  dir = mkdtempSync(join(tmpdir(), 'assay-embed-'))
})
afterEach(() => {
  resetConfig()
  server.requests.length = 0
  server.configure({ embeddings: undefined })
})
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true })
  await server.close()
})

const MODEL = 'text-embedding-3-small'
const fresh = () => join(dir, `file${++n}.test.ts`)
const rt = (cacheMode: CacheMode = 'auto') => testRuntime({ baseURL: server.url, cacheMode })
const cassetteOf = (testPath: string) => JSON.parse(readFileSync(cassettePath(testPath), 'utf8')) as { entries: Record<string, { request: { params: { input: string } }; response: { embedding: string; encoding: string } }> }
const cosine = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0) / (Math.hypot(...a) * Math.hypot(...b))

describe('embedTexts', () => {
  test('records one entry per input, then replays them with no request and bit-identical vectors', async () => {
    const testPath = fresh()
    const live = await embedTexts({ inputs: ['Refund approved.', 'The refund was approved.'], testPath }, rt())
    expect(live).toMatchObject({ model: MODEL, replayed: false, requests: 1 })
    expect(Object.keys(cassetteOf(testPath).entries).sort()).toEqual([embeddingKey(MODEL, 'Refund approved.'), embeddingKey(MODEL, 'The refund was approved.')].sort())
    const replay = await embedTexts({ inputs: ['Refund approved.', 'The refund was approved.'], testPath }, rt())
    expect(replay).toMatchObject({ replayed: true, requests: 0, cost: 0 })
    expect(server.requests).toHaveLength(1)
    expect(replay.vectors).toStrictEqual(live.vectors)
    expect(cosine(replay.vectors[0]!, replay.vectors[1]!)).toBe(cosine(live.vectors[0]!, live.vectors[1]!))
  })

  test('replay does not depend on batching: inputs recorded together are replayed one by one, and only misses are sent', async () => {
    const testPath = fresh()
    await embedTexts({ inputs: ['alpha', 'beta'], testPath }, rt())
    const mixed = await embedTexts({ inputs: ['beta', 'gamma', 'beta'], testPath }, rt())
    expect(mixed.replayed).toBe(false)
    expect(mixed.vectors[0]).toStrictEqual(mixed.vectors[2])
    expect(server.requests.map((r) => (r.body as { input: string[] }).input)).toEqual([['alpha', 'beta'], ['gamma']])
  })

  test('lockdown: a missing vector is a CassetteMissError naming the cassette and the command that records it, and nothing is sent', async () => {
    const testPath = fresh()
    await embedTexts({ inputs: ['alpha'], testPath }, rt())
    const error = await embedTexts({ inputs: ['alpha', 'delta'], testPath }, rt('lockdown')).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CassetteMissError)
    expect((error as Error).message).toContain(`(key ${embeddingKey(MODEL, 'delta')}) in ${cassettePath(testPath)}, and the cache mode is lockdown`)
    expect((error as Error).message).toContain('ASSAY_CACHE=auto')
    expect(server.requests).toHaveLength(1)
  })

  test('an unreadable recorded vector is an error under lockdown and asked again in auto mode', async () => {
    const testPath = fresh()
    await embedTexts({ inputs: ['alpha'], testPath }, rt())
    const file = cassetteOf(testPath)
    const key = embeddingKey(MODEL, 'alpha')
    file.entries[key]!.response.embedding = 'AAAA'
    writeFileSync(cassettePath(testPath), JSON.stringify(file))
    const locked = await embedTexts({ inputs: ['alpha'], testPath }, { ...rt('lockdown'), cassettes: new Map() }).catch((e: unknown) => e)
    expect(locked).toBeInstanceOf(EmbeddingEntryError)
    expect((locked as Error).message).toContain(`The embedding recorded in ${cassettePath(testPath)} (key ${key}) cannot be replayed: its embedding holds 3 bytes, which is not 64 dimensions of 4 bytes`)
    const again = await embedTexts({ inputs: ['alpha'], testPath }, { ...rt(), cassettes: new Map() })
    expect(again.replayed).toBe(false)
    expect(cassetteOf(testPath).entries[key]!.response.embedding).not.toBe('AAAA')
  })

  test('refresh asks again for recorded inputs; off neither reads nor writes the cassette', async () => {
    const testPath = fresh()
    await embedTexts({ inputs: ['alpha'], testPath }, rt())
    expect((await embedTexts({ inputs: ['alpha'], testPath }, rt('refresh'))).replayed).toBe(false)
    const other = fresh()
    expect((await embedTexts({ inputs: ['alpha'], testPath: other }, rt('off'))).replayed).toBe(false)
    expect(existsSync(cassettePath(other))).toBe(false)
    expect(server.requests).toHaveLength(3)
  })

  test('known secrets are redacted from the recorded input; the key still tells inputs apart', async () => {
    const testPath = fresh()
    registerSecret('sk-embed-secret-123456')
    try {
      await embedTexts({ inputs: ['my key is sk-embed-secret-123456'], testPath }, rt())
      const text = readFileSync(cassettePath(testPath), 'utf8')
      expect(text).not.toContain('sk-embed-secret-123456')
      expect(text).toContain('my key is [REDACTED]')
    } finally {
      resetSecrets()
    }
  })

  test('an embedding entry used in a run is not obsolete; one no test used is pruned', async () => {
    const testPath = fresh()
    const shared = { ...rt(), cassettes: openCassettes() }
    await embedTexts({ inputs: ['kept', 'dropped'], testPath }, shared)
    settleCassette(testPath, { fullRun: false, update: false, failed: [] })
    await embedTexts({ inputs: ['kept'], testPath }, shared)
    const report = settleCassette(testPath, { fullRun: true, update: true, failed: [] })
    expect(report).toMatchObject({ pruned: 1 })
    expect(Object.keys(cassetteOf(testPath).entries)).toEqual([embeddingKey(MODEL, 'kept')])
  })
})

describe('embedding entries', () => {
  test('float32 vectors are stored as base64 float32s, other values as float64s, both read back exactly', () => {
    const share = { model: MODEL, usage: { prompt_tokens: 1, total_tokens: 1 }, cost: 0, latencyMs: 1 }
    const f32 = [...new Float32Array([0.1, -0.25, 1e-8, -0])]
    const f64 = [0.1, -0.25, 1 / 3, Number.MIN_VALUE]
    const a = embeddingEntry(MODEL, 'x', f32, share)
    const b = embeddingEntry(MODEL, 'x', f64, share)
    expect(a.response).toMatchObject({ encoding: 'float32-base64', dimensions: 4, embedding: Buffer.from(new Float32Array(f32).buffer).toString('base64') })
    expect(b.response).toMatchObject({ encoding: 'float64-base64', dimensions: 4 })
    expect(recordedVector(a)).toStrictEqual(f32)
    expect(Object.is((recordedVector(a) as number[])[3], -0)).toBe(true)
    expect(recordedVector(b)).toStrictEqual(f64)
  })

  test('an entry that is not an embedding, or of an unknown encoding, is named as such', () => {
    const share = { model: MODEL, usage: { prompt_tokens: 1, total_tokens: 1 }, cost: 0, latencyMs: 1 }
    const entry = embeddingEntry(MODEL, 'x', [0.5], share)
    expect(recordedVector({ ...entry, response: { choices: [] } })).toEqual({ problem: 'it is not an embedding entry (it needs response.object "embedding" and response.embedding)' })
    expect(recordedVector({ ...entry, response: { ...(entry.response as object), encoding: 'int8' } })).toEqual({ problem: 'its encoding "int8" is neither "float32-base64" nor "float64-base64"' })
  })
})

describe('embedTexts through the batcher', () => {
  test('concurrent assertions of one worker share one /embeddings request, and each records only its own inputs with its share', async () => {
    const paths = Array.from({ length: 8 }, () => fresh())
    // A worker's assertions share its judge runtime, and so its client.
    const worker = rt()
    const results = await Promise.all(paths.map((testPath, i) => embedTexts({ inputs: [`answer number ${i}`], testPath }, worker)))
    expect(server.requests.filter((r) => r.path.endsWith('/embeddings'))).toHaveLength(1)
    expect(results.reduce((n, r) => n + r.requests, 0)).toBe(1)
    paths.forEach((testPath, i) => expect(Object.values(cassetteOf(testPath).entries).map((e) => e.request.params.input)).toEqual([`answer number ${i}`]))
  })
})
