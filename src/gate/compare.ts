// The comparison itself: pair two runs' cases, test each group's change in pass rate and
// in mean judge score, and decide. Each metric is tested one-sided, in the direction its
// mean changed (a drop can fail the gate, a rise marks it improved), at `alpha`; the
// p-values of all the tests of a comparison are Holm-adjusted together, so that a suite of
// many datasets is not more likely to fail on noise than a suite of one. A group regressed
// when a metric dropped significantly; single cases that flipped are listed, never a
// reason to fail on their own. A group the reference has and the run lacks entirely (its
// file failed to load, was renamed, or its declaration threw) did not run, and a test file
// with errors may have left cases out: either fails the gate, since "no change" over the
// cases that happened to run is no verdict on the rest.
import { mcnemarExact, pairedBootstrap, wilcoxonSignedRank, type Alternative } from '../stats/paired.js'
import { groupNames, type BudgetBreach, type GateCase } from './cases.js'

/** What the table says about a group. */
export type Verdict = 'regressed' | 'improved' | 'no significant change' | 'did not run'

/** One metric of one group, before and after. */
export interface MetricComparison {
  metric: 'pass rate' | 'mean score'
  /** Cases paired for this metric (for scores: cases with a score in both runs). */
  n: number
  before: number
  after: number
  /** after − before. */
  delta: number
  /** Paired bootstrap interval of the delta, at 1 − alpha. */
  lower: number
  upper: number
  /** Which test gave the p-value. */
  test: 'McNemar exact' | 'Wilcoxon signed-rank'
  /** One-sided p-value of the test, in the direction of `delta` (a drop when negative); 1 when nothing changed. */
  pValue: number
  /** The p-value after Holm's adjustment over all tests of the comparison; the verdict reads this one. */
  adjusted: number
  verdict: Verdict
}

/** A case whose outcome changed. */
export interface CaseChange {
  label: string
  /** Passed trials ÷ trials in each run. */
  before: number
  after: number
}

/** One dataset (or the plain tests), compared. */
export interface GroupComparison {
  group: string
  name: string
  paired: number
  added: number
  removed: number
  metrics: MetricComparison[]
  verdict: Verdict
  regressed: CaseChange[]
  improved: CaseChange[]
  /** Cases that passed some trials and failed others now, and did not before. */
  newlyFlaky: CaseChange[]
  /** The reference's cases the run does not have. */
  removedCases: string[]
}

/** A test file of the checked run with errors outside its tests (it failed to load, or a hook failed). */
export interface FileError {
  file: string
  /** Its first error. */
  error: string
}

/** The whole comparison, and the gate's decision. */
export interface GateComparison {
  alpha: number
  groups: GroupComparison[]
  paired: number
  added: number
  removed: number
  budgets: BudgetBreach[]
  /** Test files of the checked run with errors. */
  fileErrors: FileError[]
  /** `fail` when a group regressed or did not run, a budget was breached, or a test file has errors. */
  outcome: 'pass' | 'fail'
}

/** Options of {@link compareRuns}. */
export interface CompareOptions {
  /** Significance level of the (one-sided, Holm-adjusted) tests. @default 0.05 */
  alpha?: number
  /** Seeds the bootstrap intervals. @default 1 */
  seed?: number
  /** Bootstrap resamples. @default 2000 */
  iterations?: number
  /** Budget gates the current run failed. */
  budgets?: BudgetBreach[]
  /** Test files of the current run with errors. */
  fileErrors?: FileError[]
  /**
   * Whether a test file was in the current run's scope, so that its groups were expected to
   * run: a partial run covers some files only. @default every file
   */
  inScope?: (file: string) => boolean
}

const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length
// Differences of means carry float noise (0.1 + 0.2 − 0.3 ≠ 0): rounded, equal changes tie and no change is zero, as on paper.
const differences = (before: readonly number[], after: readonly number[]) => after.map((x, i) => Math.round((x - before[i]!) * 1e9) / 1e9)
const rate = (c: GateCase) => c.passed / c.trials

/** Holm's step-down adjustment: the i-th smallest of m p-values times (m − i + 1), kept monotone and at most 1. */
export function holm(pValues: readonly number[]): number[] {
  const order = pValues.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0])
  const adjusted = new Array<number>(pValues.length)
  let running = 0
  order.forEach(([p, i], rank) => {
    running = Math.max(running, Math.min(1, (pValues.length - rank) * p))
    adjusted[i] = running
  })
  return adjusted
}

type Pair = readonly [GateCase, GateCase]

// The one-sided test to run: towards the mean's change. Rounding noise is no change.
const direction = (delta: number): Alternative | undefined => (delta < -1e-12 ? 'less' : delta > 1e-12 ? 'greater' : undefined)

