// Progress of long dataset evals, as the reporters show it: cases done out of the cases
// declared so far, trials, ETA and live spend. Workers send notices (see progress-notice.ts)
// to the run's coordinator, which lives in the reporters' process and hands them to the
// listeners registered here. Pure apart from the clock and the writer it is given.

import { onCi } from '../ci.js'

/** What a worker tells the reporters' process about a dataset eval. */
export type ProgressNotice =
  /** A dataset was declared with `cases` cases of `trials` trials each. */
  | { type: 'declared'; key: string; cases: number; trials: number }
  /**
   * One of its cases finished (or timed out: `trials` 0), after `trials` trials costing `cost`
   * dollars live. A case runs once: a runner's retry of it runs nothing and sends no notice.
   */
  | { type: 'case'; key: string; trials: number; cost: number }
  /** Its cases are done: `ran` of them ran (filters such as `-t` skip the others). */
  | { type: 'settled'; key: string; ran: number }

type Listener = (notice: ProgressNotice) => void

// The coordinator may be loaded by a runner's module loader (Vitest's global setup) and the
// reporter natively: two copies of this module in one process share the listeners here.
const LISTENERS = Symbol.for('assay.progress.listeners')
function listeners(): Set<Listener> {
  const g = globalThis as { [LISTENERS]?: Set<Listener> }
  return (g[LISTENERS] ??= new Set())
}

/** Calls `listener` with every progress notice the coordinator receives; returns how to stop. */
export function onProgress(listener: Listener): () => void {
  listeners().add(listener)
  return () => listeners().delete(listener)
}

/** Hands notices to every listener (the coordinator calls this). */
export function publishProgress(notices: readonly ProgressNotice[]): void {
  for (const n of notices) for (const l of listeners()) l(n)
}

/** A duration for people: `45s`, `1m20s`, `2h05m`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000))
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
}

/** The figures one progress line shows. */
export interface ProgressFigures {
  done: number
  total: number
  trialsDone: number
  trialsTotal: number
  /** The trials per case when every dataset has the same number, else undefined. */
  trialsEach: number | undefined
  cost: number
  /** ms since the first dataset was declared. */
  elapsedMs: number
  /** Test files the run has still to finish, when the reporter knows; their datasets are not declared yet. */
  filesLeft?: number | undefined
}

/** One progress line, e.g. `assay: 40/200 cases (10 trials each), ETA 1m20s, $0.0312 so far`. */
export function formatProgress(f: ProgressFigures): string {
  const trials = f.trialsEach !== undefined ? `${f.trialsEach} trial${f.trialsEach === 1 ? '' : 's'} each` : `${f.trialsDone}/${f.trialsTotal} trials`
  // The rate of cases done so far is the only honest basis: until one is done there is none.
  // Every case declared so far is done, but files still to run may declare more: not over yet.
  const eta =
    f.done >= f.total
      ? f.filesLeft
        ? `${f.filesLeft} test file${f.filesLeft === 1 ? '' : 's'} still to run`
        : `took ${formatDuration(f.elapsedMs)}`
      : f.done === 0
        ? 'ETA not yet known'
        : `ETA ${formatDuration((f.elapsedMs / f.done) * (f.total - f.done))}`
  return `assay: ${f.done}/${f.total} cases (${trials}), ${eta}, $${f.cost.toFixed(4)} so far`
}

/** How progress is shown: redrawn in place, a line per 10%, or not at all. */
export type ProgressMode = 'live' | 'steps' | 'off'

/**
 * How a run shows progress. `ASSAY_PROGRESS=0` (or the reporter's `progress: false`) turns
 * it off. The live line is drawn only where nothing else writes to the terminal while tests
 * run: a TTY, outside CI, with no runner reporter printing (Vitest's and Jest's default
 * reporters redraw their own status at the bottom, which a `\r` line would garble). Anywhere
 * else a plain line goes through the runner's output at every 10%.
 */
export function progressMode(o: { env: NodeJS.ProcessEnv; option: boolean | undefined; tty: boolean; runnerPrints: boolean }): ProgressMode {
  const flag = o.env.ASSAY_PROGRESS
  if (o.option === false || flag === '0' || flag === 'false' || flag === 'off') return 'off'
  return o.tty && !onCi(o.env) && !o.runnerPrints ? 'live' : 'steps'
}

/** After how long a run starts to show progress (ms): shorter runs print nothing extra. */
export const PROGRESS_AFTER_MS = 3000

