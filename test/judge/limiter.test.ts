import { describe, expect, test } from 'vitest'
import { PacingQueue, RateLimiter, RateLimitHoldError, type Timers } from '../../src/judge/limiter.js'

/** A clock the test moves, with timers that fire when it passes them. */
function fakeTime() {
  let t = 1_000
  const timers = new Map<number, { at: number; run: () => void }>()
  let id = 0
  const fake: Timers = {
    setTimeout: (run, ms) => {
      timers.set(++id, { at: t + ms, run })
      return id
    },
    clearTimeout: (handle) => void timers.delete(handle as number),
  }
  return {
    now: () => t,
    timers: fake,
    pending: () => timers.size,
    /** Moves the clock on, firing due timers in order and letting their callbacks settle. */
    async advance(ms: number) {
      const end = t + ms
      for (;;) {
        await new Promise((resolve) => setImmediate(resolve))
        const due = [...timers].filter(([, x]) => x.at <= end).sort((a, b) => a[1].at - b[1].at)[0]
        if (!due) break
        timers.delete(due[0])
        t = Math.max(t, due[1].at)
        due[1].run()
      }
      t = end
    },
  }
}

const window = (remaining: number, reset: string) => ({ 'x-ratelimit-remaining-requests': String(remaining), 'x-ratelimit-reset-requests': reset })

