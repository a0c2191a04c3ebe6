// The gate's measured error rates over simulated runs (fixtures/report/gate-runs.ts): a
// second run of an unchanged suite must pass in at least 18 of 20 seeds (false alarms
// ≤ 10%), and a run whose true pass rate fell from 0.9 to 0.75 over 200 cases must fail
// in at least 18 of 20. bench/gate-error-rates.mjs measures the same over more seeds.
import { describe, expect, test } from 'vitest'
import { simulatedRun } from '../../fixtures/report/gate-runs.js'
import { casesFromResults } from '../../src/gate/cases.js'
import { compareRuns } from '../../src/gate/compare.js'

const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1)
const fails = (before: number, after: number, trials: number) =>
  SEEDS.filter((seed) => {
    const reference = casesFromResults(simulatedRun({ seed: 1000 + seed, passRate: before, trials }))
    const current = casesFromResults(simulatedRun({ seed: 2000 + seed, passRate: after, trials }))
    return compareRuns(reference, current, { alpha: 0.05, iterations: 500 }).outcome === 'fail'
  }).length

describe.each([1, 5])('%i trial(s) per case, 200 cases', (trials) => {
  test('an unchanged suite passes in at least 18 of 20 seeds', () => {
    expect(fails(0.9, 0.9, trials)).toBeLessThanOrEqual(2)
  })

  test('a drop of the true pass rate from 0.9 to 0.75 fails in at least 18 of 20 seeds', () => {
    expect(fails(0.9, 0.75, trials)).toBeGreaterThanOrEqual(18)
  })
})

test('the simulation is what it claims: the same seed gives the same run, and the pass rate is near the true one', () => {
  expect(simulatedRun({ seed: 3, passRate: 0.9 })).toEqual(simulatedRun({ seed: 3, passRate: 0.9 }))
  const cases = casesFromResults(simulatedRun({ seed: 3, passRate: 0.75, trials: 5 }))
  const rate = cases.reduce((s, c) => s + c.passed, 0) / cases.reduce((s, c) => s + c.trials, 0)
  expect(rate).toBeGreaterThan(0.7)
  expect(rate).toBeLessThan(0.8)
})
