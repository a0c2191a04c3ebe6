// Tests of a change between two runs over the same cases. Each test takes the changes
// as `after − before`, so `alternative: 'less'` asks whether the second run is worse.
// The p-values follow R (`binom.test`, `wilcox.test(paired = TRUE)`), so a figure here can
// be checked against R's output for the same data.
import jStat from 'jstat'

/** Which change a test looks for: any (`two-sided`), a drop (`less`) or a rise (`greater`) of `after − before`. */
export type Alternative = 'two-sided' | 'less' | 'greater'

/** The outcome of an exact McNemar test. */
export interface McNemarResult {
  /** Cases that passed before and fail after. */
  b: number
  /** Cases that failed before and pass after. */
  c: number
  pValue: number
}

const clamp = (p: number) => Math.min(1, Math.max(0, p))

/**
 * The exact McNemar test on pass/fail pairs: under no change, each of the `b + c`
 * discordant pairs is equally likely to go either way, so `b` is Binomial(b + c, ½) — R's
 * `binom.test(b, b + c)`. Two-sided, the p-value doubles the smaller tail (the binomial
 * is symmetric at ½); `less` (the pass rate fell) is P(B ≥ b).
 *
 * @example
 * ```ts
 * mcnemarExact(9, 2, 'two-sided').pValue // 0.0654, as binom.test(9, 11)
 * ```
 */
export function mcnemarExact(b: number, c: number, alternative: Alternative = 'two-sided'): McNemarResult {
  for (const [name, v] of [['b', b], ['c', c]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`mcnemarExact: ${name} must be a count (a whole number ≥ 0), but got ${v}.`)
  }
  const n = b + c
  if (n === 0) return { b, c, pValue: 1 }
  const atMost = (k: number) => (k < 0 ? 0 : jStat.binomial.cdf(k, n, 0.5))
  // P(B ≥ b) = P(B ≤ n − b) at ½: both tails as lower tails, so a tiny p-value is not lost to 1 − cdf.
  const drop = atMost(n - b)
  const rise = atMost(b)
  const pValue = alternative === 'less' ? drop : alternative === 'greater' ? rise : 2 * Math.min(drop, rise)
  return { b, c, pValue: clamp(pValue) }
}

/** The outcome of a Wilcoxon signed-rank test. */
export interface WilcoxonResult {
  /** V: the sum of the ranks of the positive differences, as R reports it. */
  statistic: number
  /** Differences left after dropping the zeros. */
  n: number
  /** Zero differences, dropped (Wilcoxon's method, as R's `wilcox.test`). */
  zeros: number
  /** True for the exact distribution (n < 50, no ties, no zeros); else the normal approximation with tie and continuity corrections. */
  exact: boolean
  pValue: number
}

// Ranks 1…n of |d|, ties sharing their mean rank; returns the ranks and the tie correction Σ(t³ − t).
function absRanks(diffs: readonly number[]): { ranks: number[]; ties: number } {
  const order = diffs.map((d, i) => [Math.abs(d), i] as const).sort((x, y) => x[0] - y[0])
  const ranks = new Array<number>(diffs.length)
  let ties = 0
  for (let i = 0; i < order.length; ) {
    let j = i
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++
    const t = j - i + 1
    for (let k = i; k <= j; k++) ranks[order[k]![1]] = (i + j + 2) / 2
    ties += t * t * t - t
    i = j + 1
  }
  return { ranks, ties }
}

// P(V ≤ v) for n untied ranks: the number of subsets of {1…n} with sum ≤ v, over 2ⁿ.
function signedRankCdf(v: number, n: number): number {
  const max = (n * (n + 1)) / 2
  const counts = new Array<number>(max + 1).fill(0)
  counts[0] = 1
  for (let r = 1; r <= n; r++) for (let s = max; s >= r; s--) counts[s]! += counts[s - r]!
  let below = 0
  for (let s = 0; s <= Math.min(v, max); s++) below += counts[s]!
  return below / 2 ** n
}

/**
 * The Wilcoxon signed-rank test on paired differences (`after − before`), as R's
 * `wilcox.test(after, before, paired = TRUE)` with its defaults: zero differences are
 * dropped; the exact distribution is used for fewer than 50 differences without ties or
 * zeros, and otherwise the normal approximation with the tie correction of the variance
 * and a continuity correction. With no non-zero difference the p-value is 1.
 *
 * @example
 * ```ts
 * wilcoxonSignedRank([-0.2, -0.5, 0.1, -0.3], 'less').pValue
 * ```
 */
