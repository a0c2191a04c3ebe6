import { parseDuration } from './retry.js'
import { brokenBound, timeLeft } from './wait.js'

/** Options of {@link RateLimiter}. */
export interface RateLimiterOptions {
  /** Request budget per minute; requests are spread evenly, never bursted. */
  requestsPerMinute?: number | undefined
  /** Token budget per minute; each request's estimated tokens are paced against it. */
  tokensPerMinute?: number | undefined
  /** The clock, for tests. @default Date.now */
  now?: () => number
}

/** How one request was answered, as the limiter learns from it. */
export interface Observation {
  /** When the request started, in ms on the limiter's clock (`Date.now` unless a test sets one). */
  sentAt: number
  /** True for a 429 that is a rate limit (not an exhausted quota). */
  limited: boolean
  /** How long the server asked to wait (429s), in ms. */
  retryAfterMs?: number | undefined
  /** The `x-ratelimit-remaining-*` / `x-ratelimit-reset-*` headers of the answer. */
  headers?: Record<string, string | null | undefined> | undefined
  /** Who refused and how (judge, URL, status), to explain a hold to the requests it stops. */
  source?: string | undefined
}

/** A request would wait out a rate-limit hold longer than it may wait; nothing was sent. */
export class RateLimitHoldError extends Error {
  override readonly name = 'RateLimitHoldError'
  constructor(
    /** How long the hold still lasts, in ms. */
    readonly holdMs: number,
    /** The refusal that started it, when known. */
    readonly source: string | undefined,
    readonly maxWaitMs: number,
    /** Set when the hold is longer than the running test has left (ms), rather than longer than `maxWaitMs`. */
    readonly testLeftMs?: number | undefined,
  ) {
    const asked = `${source ?? 'the judge answered 429'} and asked to wait ${Math.round(holdMs / 1000)} s`
    super(
      testLeftMs === undefined
        ? `${asked}, longer than judge.maxRateLimitWaitMs of ${maxWaitMs} ms, so no request waits for it ` +
            `(a daily quota?): try again later, use another key or judge, or raise judge.maxRateLimitWaitMs`
        : `${asked}, longer than the ${(testLeftMs / 1000).toFixed(1)} s the test has left before its timeout, so it fails now rather than time out: ` +
            `give the test a longer timeout (its timeout argument, or testTimeout in the runner's config) if the wait is acceptable, lower judge.requestsPerMinute, or use another key or judge`,
    )
  }
}

// Rate-limit hints beyond these bounds are taken for nonsense and ignored.
const MAX_HINT_MS = 24 * 3_600_000
const MAX_REMAINING = 1e9
// After a 429 the learnt pace halves (the interval doubles) and then speeds up by this
// share per success, but not back past the pace that was refused, plus a tenth: each
// refusal leaves the floor a little slower, so the pace settles just under the limit. The
// floor itself comes down ten times more slowly, so that refusals long past (or 429s that
// had nothing to do with the pace) do not slow a long run for good.
const RECOVERY = 0.05
const FLOOR_RECOVERY = RECOVERY / 10
const FLOOR_MARGIN = 1.1
// The most a faster header hint may speed the pace by at once.
const HINT_DROP = 0.25
// A 429 that says neither how long to wait nor anything about the pace.
const DEFAULT_BLOCK_MS = 1_000
// Fixed-window servers count a request at its arrival, a little after it starts: a window
// learnt from headers is taken to end this much later than the request's start plus reset.
const ARRIVAL_MARGIN_MS = 25
const KEPT_STARTS = 512

/**
 * Paces judge requests so that they fit the provider's limits: evenly spaced by the
 * configured budgets, held back after a 429 for as long as the server asked, and adapted
 * to `x-ratelimit-remaining-*` / `x-ratelimit-reset-*` headers when a server sends them.
 * It only computes start times; {@link PacingQueue} holds requests until theirs. One
 * instance serves every worker (through the coordinator), which keeps N workers within one
 * budget.
 *
 * Answers arrive out of order (across workers, and a slow answer after a later 429), so
 * every observation carries the start of its request: headers are learnt only from the
 * newest request seen, a 429 holds until its window has passed whatever later answers of
 * older requests say, and one burst of 429s (requests sent before the first was seen)
 * slows the pace once, not once per refusal.
 *
 * Invariant: `#next` is the earliest start the next reservation may get, and every
 * reservation moves it forward, so concurrent callers never share a slot.
 */
export class RateLimiter {
  #configuredInterval = 0
  #msPerToken = 0
  readonly #now: () => number
  #next = 0
  #tokensFreeAt = 0
  #blockedUntil = 0
  /** The refusal that set `#blockedUntil`, if one did. */
  #blockSource: string | undefined
  /** The pace from the newest headers, ms per request. */
  #headerInterval = 0
  /** The pace learnt from 429s, and the one it may not recover past. */
  #learntInterval = 0
  #learntFloor = 0
  /** Start of the newest request whose answer was learnt from. */
  #newest = Number.NEGATIVE_INFINITY
  /** When the pace was last slowed; 429s of requests sent before then are the same burst. */
  #slowedAt = Number.NEGATIVE_INFINITY
  /** Recent starts, ascending, with the interval each was paced at. */
  readonly #starts: number[] = []
  readonly #paces: number[] = []

