// Which judge failures are worth another try, and how long to wait before it. The
// openai SDK's own retries are turned off (maxRetries: 0) so that these are the only ones.

/** The parts of an openai SDK error that decide a retry. */
export interface ErrorLike {
  name?: string
  status?: number | undefined
  code?: string | null | undefined
  type?: string | undefined
  headers?: { get(name: string): string | null } | undefined
}

/** How a failed call should be treated. */
export type FailureKind = 'retry' | 'quota' | 'fatal'

const RETRY_STATUSES = new Set([408, 409, 429])

/**
 * Classifies a failure: 408, 409, 429, 5xx, resets and timeouts are worth retrying; a 429
 * for insufficient quota is not (more tries cannot add credit); anything else is final.
 */
export function classifyFailure(error: unknown): FailureKind {
  const e = (error ?? {}) as ErrorLike
  if (e.status === 429 && (e.code === 'insufficient_quota' || e.type === 'insufficient_quota')) return 'quota'
  if (typeof e.status === 'number') return RETRY_STATUSES.has(e.status) || e.status >= 500 ? 'retry' : 'fatal'
  // No status: the request never got an answer (APIConnectionError, APIConnectionTimeoutError).
  return e.name === 'APIConnectionError' || e.name === 'APIConnectionTimeoutError' ? 'retry' : 'fatal'
}

/** Milliseconds the server asked us to wait, from `retry-after-ms` or `retry-after`. */
export function serverRetryAfter(error: unknown, now = Date.now()): number | undefined {
  const headers = (error as ErrorLike | undefined)?.headers
  if (!headers) return undefined
  const ms = Number(headers.get('retry-after-ms'))
  if (headers.get('retry-after-ms') !== null && Number.isFinite(ms) && ms >= 0) return ms
  const after = headers.get('retry-after')
  if (after === null) return undefined
  const seconds = Number(after)
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000
  const date = Date.parse(after)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/** Options of {@link retryDelay}. */
export interface BackoffOptions {
  /** First delay before jitter. @default 500 */
  baseMs?: number
  /** Longest delay. @default 30000 */
  maxMs?: number
  /** A number in [0, 1); `Math.random` by default. */
  random?: () => number
}

/**
 * The wait before retry number `attempt` (0 for the first retry): what the server asked
 * for when it said, else exponential backoff with full jitter, capped.
 */
export function retryDelay(attempt: number, error: unknown, options: BackoffOptions = {}): number {
  const max = options.maxMs ?? 30_000
  const asked = serverRetryAfter(error)
  if (asked !== undefined) return Math.min(asked, max)
  const ceiling = Math.min(max, (options.baseMs ?? 500) * 2 ** attempt)
  return Math.round((options.random ?? Math.random)() * ceiling)
}

/** Parses OpenAI's reset durations: `1s`, `6m0s`, `20ms`, `1h2m3.5s`. Undefined for anything else. */
export function parseDuration(text: string | null | undefined): number | undefined {
  if (!text) return undefined
  const match = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+(?:\.\d+)?)ms)?$/.exec(text.trim())
  if (!match || match[0] === '') return undefined
  const [, h = '0', m = '0', s = '0', ms = '0'] = match
  return Number(h) * 3_600_000 + Number(m) * 60_000 + Number(s) * 1000 + Number(ms)
}