function passRate(pairs: readonly Pair[], confidence: number, seed: number, iterations: number): Omit<MetricComparison, 'adjusted' | 'verdict'> {
  const before = pairs.map(([b]) => rate(b))
  const after = pairs.map(([, a]) => rate(a))
  const interval = pairedBootstrap(before, after, { seed, iterations, confidence })
  const single = pairs.every(([b, a]) => b.trials === 1 && a.trials === 1)
  // One trial a side: McNemar on the discordant pairs. Several: the per-case pass rates
  // are not pass/fail, so Wilcoxon on their differences.
  const side = direction(interval.value)
  const pValue =
    side === undefined
      ? 1
      : single
        ? mcnemarExact(pairs.filter(([b, a]) => b.passed > a.passed).length, pairs.filter(([b, a]) => b.passed < a.passed).length, side).pValue
        : wilcoxonSignedRank(differences(before, after), side).pValue
  return { metric: 'pass rate', n: pairs.length, before: mean(before), after: mean(after), delta: interval.value, lower: interval.lower, upper: interval.upper, test: single ? 'McNemar exact' : 'Wilcoxon signed-rank', pValue }
}

function meanScore(pairs: readonly Pair[], confidence: number, seed: number, iterations: number): Omit<MetricComparison, 'adjusted' | 'verdict'> | undefined {
  const scored = pairs.filter(([b, a]) => b.score !== undefined && a.score !== undefined)
  if (!scored.length) return undefined
  const before = scored.map(([b]) => b.score!)
  const after = scored.map(([, a]) => a.score!)
  const interval = pairedBootstrap(before, after, { seed, iterations, confidence })
  const side = direction(interval.value)
  const pValue = side === undefined ? 1 : wilcoxonSignedRank(differences(before, after), side).pValue
  return { metric: 'mean score', n: scored.length, before: mean(before), after: mean(after), delta: interval.value, lower: interval.lower, upper: interval.upper, test: 'Wilcoxon signed-rank', pValue }
}

const isFlaky = (c: GateCase) => c.passed > 0 && c.passed < c.trials

/**
 * Compares the current run's cases with the reference's, over the cases both have.
 *
 * @example
 * ```ts
 * const comparison = compareRuns(casesFromHistory(previous), casesFromResults(results), { alpha: 0.05 })
 * if (comparison.outcome === 'fail') process.exitCode = 1
 * ```
 */
export function compareRuns(reference: readonly GateCase[], current: readonly GateCase[], options: CompareOptions = {}): GateComparison {
  const { alpha = 0.05, seed = 1, iterations = 2000, budgets = [], fileErrors = [], inScope = () => true } = options
  const before = new Map(reference.map((c) => [c.key, c]))
  const now = new Map(current.map((c) => [c.key, c]))
  const groups = [...new Set([...current.map((c) => c.group), ...reference.map((c) => c.group)])]
  const names = groupNames(groups)
  const compared = groups.map((group) => {
    const pairs = current.filter((c) => c.group === group && before.has(c.key)).map((c) => [before.get(c.key)!, c] as const)
    const added = current.filter((c) => c.group === group && !before.has(c.key)).length
    const removedCases = reference.filter((c) => c.group === group && !now.has(c.key))
    const removed = removedCases.length
    const missing = !pairs.length && !added && removedCases.some((c) => inScope(c.file))
    const metrics = pairs.length ? [passRate(pairs, 1 - alpha, seed, iterations), meanScore(pairs, 1 - alpha, seed, iterations)].filter((m) => m !== undefined) : []
    const change = ([b, a]: Pair): CaseChange => ({ label: a.label, before: rate(b), after: rate(a) })
    return {
      group,
      name: names.get(group)!,
      paired: pairs.length,
      added,
      removed,
      metrics,
      regressed: pairs.filter(([b, a]) => rate(a) < rate(b)).map(change),
      improved: pairs.filter(([b, a]) => rate(a) > rate(b)).map(change),
      newlyFlaky: pairs.filter(([b, a]) => isFlaky(a) && !isFlaky(b)).map(change),
      removedCases: removedCases.map((c) => c.label),
      missing,
    }
  })
  const adjusted = holm(compared.flatMap((g) => g.metrics.map((m) => m.pValue)))
  let k = 0
  const results: GroupComparison[] = compared.map((g) => {
    const metrics = g.metrics.map((m): MetricComparison => {
      const p = adjusted[k++]!
      const verdict: Verdict = p < alpha && m.delta < 0 ? 'regressed' : p < alpha && m.delta > 0 ? 'improved' : 'no significant change'
      return { ...m, adjusted: p, verdict }
    })
    const { missing, ...rest } = g
    const verdict: Verdict = missing ? 'did not run' : metrics.some((m) => m.verdict === 'regressed') ? 'regressed' : metrics.some((m) => m.verdict === 'improved') ? 'improved' : 'no significant change'
    return { ...rest, metrics, verdict }
  })
  const sum = (f: (g: GroupComparison) => number) => results.reduce((s, g) => s + f(g), 0)
  return {
    alpha,
    groups: results,
    paired: sum((g) => g.paired),
    added: sum((g) => g.added),
    removed: sum((g) => g.removed),
    budgets,
    fileErrors,
    outcome: budgets.length || fileErrors.length || results.some((g) => g.verdict === 'regressed' || g.verdict === 'did not run') ? 'fail' : 'pass',
  }
}
