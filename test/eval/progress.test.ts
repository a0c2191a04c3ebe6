import { afterEach, describe, expect, test } from 'vitest'
import { formatDuration, formatProgress, onProgress, progressMode, ProgressTracker, publishProgress, type ProgressMode, type ProgressNotice } from '../../src/eval/progress.js'
import { flushProgress, noteProgress, useProgressTarget } from '../../src/eval/progress-notice.js'
import { startCoordinator } from '../../src/judge/coordinator.js'
import { jestReportersPrint, vitestReportersPrint } from '../../reporters/progress.js'

/** A tracker on a fake clock, collecting what it writes. */
function tracked(mode: ProgressMode, afterMs = 3000) {
  let now = 1_000_000
  const written: string[] = []
  const tracker = new ProgressTracker({ mode, write: (t) => void written.push(t), now: () => now, afterMs })
  return { tracker, written, advance: (ms: number) => void (now += ms) }
}

const declared = (key: string, cases: number, trials: number): ProgressNotice => ({ type: 'declared', key, cases, trials })
const done = (key: string, trials: number, cost = 0): ProgressNotice => ({ type: 'case', key, trials, cost })

describe('formatting', () => {
  test('durations read as seconds, minutes and seconds, hours and minutes', () => {
    expect([0, 999, 45_000, 80_000, 3_599_000, 3_600_000, 7_500_000].map(formatDuration)).toEqual(['0s', '1s', '45s', '1m20s', '59m59s', '1h00m', '2h05m'])
  })

  test('a line gives cases done of total, trials, the ETA from the rate so far and the spend', () => {
    // 40 cases in 20 s: 160 left at 2 cases/s is 80 s. (Below: 80 cases in 11 s leave 120 at 137.5 ms each, 16.5 s, shown 17s.)
    expect(formatProgress({ done: 40, total: 200, trialsDone: 400, trialsTotal: 2000, trialsEach: 10, cost: 0.0312, elapsedMs: 20_000 })).toBe('assay: 40/200 cases (10 trials each), ETA 1m20s, $0.0312 so far')
    expect(formatProgress({ done: 0, total: 5, trialsDone: 0, trialsTotal: 5, trialsEach: 1, cost: 0, elapsedMs: 4000 })).toBe('assay: 0/5 cases (1 trial each), ETA not yet known, $0.0000 so far')
    expect(formatProgress({ done: 3, total: 7, trialsDone: 9, trialsTotal: 19, trialsEach: undefined, cost: 0.5, elapsedMs: 3000 })).toBe('assay: 3/7 cases (9/19 trials), ETA 4s, $0.5000 so far')
    expect(formatProgress({ done: 7, total: 7, trialsDone: 19, trialsTotal: 19, trialsEach: undefined, cost: 0.5, elapsedMs: 65_000 })).toBe('assay: 7/7 cases (19/19 trials), took 1m05s, $0.5000 so far')
    expect(formatProgress({ done: 7, total: 7, trialsDone: 19, trialsTotal: 19, trialsEach: undefined, cost: 0.5, elapsedMs: 65_000, filesLeft: 3 })).toBe('assay: 7/7 cases (19/19 trials), 3 test files still to run, $0.5000 so far')
  })
})

describe('progressMode', () => {
  const mode = (env: NodeJS.ProcessEnv, tty: boolean, runnerPrints = false, option?: boolean) => progressMode({ env, option, tty, runnerPrints })
  test('ASSAY_PROGRESS=0 or the reporter option turns it off', () => {
    expect(mode({ ASSAY_PROGRESS: '0' }, true)).toBe('off')
    expect(mode({ ASSAY_PROGRESS: 'false', CI: 'true' }, false)).toBe('off')
    expect(mode({}, true, false, false)).toBe('off')
  })
  test('a live line only on a TTY outside CI with no runner reporter printing; lines per 10% elsewhere', () => {
    expect(mode({}, true)).toBe('live')
    expect(mode({ CI: 'true' }, true)).toBe('steps')
    expect(mode({}, false)).toBe('steps')
    expect(mode({}, true, true)).toBe('steps')
    expect(mode({ CI: '0' }, true)).toBe('live')
  })
  test("which runner reporters print: Vitest's by class, Jest's by name (none configured is Jest's default)", () => {
    class JsonReporter {}
    class DefaultReporter {}
    const self = {}
    expect(vitestReportersPrint([new JsonReporter(), self], self)).toBe(false)
    expect(vitestReportersPrint([new DefaultReporter(), self], self)).toBe(true)
    expect(vitestReportersPrint(undefined, self)).toBe(true)
    expect(jestReportersPrint(undefined)).toBe(true)
    expect(jestReportersPrint([['assay/reporter/jest', {}]])).toBe(false)
    expect(jestReportersPrint(['default', ['assay/reporter/jest', {}]])).toBe(true)
  })
})

