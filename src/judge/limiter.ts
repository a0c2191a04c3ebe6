import { parseDuration } from './retry.js'

/** Options of {@link RateLimiter}. */
export interface RateLimiterOptions {
  /** Request budget per minute; requests are spread evenly, never bursted. */
  requestsPerMinute?: number | undefined
  /** Token budget per minute; each request's estimated tokens are paced against it. */
  tokensPerMinute?: number | undefined
  /** The clock, for tests. @default Date.now */
  now?: () => number
}

// Rate-limit hints beyond these bounds are taken for nonsense and ignored.
const MAX_HINT_MS = 24 * 3_600_000
const MAX_REMAINING = 1e9

/**
 * Paces judge requests so that they fit the provider's limits: evenly spaced by the
 * configured budgets, held back after a 429 for as long as the server asked, and adapted
 * to `x-ratelimit-remaining-*` / `x-ratelimit-reset-*` headers when a server sends them.
 * It only computes waits; the caller sleeps. One instance can serve every worker (through
 * the coordinator), which is what keeps N workers within one budget.
 *
 * Invariant: `#next` is the earliest start the next reservation may get, and every
 * reservation moves it forward, so concurrent callers never share a slot.
 */
export class RateLimiter {
  #requestInterval = 0
  #msPerToken = 0
  readonly #now: () => number
  #next = 0
  #tokensFreeAt = 0
  #blockedUntil = 0
  #learnedInterval = 0

  constructor(options: RateLimiterOptions = {}) {
    this.setLimits(options.requestsPerMinute, options.tokensPerMinute)
    this.#now = options.now ?? Date.now
  }

  /** Changes the configured budgets; `undefined` means no budget of that kind. */
  setLimits(requestsPerMinute: number | undefined, tokensPerMinute: number | undefined): void {
    this.#requestInterval = requestsPerMinute ? 60_000 / requestsPerMinute : 0
    this.#msPerToken = tokensPerMinute ? 60_000 / tokensPerMinute : 0
  }

  /** Reserves the next slot for a request of about `tokens` tokens; returns the wait in ms. */
  reserve(tokens = 0): number {
    const now = this.#now()
    const start = Math.max(now, this.#next, this.#blockedUntil, this.#tokensFreeAt)
    this.#next = start + Math.max(this.#requestInterval, this.#learnedInterval)
    if (this.#msPerToken > 0) this.#tokensFreeAt = start + tokens * this.#msPerToken
    return start - now
  }

  /** After a 429: no request starts for `ms`. */
  backOff(ms: number): void {
    if (Number.isFinite(ms) && ms >= 0 && ms <= MAX_HINT_MS) this.#blockedUntil = Math.max(this.#blockedUntil, this.#now() + ms)
  }

  /**
   * Reads rate-limit headers as hints: an exhausted budget blocks until its reset, and a
   * partly used one spreads the remaining requests over the time left.
   */
  observe(headers: Record<string, string | null | undefined>): void {
    const now = this.#now()
    for (const kind of ['requests', 'tokens'] as const) {
      const remainingText = headers[`x-ratelimit-remaining-${kind}`]
      const remaining = remainingText == null || remainingText.trim() === '' ? Number.NaN : Number(remainingText)
      const reset = parseDuration(headers[`x-ratelimit-reset-${kind}`])
      if (!Number.isInteger(remaining) || remaining < 0 || remaining > MAX_REMAINING || reset === undefined || reset > MAX_HINT_MS) continue
      if (remaining === 0) this.#blockedUntil = Math.max(this.#blockedUntil, now + reset)
      else if (kind === 'requests') this.#learnedInterval = reset / (remaining + 1)
    }
  }
}