describe('RateLimiter', () => {
  test('spreads requests evenly at the configured rate, with no burst', async () => {
    const c = fakeTime()
    const limiter = new RateLimiter({ requestsPerMinute: 300, now: c.now })
    expect([0, 1, 2, 3].map(() => limiter.reserve())).toEqual([0, 200, 400, 600])
    await c.advance(1_000)
    expect(limiter.reserve()).toBe(0)
  })

  test('paces tokens against the token budget', async () => {
    const c = fakeTime()
    const limiter = new RateLimiter({ tokensPerMinute: 6_000, now: c.now })
    expect(limiter.reserve(100)).toBe(0)
    expect(limiter.reserve(100)).toBe(1_000)
  })

  test('a 429 holds every request back for as long as the server asked; a nonsense wait is not believed', async () => {
    const c = fakeTime()
    const limiter = new RateLimiter({ now: c.now })
    limiter.observe({ sentAt: c.now(), limited: true, retryAfterMs: 1_500 })
    expect(limiter.reserve()).toBe(1_500)
    await c.advance(10_000)
    limiter.observe({ sentAt: c.now(), limited: true, retryAfterMs: Number.NaN })
    // No usable wait: one second, or the pace if slower.
    expect(limiter.earliest() - c.now()).toBeGreaterThanOrEqual(1_000)
    expect(limiter.earliest() - c.now()).toBeLessThan(10_000)
  })

  test('learns the pace from remaining/reset headers, and waits out an exhausted budget', async () => {
    const c = fakeTime()
    const limiter = new RateLimiter({ now: c.now })
    limiter.observe({ sentAt: c.now(), limited: false, headers: window(4, '1s') })
    expect([limiter.reserve(), limiter.reserve()]).toEqual([0, 200])
    await c.advance(400)
    limiter.observe({ sentAt: c.now(), limited: false, headers: window(0, '3s') })
    expect(limiter.reserve()).toBeGreaterThanOrEqual(3_000)
  })

  test('counts the requests started after the answered one against the remaining budget', async () => {
    const c = fakeTime()
    const limiter = new RateLimiter({ now: c.now })
    const sentAt = c.now()
    limiter.reserve()
    await c.advance(10)
    limiter.reserve()
    await c.advance(10)
    limiter.reserve()
    await c.advance(80)
    // Two were left when the first arrived, but two more have started since: none is left.
    limiter.observe({ sentAt, limited: false, headers: window(2, '900ms') })
    expect(limiter.earliest()).toBeGreaterThanOrEqual(sentAt + 900)
  })

  test('ignores nonsense headers', async () => {
    const c = fakeTime()
    const limiter = new RateLimiter({ now: c.now })
    limiter.observe({ sentAt: c.now(), limited: false, headers: { 'x-ratelimit-remaining-requests': 'lots', 'x-ratelimit-reset-requests': '-3 fortnights' } })
    limiter.observe({ sentAt: c.now(), limited: false, headers: window(-1, '1s') })
    limiter.observe({ sentAt: c.now(), limited: false, headers: window(0, '999h') })
    expect([limiter.reserve(), limiter.reserve()]).toEqual([0, 0])
  })

  test('a late answer to a request sent before a 429 neither lifts the hold nor speeds the pace', async () => {
    const c = fakeTime()
    const limiter = new RateLimiter({ now: c.now })
    const early = c.now()
    await c.advance(50)
    limiter.observe({ sentAt: c.now(), limited: true, retryAfterMs: 1_000, headers: window(0, '1s') })
    const pace = limiter.interval
    await c.advance(100)
    // Sent before the refused request, answered after it, with plenty of room in its headers.
    limiter.observe({ sentAt: early, limited: false, headers: window(4, '1s') })
    expect(limiter.earliest()).toBeGreaterThanOrEqual(c.now() + 850)
    expect(limiter.interval).toBe(pace)
  })

  test('observations arriving out of order: only the newest request teaches the pace', async () => {
    const c = fakeTime()
    const limiter = new RateLimiter({ now: c.now })
    const older = c.now()
    await c.advance(10)
    const newer = c.now()
    await c.advance(100)
    limiter.observe({ sentAt: newer, limited: false, headers: window(1, '1s') })
    expect(limiter.interval).toBe(500)
    limiter.observe({ sentAt: older, limited: false, headers: window(9, '1s') })
    expect(limiter.interval).toBe(500)
    // In order, the same two would have ended at the newer one's pace all the same.
    const ordered = new RateLimiter({ now: c.now })
    ordered.observe({ sentAt: older, limited: false, headers: window(9, '1s') })
    ordered.observe({ sentAt: newer, limited: false, headers: window(1, '1s') })
    expect(ordered.interval).toBe(500)
  })

  test('a 429 halves the pace once per burst, the pace recovers slowly, and never past what was refused', async () => {
    const c = fakeTime()
    const limiter = new RateLimiter({ requestsPerMinute: 300, now: c.now })
    const sent = [c.now(), c.now() + 1, c.now() + 2]
    await c.advance(100)
    limiter.observe({ sentAt: sent[0]!, limited: true, retryAfterMs: 100 })
    expect(limiter.interval).toBe(400)
    // Requests already on their way when the first 429 was seen are the same burst.
    limiter.observe({ sentAt: sent[1]!, limited: true, retryAfterMs: 100 })
    limiter.observe({ sentAt: sent[2]!, limited: true, retryAfterMs: 100 })
    expect(limiter.interval).toBe(400)
    // A request sent after it and still refused: slower again.
    await c.advance(200)
    limiter.observe({ sentAt: c.now() - 50, limited: true, retryAfterMs: 100 })
    expect(limiter.interval).toBe(800)
    // Successes sent since speed the pace up a few percent each, down to a bit above the refused pace.
    await c.advance(1_000)
    limiter.observe({ sentAt: c.now(), limited: false })
    expect(limiter.interval).toBeCloseTo(800 * 0.95)
    for (let i = 0; i < 30; i++) limiter.observe({ sentAt: c.now(), limited: false })
    // Near the floor (the refused 400 ms plus a tenth), which itself comes down ten times more slowly.
    expect(limiter.interval).toBeGreaterThan(400 * 1.1 * 0.995 ** 31 - 1)
    expect(limiter.interval).toBeLessThan(400 * 1.1)
    for (let i = 0; i < 2_000; i++) limiter.observe({ sentAt: c.now(), limited: false })
    // Long after, the configured pace is all that is left.
    expect(limiter.interval).toBe(200)
  })

  test('a 429 at a pace slower than the headers report halves the headers\' pace, and never speeds the pace up', async () => {
    const c = fakeTime()
    const limiter = new RateLimiter({ requestsPerMinute: 60, now: c.now })
    limiter.observe({ sentAt: c.now(), limited: false, headers: window(4, '1s') })
    const sentAt = c.now()
    limiter.reserve()
    await c.advance(100)
    // Sent at the configured second per request, refused all the same (a window's phase, a burst):
    // halving that second would pace at one request per two seconds for nothing.
    limiter.observe({ sentAt, limited: true, retryAfterMs: 100 })
    expect(limiter.interval).toBe(1_000)
    limiter.setLimits(undefined, undefined)
    expect(limiter.interval).toBe(400)
    await c.advance(200)
    limiter.observe({ sentAt: c.now(), limited: false, headers: window(9, '1s') })
    limiter.observe({ sentAt: c.now() - 10, limited: true, retryAfterMs: 100 })
    expect(limiter.interval).toBeGreaterThanOrEqual(380)
  })

  test('a configured pace is never exceeded, whatever the headers say', async () => {
    const c = fakeTime()
    const limiter = new RateLimiter({ requestsPerMinute: 300, now: c.now })
    limiter.observe({ sentAt: c.now(), limited: false, headers: window(999, '1s') })
    expect([limiter.reserve(), limiter.reserve(), limiter.reserve()]).toEqual([0, 200, 400])
  })
})

