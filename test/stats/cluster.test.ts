import { describe, expect, test } from 'vitest'
import { AssayUsageError } from '../../src/errors.js'
import { clusteredWilson, intraclassCorrelation } from '../../src/stats/cluster.js'
import { wilson } from '../../src/stats/intervals.js'
import { seededRandom } from '../../src/stats/paired.js'

// Reference values come from R 4.2.2 with psych 2.2.9 (Debian's r-base-core and
// r-cran-psych), printed with options(digits = 10).

describe('intraclassCorrelation', () => {
  // Shrout & Fleiss (1979), Table 2: 6 targets rated by 4 judges. Their Table 4 gives
  // ICC(1,1) = .17 (BMS 11.24, WMS 6.26).
  // sf <- matrix(c(9,2,5,8, 6,1,3,2, 8,4,6,8, 7,1,2,6, 10,5,6,9, 6,2,4,7), ncol = 4, byrow = TRUE)
  // psych::ICC(sf, lmer = FALSE)$results[1, ] → ICC1 0.1657417684, F 1.794678492 (5, 18 df),
  //   lower bound -0.1329323249, upper bound 0.7225600623
  // psych::ICC(sf, lmer = FALSE, alpha = 0.10)$results[1, ] → -0.09672220366 0.6433983107
  const targets = [
    [9, 2, 5, 8],
    [6, 1, 3, 2],
    [8, 4, 6, 8],
    [7, 1, 2, 6],
    [10, 5, 6, 9],
    [6, 2, 4, 7],
  ]

  test("equal groups: Shrout & Fleiss's ICC(1,1) and its interval, as psych::ICC", () => {
    const icc = intraclassCorrelation(targets, 0.95)!
    expect(icc.value).toBeCloseTo(0.1657417684, 9)
    expect(icc.lower).toBeCloseTo(-0.1329323249, 7)
    expect(icc.upper).toBeCloseTo(0.7225600623, 7)
    const at90 = intraclassCorrelation(targets, 0.9)!
    expect(at90.lower).toBeCloseTo(-0.09672220366, 7)
    expect(at90.upper).toBeCloseTo(0.6433983107, 7)
  })

  test('unequal groups of 0/1 outcomes: n₀ of the one-way ANOVA', () => {
    // y <- c(1,1,1,1,1, 1,0,1,1, 0,0,1, 1,1,1,1,1,1, 0,1,0,0, 1,1)
    // g <- factor(rep(1:6, c(5, 4, 3, 6, 4, 2))); a <- summary(aov(y ~ g))[[1]]
    // msb <- a[1, "Mean Sq"]; msw <- a[2, "Mean Sq"]   → 0.4666666667 0.1203703704
    // n0 <- (24 - sum(table(g)^2) / 24) / 5            → 3.916666667
    // (msb - msw) / (msb + (n0 - 1) * msw)              → 0.4234761276
    // F <- msb / msw; lo <- F / qf(0.975, 5, 18); hi <- F * qf(0.975, 18, 5)
    // (c(lo, hi) - 1) / (c(lo, hi) + n0 - 1)            → 0.03602033482 0.85799505159
    const groups = [[1, 1, 1, 1, 1], [1, 0, 1, 1], [0, 0, 1], [1, 1, 1, 1, 1, 1], [0, 1, 0, 0], [1, 1]]
    const icc = intraclassCorrelation(groups, 0.95)!
    expect(icc.value).toBeCloseTo(0.4234761276, 9)
    expect(icc.lower).toBeCloseTo(0.03602033482, 7)
    expect(icc.upper).toBeCloseTo(0.85799505159, 7)
  })

  test('undefined without 2 groups, without a group of 2, or without variance', () => {
    expect(intraclassCorrelation([[1, 0, 1]], 0.95)).toBeNull()
    expect(intraclassCorrelation([[1], [0], [1]], 0.95)).toBeNull()
    expect(intraclassCorrelation([[1, 1], [1, 1, 1]], 0.95)).toBeNull()
    expect(intraclassCorrelation([[1, 1], [], [0, 0]], 0.95)).toMatchObject({ value: 1, lower: 1, upper: 1 })
  })

  test('non-finite outcomes are usage errors', () => {
    expect(() => intraclassCorrelation([[1, Number.NaN]], 0.95)).toThrow(AssayUsageError)
    expect(() => intraclassCorrelation([[1, Number.NaN]], 0.95)).toThrow(/groups\[0\]\[1\] must be a finite number, but got number NaN/)
  })
})

/** `k` cases of `m` trials each, all passing, but for `failed` failures spread one per case. */
const spread = (k: number, m: number, failed: number) => Array.from({ length: k }, (_, i) => ({ successes: m - (i < failed ? 1 : 0), n: m }))