describe('ProgressTracker', () => {
  test('prints nothing in the first 3 s, nor in a run without datasets', () => {
    const { tracker, written } = tracked('steps')
    tracker.notice(declared('f\0news', 10, 1))
    for (let i = 0; i < 10; i++) tracker.notice(done('f\0news', 1))
    expect(written).toEqual([])
    const plain = tracked('steps')
    plain.advance(60_000)
    plain.tracker.tick()
    expect(plain.written).toEqual([])
  })

  test('after 3 s prints a line at each tenth crossed, at most 11 for a dataset, the last at 100%', () => {
    const { tracker, written, advance } = tracked('steps')
    tracker.notice(declared('f\0news', 200, 10))
    advance(3000)
    tracker.tick()
    for (let i = 0; i < 200; i++) {
      advance(100)
      tracker.notice(done('f\0news', 10, 0.001))
      tracker.tick()
    }
    expect(written).toHaveLength(11)
    expect(written[0]).toBe('assay: 0/200 cases (10 trials each), ETA not yet known, $0.0000 so far\n')
    expect(written[4]).toBe('assay: 80/200 cases (10 trials each), ETA 17s, $0.0800 so far\n')
    expect(written[10]).toBe('assay: 200/200 cases (10 trials each), took 23s, $0.2000 so far\n')
  })

  test('a dataset declared later shows its tenths anew; a settled dataset counts only the cases that ran', () => {
    const { tracker, written, advance } = tracked('steps')
    tracker.notice(declared('a\0one', 2, 1))
    advance(4000)
    tracker.notice(done('a\0one', 1))
    tracker.notice(done('a\0one', 1))
    tracker.notice(declared('b\0two', 4, 1))
    tracker.notice(done('b\0two', 1))
    tracker.notice({ type: 'settled', key: 'b\0two', ran: 2 })
    expect(written.map((l) => l.slice(0, l.indexOf(' cases')))).toEqual(['assay: 1/2', 'assay: 2/2', 'assay: 3/6', 'assay: 3/4'])
  })

  test('while test files are still to run, all cases declared so far done is not the end: the 100% line waits for the last file', () => {
    const { tracker, written, advance } = tracked('steps')
    tracker.files(2)
    tracker.notice(declared('a\0one', 2, 1))
    advance(4000)
    tracker.notice(done('a\0one', 1))
    tracker.notice(done('a\0one', 1))
    tracker.files(1)
    tracker.notice(declared('b\0two', 2, 1))
    tracker.notice(done('b\0two', 1))
    tracker.notice(done('b\0two', 1))
    expect(written).toEqual(['assay: 1/2 cases (1 trial each), ETA 4s, $0.0000 so far\n', 'assay: 3/4 cases (1 trial each), ETA 1s, $0.0000 so far\n'])
    tracker.files(0)
    expect(written.slice(2)).toEqual(['assay: 4/4 cases (1 trial each), took 4s, $0.0000 so far\n'])
    // Live, the line says what is left.
    const live = tracked('live')
    live.tracker.files(1)
    live.tracker.notice(declared('a\0one', 1, 1))
    live.advance(4000)
    live.tracker.notice(done('a\0one', 1))
    expect(live.written.at(-1)).toBe('\r\x1b[2Kassay: 1/1 cases (1 trial each), 1 test file still to run, $0.0000 so far')
  })

  test('live mode redraws one line in place, at most every 100 ms but always the last case done, and clears it at the end', () => {
    const { tracker, written, advance } = tracked('live')
    tracker.notice(declared('f\0news', 4, 2))
    advance(3500)
    tracker.notice(done('f\0news', 2, 0.01))
    tracker.notice(done('f\0news', 2, 0.01))
    advance(100)
    tracker.tick()
    tracker.notice(done('f\0news', 2, 0.01))
    tracker.notice(done('f\0news', 2, 0.01))
    tracker.end()
    expect(written).toEqual([
      '\r\x1b[2Kassay: 1/4 cases (2 trials each), ETA 11s, $0.0100 so far',
      '\r\x1b[2Kassay: 2/4 cases (2 trials each), ETA 4s, $0.0200 so far',
      '\r\x1b[2Kassay: 4/4 cases (2 trials each), took 4s, $0.0400 so far',
      '\r\x1b[2K',
    ])
  })

  test('off prints nothing', () => {
    const { tracker, written, advance } = tracked('off')
    tracker.notice(declared('f\0news', 1, 1))
    advance(10_000)
    tracker.notice(done('f\0news', 1))
    tracker.end()
    expect(written).toEqual([])
  })
})

describe('notices from workers', () => {
  afterEach(() => useProgressTarget(undefined))
  test("reach the listeners in the coordinator's process, in order, when flushed", async () => {
    const coordinator = await startCoordinator()
    const seen: ProgressNotice[] = []
    const stop = onProgress((n) => seen.push(n))
    try {
      useProgressTarget(coordinator.url)
      noteProgress(declared('f\0news', 2, 3))
      noteProgress(done('f\0news', 3, 0.02))
      await flushProgress()
      expect(seen).toEqual([declared('f\0news', 2, 3), done('f\0news', 3, 0.02)])
      stop()
      publishProgress([done('f\0news', 3)])
      expect(seen).toHaveLength(2)
    } finally {
      stop()
      await coordinator.close()
    }
  })
})
