import { describe, expect, test } from 'vitest'
import { AssayUsageError } from '../../src/errors.js'
import { cohenKappa, ranks, spearman } from '../../src/stats/agreement.js'

// Reference values come from R 4.2.2 with psych 2.2.9 (Debian's r-base-core and r-cran-psych),
// printed with options(digits = 10).

/** Pairs [human, judge] from the four cells of a 2 × 2 table. */
function table(bothNo: number, humanNoJudgeYes: number, humanYesJudgeNo: number, bothYes: number): [boolean, boolean][] {
  return [
    ...Array.from({ length: bothNo }, () => [false, false] as [boolean, boolean]),
    ...Array.from({ length: humanNoJudgeYes }, () => [false, true] as [boolean, boolean]),
    ...Array.from({ length: humanYesJudgeNo }, () => [true, false] as [boolean, boolean]),
    ...Array.from({ length: bothYes }, () => [true, true] as [boolean, boolean]),
  ]
}

describe('cohenKappa', () => {
  // The table (human rows, judge columns): no/no 15, no/yes 10, yes/no 5, yes/yes 20.
  // R: r1 <- c(rep(1, 25), rep(0, 25)); r2 <- c(rep(1, 20), rep(0, 5), rep(1, 10), rep(0, 15))
  // psych::cohen.kappa(cbind(r1, r2))$kappa → 0.4. p_o = 35/50, p_e = 0.5 · 0.6 + 0.5 · 0.4 = 0.5.
  // The interval: w <- prop.test(35, 50, correct = FALSE)$conf.int; (w - 0.5) / (1 - 0.5)
  //   → 0.1249929907 0.6179289300
  const pairs = table(15, 10, 5, 20)

  test('kappa matches psych::cohen.kappa; its interval is the Wilson interval of p_o mapped at 95%', () => {
    const k = cohenKappa(pairs, 0.95)!
    expect(k.value).toBeCloseTo(0.4, 12)
    expect(k.lower).toBeCloseTo(0.1249929907, 8)
    expect(k.upper).toBeCloseTo(0.61792893, 8)
    expect(k.n).toBe(50)
    expect(k.confidence).toBe(0.95)
  })

  test('and at 90%', () => {
    // w <- prop.test(35, 50, correct = FALSE, conf.level = 0.9)$conf.int; (w - 0.5) / 0.5 → 0.1708007452 0.5881327062
    const k = cohenKappa(pairs, 0.9)!
    expect(k.lower).toBeCloseTo(0.1708007452, 8)
    expect(k.upper).toBeCloseTo(0.5881327062, 8)
  })

  test('perfect agreement is 1, but its interval is no point: 3 agreeing cases do not make a certain judge', () => {
    // 4 no/no, 6 yes/yes: p_e = 0.4² + 0.6² = 0.52
    // (prop.test(10, 10, correct = FALSE)$conf.int[1] - 0.52) / 0.48 → 0.421806667
    const ten = cohenKappa(table(4, 0, 0, 6), 0.95)!
    expect(ten).toMatchObject({ value: 1, upper: 1 })
    expect(ten.lower).toBeCloseTo(0.421806667, 8)
    // Human and judge: pass, fail, pass. p_e = (1/3)² + (2/3)² = 5/9
    // (prop.test(3, 3, correct = FALSE)$conf.int[1] - 5/9) / (4/9) → -0.2633683214
    const three = cohenKappa([[true, true], [false, false], [true, true]], 0.95)!
    expect(three).toMatchObject({ value: 1, upper: 1, n: 3 })
    expect(three.lower).toBeCloseTo(-0.2633683214, 8)
  })

  test('undefined: fewer than 3 pairs, or both raters always saying the same thing', () => {
    expect(cohenKappa(table(1, 0, 0, 1), 0.95)).toBeNull()
    expect(cohenKappa(table(0, 0, 0, 9), 0.95)).toBeNull()
  })

  test('undefined when either side gives every case the same answer, not a kappa of 0 with a zero-width interval', () => {
    // The human says pass to all 10 cases, the judge to 6: p_o = p_e = 0.6, so kappa would
    // read 0 ± 0 although the human's labels carry no information about agreement.
    expect(cohenKappa(table(0, 0, 4, 6), 0.95)).toBeNull()
    // The judge says fail to every case, the human is split.
    expect(cohenKappa(table(5, 0, 5, 0), 0.95)).toBeNull()
  })

  test('pairs that are not two booleans are usage errors', () => {
    expect(() => cohenKappa([[true, 1 as unknown as boolean]], 0.95)).toThrow(AssayUsageError)
    expect(() => cohenKappa([[true, 1 as unknown as boolean]], 0.95)).toThrow(/pairs\[0\] must be \[boolean, boolean\]/)
  })
})

