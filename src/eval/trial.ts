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
}

/** The test a trial runs in, and when its case times out. */
export interface TrialContext {
  owner?: RecordOwner | undefined
  deadline?: number | undefined
}

const storage = new AsyncLocalStorage<TrialScope>()

/**
 * Runs `fn` as trial `trial`: code it awaits sees {@link currentTrial}, its LLM requests
 * key under the trial, and the records it emits are collected in the returned scope and
 * go to the context's `owner`, whose deadline the judge then keeps to.
 */
export async function inTrial<T>(trial: number, fn: () => T | Promise<T>, context: TrialContext = {}): Promise<{ value: T; scope: TrialScope }> {
  if (!Number.isInteger(trial) || trial < 0) throw new RangeError(`A trial is a whole number from 0, but got ${trial}.`)
  const scope: TrialScope = { trial, records: [], owner: context.owner, deadline: context.deadline }
  const value = await storage.run(scope, fn)
  return { value, scope }
}

/** The trial running now, or undefined outside any trial (a plain test). */
export function currentTrial(): TrialScope | undefined {
  return storage.getStore()
}

/**
 * What a request's cache key gains from the trial it runs in: nothing for trial 0 (so it
 * keys exactly as a test without trials, and existing cassettes stay valid) and outside
 * trials; `{ trial: k }` for trial k > 0.
 */
export function trialKeyMaterial(): { trial?: number } {
  const trial = storage.getStore()?.trial ?? 0
  return trial > 0 ? { trial } : {}
}
