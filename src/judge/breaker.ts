// A judge endpoint that refuses connections (a closed port, a wrong host name, a broken
// TLS set-up) will refuse the next request too: retrying each verdict with back-off makes
// a run against a dead endpoint take minutes. After a few connection failures in a row the
// circuit opens and later requests to that endpoint fail at once, naming the cause; one
// probe per interval may close it again.

/** Options of {@link CircuitBreaker}. */
export interface CircuitBreakerOptions {
  /** Connection failures in a row that open the circuit. @default 3 */
  failures?: number
  /** How long an open circuit refuses requests before it lets one probe through. @default 10000 */
  intervalMs?: number
  /** The clock, for tests. @default Date.now */
  now?: () => number
}

// Failures that say the endpoint cannot be reached at all, not that it was slow or busy.
const UNREACHABLE = /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|CERT_|ERR_TLS_|UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|ERR_SSL_)/

/** The error code of a failure that means the endpoint is unreachable, looking through causes. */
export function unreachableCode(error: unknown): string | undefined {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && UNREACHABLE.test(e.code)) return e.code
  }
  return undefined
}

interface Circuit {
  failures: number
  code: string
  openUntil: number
}

/**
 * What the judge client asks of a breaker: a process's own {@link CircuitBreaker}, or the
 * coordinator's, shared by every worker of a run so that a dead endpoint is learnt once.
 */
export interface Breaker {
  /** Undefined when a request to `url` may go; otherwise why not. */
  refusal(url: string): string | undefined | Promise<string | undefined>
  /** Records a failure to reach `url`; true when the circuit is now open. */
  failed(url: string, code: string): boolean | Promise<boolean>
  /** Records that `url` answered. */
  answered(url: string): void | Promise<void>
}

/** Tracks connection failures per endpoint URL; see the file comment. */
export class CircuitBreaker implements Breaker {
  readonly #failures: number
  readonly #intervalMs: number
  readonly #now: () => number
  readonly #circuits = new Map<string, Circuit>()

  constructor(options: CircuitBreakerOptions = {}) {
    this.#failures = options.failures ?? 3
    this.#intervalMs = options.intervalMs ?? 10_000
    this.#now = options.now ?? Date.now
  }

  /**
   * Undefined when a request to `url` may go; otherwise why not. An open circuit whose
   * interval has passed lets this one request through as its probe, and waits again.
   */
  refusal(url: string): string | undefined {
    const c = this.#circuits.get(url)
    if (!c || c.failures < this.#failures) return undefined
    const now = this.#now()
    if (now >= c.openUntil) {
      c.openUntil = now + this.#intervalMs
      return undefined
    }
    return `${c.failures} connection attempts in a row failed (${c.code}), so it is not asked again for ${Math.ceil((c.openUntil - now) / 1000)} s: check that the judge runs at that URL (OPENAI_BASE_URL or judge.baseURL) and can be reached`
  }

  /** Records a failure to reach `url`; true when the circuit is now open. */
  failed(url: string, code: string): boolean {
    const c = this.#circuits.get(url) ?? { failures: 0, code, openUntil: 0 }
    c.failures++
    c.code = code
    if (c.failures === this.#failures) c.openUntil = this.#now() + this.#intervalMs
    this.#circuits.set(url, c)
    return c.failures >= this.#failures
  }

  /** Records that `url` answered (whatever the status): the circuit closes. */
  answered(url: string): void {
    this.#circuits.delete(url)
  }
}

/** The breaker every judge client of this process shares, unless given its own. */
export const processBreaker = new CircuitBreaker()

/**
 * Answers a worker's breaker request (`/breaker/refusal`, `/breaker/failed`,
 * `/breaker/answered`) from the coordinator's breaker; undefined for another path or a
 * body without a URL.
 */
export function answerBreaker(breaker: CircuitBreaker, path: string | undefined, body: Record<string, unknown>): Record<string, unknown> | undefined {
  if (typeof body.url !== 'string') return undefined
  switch (path) {
    case '/breaker/refusal':
      return { refusal: breaker.refusal(body.url) ?? null }
    case '/breaker/failed':
      return { open: breaker.failed(body.url, typeof body.code === 'string' ? body.code : 'unreachable') }
    case '/breaker/answered':
      breaker.answered(body.url)
      return {}
    default:
      return undefined
  }
}
