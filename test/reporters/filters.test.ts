import { describe, expect, test } from 'vitest'
import { jestFilters, vitestFilters } from '../../reporters/filters.js'

describe('vitestFilters', () => {
  test('a run of every test has none', () => {
    expect(vitestFilters({})).toEqual([])
    expect(vitestFilters({ testNamePattern: undefined, filenamePattern: [], changed: false, related: [], tagsFilter: [] })).toEqual([])
  })

  test('-t, line filters, --changed, related and tag filters are each said; files named choose the scope and are no filter', () => {
    expect(vitestFilters({ testNamePattern: /a1$/ })).toEqual(['-t "a1$"'])
    expect(vitestFilters({ testNamePattern: 'summ' })).toEqual(['-t "summ"'])
    expect(vitestFilters({ filenamePattern: ['a.test.ts', 'b.test.ts:12'] })).toEqual(['line filters "b.test.ts:12"'])
    expect(vitestFilters({ filenamePattern: ['evals/'] })).toEqual([])
    expect(vitestFilters({ changed: true, related: ['src/x.ts'], tagsFilter: ['slow'] })).toEqual(['--changed', 'related to "src/x.ts"', '--tags-filter "slow"'])
    expect(vitestFilters({ changed: 'main' })).toEqual(['--changed main'])
  })
})

describe('jestFilters', () => {
  test('a run of every test has none', () => {
    expect(jestFilters({})).toEqual([])
    expect(jestFilters({ testNamePattern: '', onlyChanged: false, onlyFailures: false, findRelatedTests: false, changedSince: undefined, nonFlagArgs: [] })).toEqual([])
  })

  test('-t is said; path patterns choose the scope and are no filter', () => {
    expect(jestFilters({ testNamePattern: 'a1$', testPathPatterns: { patterns: ['evals/'] } } as never)).toEqual(['-t "a1$"'])
  })

  test('--findRelatedTests names its sources (not as file filters), and the change-based modes are said', () => {
    expect(jestFilters({ findRelatedTests: true, nonFlagArgs: ['src/a.ts'] })).toEqual(['--findRelatedTests "src/a.ts"'])
    expect(jestFilters({ onlyChanged: true, changedSince: 'main', onlyFailures: true })).toEqual(['--onlyChanged', '--changedSince main', '--onlyFailures'])
  })
})
