/**
 * Thrown when a matcher is called wrongly: a received value of the wrong type, an
 * invalid option, a missing source. It is never a verdict, so it is thrown even under
 * `.not`, where a failed verdict would have turned into a pass.
 *
 * @example
 * ```ts
 * expect(42).toHaveBullets()
 * // AssayUsageError: toHaveBullets: received must be a string, but got number 42.
 * ```
 */
export class AssayUsageError extends Error {
  override readonly name = 'AssayUsageError'
  /** The matcher or function that was misused, e.g. `toHaveBullets`. */
  readonly matcher: string

  constructor(matcher: string, message: string, callSite?: Function) {
    super(`${matcher}: ${message}`)
    this.matcher = matcher
    // Point the stack at the caller's line, not at assay's internals.
    if (callSite && typeof Error.captureStackTrace === 'function') {
      Error.captureStackTrace(this, callSite)
    }
  }
}
