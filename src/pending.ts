// Judged assertions are async. One the test forgot to `await` would still be running when
// the test ends, and the test would pass with no verdict. Neither runner notices this for
// custom async matchers, so assay tracks its own: each judged assertion registers itself
// while it runs, and the runner adapters fail a test that ends with one still pending.
import { callSiteIn } from './report/location.js'
import type { SourceLocation } from './report/records.js'

/** The test an async assertion belongs to: Vitest's task where known, else its file and name. */
export interface AssertionOwner {
  task?: unknown
  testPath?: string | undefined
  currentTestName?: string | undefined
}

interface Pending {
  matcher: string
  owner: AssertionOwner
  location: SourceLocation | undefined
}

const running = new Set<Pending>()

/**
 * Runs an async assertion as tracked: from its start until it settles, the test it belongs
 * to cannot end without failing (see {@link takeUnawaited}). `run` starts at once, so its
 * synchronous part (option checks, usage errors) still has the user's line on the stack,
 * which is also where the call site is captured.
 */
export function trackAsync<T>(matcher: string, owner: AssertionOwner, run: () => Promise<T>): Promise<T> {
  const entry: Pending = { matcher, owner, location: callSiteIn(owner.testPath) }
  running.add(entry)
  return run().finally(() => running.delete(entry))
}

/**
 * Resolves after a macrotask. A judged assertion waits for it before asking: a replayed
 * verdict would otherwise settle within the microtasks that end a test, and a missing
 * `await` would go unnoticed on replay while it fails in a live run.
 */
export function afterMacrotask(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

/**
 * Called when a test file ends: removes its assertions still running and, if there were
 * any, returns the error that fails the file. This is the check for `test.concurrent`
 * tests that share one `expect`, where an assertion cannot tell which of the running tests
 * made it, so the per-test check would blame the wrong one.
 */
export function takeUnawaitedInFile(testPath: string): Error | undefined {
  const left = [...running].filter((p) => p.owner.testPath === testPath)
  if (left.length === 0) return undefined
  for (const p of left) running.delete(p)
  return unawaitedError(left)
}

function sameTest(a: AssertionOwner, b: AssertionOwner): boolean {
  if (a.task !== undefined && b.task !== undefined) return a.task === b.task
  return a.testPath === b.testPath && a.currentTestName === b.currentTestName
}

/**
 * Called when a test ends: removes the test's assertions that are still running and, if
 * there were any, returns the error that fails the test, naming each one and its line.
 */
export function takeUnawaited(test: AssertionOwner): Error | undefined {
  const left = [...running].filter((p) => sameTest(p.owner, test))
  if (left.length === 0) return undefined
  for (const p of left) running.delete(p)
  return unawaitedError(left)
}

function unawaitedError(left: readonly Pending[]): Error {
  const where = (p: Pending) => (p.location ? ` at ${p.owner.testPath ?? 'the test file'}:${p.location.line}:${p.location.column}` : '')
  const lines = left.map((p) => `  ${p.matcher} was not awaited${where(p)}`)
  const error = new Error(
    `${left.length === 1 ? `${left[0]!.matcher} was not awaited` : `${left.length} judged assertions were not awaited`}: the test ended before ${left.length === 1 ? 'its verdict' : 'their verdicts'} arrived, so it cannot pass.\n` +
      `${lines.join('\n')}\nWrite \`await expect(output).${left[0]!.matcher}(…)\`; a judged assertion is a promise.`,
  )
  error.name = 'UnawaitedAssertionError'
  return error
}
