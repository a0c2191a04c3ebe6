// Confidence intervals for the dataset gates: a pass rate (Wilson score) and a mean score
// (Student's t). A gate compares the lower bound, so a small sample cannot pass on luck.
import jStat from 'jstat'
import { AssayUsageError } from '../errors.js'
import type { Interval } from '../report/schema.js'
import { describeValue } from '../validate.js'

/**
 * Checks a confidence level is inside (0, 1) and returns it.
 * @internal
 */
export function checkConfidence(fn: string, confidence: unknown, callSite: Function): number {
  if (typeof confidence !== 'number' || !(confidence > 0 && confidence < 1)) {
    throw new AssayUsageError(fn, `confidence must be a number between 0 and 1 (exclusive), such as 0.95, but got ${describeValue(confidence)}.`, callSite)
  }
  return confidence
}

/**
 * The two-sided standard normal quantile for a confidence: 1.959964 at 0.95.
 * @internal
 */
export function normalQuantile(confidence: number): number {
  return jStat.normal.inv(1 - (1 - confidence) / 2, 0, 1)
}

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0

/**
 * The Wilson score interval of a proportion (Wilson 1927). Unlike the normal ("Wald")
 * interval it stays inside [0, 1] and keeps its coverage near 0 and 1, where pass rates
 * of good datasets live. It equals R's `prop.test(successes, n, correct = FALSE)$conf.int`.
 *
 * @param successes - Passed trials, a whole number from 0 to `n`.
 * @param n - All trials.
 * @param confidence - Two-sided confidence, in (0, 1).
 * @returns The proportion and its interval, or `null` when `n` is 0: no trials say
 *   nothing about the rate, and an interval of [0, 1] would read as a measurement.
 *
 * @example
 * ```ts
 * wilson(930, 1000, 0.95) // { value: 0.93, lower: 0.9125, upper: 0.9442, confidence: 0.95 }
 * ```
 */
export function wilson(successes: number, n: number, confidence: number): Interval | null {
  checkConfidence('wilson', confidence, wilson)
  if (!isCount(n)) throw new AssayUsageError('wilson', `n must be a whole number ≥ 0, but got ${describeValue(n)}.`, wilson)
  if (!isCount(successes) || successes > n) {
    throw new AssayUsageError('wilson', `successes must be a whole number from 0 to n (${n}), but got ${describeValue(successes)}.`, wilson)
  }
  if (n === 0) return null
  return wilsonAt(successes / n, n, confidence)
}

/**
 * The Wilson interval of a proportion `p` at a sample size `n` that may be fractional: an
 * effective sample size (see `clusteredWilson`).
 * @internal
 */
export function wilsonAt(p: number, n: number, confidence: number): Interval {
  const z = normalQuantile(confidence)
  const z2n = (z * z) / n
  const centre = (p + z2n / 2) / (1 + z2n)
  const half = (z / (1 + z2n)) * Math.sqrt((p * (1 - p)) / n + z2n / (4 * n))
  // Clamp the rounding error at 0 and 1 (the exact bound there is 0 or 1).
  return {
    value: p,
    lower: p === 0 ? 0 : Math.max(0, centre - half),
    upper: p === 1 ? 1 : Math.min(1, centre + half),
    confidence,
  }
}

/**
 * The t interval of a mean: mean ± t(1 − α/2, n − 1) · s / √n, with s the sample standard
 * deviation. It equals R's `t.test(values, conf.level = confidence)$conf.int`.
 *
 * @returns The mean and its interval, or `null` for fewer than two values (no spread can
 *   be estimated from one).
 *
 * @example
 * ```ts
 * meanInterval([7, 8, 9, 8], 0.95) // { value: 8, lower: 6.70, upper: 9.30, confidence: 0.95 }
 * ```
 */
export function meanInterval(values: readonly number[], confidence: number): Interval | null {
  checkConfidence('meanInterval', confidence, meanInterval)
  values.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new AssayUsageError('meanInterval', `values[${i}] must be a finite number, but got ${describeValue(v)}.`, meanInterval)
    }
  })
  const n = values.length
  if (n < 2) return null
  const mean = values.reduce((s, v) => s + v, 0) / n
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)
  const half = jStat.studentt.inv(1 - (1 - confidence) / 2, n - 1) * Math.sqrt(variance / n)
  return { value: mean, lower: mean - half, upper: mean + half, confidence }
}