// Moves to the line's start and clears it, so the next draw replaces it.
const CLEAR = '\r\x1b[2K'
const LIVE_EVERY_MS = 100

interface Dataset {
  cases: number
  trials: number
  done: number
  trialsDone: number
}

/**
 * The progress of a run's dataset evals, fed notices, writing lines through `write`:
 * nothing before `afterMs` from `start` or without a dataset; in `steps` mode one line each
 * time the cases done cross another tenth of the total (so at most 11), in `live` mode the
 * line redrawn in place on each notice and {@link tick}, and cleared at {@link end}.
 */
export class ProgressTracker {
  readonly #datasets = new Map<string, Dataset>()
  readonly #mode: ProgressMode
  readonly #write: (text: string) => void
  readonly #now: () => number
  readonly #afterMs: number
  readonly #start: number
  #firstDeclared: number | undefined
  #cost = 0
  #lastStep = -1
  #filesLeft: number | undefined
  #drawn = false
  #lastDraw = 0

  constructor(o: { mode: ProgressMode; write: (text: string) => void; now?: () => number; afterMs?: number }) {
    this.#mode = o.mode
    this.#write = o.write
    this.#now = o.now ?? Date.now
    this.#afterMs = o.afterMs ?? PROGRESS_AFTER_MS
    this.#start = this.#now()
  }

  notice(n: ProgressNotice): void {
    if (n.type === 'declared') {
      this.#firstDeclared ??= this.#now()
      this.#datasets.set(n.key, { cases: n.cases, trials: n.trials, done: 0, trialsDone: 0 })
      // A dataset declared later (another file) lowers the share done: its tenths are shown
      // anew, so each dataset adds at most 11 lines.
      const f = this.figures()
      if (f && f.total > 0) this.#lastStep = Math.min(this.#lastStep, Math.floor((f.done * 10) / f.total))
    } else {
      const d = this.#datasets.get(n.key)
      if (!d) return
      if (n.type === 'case') {
        d.done++
        d.trialsDone += n.trials
        this.#cost += n.cost
      } else {
        // Cases filtered out (-t, .only elsewhere) never run: the total is what ran.
        d.cases = Math.max(d.done, n.ran)
      }
    }
    this.tick()
  }

  /** How many test files the run has still to finish, as the reporter counts them. */
  files(left: number): void {
    this.#filesLeft = left
    this.tick()
  }

  /** The current figures, or undefined before any dataset was declared. */
  figures(): ProgressFigures | undefined {
    if (this.#firstDeclared === undefined) return undefined
    let done = 0
    let total = 0
    let trialsDone = 0
    let trialsTotal = 0
    const each = new Set<number>()
    for (const d of this.#datasets.values()) {
      done += d.done
      total += d.cases
      trialsDone += d.trialsDone
      trialsTotal += d.cases * d.trials
      if (d.cases > 0) each.add(d.trials)
    }
    return { done, total, trialsDone, trialsTotal, trialsEach: each.size === 1 ? [...each][0] : undefined, cost: this.#cost, elapsedMs: this.#now() - this.#firstDeclared, filesLeft: this.#filesLeft }
  }

  /** Draws what is due now: the live line, or the line of a tenth newly crossed. */
  tick(): void {
    if (this.#mode === 'off' || this.#now() - this.#start < this.#afterMs) return
    const f = this.figures()
    if (!f || f.total === 0) return
    if (this.#mode === 'live') {
      // A replayed run finishes cases by the hundred a second: a terminal needs ten draws at
      // most, and the last case done is always drawn.
      if (this.#drawn && f.done < f.total && this.#now() - this.#lastDraw < LIVE_EVERY_MS) return
      this.#write(`${CLEAR}${formatProgress(f)}`)
      this.#drawn = true
      this.#lastDraw = this.#now()
      return
    }
    const step = Math.min(10, Math.floor((f.done * 10) / f.total))
    // Every case declared so far is done, but files still to run will declare more: the 100%
    // line waits for the last file, so that it is printed once, and true.
    if (step === 10 && f.filesLeft) return
    if (step <= this.#lastStep) return
    this.#lastStep = step
    this.#write(`${formatProgress(f)}\n`)
  }

  /** The run is over: the live line is cleared, so the runner's summary starts on a clean line. */
  end(): void {
    if (this.#drawn) this.#write(CLEAR)
    this.#drawn = false
  }
}
