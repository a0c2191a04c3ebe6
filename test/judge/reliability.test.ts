import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { testRuntime } from '../helpers.js'
import { startFixtureServer, type FixtureServer } from '../../fixtures/server/index.js'
import { JudgeClient, JudgeError } from '../../src/judge/client.js'
import { runJudge, type JudgeRuntime } from '../../src/judge/judge.js'

// The judge's answer depends on the output, so every verdict can be checked.
const expected = (i: number) => 1 + (i % 10)
let server: FixtureServer
beforeAll(async () => {
  server = await startFixtureServer({
    randomFaults: { rate: 0.2, seed: 7, kinds: [{ kind: 'status', status: 500 }, { kind: 'status', status: 503 }, { kind: 'reset' }, { kind: 'rate-limit', retryAfterMs: 20 }] },
    respond: (body) => {
      const n = Number(/item (\d+)/.exec(String(body.messages.at(-1)?.content))?.[1])
      const score = expected(n)
      return JSON.stringify({ criteria: Object.fromEntries(['accuracy', 'completeness', 'conciseness'].map((k) => [k, { reasoning: 'Checked.', score }])) })
    },
  })
})
afterAll(() => server.close())

const runtime = (maxRetries: number): JudgeRuntime =>
  testRuntime({ client: new JudgeClient({ endpoints: [{ model: 'gpt-4o-mini', baseURL: server.url, apiKey: 'k' }], maxRetries, random: () => 0.01 }), cacheMode: 'off', logprobs: false })

describe('reliability with 20% of calls failing (5xx, resets, 429s)', () => {
  test('every verdict is right, and each costs exactly one successful request', async () => {
    const rt = runtime(8)
    const before = server.requests.length
    for (let i = 0; i < 100; i++) {
      const v = await runJudge({ output: `item ${i}` }, rt)
      expect(v.overall, `item ${i}`).toBe(expected(i))
    }
    const sent = server.requests.slice(before)
    expect(sent.filter((r) => r.status === 200)).toHaveLength(100)
    expect(sent.length).toBeGreaterThan(110)
    // A hundred verdicts with a fifth of the calls failing: generous for a busy machine.
  }, 30_000)

  test('with too few retries, each verdict is right or a clear failure, never a guess', async () => {
    const rt = runtime(0)
    let failures = 0
    for (let i = 0; i < 100; i++) {
      try {
        expect((await runJudge({ output: `item ${i}` }, rt)).overall).toBe(expected(i))
      } catch (error) {
        expect(error).toBeInstanceOf(JudgeError)
        expect((error as Error).message).toMatch(/^No judge gave a verdict:\n {2}judge gpt-4o-mini at http:\/\/127\.0\.0\.1:\d+\/v1: (50[03] Fixture error 50[03]|Connection error\.|429 Rate limit reached for requests\.)/)
        failures++
      }
    }
    expect(failures).toBeGreaterThan(5)
  })
})
