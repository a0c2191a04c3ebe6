// How often the pass-rate gate's 95% lower bound lies at or below the true pass rate when
// trials of a case are alike: cases drawn from a population whose pass rates spread around
// the mean (beta-distributed, intraclass correlation rho), each run m times. Three ways to
// count the trials: as independent (plain Wilson), at the effective n with the point
// estimate of rho, and at the effective n with the upper bound of rho's interval (what
// the gate uses). The nominal one-sided level of a 95% interval's lower bound is 97.5%.
// Run: npm run build && node bench/cluster-coverage.mjs
import { clusteredWilson, intraclassCorrelation } from '../dist/esm/src/stats/cluster.js'
import { wilson, wilsonAt } from '../dist/esm/src/stats/intervals.js'
import { random } from './prose.mjs'

const REPS = Number(process.env.COVERAGE_REPS ?? 2000)

/** A gamma draw (Marsaglia & Tsang 2000), for beta draws as x / (x + y). */
function gamma(next, k) {
  if (k < 1) return gamma(next, k + 1) * Math.pow(next(), 1 / k)
  const d = k - 1 / 3
  const c = 1 / Math.sqrt(9 * d)
  for (;;) {
    let x
    let v
    do {
      x = Math.sqrt(-2 * Math.log(next() || 1e-300)) * Math.cos(2 * Math.PI * next())
      v = 1 + c * x
    } while (v <= 0)
    v = v * v * v
    if (Math.log(next()) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v
  }
}

function pointEstimate(clusters) {
  const N = clusters.reduce((s, c) => s + c.n, 0)
  const m = N / clusters.length
  const icc = intraclassCorrelation(clusters.map((c) => [...Array(c.successes).fill(1), ...Array(c.n - c.successes).fill(0)]), 0.95)
  const rho = icc === null ? 1 : Math.min(1, Math.max(0, icc.value))
  const successes = clusters.reduce((s, c) => s + c.successes, 0)
  return wilsonAt(successes / N, N / (1 + (m - 1) * rho), 0.95)
}

const settings = [
  [3, 300, 0.9, 0.3],
  [5, 20, 0.9, 0.3],
  [10, 10, 0.9, 0.3],
  [20, 5, 0.9, 0.2],
  [30, 10, 0.9, 0.3],
  [50, 10, 0.85, 0.5],
  [100, 5, 0.9, 0.1],
  [200, 5, 0.93, 0.05],
]
const pct = (x) => `${(x * 100).toFixed(1)}%`
console.log(`pass-rate lower-bound coverage (95% interval), ${REPS} seeded datasets each`)
for (const [k, m, p, rho] of settings) {
  const next = random(k * 1000 + m)
  const s = (1 - rho) / rho
  let naive = 0
  let point = 0
  let upper = 0
  for (let r = 0; r < REPS; r++) {
    const clusters = Array.from({ length: k }, () => {
      const x = gamma(next, p * s)
      const pi = x / (x + gamma(next, (1 - p) * s))
      let successes = 0
      for (let t = 0; t < m; t++) if (next() < pi) successes++
      return { successes, n: m }
    })
    if (wilson(clusters.reduce((sum, c) => sum + c.successes, 0), k * m, 0.95).lower <= p) naive++
    if (pointEstimate(clusters).lower <= p) point++
    if (clusteredWilson(clusters, 0.95).lower <= p) upper++
  }
  console.log(`  ${k} cases × ${m} trials, pass rate ${p}, rho ${rho}: independent ${pct(naive / REPS)}, point estimate of rho ${pct(point / REPS)}, upper bound of rho ${pct(upper / REPS)}`)
}

// The price of the upper bound where trials are truly independent: how many trials they are
// worth, and how often 200 cases × 5 trials at a true 93% pass a 0.9 gate.
{
  const next = random(93)
  const effective = []
  let passes = 0
  for (let r = 0; r < REPS; r++) {
    const clusters = Array.from({ length: 200 }, () => {
      let successes = 0
      for (let t = 0; t < 5; t++) if (next() < 0.93) successes++
      return { successes, n: 5 }
    })
    const w = clusteredWilson(clusters, 0.95)
    effective.push(w.effectiveN)
    if (w.lower >= 0.9) passes++
  }
  effective.sort((a, b) => a - b)
  console.log(`  200 cases × 5 independent trials at 0.93: median effective n ${effective[REPS >> 1].toFixed(0)} of 1000; a 0.9 gate passes ${pct(passes / REPS)}`)
}
