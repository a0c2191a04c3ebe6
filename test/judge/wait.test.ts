import { describe, expect, test } from 'vitest'
import { deadlineOf } from '../../src/report/records.js'
import { brokenBound, timeLeft } from '../../src/judge/wait.js'

describe('brokenBound', () => {
  test('a wait within both bounds may be made', () => {
    expect(brokenBound(4_000, { maxWaitMs: 120_000, testLeftMs: 5_000 })).toBeUndefined()
    expect(brokenBound(5_000, { maxWaitMs: 5_000, testLeftMs: 5_000 })).toBeUndefined()
    expect(brokenBound(600_000, {})).toBeUndefined()
  })

  test('a wait under judge.maxRateLimitWaitMs but longer than the test has left breaks the test\'s bound', () => {
    expect(brokenBound(60_000, { maxWaitMs: 120_000, testLeftMs: 5_000 })).toBe('test')
    expect(brokenBound(1, { testLeftMs: 0 })).toBe('test')
  })

  test('a wait longer than judge.maxRateLimitWaitMs breaks that bound, whatever the test has left', () => {
    expect(brokenBound(600_000, { maxWaitMs: 120_000, testLeftMs: 5_000 })).toBe('max')
    expect(brokenBound(600_000, { maxWaitMs: 120_000, testLeftMs: 900_000 })).toBe('max')
  })
})

describe('the test\'s time left', () => {
  test('is the deadline minus now, never below zero; none without a deadline', () => {
    expect(timeLeft(10_000, 6_000)).toBe(4_000)
    expect(timeLeft(10_000, 12_000)).toBe(0)
    expect(timeLeft(undefined, 12_000)).toBeUndefined()
  })

  test('a deadline is the test\'s start plus its timeout; a zero, infinite or unknown timeout gives none', () => {
    expect(deadlineOf(1_000, 5_000)).toBe(6_000)
    expect(deadlineOf(1_000, 0)).toBeUndefined()
    expect(deadlineOf(1_000, Infinity)).toBeUndefined()
    expect(deadlineOf(undefined, 5_000)).toBeUndefined()
    expect(deadlineOf(null, 5_000)).toBeUndefined()
    expect(deadlineOf(1_000, undefined)).toBeUndefined()
  })
})
