// The reporters' part of dataset evals' progress: a tracker fed by the notices the
// coordinator receives, redrawn each second while the run lasts.
import { onProgress, ProgressTracker, type ProgressMode } from '../src/eval/progress.js'

/** A progress display running for one run; `stop` ends it (and clears a live line). */
export interface RunningProgress {
  /** How many test files the run has still to finish. */
  files(left: number): void
  stop(): void
}

/**
 * Shows the progress of the run's dataset evals in `mode`: `steps` lines go to `log` (the
 * runner's output, one line each), the `live` line to `live` (the terminal, redrawn in place).
 */
export function startProgress(mode: ProgressMode, log: (line: string) => void, live: (text: string) => void = (t) => void process.stderr.write(t)): RunningProgress {
  if (mode === 'off') return { files: () => {}, stop: () => {} }
  const tracker = new ProgressTracker({ mode, write: mode === 'live' ? live : (t) => log(t.replace(/\n$/, '')) })
  const unsubscribe = onProgress((n) => tracker.notice(n))
  // ETA and elapsed time move on between notices; the timer must not keep the runner alive.
  const timer = setInterval(() => tracker.tick(), 1000)
  timer.unref()
  return {
    files: (left) => tracker.files(left),
    stop: () => {
      clearInterval(timer)
      unsubscribe()
      tracker.end()
    },
  }
}

// Reporters that write files, not to the terminal while tests run.
const SILENT_VITEST = new Set(['JsonReporter', 'JUnitReporter', 'HTMLReporter', 'BlobReporter', 'GithubActionsReporter', 'HangingProcessReporter'])

/** Whether any of Vitest's reporters but `self` writes to the terminal while tests run (unknown: assume so). */
export function vitestReportersPrint(reporters: readonly unknown[] | undefined, self: unknown): boolean {
  if (!reporters) return true
  return reporters.some((r) => r !== self && !SILENT_VITEST.has((r as object)?.constructor?.name ?? ''))
}

/** Whether Jest's configured reporters (its `reporters`, `undefined` for Jest's default) print while tests run. */
export function jestReportersPrint(reporters: readonly unknown[] | undefined | null): boolean {
  if (!reporters) return true
  const names = reporters.map((r) => (Array.isArray(r) ? r[0] : r))
  return names.some((n) => typeof n !== 'string' || !/assay\/reporter\/jest|jest-junit/.test(n))
}
