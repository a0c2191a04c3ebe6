import { appendFileSync, existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { remoteBreaker } from '../../src/judge/remote-breaker.js'
import { flushReports, formatSummary, noteLate, post, remoteFlights, remotePacer, reportTo, startCoordinator, type Coordinator } from '../../src/judge/coordinator.js'
import { REDACTED, redact, resetSecrets } from '../../src/secrets.js'

let coordinator: Coordinator | undefined
afterEach(() => coordinator?.close())

describe('coordinator', () => {
  test('one budget for every worker: requests from two clients share one pace', async () => {
    coordinator = await startCoordinator({ requestsPerMinute: 600 })
    const a = remotePacer(coordinator.url)
    const b = remotePacer(coordinator.url)
    const starts: number[] = []
    const go = (p: typeof a) => p.acquire(0).then(() => starts.push(Date.now()))
    await Promise.all([go(a), go(b), go(a), go(b)])
    // 600 per minute is one per 100 ms; each request takes the next start whoever asks.
    starts.sort((x, y) => x - y)
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThan(60)
  })

  test('workers bring their configured budget, and a 429 one worker saw holds the requests another has waiting', async () => {
    coordinator = await startCoordinator()
    const a = remotePacer(coordinator.url, { rpm: 60 })
    const start = Date.now()
    await a.acquire(0)
    expect(Date.now() - start).toBeLessThan(500)
    const b = remotePacer(coordinator.url)
    const waiting = b.acquire(0).then(() => Date.now())
    // b's request would start one second after a's; the 429 pushes it to 3 s from now.
    await a.observe({ sentAt: Date.now(), limited: true, retryAfterMs: 3_000 })
    expect((await waiting) - start).toBeGreaterThan(2_500)
  })

  test('single-flight: the first asker leads, the others receive its result', async () => {
    coordinator = await startCoordinator()
    const flights = remoteFlights(coordinator.url)
    expect(await flights.begin('k')).toEqual({ lead: true })
    const follower = flights.begin('k')
    await flights.end('k', { answer: 42 })
    expect(await follower).toEqual({ lead: false, result: { answer: 42 } })
    expect(await flights.begin('k')).toEqual({ lead: true })
    await flights.end('k', null)
  })

  test('collects the workers\' records into one end-of-run summary', async () => {
    coordinator = await startCoordinator()
    const verdict = (replayed: boolean) => ({ replayed, requests: replayed ? 0 : 1, usage: { prompt_tokens: 80, completion_tokens: 20, total_tokens: 100 }, cost: 0.0012 })
    const judge = (replayed: boolean) => ({ kind: 'judge' as const, matcher: 'toScoreAtLeast', pass: true, threshold: 7, every: false, negated: false, verdict: verdict(replayed) as never })
    reportTo(coordinator.url, judge(false))
    reportTo(coordinator.url, judge(true))
    reportTo(coordinator.url, { kind: 'judge', matcher: 'toScoreAtLeast', pass: false, threshold: 7, every: false, negated: false, error: 'No judge gave a verdict', requests: 5 })
    reportTo(coordinator.url, { kind: 'llm-call', url: '/v1/chat/completions', model: 'gpt-4o-mini', replayed: true, status: 200, usage: undefined, cost: undefined, latencyMs: 3 })
    reportTo(coordinator.url, { kind: 'cassette', testPath: 'a.test.ts', path: '__llm_cassettes__/a.test.ts.json', obsolete: ['k1', 'k2'], pruned: 0 })
    await flushReports()
    expect(formatSummary(coordinator.summary())).toBe(
      [
        // The failed judgement's five requests reached the server too.
        'assay: 2 judge verdicts (1 live, 1 replayed), 1 without a verdict; 6 requests, 100 tokens, $0.0012',
        'assay: 1 app LLM call through recordingFetch',
        'assay: 2 obsolete entries in __llm_cassettes__/a.test.ts.json; run with -u or ASSAY_UPDATE=1 to remove',
      ].join('\n'),
    )
    expect(formatSummary({ verdicts: 0, live: 0, replayed: 0, failures: 0, requests: 0, tokens: 0, cost: 0, appCalls: 0, obsolete: [], pruned: 0, baselines: { written: 0, updated: 0 } })).toBeUndefined()
  })
})

describe('keys from the workers', () => {
  afterEach(() => resetSecrets())

  test('/secrets registers the keys a worker sends in the coordinator\'s process, where the reporters redact', async () => {
    coordinator = await startCoordinator()
    const text = 'quoted: sk-worker-key-0123456789 and tok-from-header-0123'
    expect(redact(text)).toBe(text)
    expect(await post(coordinator.url, '/secrets', { keys: ['sk-worker-key-0123456789', 'Bearer tok-from-header-0123', 42, 'short'] })).toEqual({})
    expect(redact(text)).toBe(`quoted: ${REDACTED} and ${REDACTED}`)
    // Anything but a list of keys registers nothing.
    expect(await post(coordinator.url, '/secrets', { keys: 'sk-not-a-list-0123456789' })).toEqual({})
    expect(redact('sk-not-a-list-0123456789')).toBe('sk-not-a-list-0123456789')
  })
})

describe('judged assertions that started after their file ended', () => {
  test('a worker writes each one down at once in the run\'s folder, which the coordinator reads back in order and removes when it closes', async () => {
    coordinator = await startCoordinator()
    expect(coordinator.late()).toEqual([])
    // Written before noteLate returns: the worker may die of the assertion's rejection next.
    noteLate(coordinator.lateDir, 'toScoreAtLeast started after its test ended at b.test.js:3:5')
    expect(readdirSync(coordinator.lateDir)).toHaveLength(1)
    noteLate(coordinator.lateDir, 'toScoreAtLeast started after its test ended at a.test.js:9:1\nAwait it inside the test')
    // Another worker's note, cut short when it was killed mid-write: the whole lines count.
    appendFileSync(join(coordinator.lateDir, 'late-1.jsonl'), `${JSON.stringify('toScoreAtLeast started after its test ended at c.test.js:1:1')}\n"toScoreAtLeast sta`)
    expect(coordinator.late()).toEqual([
      'toScoreAtLeast started after its test ended at c.test.js:1:1',
      'toScoreAtLeast started after its test ended at b.test.js:3:5',
      'toScoreAtLeast started after its test ended at a.test.js:9:1\nAwait it inside the test',
    ])
    const dir = coordinator.lateDir
    await coordinator.close()
    coordinator = undefined
    expect(existsSync(dir)).toBe(false)
    // Once the run is over there is nobody to tell: the note fails, and the caller knows it.
    expect(() => noteLate(dir, 'too late')).toThrow()
  })
})

describe('coordinator access', () => {
  test('a request without the run token, or with a wrong one, gets 401 and changes nothing', async () => {
    coordinator = await startCoordinator()
    const address = new URL(coordinator.url)
    expect(address.password).toMatch(/^[0-9a-f]{32,}$/)
    address.username = ''
    address.password = ''
    const bare = address.toString().replace(/\/$/, '')
    const record = { kind: 'llm-call', testPath: 't', testName: 'n' }
    for (const authorization of [undefined, 'Bearer wrong', `Bearer ${new URL(coordinator.url).password}x`]) {
      const headers = { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) }
      const sent = (path: string, body: unknown) => fetch(`${bare}${path}`, { method: 'POST', headers, body: JSON.stringify(body) }).then((r) => r.status)
      expect(await sent('/report', { records: [record] })).toBe(401)
      expect(await sent('/flight/begin', { key: 'k' })).toBe(401)
      expect(await sent('/acquire', { tokens: 0 })).toBe(401)
      expect(await sent('/secrets', { keys: ['sk-refused-0123456789'] })).toBe(401)
      expect(await sent('/breaker/failed', { url: 'http://127.0.0.1:9/v1', code: 'ECONNREFUSED' })).toBe(401)
    }
    // A refused request gives nothing and registers nothing: the key is not redacted.
    expect(redact('sk-refused-0123456789')).toBe('sk-refused-0123456789')
    expect(coordinator.summary().appCalls).toBe(0)
    // Three refused failure reports would have opened the shared circuit.
    expect(await remoteBreaker(coordinator.url).refusal('http://127.0.0.1:9/v1')).toBeUndefined()
    // No flight was begun by the refused requests: the first worker with the token leads.
    expect(await remoteFlights(coordinator.url).begin('k')).toEqual({ lead: true })
    reportTo(coordinator.url, record as never)
    await flushReports()
    expect(coordinator.summary().appCalls).toBe(1)
  })

  test('a stale ASSAY_COORDINATOR (a closed port) says what it is and what to do', async () => {
    const closed = await startCoordinator()
    const url = closed.url
    await closed.close()
    const error = (await remotePacer(url).acquire(0).catch((e: unknown) => e)) as Error
    expect(error.message).toMatch(/the assay coordinator at http:\/\/127\.0\.0\.1:\d+ is not running/i)
    expect(error.message).toContain('a stale ASSAY_COORDINATOR from an earlier run?')
    expect(error.message).toMatch(/unset it or use the global setup/)
    // The run token is no one's business, even in an error.
    expect(error.message).not.toContain(new URL(url).password)
  })
})

