// Proportions from repeated trials of the same cases. Trials of one case are alike (an
// easy case passes every time), so they are not independent draws: counting them as such
// shrinks the interval with the number of trials, however few cases there are. The
// effective sample size of a cluster sample puts that right: the trials count as
// N / deff, with Kish's design effect deff = 1 + (m − 1)·ρ.
import jStat from 'jstat'
import { AssayUsageError } from '../errors.js'
import type { Interval } from '../report/schema.js'
import { describeValue } from '../validate.js'
import { checkConfidence, wilsonAt } from './intervals.js'

/** A group's size, mean and sum of squared deviations from its mean. */
interface Group {
  n: number
  mean: number
  squares: number
}

/**
 * The one-way ANOVA estimate of the intraclass correlation and its F-based interval, or
 * null when it cannot be estimated: fewer than 2 groups, no group of 2, or no variance.
 */
function anova(groups: readonly Group[], confidence: number): Interval | null {
  const k = groups.length
  const N = groups.reduce((s, g) => s + g.n, 0)
  if (k < 2 || N === k) return null
  const grand = groups.reduce((s, g) => s + g.n * g.mean, 0) / N
  const between = groups.reduce((s, g) => s + g.n * (g.mean - grand) ** 2, 0) / (k - 1)
  const within = groups.reduce((s, g) => s + g.squares, 0) / (N - k)
  const n0 = (N - groups.reduce((s, g) => s + g.n ** 2, 0) / N) / (k - 1)
  const denominator = between + (n0 - 1) * within
  // Relative to the data's own scale: rounding leaves ~1e-17 where there is no variance.
  if (!(denominator > 1e-12 * Math.max(1, grand * grand))) return null
  const value = (between - within) / denominator
  if (within === 0) return { value, lower: 1, upper: 1, confidence }
  const F = between / within
  const tail = 1 - (1 - confidence) / 2
  const low = F / jStat.centralF.inv(tail, k - 1, N - k)
  const high = F * jStat.centralF.inv(tail, N - k, k - 1)
  return { value, lower: (low - 1) / (low + n0 - 1), upper: (high - 1) / (high + n0 - 1), confidence }
}

/**
 * The one-way ANOVA estimator of the intraclass correlation, for 0/1 outcomes or any
 * numbers: (MSB − MSW) / (MSB + (n₀ − 1)·MSW), n₀ = (N − Σnᵢ² / N) / (k − 1) (Snedecor &
 * Cochran's n₀ for unequal groups, reviewed by Donner 1986), with the F-based interval
 * (F / F₁₋α/₂(k − 1, N − k) − 1) / (… + n₀ − 1) to (F · F₁₋α/₂(N − k, k − 1) − 1) / (… + n₀ − 1),
 * F = MSB / MSW. For equal groups both are Shrout & Fleiss's (1979) ICC(1,1) and its
 * interval, as R's `psych::ICC` reports them. The estimate and the bounds can be negative.
 *
 * @param groups - The outcomes of each group (case); empty groups are left out.
 * @returns `null` when it cannot be estimated: fewer than 2 groups, no group with 2
 *   values, or no variance at all.
 *
 * @example
 * ```ts
 * intraclassCorrelation([[1, 1, 1, 1], [0, 0, 1, 0], [1, 1, 1, 1]], 0.95)!.value // 0.6
 * ```
 */
export function intraclassCorrelation(groups: readonly (readonly number[])[], confidence: number): Interval | null {
  checkConfidence('intraclassCorrelation', confidence, intraclassCorrelation)
  const summaries = groups
    .map((g, i) => {
      g.forEach((v, j) => {
        if (typeof v !== 'number' || !Number.isFinite(v)) {
          throw new AssayUsageError('intraclassCorrelation', `groups[${i}][${j}] must be a finite number, but got ${describeValue(v)}.`, intraclassCorrelation)
        }
      })
      const mean = g.reduce((s, v) => s + v, 0) / g.length
      return { n: g.length, mean, squares: g.reduce((s, v) => s + (v - mean) ** 2, 0) }
    })
    .filter((g) => g.n > 0)
  return anova(summaries, confidence)
}

/** One case's trials: how many passed of how many. */
export interface ClusterCount {
  successes: number
  n: number
}

/** A proportion over clustered trials: the Wilson interval at the effective sample size. */
export type ClusteredInterval = Interval & {
  /** Trials ÷ design effect: as many independent trials as the clustered ones are worth. */
  effectiveN: number
  /** The intraclass correlation the design effect used (see {@link clusteredWilson}). */
  icc: number
  /** Kish's design effect, 1 + (m − 1)·ρ, m the mean trials per case. */
  designEffect: number
}

/**
 * The Wilson interval of a pass rate over repeated trials of cases, at the effective sample
 * size of a cluster sample (Kish 1965, §5.4): N trials in k cases count as N / deff, with
 * deff = 1 + (m − 1)·ρ, m = N / k the mean trials per case.
 *
 * ρ, the intraclass correlation of trial outcomes within cases, is the upper bound of its
 * interval at `confidence` ({@link intraclassCorrelation}), clamped to [0, 1]: the point
 * estimate is too noisy over a few cases (with 3 cases one failed trial in 3,000 can make it
 * 0, and the trials count as independent), and a lower bound that holds whatever ρ is within
 * its interval is what a gate needs. When ρ cannot be estimated (a single case, or no
 * variance at all, as when every trial passed) it is 1, so the cases are the sample. One
 * trial per case gives deff = 1: the plain Wilson interval. The Wilson interval at an
 * effective n is the one Kott & Carr (1997) and Korn & Graubard (1998) use for proportions
 * from cluster samples.
 *
 * @returns `null` when no case has a trial.
 *
 * @example
 * ```ts
 * const all = { successes: 1000, n: 1000 }
 * clusteredWilson([all, all, all], 0.95) // effectiveN 3, lower bound 0.438 (not 0.9987)
 * ```
 */
export function clusteredWilson(clusters: readonly ClusterCount[], confidence: number): ClusteredInterval | null {
  checkConfidence('clusteredWilson', confidence, clusteredWilson)
  clusters.forEach((c, i) => {
    const ok = typeof c === 'object' && c !== null && Number.isInteger(c.n) && c.n >= 0 && Number.isInteger(c.successes) && c.successes >= 0 && c.successes <= c.n
    if (!ok) throw new AssayUsageError('clusteredWilson', `clusters[${i}] must be { successes, n }, whole numbers with 0 ≤ successes ≤ n, but got ${describeValue(c)}.`, clusteredWilson)
  })
  const used = clusters.filter((c) => c.n > 0)
  const N = used.reduce((s, c) => s + c.n, 0)
  if (N === 0) return null
  const successes = used.reduce((s, c) => s + c.successes, 0)
  const m = N / used.length
  // A 0/1 outcome's squared deviations from its case's rate p sum to n·p·(1 − p).
  const groups = used.map((c) => ({ n: c.n, mean: c.successes / c.n, squares: c.successes * (1 - c.successes / c.n) }))
  const interval = m > 1 ? anova(groups, confidence) : null
  const icc = m === 1 ? 0 : interval === null ? 1 : Math.min(1, Math.max(0, interval.upper))
  const designEffect = 1 + (m - 1) * icc
  const effectiveN = N / designEffect
  return { ...wilsonAt(successes / N, effectiveN, confidence), effectiveN, icc, designEffect }
}
