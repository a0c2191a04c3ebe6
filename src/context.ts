/**
 * The part of a runner's matcher `this` that assay relies on.
 *
 * Vitest's `MatcherState` and Jest's `MatcherContext` both satisfy it, which is what
 * lets one matcher function serve both runners without importing either.
 */
export interface MatcherUtils {
  matcherHint(
    matcherName: string,
    received?: string,
    expected?: string,
    options?: { isNot?: boolean; promise?: string; secondArgument?: string; comment?: string },
  ): string
  printExpected(value: unknown): string
  printReceived(value: unknown): string
  /** Present in both runners; optional so a hand-made context can leave it out. */
  diff?(a: unknown, b: unknown, options?: Record<string, unknown>): string | null | undefined
}

/** The structural matcher context every assay matcher is typed against. */
export interface MatcherContext {
  /** True under `.not`. The runner inverts `pass`; matchers only phrase the message. */
  isNot?: boolean
  /** `'resolves'`, `'rejects'` or `''`. */
  promise?: string
  utils: MatcherUtils
  /** The running test's file and full name; both runners set them, reports use them. */
  testPath?: string | undefined
  currentTestName?: string | undefined
  /** Vitest: the test this `expect` belongs to (opaque here; the runner adapter reads it). */
  task?: unknown
}

/** What every matcher returns; the runner turns it into a pass or a thrown assertion error. */
export interface MatcherResult {
  pass: boolean
  message: () => string
}
