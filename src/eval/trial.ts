// The trial a dataset case is running, carried through its awaits by AsyncLocalStorage, so
// that the cassette key code (the judge's and recordingFetch's) can tell trials of the
// same request apart, and a case can collect the records its trial leaves.
import { AsyncLocalStorage } from 'node:async_hooks'
import type { AssayRecord, RecordOwner } from '../report/records.js'

/** The trial running now: its 0-based number and what it has recorded so far. */
export interface TrialScope {
  readonly trial: number
  /** The records emitted while the trial ran (verdicts, judge failures, app calls). */
  readonly records: AssayRecord[]
  /**
   * The test the trial runs in, as its runner names it: every record of the trial is that
   * test's, even under concurrent tests, where a matcher's own idea of its test may be
   * whichever test started last.
   */
  readonly owner?: RecordOwner | undefined
  /** When the case's own timeout ends (epoch ms): the judge fails at once on a longer wait. */
  readonly deadline?: number | undefined
  /**
   * Aborted when the case runs out of time: the judge's requests and `recordingFetch`'s
   * made in the trial are cancelled then, and never recorded.
   */
  readonly signal?: AbortSignal | undefined
  /** The judged assertions started in the trial that have not settled yet, by matcher. */
  readonly judging: Set<{ matcher: string }>
  /** The prompt version the case runs with (`summarizer@v2`), when the eval compares versions. */
  readonly prompt?: string | undefined
}

/** The test a trial runs in, and when its case times out. */
export interface TrialContext {
  owner?: RecordOwner | undefined
  deadline?: number | undefined
  signal?: AbortSignal | undefined
  /** The prompt version the case runs with, as `name@version`. */
  prompt?: string | undefined
}

const storage = new AsyncLocalStorage<TrialScope>()

/**
 * Runs `fn` as trial `trial`: code it awaits sees {@link currentTrial}, its LLM requests
 * key under the trial, and the records it emits are collected in the returned scope and
 * go to the context's `owner`, whose deadline the judge then keeps to.
 */
export async function inTrial<T>(trial: number, fn: () => T | Promise<T>, context: TrialContext = {}): Promise<{ value: T; scope: TrialScope }> {
  const scope = openTrial(trial, context)
  const value = await runInTrial(scope, fn)
  return { value, scope }
}

/** A new trial's scope, for {@link runInTrial}: its records can be read while it still runs. */
export function openTrial(trial: number, context: TrialContext = {}): TrialScope {
  if (!Number.isInteger(trial) || trial < 0) throw new RangeError(`A trial is a whole number from 0, but got ${trial}.`)
  return { trial, records: [], owner: context.owner, deadline: context.deadline, signal: context.signal, judging: new Set(), ...(context.prompt === undefined ? {} : { prompt: context.prompt }) }
}

/** Runs `fn` inside the trial of `scope` (see {@link inTrial}). */
export function runInTrial<T>(scope: TrialScope, fn: () => T): T {
  return storage.run(scope, fn)
}

/**
 * Runs a judged assertion, known to the trial it starts in until it settles: a trial that
 * ends with one still running did not await it, and has no verdict to pass on. Outside a
 * trial, `run` is called as it is.
 */
export function judgedInTrial<T>(matcher: string, run: () => Promise<T>): Promise<T> {
  const scope = storage.getStore()
  if (!scope) return run()
  const entry = { matcher }
  scope.judging.add(entry)
  // Removed before the promise the caller awaits settles, so an awaited one is never seen as running.
  return (async () => {
    try {
      return await run()
    } finally {
      scope.judging.delete(entry)
    }
  })()
}

/** The trial running now, or undefined outside any trial (a plain test). */
export function currentTrial(): TrialScope | undefined {
  return storage.getStore()
}

/**
 * What a request's cache key gains from the trial it runs in: nothing for trial 0 (so it
 * keys exactly as a test without trials, and existing cassettes stay valid) and outside
 * trials; `{ trial: k }` for trial k > 0. A case run with a prompt version adds
 * `{ prompt: 'name@version' }`, so each version has its own entries even where two
 * versions send the same request (the judge, given the same output): a new version
 * records its cases, and the older versions' entries replay untouched.
 */
export function trialKeyMaterial(): { trial?: number; prompt?: string } {
  const scope = storage.getStore()
  const trial = scope?.trial ?? 0
  return { ...(trial > 0 ? { trial } : {}), ...(scope?.prompt === undefined ? {} : { prompt: scope.prompt }) }
}
