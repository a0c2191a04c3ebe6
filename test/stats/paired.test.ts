import { describe, expect, test } from 'vitest'
import { mcnemarExact, pairedBootstrap, wilcoxonSignedRank } from '../../src/stats/paired.js'

describe('mcnemarExact', () => {
  test('matches the exact binomial test on the discordant pairs', () => {
    // R: binom.test(9, 11) → p-value = 0.06543; exactly 2·(1 + 11 + 55)/2¹¹ = 134/2048.
    expect(mcnemarExact(9, 2).pValue).toBeCloseTo(134 / 2048, 9)
    // R: binom.test(2, 10) → p-value = 0.1094; exactly 2·(1 + 10 + 45)/2¹⁰ = 112/1024.
    expect(mcnemarExact(2, 8).pValue).toBeCloseTo(112 / 1024, 9)
    // The test is symmetric in which side the discordant pairs fall.
    expect(mcnemarExact(8, 2).pValue).toBeCloseTo(112 / 1024, 9)
  })

  test('one-sided: `less` is the chance of this many pass→fail flips or more', () => {
    // P(B ≥ 9 | n = 11) = (55 + 11 + 1)/2048; R: binom.test(9, 11, alternative = "greater").
    expect(mcnemarExact(9, 2, 'less').pValue).toBeCloseTo(67 / 2048, 9)
    // P(B ≤ 9 | n = 11) = 1 − (11 + 1)/2048.
    expect(mcnemarExact(9, 2, 'greater').pValue).toBeCloseTo(2036 / 2048, 9)
    // scipy.stats.binomtest(15, 60, alternative='less').pvalue = 6.7257e-05 (R: binom.test(15, 60, alternative = "less")).
    expect(mcnemarExact(15, 45, 'greater').pValue).toBeCloseTo(6.725704046424766e-5, 9)
    expect(mcnemarExact(45, 15, 'less').pValue).toBeCloseTo(6.725704046424766e-5, 9)
  })

  test('no discordant pair is no evidence: p = 1; a balanced split is p = 1', () => {
    expect(mcnemarExact(0, 0).pValue).toBe(1)
    expect(mcnemarExact(5, 5).pValue).toBe(1)
  })

  test('counts must be whole and non-negative', () => {
    expect(() => mcnemarExact(-1, 2)).toThrow('mcnemarExact: b must be a count (a whole number ≥ 0), but got -1.')
    expect(() => mcnemarExact(1, 2.5)).toThrow('c must be a count')
  })
})

describe('wilcoxonSignedRank', () => {
  // Hollander & Wolfe (1973), p. 29f, the example of R's ?wilcox.test: Hamilton depression
  // scale factor of 9 patients at the first (x) and second (y) visit.
  const x = [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3]
  const y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29]

  test('exact for small samples without ties, as R', () => {
    // R: wilcox.test(x, y, paired = TRUE, alternative = "greater") → V = 40, p-value = 0.01953 (10/512).
    const greater = wilcoxonSignedRank(x.map((v, i) => v - y[i]!), 'greater')
    expect(greater).toMatchObject({ statistic: 40, n: 9, zeros: 0, exact: true })
    expect(greater.pValue).toBeCloseTo(10 / 512, 9)
    // Two-sided doubles it: 0.0390625 (scipy.stats.wilcoxon(x - y) gives the same).
    expect(wilcoxonSignedRank(x.map((v, i) => v - y[i]!)).pValue).toBeCloseTo(20 / 512, 9)
    // The same data the other way round: y − x has V = 5 and the drop is as significant.
    const less = wilcoxonSignedRank(y.map((v, i) => v - x[i]!), 'less')
    expect(less.statistic).toBe(5)
    expect(less.pValue).toBeCloseTo(10 / 512, 9)
  })

  test('normal approximation with tie and continuity corrections once there are ties or zeros, zeros dropped', () => {
    // Differences with a zero and tied magnitudes (1, 1; 2, 2, 2, 2; 3, 3, 3). R's method,
    // as scipy.stats.wilcoxon(d, zero_method='wilcox', correction=True, method='approx'):
    // n = 12, V = 71, Σ(t³ − t) = 90, z = (71 − 39 − 0.5)/√(12·13·25/24 − 90/48) = 2.4855,
    // two-sided p = 0.012939, greater p = 0.0064695, less p = 0.99483.
    const d = [1, 2, 2, -1, 3, 3, 3, 0, -2, 4, 5, 1.5, 2]
    const two = wilcoxonSignedRank(d)
    expect(two).toMatchObject({ statistic: 71, n: 12, zeros: 1, exact: false })
    expect(two.pValue).toBeCloseTo(0.012938994071658105, 10)
    expect(wilcoxonSignedRank(d, 'greater').pValue).toBeCloseTo(0.006469497035829053, 10)
    expect(wilcoxonSignedRank(d, 'less').pValue).toBeCloseTo(0.9948314927332956, 10)
  })

  test('50 differences or more use the normal approximation even without ties', () => {
    const d = Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? -(i + 1) : i + 1) / 10)
    // scipy.stats.wilcoxon(d, correction=True, method='approx') (R's method for n ≥ 50):
    // p = 0.0169017, its statistic min(V, 1830 − V) = 590; R's V = 1240,
    // z = (1240 − 915 − 0.5)/√18605 = 2.3790.
    const r = wilcoxonSignedRank(d)
    expect(r).toMatchObject({ statistic: 1240, n: 60, exact: false })
    expect(r.pValue).toBeCloseTo(0.016901653275967533, 10)
  })

  test('only zeros is no evidence: p = 1', () => {
    expect(wilcoxonSignedRank([0, 0, 0])).toMatchObject({ n: 0, zeros: 3, pValue: 1 })
    expect(wilcoxonSignedRank([])).toMatchObject({ n: 0, pValue: 1 })
  })

  test('a difference that is not a number is refused', () => {
    expect(() => wilcoxonSignedRank([1, Number.NaN])).toThrow('every difference must be a finite number')
  })
})

