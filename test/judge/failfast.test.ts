import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeEach, describe, expect, test } from 'vitest'
import { testRuntime } from '../helpers.js'
import { startFixtureServer, type FixtureServer } from '../../fixtures/server/index.js'
import { JudgeClient, JudgeError, MissingKeyError } from '../../src/judge/client.js'
import { remotePacer, startCoordinator } from '../../src/judge/coordinator.js'
import { runJudge, type JudgeRuntime } from '../../src/judge/judge.js'
import { PacingQueue, RateLimiter } from '../../src/judge/limiter.js'
import { CircuitBreaker } from '../../src/judge/breaker.js'
import { remoteBreaker } from '../../src/judge/remote-breaker.js'
import type { Pacer } from '../../src/judge/client.js'

let server: FixtureServer
let dir: string
const saved = { key: process.env.OPENAI_API_KEY, base: process.env.OPENAI_BASE_URL }
beforeEach(async () => {
  await server?.close()
  server = await startFixtureServer()
  dir = mkdtempSync(join(tmpdir(), 'assay-failfast-'))
  delete process.env.OPENAI_API_KEY
  delete process.env.OPENAI_BASE_URL
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
  for (const [name, value] of [['OPENAI_API_KEY', saved.key], ['OPENAI_BASE_URL', saved.base]] as const) {
    if (value === undefined) delete process.env[name]
    else process.env[name] = value
  }
})
afterAll(() => server?.close())

const body = { messages: [{ role: 'user' as const, content: 'Score this.' }] }

const runtime = (client: JudgeClient): JudgeRuntime => testRuntime({ client })

describe('no API key', () => {
  test('fails at once, sending nothing, naming OPENAI_API_KEY and OPENAI_BASE_URL', async () => {
    const error = (await new JudgeClient({ endpoints: [{ model: 'gpt-4o-mini' }] }).complete(body).catch((e: unknown) => e)) as JudgeError
    expect(error).toBeInstanceOf(MissingKeyError)
    expect(error.requests).toBe(0)
    expect(error.message).toMatch(/OPENAI_API_KEY/)
    expect(error.message).toMatch(/OPENAI_BASE_URL/)
  })

  test('a verdict without a key names the cassette that has no entry and the command that records it', async () => {
    const testPath = join(dir, 'summary.test.ts')
    const error = (await runJudge({ output: 'Never recorded.', testPath }, runtime(new JudgeClient({ endpoints: [{ model: 'gpt-4o-mini' }] }))).catch((e: unknown) => e)) as Error
    expect(error).toBeInstanceOf(MissingKeyError)
    expect(error.message).toContain(join(dir, '__llm_cassettes__', 'summary.test.ts.json'))
    expect(error.message).toMatch(/no recorded answer/i)
    expect(error.message).toMatch(/OPENAI_API_KEY=\S+ .*summary\.test\.ts/)
  })

  test('a fallback with a key still answers when the primary judge has none', async () => {
    const client = new JudgeClient({ endpoints: [{ model: 'gpt-4o' }, { model: 'gpt-4o-mini', baseURL: server.url, apiKey: 'sk-x' }] })
    const call = await client.complete(body)
    expect(call.endpoint).toBe(1)
    expect(server.requests).toHaveLength(1)
  })

  test('a local server (a base URL, configured or from OPENAI_BASE_URL) needs no key', async () => {
    expect((await new JudgeClient({ endpoints: [{ model: 'llama3', baseURL: server.url }] }).complete(body)).requests).toBe(1)
    process.env.OPENAI_BASE_URL = server.url
    expect((await new JudgeClient({ endpoints: [{ model: 'llama3' }] }).complete(body)).requests).toBe(1)
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(['Bearer no-key', 'Bearer no-key'])
  })
})

describe('a retry-after longer than judge.maxRateLimitWaitMs', () => {
  const DAY_MS = 86_400_000
  const judged = (pacer: Pacer) => new JudgeClient({ endpoints: [{ model: 'gpt-4o-mini', baseURL: server.url, apiKey: 'sk-x' }], pacer, maxRateLimitWaitMs: 60_000 })
  const explained = (error: unknown) => {
    expect(error).toBeInstanceOf(JudgeError)
    const message = (error as Error).message
    expect(message).toContain('gpt-4o-mini')
    expect(message).toContain(server.url)
    expect(message).toMatch(/429/)
    expect(message).toMatch(/86400 s/)
    expect(message).toMatch(/judge\.maxRateLimitWaitMs/)
  }

  test('fails the call at once, and every later call through the same pacer, without a request', async () => {
    const pacer = new PacingQueue(new RateLimiter())
    server.script({ kind: 'rate-limit', retryAfterMs: DAY_MS })
    const first = await judged(pacer).complete(body).catch((e: unknown) => e)
    explained(first)
    expect((first as JudgeError).requests).toBe(1)
    explained(await judged(pacer).complete(body).catch((e: unknown) => e))
    expect(server.requests).toHaveLength(1)
  })

  test('through the coordinator, other workers fail at once with the same explanation', async () => {
    const coordinator = await startCoordinator()
    try {
      server.script({ kind: 'rate-limit', retryAfterMs: DAY_MS })
      explained(await judged(remotePacer(coordinator.url)).complete(body).catch((e: unknown) => e))
      const other = await judged(remotePacer(coordinator.url)).complete(body).catch((e: unknown) => e)
      explained(other)
      expect(server.requests).toHaveLength(1)
    } finally {
      await coordinator.close()
    }
  })
})

