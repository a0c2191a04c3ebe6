// A 429 can ask for a wait that no one should make: longer than judge.maxRateLimitWaitMs
// (a daily quota's retry-after), or longer than the running test has left before its
// timeout, where waiting only ends in the runner's "test timed out", which names neither
// the judge nor the 429. Both fail the request at once instead, saying why.

/** What bounds a wait: the configured maximum, and the time the running test has left. */
export interface WaitBounds {
  /** judge.maxRateLimitWaitMs. */
  maxWaitMs?: number | undefined
  /** The running test's time left before its timeout, in ms; undefined when it has none. */
  testLeftMs?: number | undefined
}

/**
 * Which bound a wait of `waitMs` breaks: `'max'` for judge.maxRateLimitWaitMs, `'test'` for
 * the test's timeout (the configured maximum wins when both are broken, as it says more
 * about the cause), or undefined when the wait may be made.
 */
export function brokenBound(waitMs: number, bounds: WaitBounds): 'max' | 'test' | undefined {
  if (bounds.maxWaitMs !== undefined && waitMs > bounds.maxWaitMs) return 'max'
  if (bounds.testLeftMs !== undefined && waitMs > bounds.testLeftMs) return 'test'
  return undefined
}

/** The time a test with `deadline` (epoch ms, or undefined for none) has left at `now`. */
export function timeLeft(deadline: number | undefined, now: number): number | undefined {
  return deadline === undefined ? undefined : Math.max(0, deadline - now)
}
