import { describe, expect, test } from 'vitest'
import { AssayUsageError } from '../../src/errors.js'
import { meanInterval, wilson } from '../../src/stats/intervals.js'

// Reference values come from R 4.2.2 (Debian's r-base-core), printed with options(digits = 10).
// prop.test(x, n, correct = FALSE)$conf.int is the Wilson score interval; t.test(x)$conf.int
// is the t interval on n − 1 degrees of freedom.

describe('wilson', () => {
  test('200 cases × 5 trials at 93% and 88% (the pass-rate gate example)', () => {
    // prop.test(930, 1000, correct = FALSE)$conf.int → 0.9124853518 0.9442236359
    const pass = wilson(930, 1000, 0.95)!
    expect(pass.value).toBe(0.93)
    expect(pass.lower).toBeCloseTo(0.9124853518, 9)
    expect(pass.upper).toBeCloseTo(0.9442236359, 9)
    expect(pass.confidence).toBe(0.95)
    // prop.test(880, 1000, correct = FALSE)$conf.int → 0.8583909242 0.8987007394
    const fail = wilson(880, 1000, 0.95)!
    expect(fail.lower).toBeCloseTo(0.8583909242, 9)
    expect(fail.upper).toBeCloseTo(0.8987007394, 9)
  })

  test('another confidence and a small n', () => {
    // prop.test(7, 10, correct = FALSE, conf.level = 0.9)$conf.int → 0.4416997959 0.8731234161
    const w = wilson(7, 10, 0.9)!
    expect(w.lower).toBeCloseTo(0.4416997959, 9)
    expect(w.upper).toBeCloseTo(0.8731234161, 9)
  })

  test('all failed and all passed stay inside [0, 1]', () => {
    // prop.test(0, 20, correct = FALSE)$conf.int → 0 0.1611251581
    const none = wilson(0, 20, 0.95)!
    expect(none.lower).toBe(0)
    expect(none.upper).toBeCloseTo(0.1611251581, 9)
    // prop.test(20, 20, correct = FALSE)$conf.int → 0.8388748419 1
    const all = wilson(20, 20, 0.95)!
    expect(all.lower).toBeCloseTo(0.8388748419, 9)
    expect(all.upper).toBe(1)
  })

  test('no trials give no interval', () => {
    expect(wilson(0, 0, 0.95)).toBeNull()
  })

  test('impossible counts and confidences are usage errors', () => {
    expect(() => wilson(5, 4, 0.95)).toThrow(AssayUsageError)
    expect(() => wilson(5, 4, 0.95)).toThrow(/successes must be a whole number from 0 to n \(4\), but got number 5/)
    expect(() => wilson(1.5, 4, 0.95)).toThrow(/whole number/)
    expect(() => wilson(1, -1, 0.95)).toThrow(/n must be a whole number ≥ 0/)
    expect(() => wilson(1, 4, 95)).toThrow(/confidence must be a number between 0 and 1 \(exclusive\), such as 0\.95, but got number 95/)
    expect(() => wilson(1, 4, 1)).toThrow(/confidence/)
  })
})

describe('meanInterval', () => {
  test('matches R t.test at 95% and 99%', () => {
    const x = [5.1, 4.9, 6.2, 5.8, 6.0, 5.5, 5.3, 6.1]
    // t.test(x)$conf.int → 5.206762144 6.018237856; mean(x) → 5.6125
    const i95 = meanInterval(x, 0.95)!
    expect(i95.value).toBeCloseTo(5.6125, 12)
    expect(i95.lower).toBeCloseTo(5.206762144, 8)
    expect(i95.upper).toBeCloseTo(6.018237856, 8)
    // t.test(x, conf.level = 0.99)$conf.int → 5.012035529 6.212964471
    const i99 = meanInterval(x, 0.99)!
    expect(i99.lower).toBeCloseTo(5.012035529, 8)
    expect(i99.upper).toBeCloseTo(6.212964471, 8)
  })

  test("Student's sleep data, group 1, and two values (1 degree of freedom)", () => {
    // t.test(sleep$extra[1:10])$conf.int → -0.5297804135 2.0297804135
    const sleep = meanInterval([0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0], 0.95)!
    expect(sleep.lower).toBeCloseTo(-0.5297804135, 8)
    expect(sleep.upper).toBeCloseTo(2.0297804135, 8)
    // t.test(c(7, 9))$conf.int → -4.706204736 20.706204736
    const two = meanInterval([7, 9], 0.95)!
    expect(two.lower).toBeCloseTo(-4.706204736, 7)
    expect(two.upper).toBeCloseTo(20.706204736, 7)
  })

  test('fewer than two values give no interval; equal values a point', () => {
    expect(meanInterval([], 0.95)).toBeNull()
    expect(meanInterval([8], 0.95)).toBeNull()
    expect(meanInterval([8, 8, 8], 0.95)).toEqual({ value: 8, lower: 8, upper: 8, confidence: 0.95 })
  })

  test('non-finite values are usage errors', () => {
    expect(() => meanInterval([1, Number.NaN], 0.95)).toThrow(/values\[1\] must be a finite number, but got number NaN/)
  })
})
