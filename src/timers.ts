// A timer a test leaves behind (`setTimeout(() => expect(o).toScoreAtLeast(7), 50)`, or the
// wait inside `forEach(async …)`) fires after its test ended; when it fires after the file
// ended too, the worker may be gone and the assertion never starts, so nothing could fail.
// assay wraps the global `setTimeout` to know the timers still pending, and a file's end
// waits for the short ones: the assertions they start are then refused as late, inside
// the file, which fails. Timers from `node:timers` are left alone, and so are fake timers
// (they replace the global while installed).
import { setTimeout as setReal } from 'node:timers'

type TimerTarget = { setTimeout: (...args: never[]) => unknown; clearTimeout: (handle: never) => void }

const installed = Symbol.for('assay.timers')
const due = new Map<unknown, number>()

/**
 * Wraps `target.setTimeout` and `clearTimeout` (once per global) so that {@link timersDue}
 * knows which timers are still pending and when they fire. The wrappers pass everything
 * through: same handle, same arguments, same `this`.
 */
export function watchTimers(target: TimerTarget = globalThis as unknown as TimerTarget): void {
  const marked = target as TimerTarget & { [installed]?: true }
  if (marked[installed]) return
  marked[installed] = true
  const setOriginal = target.setTimeout as (callback: unknown, ms?: number, ...args: unknown[]) => unknown
  const clearOriginal = target.clearTimeout as (handle: unknown) => void
  function setTimeout(this: unknown, callback: unknown, ms?: number, ...args: unknown[]): unknown {
    if (typeof callback !== 'function') return setOriginal.call(this, callback, ms, ...args)
    const handle: unknown = setOriginal.call(
      this,
      function (this: unknown, ...given: unknown[]) {
        due.delete(handle)
        return (callback as (...a: unknown[]) => unknown).apply(this, given)
      },
      ms,
      ...args,
    )
    due.set(handle, Date.now() + Math.max(1, Number(ms) || 0))
    return handle
  }
  function clearTimeout(this: unknown, handle: unknown): void {
    due.delete(handle)
    clearOriginal.call(this, handle)
  }
  // util.promisify(setTimeout) and other own properties keep working.
  Object.assign(setTimeout, setOriginal)
  target.setTimeout = setTimeout as TimerTarget['setTimeout']
  target.clearTimeout = clearTimeout as TimerTarget['clearTimeout']
}

/**
 * Resolves once no watched timer is due within `windowMs` of now, waiting for each such
 * timer to fire, for at most `capMs` in all: a timer a test set for 50 ms fires before its
 * file ends, while a 10-minute request timeout an SDK set (and will clear), or an unref'd
 * timer, is not waited for.
 */
export async function timersDue(windowMs = 1_000, capMs = 2_000): Promise<void> {
  const deadline = Date.now() + capMs
  for (;;) {
    const now = Date.now()
    // A Node timer cleared through another clearTimeout than the wrapped one is destroyed.
    for (const [handle] of due) if ((handle as { _destroyed?: boolean } | null)?._destroyed) due.delete(handle)
    // One that does not keep the process alive is housekeeping (fetch's connection timers
    // re-arm every half second), not a test's.
    const kept = (handle: unknown) => (handle as { hasRef?: () => boolean } | null)?.hasRef?.() !== false
    const soon = [...due].filter(([handle, t]) => t <= now + windowMs && kept(handle)).map(([, t]) => t)
    if (soon.length === 0 || now >= deadline) return
    const wait = Math.min(Math.max(Math.min(...soon) - now, 0) + 1, deadline - now)
    await new Promise((resolve) => setReal(resolve, wait))
  }
}

/** Forgets every watched timer (for tests of this module). */
export function forgetTimers(): void {
  due.clear()
}
