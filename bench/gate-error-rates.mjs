// The error rates of `assay gate` over simulated runs (fixtures/report/gate-runs.ts) of a
// dataset of 200 cases: how often an unchanged suite fails the gate (false alarms; goal
// ≤ 10%), and how often a drop of the true pass rate from 0.9 to 0.75 fails it (detection;
// goal ≥ 90%), with one and with five trials per case, at alpha 0.05. A smaller drop (0.9
// to 0.85) shows where detection thins out.
import { simulatedRun } from '../dist/esm/fixtures/report/gate-runs.js'
import { casesFromResults } from '../dist/esm/src/gate/cases.js'
import { compareRuns } from '../dist/esm/src/gate/compare.js'

const SEEDS = Number(process.env.GATE_SEEDS ?? 1000)
const failRate = (before, after, trials) => {
  let fails = 0
  for (let seed = 1; seed <= SEEDS; seed++) {
    const reference = casesFromResults(simulatedRun({ seed: 1000 + seed, passRate: before, trials }))
    const current = casesFromResults(simulatedRun({ seed: 2000 + seed, passRate: after, trials }))
    if (compareRuns(reference, current, { alpha: 0.05, iterations: 500 }).outcome === 'fail') fails++
  }
  return fails / SEEDS
}

const pct = (x) => `${(x * 100).toFixed(1)}%`
console.log(`assay gate error rates: 200 cases, alpha 0.05, ${SEEDS} seeded pairs of runs each`)
for (const trials of [1, 5]) {
  const falseAlarms = failRate(0.9, 0.9, trials)
  const detection = failRate(0.9, 0.75, trials)
  const small = failRate(0.9, 0.85, trials)
  console.log(
    `  ${trials} trial${trials === 1 ? ' ' : 's'} per case: false alarms ${pct(falseAlarms)} (goal ≤ 10%), detection 0.9 → 0.75 ${pct(detection)} (goal ≥ 90%), detection 0.9 → 0.85 ${pct(small)}`,
  )
  if (falseAlarms > 0.1 || detection < 0.9) process.exitCode = 1
}