describe('a retry-after longer than the test has left', () => {
  const MINUTE_MS = 60_000
  const judged = (pacer: Pacer, deadline: number) =>
    new JudgeClient({
      endpoints: [{ model: 'gpt-4o-mini', baseURL: server.url, apiKey: 'sk-x' }],
      pacer,
      deadline: () => deadline,
      // The wait is under judge.maxRateLimitWaitMs: only the test's timeout rules it out.
      maxRateLimitWaitMs: 120_000,
      sleep: () => Promise.reject(new Error('the call waited instead of failing')),
    })
  const explained = (error: unknown) => {
    expect(error).toBeInstanceOf(JudgeError)
    const message = (error as Error).message
    expect(message).toContain(`judge gpt-4o-mini at ${server.url}`)
    expect(message).toMatch(/answered 429 and asked to wait 60 s, longer than the \d+\.\d s the test has left before its timeout/)
    expect(message).toMatch(/longer timeout \(its timeout argument, or testTimeout/)
    expect(message).not.toMatch(/waited instead/)
  }

  test('fails the call at once, naming the judge, the 429 and the wait; later calls through the same pacer send nothing', async () => {
    const pacer = new PacingQueue(new RateLimiter())
    server.script({ kind: 'rate-limit', retryAfterMs: MINUTE_MS })
    const first = await judged(pacer, Date.now() + 5_000).complete(body).catch((e: unknown) => e)
    explained(first)
    expect((first as JudgeError).requests).toBe(1)
    explained(await judged(pacer, Date.now() + 5_000).complete(body).catch((e: unknown) => e))
    expect(server.requests).toHaveLength(1)
  })

  test('through the coordinator, a worker already waiting when another learns of the hold fails at once', async () => {
    const coordinator = await startCoordinator({ requestsPerMinute: 6 })
    try {
      const a = remotePacer(coordinator.url)
      await a.acquire(0)
      // The budget keeps b waiting in the coordinator (10 s pace) when a's 429 arrives.
      const waiting = judged(remotePacer(coordinator.url), Date.now() + 5_000).complete(body).catch((e: unknown) => e)
      await new Promise((resolve) => setTimeout(resolve, 200))
      await a.observe({ sentAt: Date.now(), limited: true, retryAfterMs: MINUTE_MS, source: `judge gpt-4o-mini at ${server.url} answered 429` })
      explained(await waiting)
      expect(server.requests).toHaveLength(0)
    } finally {
      await coordinator.close()
    }
  })
})

describe('a judge reply that is not a chat completion', () => {
  test.each([
    ['an HTML page with status 200', 'text/html', '<!DOCTYPE html><html><body>Gateway login</body></html>', /<!DOCTYPE html><html><body>Gateway login/],
    ['no choices', 'application/json', JSON.stringify({ id: 'x', object: 'chat.completion', choices: [] }), /"choices":\[\]/],
    ['a null message', 'application/json', JSON.stringify({ id: 'x', object: 'chat.completion', choices: [{ index: 0, message: null, finish_reason: 'stop' }] }), /"message":null/],
  ])('%s fails naming the judge, its model and URL, and the start of the reply', async (_name, type, reply, start) => {
    const http = createServer((_req, res) => res.writeHead(200, { 'content-type': type }).end(reply))
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/v1`
    try {
      const client = new JudgeClient({ endpoints: [{ model: 'gpt-4o-mini', baseURL: url, apiKey: 'sk-x' }] })
      const error = (await runJudge({ output: 'x' }, { ...runtime(client), cacheMode: 'off' }).catch((e: unknown) => e)) as Error
      expect(error).toBeInstanceOf(JudgeError)
      expect(error.message).toContain(`gpt-4o-mini at ${url}`)
      expect(error.message).toMatch(/not a chat completion/)
      expect(error.message).toMatch(start)
    } finally {
      http.closeAllConnections()
      await new Promise((resolve) => http.close(resolve))
    }
  })
})

describe('a dead endpoint', () => {
  const closedPort = async () => {
    const http = createServer()
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/v1`
    await new Promise((resolve) => http.close(resolve))
    return url
  }

  test('after a few refused connections, later calls fail at once naming the cause and the URL; one probe per interval', async () => {
    let now = 1_000_000
    const breaker = new CircuitBreaker({ failures: 3, intervalMs: 10_000, now: () => now })
    const url = await closedPort()
    const client = () => new JudgeClient({ endpoints: [{ model: 'gpt-4o-mini', baseURL: url, apiKey: 'sk-x' }], maxRetries: 4, random: () => 0, breaker })
    const first = (await client().complete(body).catch((e: unknown) => e)) as JudgeError
    expect(first).toBeInstanceOf(JudgeError)
    // The circuit opened on the third refusal: the last two retries were never sent.
    expect(first.requests).toBe(3)
    const second = (await client().complete(body).catch((e: unknown) => e)) as JudgeError
    expect(second.requests).toBe(0)
    expect(second.message).toContain(url)
    expect(second.message).toMatch(/ECONNREFUSED/)
    expect(second.message).toMatch(/connection attempts in a row failed/)
    now += 10_000
    // The interval has passed: one probe goes, fails, and the circuit stays open.
    expect(((await client().complete(body).catch((e: unknown) => e)) as JudgeError).requests).toBe(1)
    expect(((await client().complete(body).catch((e: unknown) => e)) as JudgeError).requests).toBe(0)
  })

  test('through the coordinator, workers share one circuit: the endpoint is learnt once for the run, and one worker probes per interval', async () => {
    let now = 1_000_000
    const coordinator = await startCoordinator({ breaker: { failures: 3, intervalMs: 10_000, now: () => now } })
    try {
      const url = await closedPort()
      // Two workers, each with its own client and its own view of the coordinator.
      const worker = () => new JudgeClient({ endpoints: [{ model: 'gpt-4o-mini', baseURL: url, apiKey: 'sk-x' }], maxRetries: 4, random: () => 0, breaker: remoteBreaker(coordinator.url) })
      const first = (await worker().complete(body).catch((e: unknown) => e)) as JudgeError
      expect(first.requests).toBe(3)
      // The other worker never reached the endpoint, and still fails at once with the cause.
      const other = (await worker().complete(body).catch((e: unknown) => e)) as JudgeError
      expect(other).toBeInstanceOf(JudgeError)
      expect(other.requests).toBe(0)
      expect(other.message).toContain(`gpt-4o-mini at ${url}`)
      expect(other.message).toMatch(/ECONNREFUSED/)
      now += 10_000
      // Two workers ask at once after the interval: only one of them probes.
      const probes = await Promise.all([worker(), worker()].map((w) => w.complete(body).catch((e: unknown) => (e as JudgeError).requests)))
      expect(probes.sort()).toEqual([0, 1])
    } finally {
      await coordinator.close()
    }
  })

  test('through the coordinator, an answer any worker gets closes the circuit for all', async () => {
    const coordinator = await startCoordinator({ breaker: { failures: 2, intervalMs: 60_000 } })
    try {
      const shared = remoteBreaker(coordinator.url)
      expect(await shared.failed(server.url, 'ECONNREFUSED')).toBe(false)
      expect(await remoteBreaker(coordinator.url).failed(server.url, 'ECONNREFUSED')).toBe(true)
      expect(await remoteBreaker(coordinator.url).refusal(server.url)).toMatch(/2 connection attempts in a row failed \(ECONNREFUSED\)/)
      await remoteBreaker(coordinator.url).answered(server.url)
      expect(await shared.refusal(server.url)).toBeUndefined()
    } finally {
      await coordinator.close()
    }
  })

  test('an endpoint that answers again closes the circuit', async () => {
    let now = 0
    const breaker = new CircuitBreaker({ failures: 1, intervalMs: 1_000, now: () => now })
    const url = await closedPort()
    await new JudgeClient({ endpoints: [{ model: 'm', baseURL: url, apiKey: 'k' }], breaker }).complete(body).catch(() => {})
    expect(breaker.refusal(url)).toMatch(/ECONNREFUSED/)
    now += 1_000
    const live = new JudgeClient({ endpoints: [{ model: 'm', baseURL: server.url, apiKey: 'k' }], breaker })
    breaker.failed(server.url, 'ECONNREFUSED')
    now += 1_000
    expect((await live.complete(body)).requests).toBe(1)
    expect(breaker.refusal(server.url)).toBeUndefined()
  })
})
