import { afterAll, beforeEach, describe, expect, test } from 'vitest'
import { startFixtureServer, type FixtureServer } from '../../fixtures/server/index.js'
import { JudgeClient, JudgeError, type JudgeClientOptions } from '../../src/judge/client.js'
import { PacingQueue, RateLimiter } from '../../src/judge/limiter.js'

let server: FixtureServer
let backup: FixtureServer
beforeEach(async () => {
  await Promise.all([server?.close(), backup?.close()])
  server = await startFixtureServer()
  backup = await startFixtureServer()
})
afterAll(() => Promise.all([server?.close(), backup?.close()]))

const body = { messages: [{ role: 'user' as const, content: 'Score this.' }] }
const client = (extra: Partial<JudgeClientOptions> = {}) =>
  new JudgeClient({ endpoints: [{ model: 'gpt-4o-mini', baseURL: server.url, apiKey: 'sk-test-secret' }], random: () => 0, ...extra })

describe('JudgeClient', () => {
  test('returns the completion with tokens, latency and cost', async () => {
    const call = await client().complete(body)
    expect(call.completion.choices[0]!.message.content).toBe('ok')
    expect(call).toMatchObject({ endpoint: 0, model: 'gpt-4o-mini', requests: 1, usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 } })
    expect(call.cost).toBeCloseTo((3 * 0.15 + 1 * 0.6) / 1e6, 12)
    expect(call.latencyMs).toBeGreaterThan(0)
  })

  test('retries 5xx, resets and timeouts, one HTTP request per try, no SDK retries on top', async () => {
    server.script({ kind: 'status', status: 503 }, { kind: 'reset' }, { kind: 'delay', ms: 1_500 })
    const call = await client({ timeoutMs: 300 }).complete(body)
    expect(call.requests).toBe(4)
    expect(server.requests).toHaveLength(4)
  })

  test('a 429 waits for retry-after-ms, holding back the shared pacer too', async () => {
    const pacer = new PacingQueue(new RateLimiter())
    server.script({ kind: 'rate-limit', retryAfterMs: 300 })
    const start = performance.now()
    const call = await client({ pacer }).complete(body)
    expect(call.requests).toBe(2)
    expect(performance.now() - start).toBeGreaterThanOrEqual(290)
    // Another request through the same pacer waits too: the hold is shared, not per call.
    expect(pacer.limiter.earliest()).toBeGreaterThan(Date.now() - 50)
  })

  test('429s do not use up the retries: a call refused many times still gets its answer', async () => {
    server.script(...Array.from({ length: 6 }, () => ({ kind: 'rate-limit' as const, retryAfterMs: 10 })), { kind: 'status', status: 503 })
    const call = await client({ maxRetries: 1 }).complete(body)
    expect(call.requests).toBe(8)
    expect(server.requests).toHaveLength(8)
  })

  test('a server that keeps refusing fails the call after maxRateLimitWaitMs, saying so and counting every request', async () => {
    server.script(...Array.from({ length: 100 }, () => ({ kind: 'rate-limit' as const, retryAfterMs: 20 })))
    const error = (await client({ maxRateLimitWaitMs: 300 })
      .complete(body)
      .catch((e: unknown) => e)) as JudgeError
    expect(error).toBeInstanceOf(JudgeError)
    expect(error.message).toMatch(/429 Rate limit reached for requests\. \(refused \d+ times over \d+ s, longer than judge\.maxRateLimitWaitMs of 300 ms: lower judge\.requestsPerMinute/)
    expect(error.requests).toBe(server.requests.length)
    expect(server.requests.length).toBeGreaterThan(1)
  })

  test('insufficient quota fails at once with a clear message', async () => {
    server.script({ kind: 'quota' })
    const error = (await client().complete(body).catch((e: unknown) => e)) as JudgeError
    expect(error).toBeInstanceOf(JudgeError)
    expect(error.message).toContain('429 You exceeded your current quota')
    expect(error.message).toContain('add credit or raise the limit; retrying cannot help')
    expect(server.requests).toHaveLength(1)
  })

  test('gives up after maxRetries and names every judge it tried, without the key', async () => {
    server.script(...Array.from({ length: 3 }, () => ({ kind: 'status' as const, status: 500 })))
    backup.script({ kind: 'status', status: 401, message: 'Incorrect API key provided' })
    const error = (await client({ maxRetries: 2, endpoints: [{ model: 'gpt-4o-mini', baseURL: server.url, apiKey: 'sk-test-secret' }, { model: 'gpt-4o', baseURL: backup.url, apiKey: 'sk-test-secret' }] })
      .complete(body)
      .catch((e: unknown) => e)) as JudgeError
    expect(error.message).toBe(
      `No judge gave a verdict:\n  judge gpt-4o-mini at ${server.url}: 500 Fixture error 500 (after 3 tries)\n  fallback 1 gpt-4o at ${backup.url}: 401 Incorrect API key provided`,
    )
    expect(error.message).not.toContain('sk-test-secret')
    expect(server.requests).toHaveLength(3)
    expect(backup.requests).toHaveLength(1)
    expect(error.requests).toBe(4)
  })

  test('falls back to the next judge and records which one answered', async () => {
    server.script({ kind: 'status', status: 400, message: 'model not found' })
    const call = await client({ endpoints: [{ model: 'judge-a', baseURL: server.url }, { model: 'judge-b', baseURL: backup.url }] }).complete(body)
    expect(call).toMatchObject({ endpoint: 1, model: 'judge-b', requests: 2 })
  })

  test('sends at most maxConcurrency requests at once, a function read at each request', async () => {
    server.configure({ latencyMs: 100 })
    let limit = 2
    const c = client({ maxConcurrency: () => limit })
    const ask = (i: number) => c.complete({ messages: [{ role: 'user', content: `Score ${i}.` }] })
    await Promise.all([0, 1, 2, 3, 4].map(ask))
    expect(server.peakInFlight).toBe(2)
    // describeEval raises the judge's limit to its concurrency after the client was made.
    limit = 4
    await Promise.all([5, 6, 7, 8, 9, 10].map(ask))
    expect(server.peakInFlight).toBe(4)
  })

  test('identical requests in flight share one HTTP call', async () => {
    server.configure({ latencyMs: 100 })
    const c = client()
    const [a, b, other] = await Promise.all([c.complete(body), c.complete(body), c.complete({ messages: [{ role: 'user', content: 'Something else.' }] })])
    // The HTTP request is counted once, for the caller that sent it.
    expect(a.requests).toBe(1)
    expect(b).toEqual({ ...a, requests: 0 })
    expect(other).not.toBe(a)
    expect(server.requests).toHaveLength(2)
    await c.complete(body)
    expect(server.requests).toHaveLength(3)
  })
})
