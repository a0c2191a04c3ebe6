// Judged assertions are async. One the test forgot to `await` would still be running when
// the test ends, and the test would pass with no verdict. Neither runner notices this for
// custom async matchers, so assay tracks its own: each judged assertion registers itself
// while it runs, and the runner adapters fail a test that ends with one still pending.
// One that starts when its test has already ended (inside `forEach(async …)`, a timer)
// belongs to no test at all: it is refused at once, without asking the judge, and fails
// its file, or the process when the file has ended too.

// Real timers: a test that installed fake ones must not stall an assertion or a file's end.
import { clearTimeout, setImmediate, setTimeout } from 'node:timers'
import { callSiteIn } from './report/location.js'
import { currentTrial } from './eval/trial.js'
import type { SourceLocation } from './report/records.js'

/** The test an async assertion belongs to: Vitest's task where known, else its file and name. */
export interface AssertionOwner {
  task?: unknown
  testPath?: string | undefined
  currentTestName?: string | undefined
  /** Jest: the test whose code is running, even under `test.concurrent` (Jest's own async context). */
  currentConcurrentTestName?: (() => string | undefined) | undefined
  /** True under `.not`, where a verdict with `pass: true` is the failure. */
  isNot?: boolean | undefined
}

/**
 * Where a judged assertion starts, as the runner adapter sees it: inside a running test,
 * which owns it; while a `beforeAll`/`afterAll` hook runs, which makes it the file's; or
 * outside both, which means after its test ended.
 */
export type Moment = 'test' | 'hook' | 'outside'

interface Pending {
  matcher: string
  owner: AssertionOwner
  /** The owner's test name as Jest's async context gives it, which concurrent tests cannot confuse. */
  contextName: string | undefined
  location: SourceLocation | undefined
  /** The test of the dataset case whose trial started it (Vitest's task): known for sure, even among concurrent tests. */
  caseTest: unknown
  /** Resolves when the assertion settles. */
  done?: Promise<void>
  /** Once it failed: the error it threw, or its failure message. */
  failure?: unknown
}

const running = new Set<Pending>()
// Files whose end check has begun, and files that ended: an assertion without a running
// test is late from then on, even while the runner still calls the file's own hooks.
const closing = new Set<string>()
const closed = new Set<string>()
const late = new Map<string, Pending[]>()
const outlived = new Map<string, Pending[]>()
let momentOf: (owner: AssertionOwner) => Moment = () => 'test'

/** Installs how the runner adapter tells where an assertion starts (the default: inside a test). */
export function setMomentProvider(provider: (owner: AssertionOwner) => Moment): void {
  momentOf = provider
}

/**
 * Runs an async assertion as tracked: from its start until it settles, the test it belongs
 * to cannot end without failing (see {@link takeUnawaited}). `run` starts at once, so its
 * synchronous part (option checks, usage errors) still has the user's line on the stack,
 * which is also where the call site is captured. An assertion that starts after its test
 * ended does not run at all: see {@link takeUnawaitedInFile}.
 */
export function trackAsync<T>(matcher: string, owner: AssertionOwner, run: () => Promise<T>): Promise<T> {
  const entry: Pending = { matcher, owner, contextName: owner.currentConcurrentTestName?.(), caseTest: currentTrial()?.owner?.task, location: callSiteIn(owner.testPath) }
  const file = owner.testPath
  // Once its file ended, the runner's state is gone (Jest 30 warns when it is read).
  const moment = file !== undefined && closed.has(file) ? 'outside' : momentOf(owner)
  if (moment === 'outside' || (moment === 'hook' && file !== undefined && closing.has(file))) return startedLate(entry)
  running.add(entry)
  // One reaction on each promise of the chain: V8 then follows it in the async stack trace,
  // where a failed assertion finds the line of its test file; a second one would cut it.
  let settle!: () => void
  entry.done = new Promise<void>((resolve) => (settle = resolve))
  return run().then(
    (value) => {
      running.delete(entry)
      const verdict = value as { pass?: unknown; message?: unknown } | undefined
      if (typeof verdict?.pass === 'boolean' && typeof verdict.message === 'function' && verdict.pass === (owner.isNot ?? false)) entry.failure = String(verdict.message())
      settle()
      return value
    },
    (error: unknown) => {
      running.delete(entry)
      entry.failure = error
      settle()
      throw error
    },
  )
}

const failureText = (p: Pending) => (typeof p.failure === 'string' ? p.failure : p.failure instanceof Error ? p.failure.message : undefined)