describe('spearman', () => {
  const human = [8, 6, 9, 3, 5, 7, 2, 7, 4, 9]
  const judge = [7.5, 6, 8, 4, 4, 6.5, 3, 8, 5, 9]

  test('average ranks for ties, as R rank()', () => {
    // rank(h) → 8.0 5.0 9.5 2.0 4.0 6.5 1.0 6.5 3.0 9.5
    expect(ranks(human)).toEqual([8, 5, 9.5, 2, 4, 6.5, 1, 6.5, 3, 9.5])
    // rank(j) → 7.0 5.0 8.5 2.5 2.5 6.0 1.0 8.5 4.0 10.0
    expect(ranks(judge)).toEqual([7, 5, 8.5, 2.5, 2.5, 6, 1, 8.5, 4, 10])
  })

  test('rho matches cor(method = "spearman"), the interval Fisher z with variance 1.06 / (n − 3)', () => {
    // cor(h, j, method = "spearman") → 0.9386503067 (cor.test(..., exact = FALSE) gives the same rho)
    // z <- atanh(rho); se <- sqrt(1.06 / (10 - 3)); tanh(z + c(-1, 1) * qnorm(0.975) * se)
    //   → 0.7460032756 0.9863260711
    const r = spearman(human, judge, 0.95)!
    expect(r.value).toBeCloseTo(0.9386503067, 9)
    expect(r.lower).toBeCloseTo(0.7460032756, 8)
    expect(r.upper).toBeCloseTo(0.9863260711, 8)
    expect(r.n).toBe(10)
  })

  test('a reversed order is −1; three points give the whole range', () => {
    expect(spearman([1, 2, 3, 4, 5], [10, 8, 6, 4, 2], 0.95)!.value).toBeCloseTo(-1, 12)
    const three = spearman([1, 2, 3], [1, 3, 2], 0.95)!
    expect(three.value).toBeCloseTo(0.5, 12)
    expect([three.lower, three.upper]).toEqual([-1, 1])
  })

  test('a rho of ±1 gets the interval of the nearest rho the ranks allow, not a point', () => {
    // n <- c(4, 10); r <- 1 - 12 / (n * (n^2 - 1)); tanh(atanh(r) - qnorm(0.975) * sqrt(1.06 / (n - 3)))
    //   → -0.7255633199 0.9454681268
    const four = spearman([1, 2, 3, 4], [2, 5, 7, 9], 0.95)!
    expect(four).toMatchObject({ value: 1, upper: 1, n: 4 })
    expect(four.lower).toBeCloseTo(-0.7255633199, 8)
    const ten = spearman([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 0.95)!
    expect(ten.lower).toBeCloseTo(0.9454681268, 8)
    const reversed = spearman([1, 2, 3, 4], [9, 7, 5, 2], 0.95)!
    expect(reversed).toMatchObject({ value: -1, lower: -1 })
    expect(reversed.upper).toBeCloseTo(0.7255633199, 8)
  })

  test('undefined: fewer than 3 pairs or no spread in either', () => {
    expect(spearman([1, 2], [2, 1], 0.95)).toBeNull()
    expect(spearman([1, 2, 3, 4], [5, 5, 5, 5], 0.95)).toBeNull()
  })

  test('lists of different lengths are usage errors', () => {
    expect(() => spearman([1, 2, 3], [1, 2], 0.95)).toThrow(/xs and ys must be lists of the same length, but got 3 and 2/)
  })
})