describe('clusteredWilson', () => {
  test('3 cases × 1,000 trials that all passed count as 3 cases, not 3,000 independent trials', () => {
    // prop.test(3, 3, correct = FALSE)$conf.int → 0.4385029682 1
    const w = clusteredWilson(spread(3, 1000, 0), 0.95)!
    expect(w).toMatchObject({ value: 1, upper: 1, icc: 1, designEffect: 1000, effectiveN: 3 })
    expect(w.lower).toBeCloseTo(0.4385029682, 9)
  })

  test('one failed trial in 3,000 does not make them independent: ρ is the upper bound of its interval', () => {
    // y <- c(rep(1, 2999), 0); g <- factor(rep(1:3, each = 1000)); a <- summary(aov(y ~ g))[[1]]
    // F <- a[1, "Mean Sq"] / a[2, "Mean Sq"] → 1 (the point estimate of ρ is 0)
    // hi <- F * qf(0.975, 2997, 2); rho <- (hi - 1) / (hi + 999) → 0.03707043536
    // neff <- 3000 / (1 + 999 * rho) → 78.87811152; prop.test(2999 / 3000 * neff, neff, correct = FALSE)$conf.int
    //   → 0.9529270035 0.9999977492
    const clusters = [{ successes: 1000, n: 1000 }, { successes: 1000, n: 1000 }, { successes: 999, n: 1000 }]
    const w = clusteredWilson(clusters, 0.95)!
    expect(w.icc).toBeCloseTo(0.03707043536, 6)
    expect(w.effectiveN).toBeCloseTo(78.87811152, 3)
    expect(w.lower).toBeCloseTo(0.9529270035, 6)
    expect(w.upper).toBeCloseTo(0.9999977492, 6)
  })

  test('one trial per case is the plain Wilson interval', () => {
    const clusters = Array.from({ length: 1000 }, (_, i) => ({ successes: i < 930 ? 1 : 0, n: 1 }))
    const w = clusteredWilson(clusters, 0.95)!
    expect(w).toMatchObject({ icc: 0, designEffect: 1, effectiveN: 1000 })
    // prop.test(930, 1000, correct = FALSE)$conf.int → 0.9124853518 0.9442236359
    expect(w.lower).toBeCloseTo(0.9124853518, 9)
    expect(w.upper).toBeCloseTo(0.9442236359, 9)
  })

  test('200 cases × 5 trials, failures spread over the cases: 93% passes a 0.9 gate, 88% fails it', () => {
    // 70 cases fail 1 trial of 5: less spread between cases than chance gives, so F < 1 and
    // the upper bound of ρ, F · qf(0.975, 800, 199) = 0.6528 · 1.2554 < 1, is below 0: ρ = 0.
    const pass = clusteredWilson(spread(200, 5, 70), 0.95)!
    expect(pass).toMatchObject({ icc: 0, effectiveN: 1000 })
    expect(pass.lower).toBeCloseTo(0.9124853518, 9)
    const fail = clusteredWilson(spread(200, 5, 120), 0.95)!
    // prop.test(880, 1000, correct = FALSE)$conf.int → 0.8583909242 0.8987007394
    expect(fail.upper).toBeCloseTo(0.8987007394, 9)
  })

  test('failures all in a few cases: the cases are the sample', () => {
    // 186 cases pass all 5 trials, 14 fail all 5: no spread within cases, ρ = 1, n = 200.
    const clusters = Array.from({ length: 200 }, (_, i) => ({ successes: i < 186 ? 5 : 0, n: 5 }))
    const w = clusteredWilson(clusters, 0.95)!
    expect(w).toMatchObject({ icc: 1, effectiveN: 200 })
    // prop.test(186, 200, correct = FALSE)$conf.int → 0.8859451911 0.9578478282
    expect(w.lower).toBeCloseTo(0.8859451911, 9)
    expect(w.lower).toBeLessThan(0.9)
  })

  test('no trials give no interval; cases without trials are left out', () => {
    expect(clusteredWilson([], 0.95)).toBeNull()
    expect(clusteredWilson([{ successes: 0, n: 0 }], 0.95)).toBeNull()
    expect(clusteredWilson([{ successes: 0, n: 0 }, ...spread(3, 1000, 0)], 0.95)).toMatchObject({ effectiveN: 3 })
  })

  test('impossible counts are usage errors', () => {
    expect(() => clusteredWilson([{ successes: 3, n: 2 }], 0.95)).toThrow(AssayUsageError)
    expect(() => clusteredWilson([{ successes: 1.5, n: 2 }], 0.95)).toThrow(/clusters\[0\] must be \{ successes, n \}/)
    expect(() => clusteredWilson([{ successes: 1, n: 2 }], 2)).toThrow(/confidence/)
  })
})

describe('coverage under correlated trials (seeded simulation)', () => {
  // Each case is hard with probability `hard`, passing a trial with probability `low`, else
  // easy, passing with `high`: trials of a case are alike, and the true pass rate over the
  // population of cases is hard·low + (1 − hard)·high. The 95% interval's lower bound must
  // lie at or below it in at least 95% of the datasets (its nominal one-sided level is 97.5%).
  const settings = [
    { k: 3, m: 1000, hard: 0.2, low: 0.5, high: 1 },
    { k: 5, m: 20, hard: 0.2, low: 0.6, high: 0.98 },
    { k: 10, m: 10, hard: 0.3, low: 0.5, high: 0.97 },
    { k: 30, m: 10, hard: 0.1, low: 0.3, high: 0.95 },
    { k: 200, m: 5, hard: 0.05, low: 0.5, high: 0.95 },
    { k: 200, m: 5, hard: 0, low: 0, high: 0.93 },
  ]
  const REPS = 1000

  test.each(settings)('$k cases × $m trials, $hard hard (pass $low) and the rest easy (pass $high)', ({ k, m, hard, low, high }) => {
    const next = seededRandom(k * 7919 + m)
    const truth = hard * low + (1 - hard) * high
    let covered = 0
    let naive = 0
    for (let r = 0; r < REPS; r++) {
      const clusters = Array.from({ length: k }, () => {
        const p = next() < hard ? low : high
        let successes = 0
        for (let t = 0; t < m; t++) if (next() < p) successes++
        return { successes, n: m }
      })
      if (clusteredWilson(clusters, 0.95)!.lower <= truth) covered++
      if (wilson(clusters.reduce((s, c) => s + c.successes, 0), k * m, 0.95)!.lower <= truth) naive++
    }
    expect(covered / REPS).toBeGreaterThanOrEqual(0.95)
    // Where trials of a case are alike, counting them as independent misses far more often.
    if (hard > 0 && k <= 10) expect(naive / REPS).toBeLessThan(0.9)
  })
})