// Assertions still running when the concurrent test that owns them, as far as a shared
// `expect` can tell, ended: see markOutliving.
const outliving = new Set<Pending>()

/**
 * Called when a concurrent test ends (Vitest). Its `expect` may be shared with the other
 * running tests, so which of the file's running assertions are its own is unknown: none is
 * failed now, all are remembered, except those a dataset case's trial started for another
 * test than `task` (the one that ended). One that then fails without any test reporting
 * that failure was not awaited (an awaited one fails its test): {@link takeUnawaitedInFile}
 * fails the file for it.
 */
export function markOutliving(testPath: string, task?: unknown): void {
  for (const p of running) {
    if (p.owner.testPath !== testPath) continue
    // A trial's assertion is its case's: another case's test ending leaves it to its own.
    if (task !== undefined && p.caseTest !== undefined && p.caseTest !== task) continue
    outliving.add(p)
  }
}

/**
 * Called by code that awaited a judged assertion and kept its failure as a result rather
 * than failing a test with it (a dataset trial, whose case may pass within its pass-rate
 * gate): the assertion that failed with `error` was awaited, so the end of its file does
 * not count it as unawaited, even when a concurrent test ended while it ran.
 */
export function markHandled(error: unknown): void {
  let text: string
  try {
    text = error instanceof Error ? error.message : String(error)
  } catch {
    // A thrown value that cannot be printed matches no assertion's failure.
    return
  }
  for (const p of outliving) {
    const failure = failureText(p)
    if (failure !== undefined && text.includes(failure)) outliving.delete(p)
  }
}

function startedLate(entry: Pending): Promise<never> {
  const file = entry.owner.testPath
  const error = lateError([entry], file)
  const refused = Promise.reject(error)
  if (file !== undefined && !closed.has(file)) {
    late.set(file, [...(late.get(file) ?? []), entry])
    // The file's end reports it; a caller that awaits it still gets the error.
    refused.catch(() => {})
    return refused
  }
  // Its file is over, so nothing of it can fail any more: fail the process instead (the
  // runner reports the rejection if it still listens; an in-band Jest exits non-zero), and
  // tell the runner adapter at once: the rejection can kill a Jest worker before its event
  // loop turns again, and Jest ignores a worker's exit code.
  process.exitCode = 1
  process.stderr.write(`${error.message}\n`)
  try {
    lateListener?.(error.message)
  } catch {
    // The run it would tell may be over; the rejection still fails the process.
  }
  return refused
}

let lateListener: ((message: string) => void) | undefined

/**
 * Installs who hears, synchronously, of a judged assertion that starts after its file ended
 * (its error's message), or removes it with `undefined`. The Jest adapter writes it down for
 * the process that runs the reporters, which fails the run.
 */