export function wilcoxonSignedRank(diffs: readonly number[], alternative: Alternative = 'two-sided'): WilcoxonResult {
  if (!diffs.every(Number.isFinite)) throw new RangeError('wilcoxonSignedRank: every difference must be a finite number; drop the cases without a value on either side first.')
  const nonZero = diffs.filter((d) => d !== 0)
  const zeros = diffs.length - nonZero.length
  const n = nonZero.length
  if (n === 0) return { statistic: 0, n, zeros, exact: false, pValue: 1 }
  const { ranks, ties } = absRanks(nonZero)
  const v = nonZero.reduce((sum, d, i) => (d > 0 ? sum + ranks[i]! : sum), 0)
  if (n < 50 && ties === 0 && zeros === 0) {
    // The distribution is symmetric about n(n+1)/4, so P(V ≥ v) = P(V ≤ n(n+1)/2 − v).
    const upper = (x: number) => signedRankCdf((n * (n + 1)) / 2 - x, n)
    const less = signedRankCdf(v, n)
    const greater = upper(v)
    const pValue = alternative === 'less' ? less : alternative === 'greater' ? greater : 2 * Math.min(less, greater)
    return { statistic: v, n, zeros, exact: true, pValue: clamp(pValue) }
  }
  const z0 = v - (n * (n + 1)) / 4
  const sigma = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24 - ties / 48)
  if (sigma === 0) return { statistic: v, n, zeros, exact: false, pValue: 1 }
  const correction = alternative === 'two-sided' ? Math.sign(z0) * 0.5 : alternative === 'greater' ? 0.5 : -0.5
  const z = (z0 - correction) / sigma
  const lower = jStat.normal.cdf(z, 0, 1)
  const pValue = alternative === 'less' ? lower : alternative === 'greater' ? 1 - lower : 2 * Math.min(lower, 1 - lower)
  return { statistic: v, n, zeros, exact: false, pValue: clamp(pValue) }
}

/** A mean difference with its bootstrap percentile interval. */
export interface BootstrapInterval {
  /** The observed mean of `after − before`. */
  value: number
  lower: number
  upper: number
  confidence: number
}

/** Options of {@link pairedBootstrap}. */
export interface BootstrapOptions {
  /** Seeds the resampling, so the same data give the same interval. @default 1 */
  seed?: number
  /** Resamples drawn. @default 2000 */
  iterations?: number
  /** @default 0.95 */
  confidence?: number
}

/** mulberry32: a small seeded generator, uniform on [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * A percentile bootstrap interval of the mean paired difference `after − before`: the
 * cases are resampled with replacement, pairs kept together, `iterations` times.
 *
 * @example
 * ```ts
 * pairedBootstrap([7, 8, 6], [6, 8, 5], { seed: 1, iterations: 2000, confidence: 0.95 })
 * // { value: -0.667, lower: …, upper: …, confidence: 0.95 }
 * ```
 */
export function pairedBootstrap(before: readonly number[], after: readonly number[], options: BootstrapOptions = {}): BootstrapInterval {
  const { seed = 1, iterations = 2000, confidence = 0.95 } = options
  if (before.length !== after.length) throw new RangeError(`pairedBootstrap: before and after must pair up, but have ${before.length} and ${after.length} values.`)
  if (before.length === 0) throw new RangeError('pairedBootstrap: needs at least one pair.')
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`pairedBootstrap: confidence must be between 0 and 1, e.g. 0.95, but got ${confidence}.`)
  if (!Number.isInteger(iterations) || iterations < 1) throw new RangeError(`pairedBootstrap: iterations must be a whole number ≥ 1, but got ${iterations}.`)
  const diffs = Float64Array.from(after, (a, i) => a - before[i]!)
  const n = diffs.length
  const value = diffs.reduce((s, d) => s + d, 0) / n
  // Every resample of identical differences has their mean: no need to draw them (the usual case of an unchanged suite).
  if (diffs.every((d) => d === diffs[0])) return { value, lower: value, upper: value, confidence }
  const next = seededRandom(seed)
  const means = new Float64Array(iterations)
  for (let it = 0; it < iterations; it++) {
    let sum = 0
    for (let k = 0; k < n; k++) sum += diffs[Math.floor(next() * n)]!
    means[it] = sum / n
  }
  means.sort()
  const tail = (1 - confidence) / 2
  const at = (q: number) => means[Math.min(iterations - 1, Math.max(0, Math.round(q * (iterations - 1))))]!
  return { value, lower: at(tail), upper: at(1 - tail), confidence }
}