  constructor(options: RateLimiterOptions = {}) {
    this.setLimits(options.requestsPerMinute, options.tokensPerMinute)
    this.#now = options.now ?? Date.now
  }

  /** Changes the configured budgets; `undefined` means no budget of that kind. */
  setLimits(requestsPerMinute: number | undefined, tokensPerMinute: number | undefined): void {
    this.#configuredInterval = requestsPerMinute ? 60_000 / requestsPerMinute : 0
    this.#msPerToken = tokensPerMinute ? 60_000 / tokensPerMinute : 0
  }

  /** The current spacing between request starts, in ms: never faster than configured. */
  get interval(): number {
    return Math.max(this.#configuredInterval, this.#headerInterval, this.#learntInterval)
  }

  /** The earliest time the next request may start, on the limiter's clock. */
  earliest(): number {
    return Math.max(this.#now(), this.#next, this.#blockedUntil, this.#tokensFreeAt)
  }

  /** How long the current hold after a 429 still lasts (0 when none), and who asked for it. */
  hold(): { ms: number; source: string | undefined } {
    const ms = Math.max(0, this.#blockedUntil - this.#now())
    return { ms, source: ms > 0 ? this.#blockSource : undefined }
  }

  /** Reserves the next slot for a request of about `tokens` tokens; returns the wait in ms. */
  reserve(tokens = 0): number {
    const now = this.#now()
    const start = this.earliest()
    this.#next = start + this.interval
    if (this.#msPerToken > 0) this.#tokensFreeAt = start + tokens * this.#msPerToken
    this.#starts.push(start)
    this.#paces.push(this.interval)
    if (this.#starts.length > KEPT_STARTS) {
      this.#starts.splice(0, this.#starts.length - KEPT_STARTS)
      this.#paces.splice(0, this.#paces.length - KEPT_STARTS)
    }
    return start - now
  }

  /** Learns from how a request was answered; see the class comment for the ordering rules. */
  observe(o: Observation): void {
    const now = this.#now()
    if (o.limited) {
      const asked = o.retryAfterMs !== undefined && Number.isFinite(o.retryAfterMs) && o.retryAfterMs >= 0 && o.retryAfterMs <= MAX_HINT_MS ? o.retryAfterMs : undefined
      const until = now + (asked ?? Math.max(DEFAULT_BLOCK_MS, this.interval))
      if (until > this.#blockedUntil) {
        this.#blockedUntil = until
        this.#blockSource = o.source
      }
      if (o.sentAt >= this.#slowedAt) {
        // The pace the refused request was sent at (the limiter's may have changed since),
        // or with none known then, how fast requests actually went; but never slower than
        // the headers' pace: a refusal at a slower pace came from the window's phase or a
        // burst, not from the pace, and halving it would slow the run for nothing.
        const sent = this.#paceAt(o.sentAt) || this.#observedSpacing(o.sentAt, asked ?? DEFAULT_BLOCK_MS)
        const refused = this.#headerInterval > 0 ? Math.min(sent, this.#headerInterval) : sent
        // Without headers, the refused pace is all there is to go by: do not come back to it.
        if (this.#headerInterval === 0) this.#learntFloor = Math.max(this.#learntFloor, refused * FLOOR_MARGIN)
        this.#learntInterval = Math.max(this.#learntInterval, 2 * refused, this.#learntFloor)
        this.#slowedAt = now
      }
      this.#newest = Math.max(this.#newest, o.sentAt)
      return
    }
    // A success sent after the last slow-down: the pace may rise a little.
    if (o.sentAt >= this.#slowedAt && this.#learntInterval > 0) {
      this.#learntFloor *= 1 - FLOOR_RECOVERY
      this.#learntInterval = Math.max(this.#learntFloor, this.#learntInterval * (1 - RECOVERY))
    }
    if (o.sentAt < this.#newest || !o.headers) return
    this.#newest = o.sentAt
    const remaining = readInt(o.headers['x-ratelimit-remaining-requests'])
    const reset = parseDuration(o.headers['x-ratelimit-reset-requests'])
    if (remaining !== undefined && reset !== undefined && reset <= MAX_HINT_MS) {
      // What is left for requests that started after this one and were not counted yet.
      const left = remaining - this.#startsAfter(o.sentAt)
      if (left <= 0) this.#blockedUntil = Math.max(this.#blockedUntil, o.sentAt + reset + ARRIVAL_MARGIN_MS)
      // The hint of a request late in a window is short (little time left, little budget
      // left), and says nothing of the next window: a faster hint is taken only partly.
      const hint = reset / (remaining + 1)
      this.#headerInterval = hint >= this.#headerInterval ? hint : Math.max(hint, this.#headerInterval * (1 - HINT_DROP))
    }
    const tokensLeft = readInt(o.headers['x-ratelimit-remaining-tokens'])
    const tokensReset = parseDuration(o.headers['x-ratelimit-reset-tokens'])
    if (tokensLeft === 0 && tokensReset !== undefined && tokensReset <= MAX_HINT_MS) this.#blockedUntil = Math.max(this.#blockedUntil, o.sentAt + tokensReset + ARRIVAL_MARGIN_MS)
  }

  #startsAfter(sentAt: number): number {
    let n = 0
    for (let i = this.#starts.length - 1; i >= 0 && this.#starts[i]! > sentAt; i--) n++
    return n
  }

  /** The interval the last request started by `sentAt` was paced at (0 when none was known). */
  #paceAt(sentAt: number): number {
    for (let i = this.#starts.length - 1; i >= 0; i--) if (this.#starts[i]! <= sentAt) return this.#paces[i]!
    return this.interval
  }

  /** The mean spacing of the starts in the `windowMs` up to `sentAt`. */
  #observedSpacing(sentAt: number, windowMs: number): number {
    const recent = this.#starts.filter((s) => s > sentAt - windowMs && s <= sentAt).length
    return windowMs / Math.max(1, recent)
  }
}

function readInt(text: string | null | undefined): number | undefined {
  if (text == null || text.trim() === '') return undefined
  const n = Number(text)
  return Number.isInteger(n) && n >= 0 && n <= MAX_REMAINING ? n : undefined
}

interface Waiting {
  tokens: number
  go: () => void
  fail: (error: Error) => void
  maxWaitMs: number | undefined
  /** When the test that asked times out, on the queue's clock. */
  deadline: number | undefined
}

/** What a {@link PacingQueue} needs of timers; real ones unless a test supplies fakes. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

/**
 * Holds requests until the {@link RateLimiter} gives them a start, one at a time and in
 * order. Starts are handed out only when they are due, never booked ahead: a 429 that
 * arrives meanwhile holds back every waiting request, instead of letting requests that
 * already had a slot run into the refusal.
 */
export class PacingQueue {
  readonly limiter: RateLimiter
  readonly #timers: Timers
  readonly #now: () => number
  readonly #waiting: Waiting[] = []
  #timer: unknown

  constructor(limiter: RateLimiter, options: { now?: () => number; timers?: Timers } = {}) {
    this.limiter = limiter
    this.#now = options.now ?? Date.now
    this.#timers = options.timers ?? { setTimeout: (f, ms) => setTimeout(f, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) }
  }

  /**
   * Resolves when a request of about `tokens` tokens may start; rejects with a
   * {@link RateLimitHoldError} when a 429's hold would keep it longer than `maxWaitMs`, or
   * longer than `testLeftMs`, the time the test that asks has left.
   */
  acquire(tokens = 0, maxWaitMs?: number, testLeftMs?: number): Promise<void> {
    return this.enter(tokens, maxWaitMs, testLeftMs).ready
  }

  /** Takes a place in the queue: `ready` resolves at its start; `cancel` gives the place up. */
  enter(tokens = 0, maxWaitMs?: number, testLeftMs?: number): { ready: Promise<void>; cancel: () => void } {
    let entry!: Waiting
    const deadline = testLeftMs === undefined ? undefined : this.#now() + testLeftMs
    const ready = new Promise<void>((resolve, reject) => (entry = { tokens, go: resolve, fail: reject, maxWaitMs, deadline }))
    this.#waiting.push(entry)
    this.#pump()
    return {
      ready,
      cancel: () => {
        const i = this.#waiting.indexOf(entry)
        if (i >= 0) this.#waiting.splice(i, 1)
      },
    }
  }

  /** Passes an observation to the limiter and re-plans the waiting requests. */
  observe(o: Observation): void {
    this.limiter.observe(o)
    this.#pump()
  }

  /** Stops the timer; requests still waiting are never released. */
  close(): void {
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer)
    this.#timer = undefined
    this.#waiting.length = 0
  }

  #pump(): void {
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer)
    this.#timer = undefined
    // A hold longer than a request may wait (a daily quota's retry-after, or more than its
    // test has left) fails it now.
    const hold = this.limiter.hold()
    const now = this.#now()
    for (const entry of [...this.#waiting]) {
      const testLeftMs = timeLeft(entry.deadline, now)
      const broken = brokenBound(hold.ms, { maxWaitMs: entry.maxWaitMs, testLeftMs })
      if (!broken) continue
      this.#waiting.splice(this.#waiting.indexOf(entry), 1)
      entry.fail(new RateLimitHoldError(hold.ms, hold.source, entry.maxWaitMs ?? Infinity, broken === 'test' ? testLeftMs : undefined))
    }
    while (this.#waiting.length > 0) {
      const wait = this.limiter.earliest() - this.#now()
      if (wait > 0) {
        this.#timer = this.#timers.setTimeout(() => {
          this.#timer = undefined
          this.#pump()
        }, wait)
        return
      }
      const head = this.#waiting.shift()!
      this.limiter.reserve(head.tokens)
      head.go()
    }
  }
}