export function onStartedAfterFile(listener: ((message: string) => void) | undefined): void {
  lateListener = listener
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
 * Called when a test file starts: it is open again (a watch-mode rerun in the same worker
 * starts with the same path), so its hooks' assertions are theirs until its end begins.
 */
export function openFile(testPath: string): void {
  closing.delete(testPath)
  closed.delete(testPath)
}

// The longest a file's end waits for assertions still in flight: under a runner's hook
// timeout (Jest's default is 5 s), so the file fails for them and not for a timeout.
const SETTLE_MS = 3_000

/**
 * Called when a test file's last hook begins, before its records are sent. From now on an
 * assertion that starts with no test running is late, even during the file's own
 * `afterAll`. Waits for the short timers its tests left (see {@link timersDue}), whose
 * callbacks may start late assertions, then for the file's assertions still in flight
 * (up to a few seconds), so that their verdicts and costs are recorded and the file does
 * not end under them. They still fail the file, in {@link takeUnawaitedInFile}.
 */
export async function drainFile(testPath: string, timers: () => Promise<void> = async () => {}): Promise<void> {
  closing.add(testPath)
  await timers()
  await afterMacrotask()
  const left = [...running].filter((p) => p.owner.testPath === testPath)
  if (left.length === 0) return
  for (const p of left) running.delete(p)
  outlived.set(testPath, [...(outlived.get(testPath) ?? []), ...left])
  let timer: NodeJS.Timeout | undefined
  const cap = new Promise<void>((resolve) => (timer = setTimeout(resolve, SETTLE_MS)))
  await Promise.race([Promise.all(left.map((p) => p.done)), cap])
  clearTimeout(timer)
}

/**
 * Called when a test file ends: removes its assertions still running and, if there were
 * any, or if any started after their test ended, or failed after their test ended without
 * any test reporting it (`reported`: the messages of the file's errors; see
 * {@link markOutliving}), returns the error that fails the file.
 * This is also the check for `test.concurrent` tests that share one `expect`, where an
 * assertion cannot tell which of the running tests made it, so the per-test check would
 * blame the wrong one. After this, the file is closed: a late assertion fails the process.
 */
export function takeUnawaitedInFile(testPath: string, reported: readonly string[] = []): Error | undefined {
  const mine = [...outliving].filter((p) => p.owner.testPath === testPath)
  for (const p of mine) outliving.delete(p)
  const unreported = mine.filter((p) => {
    const text = failureText(p)
    return text !== undefined && !running.has(p) && !reported.some((r) => r.includes(text))
  })
  const left = [...new Set([...(outlived.get(testPath) ?? []), ...[...running].filter((p) => p.owner.testPath === testPath), ...unreported])]
  const tooLate = late.get(testPath) ?? []
  for (const p of left) running.delete(p)
  outlived.delete(testPath)
  late.delete(testPath)
  closing.delete(testPath)
  closed.add(testPath)
  const errors = [...(left.length ? [unawaitedError(left)] : []), ...(tooLate.length ? [lateError(tooLate, testPath)] : [])]
  if (errors.length < 2) return errors[0]
  const both = new Error(errors.map((e) => e.message).join('\n\n'))
  both.name = 'UnawaitedAssertionError'
  return both
}

function sameTest(a: AssertionOwner, b: AssertionOwner): boolean {
  if (a.task !== undefined && b.task !== undefined) return a.task === b.task
  return a.testPath === b.testPath && a.currentTestName === b.currentTestName
}

/**
 * Called when a test ends: removes the test's assertions that are still running and, if
 * there were any, returns the error that fails the test, naming each one and its line.
 * With `concurrent`, only assertions whose test Jest's async context named are matched:
 * concurrent tests share one `expect` state, whose test name is whichever started last.
 */
export function takeUnawaited(test: AssertionOwner, concurrent = false): Error | undefined {
  const left = [...running].filter((p) =>
    concurrent ? p.contextName !== undefined && p.owner.testPath === test.testPath && p.contextName === test.currentTestName : sameTest(p.owner, test),
  )
  if (left.length === 0) return undefined
  for (const p of left) running.delete(p)
  return unawaitedError(left)
}

// An assertion that failed after its test ended: its failure's first line, which its test never showed.
function failedWith(p: Pending): string {
  const text = failureText(p)
  // The first line of a matcher's message is its hint, `expect(received).matcher(…)`.
  return text ? `, and failed: ${text.split('\n').find((l) => l.trim() && !l.startsWith('expect(')) ?? ''}` : ''
}

const where = (p: Pending, file: string | undefined) => (p.location ? ` at ${file ?? 'the test file'}:${p.location.line}:${p.location.column}` : '')

function unawaitedError(left: readonly Pending[]): Error {
  const lines = left.map((p) => `  ${p.matcher} was not awaited${where(p, p.owner.testPath)}${failedWith(p)}`)
  const error = new Error(
    `${left.length === 1 ? `${left[0]!.matcher} was not awaited` : `${left.length} judged assertions were not awaited`}: the test ended before ${left.length === 1 ? 'its verdict' : 'their verdicts'} arrived, so it cannot pass.\n` +
      `${lines.join('\n')}\nWrite \`await expect(output).${left[0]!.matcher}(…)\`; a judged assertion is a promise.`,
  )
  error.name = 'UnawaitedAssertionError'
  return error
}

function lateError(tooLate: readonly Pending[], file: string | undefined): Error {
  const one = tooLate.length === 1
  const lines = tooLate.map((p) => `  ${p.matcher} started after its test ended${where(p, file)}`)
  const error = new Error(
    `${one ? `${tooLate[0]!.matcher} started after its test ended` : `${tooLate.length} judged assertions started after their tests ended`}: no test was running to receive ${one ? 'its verdict' : 'their verdicts'}, so the judge was not asked and the run cannot pass.\n` +
      `${lines.join('\n')}\nAwait it inside the test: write \`for (const output of outputs) await expect(output).${tooLate[0]!.matcher}(…)\` ` +
      `(for … of, not forEach(async …)), or \`await Promise.all(outputs.map((output) => expect(output).${tooLate[0]!.matcher}(…)))\`, and no timer around it.`,
  )
  error.name = 'LateAssertionError'
  return error
}