describe('single-flight leases', () => {
  const token = (url: string) => `Bearer ${new URL(url).password}`
  const bare = (url: string) => {
    const u = new URL(url)
    u.username = ''
    u.password = ''
    return u.toString().replace(/\/$/, '')
  }

  test('a leader that stops renewing (its worker died) loses the flight: a waiting follower takes over', async () => {
    coordinator = await startCoordinator({ flightLeaseMs: 300 })
    // A worker that began the flight and died: it never renews and never ends it.
    const dead = await fetch(`${bare(coordinator.url)}/flight/begin`, { method: 'POST', headers: { authorization: token(coordinator.url) }, body: JSON.stringify({ key: 'k' }) })
    expect(await dead.json()).toMatchObject({ lead: true })
    const flights = remoteFlights(coordinator.url)
    const [a, b] = [flights.begin('k'), flights.begin('k')]
    // One follower takes the lead; the other follows the new leader.
    const first = await Promise.race([a, b])
    expect(first).toEqual({ lead: true })
    await flights.end('k', { answer: 1 })
    expect((await Promise.all([a, b])).filter((r) => !r.lead)).toEqual([{ lead: false, result: { answer: 1 } }])
  })

  test('a live leader renews its lease, however long its request takes', async () => {
    // Several leases long, with a lease long enough that a loaded machine's stalls do not
    // outlast it: only renewals keep the leader.
    coordinator = await startCoordinator({ flightLeaseMs: 2_000 })
    const flights = remoteFlights(coordinator.url)
    expect(await flights.begin('k')).toEqual({ lead: true })
    const follower = flights.begin('k')
    await new Promise((resolve) => setTimeout(resolve, 6_000))
    await flights.end('k', { answer: 2 })
    expect(await follower).toEqual({ lead: false, result: { answer: 2 } })
  })
})