describe('PacingQueue', () => {
  test('releases waiting requests one pace apart, in order', async () => {
    const c = fakeTime()
    const queue = new PacingQueue(new RateLimiter({ requestsPerMinute: 600, now: c.now }), { now: c.now, timers: c.timers })
    const started: [number, number][] = []
    const all = [0, 1, 2].map((i) => queue.acquire().then(() => started.push([i, c.now()])))
    await c.advance(250)
    await Promise.all(all)
    expect(started).toEqual([
      [0, 1_000],
      [1, 1_100],
      [2, 1_200],
    ])
  })

  test('books no start ahead: a 429 seen while requests wait holds every one of them back', async () => {
    const c = fakeTime()
    const queue = new PacingQueue(new RateLimiter({ requestsPerMinute: 600, now: c.now }), { now: c.now, timers: c.timers })
    const started: number[] = []
    const first = queue.acquire().then(() => started.push(c.now()))
    const rest = [queue.acquire(), queue.acquire()].map((p) => p.then(() => started.push(c.now())))
    await first
    await c.advance(50)
    queue.observe({ sentAt: 1_000, limited: true, retryAfterMs: 1_000 })
    await c.advance(2_000)
    await Promise.all(rest)
    expect(started[0]).toBe(1_000)
    // Not at 1,100 and 1,200, the slots they would have had: after the hold, at the slower pace.
    expect(started[1]).toBeGreaterThanOrEqual(2_050)
    expect(started[2]! - started[1]!).toBe(200)
  })

  test('a cancelled place is skipped', async () => {
    const c = fakeTime()
    const queue = new PacingQueue(new RateLimiter({ requestsPerMinute: 600, now: c.now }), { now: c.now, timers: c.timers })
    await queue.acquire()
    const gone = queue.enter()
    const next = queue.acquire().then(() => c.now())
    gone.cancel()
    await c.advance(500)
    expect(await next).toBe(1_100)
  })

  test('a hold longer than the time a waiting request\'s test has left fails that request at once; one with time enough waits', async () => {
    const c = fakeTime()
    // One request per 10 s: the next two wait in the queue when the 429 arrives.
    const queue = new PacingQueue(new RateLimiter({ requestsPerMinute: 6, now: c.now }), { now: c.now, timers: c.timers })
    await queue.acquire(0, 120_000, 5_000)
    const short = queue.acquire(0, 120_000, 5_000).then(() => 'started', (e: unknown) => e)
    const long = queue.acquire(0, 120_000, 90_000).then(() => c.now())
    await c.advance(1_000)
    // Under judge.maxRateLimitWaitMs, but more than the first test has left (4 s by now).
    queue.observe({ sentAt: 1_000, limited: true, retryAfterMs: 60_000, source: 'judge m at http://x/v1 answered 429' })
    const error = (await short) as RateLimitHoldError
    expect(error).toBeInstanceOf(RateLimitHoldError)
    expect(error.testLeftMs).toBe(4_000)
    expect(error.message).toMatch(/judge m at http:\/\/x\/v1 answered 429 and asked to wait 60 s, longer than the 4\.0 s the test has left before its timeout/)
    expect(error.message).toMatch(/longer timeout/)
    await c.advance(61_000)
    expect(await long).toBeGreaterThanOrEqual(61_000)
  })

  test('close() drops the timer of a long hold, so that it keeps no process alive', async () => {
    const c = fakeTime()
    const queue = new PacingQueue(new RateLimiter({ now: c.now }), { now: c.now, timers: c.timers })
    queue.observe({ sentAt: c.now(), limited: true, retryAfterMs: 60_000 })
    void queue.acquire()
    expect(c.pending()).toBe(1)
    queue.close()
    expect(c.pending()).toBe(0)
  })
})
