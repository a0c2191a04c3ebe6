// Agreement of a judge with human labels: Cohen's kappa on pass/fail, Spearman's rho on
// scores. Each comes with an interval, so the agreement gate can take its lower bound as
// the pass-rate gate does.
import { AssayUsageError } from '../errors.js'
import type { Interval } from '../report/schema.js'
import { describeValue } from '../validate.js'
import { checkConfidence, normalQuantile, wilson } from './intervals.js'

/** An agreement coefficient with its interval and the number of pairs behind it. */
export type Agreement = Interval & { n: number }

const clamp = (x: number) => Math.max(-1, Math.min(1, x))

/**
 * Cohen's kappa (Cohen 1960), κ = (p_o − p_e) / (1 − p_e), with an interval that maps the
 * Wilson score interval of the observed agreement p_o through that formula, the chance
 * agreement p_e held fixed, as in Cohen's (1960) own standard error
 * √(p_o(1 − p_o) / n) / (1 − p_e). The large-sample (Wald) interval collapses to a point
 * when every case agrees, so 3 agreeing cases would read as certain; Wilson's does not
 * (3 of 3 agreeing: p_o ≥ 0.44 at 95%), and near perfect agreement, where a judge worth
 * gating lives, it keeps its coverage. The bounds are clamped to [−1, 1].
 *
 * @param pairs - One `[human, judge]` pair per case.
 * @returns `null` when kappa is undefined: fewer than 3 pairs, or either rater giving every
 *   case the same answer (with one constant side, p_o equals p_e, so kappa would read 0 with
 *   a zero-width interval, a figure the labels cannot support).
 *
 * @example
 * ```ts
 * cohenKappa([[true, true], [false, false], [true, false], [true, true]], 0.95)
 * ```
 */
export function cohenKappa(pairs: readonly (readonly [boolean, boolean])[], confidence: number): Agreement | null {
  checkConfidence('cohenKappa', confidence, cohenKappa)
  // cell[a][b]: rater 1 said a, rater 2 said b (0 = fail, 1 = pass).
  const cell = [
    [0, 0],
    [0, 0],
  ]
  pairs.forEach((pair, i) => {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'boolean' || typeof pair[1] !== 'boolean') {
      throw new AssayUsageError('cohenKappa', `pairs[${i}] must be [boolean, boolean] (the human's pass, the judge's pass), but got ${describeValue(pair)}.`, cohenKappa)
    }
    cell[+pair[0]]![+pair[1]]! += 1
  })
  const n = pairs.length
  if (n < 3) return null
  const at = (i: number, j: number) => cell[i]![j]! / n
  const row = [at(0, 0) + at(0, 1), at(1, 0) + at(1, 1)]
  const col = [at(0, 0) + at(1, 0), at(0, 1) + at(1, 1)]
  if (row.some((r) => r === 0) || col.some((c) => c === 0)) return null
  const agreed = cell[0]![0]! + cell[1]![1]!
  const pe = row[0]! * col[0]! + row[1]! * col[1]!
  const kappaOf = (po: number) => (po - pe) / (1 - pe)
  const observed = wilson(agreed, n, confidence)!
  return { value: kappaOf(agreed / n), lower: clamp(kappaOf(observed.lower)), upper: clamp(kappaOf(observed.upper)), confidence, n }
}

/**
 * Ranks from 1, ties taking the average of the ranks they span (R's `rank()`).
 * @internal
 */
export function ranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0])
  const out = new Array<number>(values.length)
  for (let start = 0; start < order.length; ) {
    let end = start
    while (end + 1 < order.length && order[end + 1]![0] === order[start]![0]) end++
    const rank = (start + end) / 2 + 1
    for (let k = start; k <= end; k++) out[order[k]![1]] = rank
    start = end + 1
  }
  return out
}

function pearson(xs: readonly number[], ys: readonly number[]): number | null {
  const n = xs.length
  const mx = xs.reduce((s, v) => s + v, 0) / n
  const my = ys.reduce((s, v) => s + v, 0) / n
  let sxy = 0
  let sxx = 0
  let syy = 0
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - mx
    const dy = ys[i]! - my
    sxy += dx * dy
    sxx += dx * dx
    syy += dy * dy
  }
  return sxx === 0 || syy === 0 ? null : sxy / Math.sqrt(sxx * syy)
}

/**
 * Spearman's rank correlation: Pearson's correlation of the ranks, ties averaged. Its
 * interval is Fisher's z transform with the variance 1.06 / (n − 3) of Fieller, Hartley &
 * Pearson (1957), which holds for rank correlations where 1 / (n − 3) is too narrow; with
 * 3 pairs it spans [−1, 1]. A rho of exactly ±1, whose z is infinite, gets the interval of
 * the nearest value the ranks allow, ±(1 − 12 / (n(n² − 1))), with ±1 as its bound on that
 * side: not a point, so 4 cases ranked alike do not read as certain.
 *
 * @returns `null` when rho is undefined: fewer than 3 pairs, or one list without spread.
 *
 * @example
 * ```ts
 * spearman([8, 6, 9, 3, 5], [7.5, 6, 8, 4, 4], 0.95)
 * ```
 */
export function spearman(xs: readonly number[], ys: readonly number[], confidence: number): Agreement | null {
  checkConfidence('spearman', confidence, spearman)
  if (xs.length !== ys.length) {
    throw new AssayUsageError('spearman', `xs and ys must be lists of the same length, but got ${xs.length} and ${ys.length}.`, spearman)
  }
  for (const [name, list] of [['xs', xs], ['ys', ys]] as const) {
    list.forEach((v, i) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new AssayUsageError('spearman', `${name}[${i}] must be a finite number, but got ${describeValue(v)}.`, spearman)
      }
    })
  }
  const n = xs.length
  if (n < 3) return null
  const rho = pearson(ranks(xs), ranks(ys))
  if (rho === null) return null
  // At ±1 Fisher's z is infinite and the interval a point, however few the cases: take the
  // interval of the nearest rho the ranks allow (one adjacent swap away, Σd² = 2) and keep
  // ±1 as the bound on its side. Ranks' rho of ±1 can come out a rounding error short of it.
  const perfect = Math.abs(Math.abs(rho) - 1) < 1e-12
  const sign = Math.sign(rho)
  const z = Math.atanh(perfect ? sign * (1 - 12 / (n * (n * n - 1))) : rho)
  const half = normalQuantile(confidence) * Math.sqrt(1.06 / (n - 3))
  const lower = perfect && sign < 0 ? -1 : clamp(Math.tanh(z - half))
  const upper = perfect && sign > 0 ? 1 : clamp(Math.tanh(z + half))
  return { value: rho, lower, upper, confidence, n }
}