describe('pairedBootstrap', () => {
  test('the interval holds the observed mean difference, and the same seed gives the same interval', () => {
    const before = Array.from({ length: 40 }, (_, i) => 5 + (i % 7) / 2)
    const after = before.map((b, i) => b - 0.5 + ((i * 13) % 5) / 10)
    const a = pairedBootstrap(before, after, { seed: 7, iterations: 4000, confidence: 0.95 })
    expect(a.value).toBeCloseTo(after.reduce((s, v) => s + v, 0) / 40 - before.reduce((s, v) => s + v, 0) / 40, 9)
    expect(a.lower).toBeLessThan(a.value)
    expect(a.upper).toBeGreaterThan(a.value)
    expect(pairedBootstrap(before, after, { seed: 7, iterations: 4000, confidence: 0.95 })).toEqual(a)
    expect(pairedBootstrap(before, after, { seed: 8, iterations: 4000, confidence: 0.95 })).not.toEqual(a)
  })

  test('its width agrees with the normal interval of the mean difference for a large sample', () => {
    // For n = 400 differences the percentile bootstrap and mean ± 1.96·s/√n agree to a few percent.
    const diffs = Array.from({ length: 400 }, (_, i) => Math.sin(i * 1.7) * 2)
    const mean = diffs.reduce((s, d) => s + d, 0) / diffs.length
    const sd = Math.sqrt(diffs.reduce((s, d) => s + (d - mean) ** 2, 0) / (diffs.length - 1))
    const half = (1.959964 * sd) / Math.sqrt(diffs.length)
    const r = pairedBootstrap(diffs.map(() => 0), diffs, { seed: 3, iterations: 5000, confidence: 0.95 })
    expect((r.upper - r.lower) / 2).toBeGreaterThan(half * 0.93)
    expect((r.upper - r.lower) / 2).toBeLessThan(half * 1.07)
  })

  test('the same difference in every pair gives a point interval', () => {
    expect(pairedBootstrap([1, 2, 3], [0, 1, 2], { seed: 1, iterations: 100 })).toEqual({ value: -1, lower: -1, upper: -1, confidence: 0.95 })
  })

  test('unpaired or empty input and a bad confidence are refused', () => {
    expect(() => pairedBootstrap([1, 2], [1])).toThrow('pairedBootstrap: before and after must pair up, but have 2 and 1 values.')
    expect(() => pairedBootstrap([], [])).toThrow('at least one pair')
    expect(() => pairedBootstrap([1], [1], { confidence: 95 })).toThrow('confidence must be between 0 and 1')
  })
})
