import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeEach, describe, expect, test } from 'vitest'
import { startFixtureServer, type FixtureServer } from '../../fixtures/server/index.js'
import { embed } from '../../fixtures/server/sample.js'
import { CircuitBreaker } from '../../src/judge/breaker.js'
import { JudgeClient, JudgeError, MissingKeyError, type JudgeClientOptions } from '../../src/judge/client.js'
import { PacingQueue, RateLimiter } from '../../src/judge/limiter.js'
import { configure, resetConfig } from '../../src/config.js'

let server: FixtureServer
beforeEach(async () => {
  await server?.close()
  server = await startFixtureServer()
})
afterEach(() => resetConfig())
afterAll(() => server?.close())

const client = (extra: Partial<JudgeClientOptions> = {}) =>
  new JudgeClient({ endpoints: [{ model: 'gpt-4o-mini', baseURL: server.url, apiKey: 'sk-test-secret' }], random: () => 0, ...extra })
const float32 = (v: number[]) => [...new Float32Array(v)]
const failureOf = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e) as Promise<JudgeError>

describe('JudgeClient.embed', () => {
  test('one request for every input, vectors in order, with tokens, latency and cost at the embedding price', async () => {
    const call = await client().embed(['refund approved', 'the refund was approved', 'weather'])
    expect(server.requests).toHaveLength(1)
    expect(server.requests[0]).toMatchObject({ path: '/v1/embeddings', body: { model: 'text-embedding-3-small', input: ['refund approved', 'the refund was approved', 'weather'], encoding_format: 'base64' } })
    expect(call.vectors).toEqual([float32(embed('refund approved')), float32(embed('the refund was approved')), float32(embed('weather'))])
    expect(call).toMatchObject({ model: 'text-embedding-3-small', requests: 1 })
    expect(call.usage.prompt_tokens).toBeGreaterThan(0)
    expect(call.cost).toBeCloseTo((call.usage.prompt_tokens * 0.02) / 1e6, 15)
    expect(call.latencyMs).toBeGreaterThan(0)
  })

  test('the endpoint is the configured embedding one, its key and URL falling back to the judge', async () => {
    const other = await startFixtureServer()
    try {
      configure({ embedding: { model: 'text-embedding-3-large', baseURL: other.url } })
      const call = await client().embed(['a'])
      expect(call.model).toBe('text-embedding-3-large')
      expect(server.requests).toHaveLength(0)
      expect(other.requests[0]!.headers.authorization).toBe('Bearer sk-test-secret')
      // A model named by the caller wins over the configured one.
      expect((await client().embed(['a'], undefined, 'custom-embedder')).model).toBe('custom-embedder')
    } finally {
      await other.close()
    }
  })

  test('a 429 with retry-after is waited out and the call succeeds, its requests counted once', async () => {
    const pacer = new PacingQueue(new RateLimiter())
    server.script({ kind: 'rate-limit', retryAfterMs: 200 })
    const started = performance.now()
    const call = await client({ pacer }).embed(['a', 'b'])
    expect(call.requests).toBe(2)
    expect(server.requests).toHaveLength(2)
    expect(performance.now() - started).toBeGreaterThanOrEqual(190)
    expect(call.vectors).toHaveLength(2)
  })

  test('5xx answers and reset connections are retried', async () => {
    server.script({ kind: 'status', status: 503 }, { kind: 'reset' })
    const call = await client().embed(['a'])
    expect(call.requests).toBe(3)
    expect(server.requests).toHaveLength(3)
  })

  test('a reply that is not JSON fails the call, naming the endpoint', async () => {
    server.script({ kind: 'malformed' })
    const error = await failureOf(client({ maxRetries: 0 }).embed(['a']))
    expect(error).toBeInstanceOf(JudgeError)
    expect(error.message).toMatch(new RegExp(`^No embedding model gave vectors:\\n  embedding model text-embedding-3-small at ${server.url}: `))
    expect(error.requests).toBe(1)
  })

  test.each([
    ['fewer vectors than inputs', () => [embed('a')], 'holds 1 vector for 2 inputs'],
    ['more vectors than inputs', () => [embed('a'), embed('b'), embed('c')], 'holds 3 vectors for 2 inputs'],
    ['a NaN', () => [embed('a'), [Number.NaN, ...embed('b').slice(1)]], 'has a value that is not a finite number (NaN) at position 0 of the vector for input 1'],
    ['mixed dimensions', () => [embed('a'), embed('b', 32)], 'has vectors of differing dimensions (64, 32)'],
    ['an empty vector', () => [embed('a'), []], 'has no vector in data[1].embedding'],
  ])('a reply with %s is an error naming the problem, never a vector', async (_name, vectors, problem) => {
    server.configure({ embeddings: vectors })
    const error = await failureOf(client().embed(['a', 'b']))
    expect(error).toBeInstanceOf(JudgeError)
    expect(error.message).toContain(`: the reply (status 200) ${problem}`)
    // A broken reply is not retried: the same server would send it again.
    expect(server.requests).toHaveLength(1)
  })

  test('without a key or a URL nothing is sent, and the error says how to set one', async () => {
    const saved = { key: process.env.OPENAI_API_KEY, url: process.env.OPENAI_BASE_URL }
    delete process.env.OPENAI_API_KEY
    delete process.env.OPENAI_BASE_URL
    try {
      const error = await failureOf(new JudgeClient({ endpoints: [{ model: 'gpt-4o-mini' }] }).embed(['a']))
      expect(error).toBeInstanceOf(MissingKeyError)
      expect(error.message).toContain('No API key for the embedding model (text-embedding-3-small): OPENAI_API_KEY is not set and neither embedding.apiKey nor judge.apiKey is configured, so nothing was sent.')
      expect(error.message).toContain('Set OPENAI_API_KEY (or embedding.apiKey)')
    } finally {
      if (saved.key !== undefined) process.env.OPENAI_API_KEY = saved.key
      if (saved.url !== undefined) process.env.OPENAI_BASE_URL = saved.url
    }
  })

  test("goes through the judge's pacer: requestsPerMinute spaces embeddings and verdicts alike", async () => {
    // 600 a minute: one request every 100 ms, never bursted.
    const pacer = new PacingQueue(new RateLimiter({ requestsPerMinute: 600 }))
    const c = client({ pacer })
    const started = performance.now()
    await c.embed(['a'])
    await c.complete({ messages: [{ role: 'user', content: 'Score this.' }] })
    await c.embed(['b'])
    expect(performance.now() - started).toBeGreaterThanOrEqual(190)
    expect(server.requests.map((r) => r.path)).toEqual(['/v1/embeddings', '/v1/chat/completions', '/v1/embeddings'])
  })

  test('the circuit breaker refuses a dead embedding endpoint after a few refused connections', async () => {
    const http = createServer()
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/v1`
    await new Promise((resolve) => http.close(resolve))
    const breaker = new CircuitBreaker({ failures: 3, intervalMs: 60_000 })
    const dead = () => new JudgeClient({ endpoints: [{ model: 'gpt-4o-mini', baseURL: url, apiKey: 'sk-x' }], maxRetries: 4, random: () => 0, breaker })
    const first = await failureOf(dead().embed(['a']))
    expect(first.requests).toBe(3)
    const second = await failureOf(dead().embed(['a']))
    expect(second.requests).toBe(0)
    expect(second.message).toContain(url)
    expect(second.message).toMatch(/connection attempts in a row failed \(ECONNREFUSED\)/)
  })

  test('an aborted signal cancels the call', async () => {
    server.configure({ latencyMs: 5_000 })
    const stop = new AbortController()
    const call = client().embed(['a'], stop.signal)
    setTimeout(() => stop.abort(new Error('test gave up')), 50)
    await expect(call).rejects.toThrow('test gave up')
  })
})
