import { describe, expect, test } from 'vitest'
import { AssayUsageError } from '../../src/errors.js'
import { datasetFailure, summarizeDataset, validateThresholds } from '../../src/eval/aggregate.js'
import type { CaseOutcome, HumanLabel } from '../../src/eval/types.js'
import { resultsSchema } from '../../src/report/schema.js'
import { registerSecret, resetSecrets } from '../../src/secrets.js'

interface TrialSpec {
  pass: boolean
  score?: number
  scale?: [number, number]
  cost?: number
  latencyMs?: number
  output?: string
  error?: string
  unfinished?: true
}

function outcome(id: string, trials: (boolean | TrialSpec)[], expected?: HumanLabel): CaseOutcome {
  const specs = trials.map((t) => (typeof t === 'boolean' ? { pass: t } : t))
  const passed = specs.filter((t) => t.pass).length
  return {
    dataset: 'summariser',
    id,
    input: JSON.stringify({ id }),
    ...(expected ? { expected } : {}),
    trials: specs.map((t, trial) => ({
      trial,
      pass: t.pass,
      ...(t.score === undefined ? {} : { score: t.score, scale: t.scale ?? [1, 10] }),
      output: t.output ?? `summary of ${id}, trial ${trial}`,
      cost: t.cost ?? 0,
      latencyMs: t.latencyMs ?? 100,
      ...(t.error ? { error: t.error } : {}),
      ...(t.unfinished ? { unfinished: t.unfinished } : {}),
    })),
    passRate: specs.length ? passed / specs.length : 0,
    flaky: passed > 0 && passed < specs.length,
  }
}

/** `cases` cases of `trials` trials, the first `passing` trials overall passing. */
function dataset(cases: number, trials: number, passing: number): CaseOutcome[] {
  let left = passing
  return Array.from({ length: cases }, (_, i) =>
    outcome(
      `case-${i + 1}`,
      Array.from({ length: trials }, () => left-- > 0),
    ),
  )
}

/**
 * `cases` cases of `trials` trials, `passing` of all trials passing, the failures spread one
 * per case (then two, …): trials that fail independently of their case, as a flaky task's do.
 */
function spread(cases: number, trials: number, passing: number): CaseOutcome[] {
  const failing = cases * trials - passing
  return Array.from({ length: cases }, (_, i) =>
    outcome(
      `case-${i + 1}`,
      Array.from({ length: trials }, (_, t) => t * cases + i >= failing),
    ),
  )
}

const base = { name: 'summariser', file: 'test/summarise.eval.test.ts', source: 'fixtures/datasets/news.jsonl' }

/** A summary must be a valid `datasets[]` entry of results.json. */
function checkSchema(summary: unknown) {
  const results = { schema: 'assay-results', version: 1, run: { runner: 'vitest', startedAt: '2026-01-01T00:00:00Z', durationMs: 1, status: 'passed', errors: [] }, totals: {}, files: [], datasets: [summary] }
  const parsed = resultsSchema.shape.datasets.safeParse(results.datasets)
  expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true)
}

describe('pass-rate gate (Wilson lower bound)', () => {
  test('200 cases × 5 trials at 93% pass a 0.9 gate', () => {
    const summary = summarizeDataset({ ...base, cases: spread(200, 5, 930), thresholds: { passRate: 0.9 } })
    checkSchema(summary)
    expect(summary).toMatchObject({ name: 'summariser', file: base.file, source: base.source, cases: 200, trials: 1000, passedTrials: 930, status: 'passed' })
    // 70 cases fail 1 of their 5 trials: no more alike within cases than chance makes them,
    // so the trials count in full. prop.test(930, 1000, correct = FALSE)$conf.int → 0.9124853518 0.9442236359
    expect(summary.passRate.effectiveN).toBe(1000)
    expect(summary.passRate.lower).toBeCloseTo(0.9124853518, 9)
    expect(summary.gates).toEqual([
      {
        name: 'passRate',
        threshold: 0.9,
        actual: summary.passRate.lower,
        pass: true,
        message: 'pass rate 93.0% (930/1000 trials of 200 cases, effective n 1000), 95% interval 91.2–94.4%: the lower bound 91.2% reaches the gate 90%',
      },
    ])
    expect(datasetFailure(summary)).toBeUndefined()
  })

  test('at 88% they fail it, and the failure names the gate and the worst cases', () => {
    const summary = summarizeDataset({ ...base, cases: spread(200, 5, 880), thresholds: { passRate: 0.9 } })
    expect(summary.status).toBe('failed')
    expect(summary.gates[0]).toMatchObject({ pass: false, actual: summary.passRate.lower })
    const gate = 'pass rate 88.0% (880/1000 trials of 200 cases, effective n 1000), 95% interval 85.8–89.9%: the lower bound is below the gate 90%'
    expect(summary.gates[0]!.message).toBe(gate)
    const message = datasetFailure(summary)!
    expect(message).toContain('Dataset "summariser" (fixtures/datasets/news.jsonl) failed 1 of 1 gates:')
    expect(message).toContain(`  - passRate: ${gate}`)
    // Cases 1–120 failed one trial each; the first five of them are listed.
    expect(message).toMatch(/Worst cases \(5 of 120 that failed a trial\):\n  - case-1: passed 4\/5 trials \(80%\)\n    output: "summary of case-1, trial 0"/)
    expect(message).not.toContain('case-6:')
  })

  test('93% passes no 0.9 gate when the failures are whole cases: the 200 cases are the sample', () => {
    // 186 cases pass all 5 trials, 14 fail all 5: trials of a case are alike (ρ = 1).
    // prop.test(186, 200, correct = FALSE)$conf.int → 0.8859451911 0.9578478282
    const summary = summarizeDataset({ ...base, cases: dataset(200, 5, 930), thresholds: { passRate: 0.9 } })
    checkSchema(summary)
    expect(summary.passRate.effectiveN).toBeCloseTo(200, 9)
    expect(summary.passRate.lower).toBeCloseTo(0.8859451911, 9)
    expect(summary.gates[0]).toMatchObject({ pass: false })
    expect(summary.gates[0]!.message).toBe('pass rate 93.0% (930/1000 trials of 200 cases, effective n 200), 95% interval 88.6–95.8%: the lower bound is below the gate 90%')
  })

  test('3 cases × 1,000 trials that all pass do not pass a 0.99 gate: they are 3 cases', () => {
    // prop.test(3, 3, correct = FALSE)$conf.int → 0.4385029682 1
    const summary = summarizeDataset({ ...base, cases: dataset(3, 1000, 3000), thresholds: { passRate: 0.99 } })
    checkSchema(summary)
    expect(summary.passRate).toMatchObject({ value: 1, upper: 1, effectiveN: 3 })
    expect(summary.passRate.lower).toBeCloseTo(0.4385029682, 9)
    expect(summary.status).toBe('failed')
    expect(summary.gates[0]!.message).toBe('pass rate 100.0% (3000/3000 trials of 3 cases, effective n 3), 95% interval 43.9–100.0%: the lower bound is below the gate 99%')
  })

  test('the confidence changes the interval', () => {
    const summary = summarizeDataset({ ...base, cases: dataset(10, 1, 7), thresholds: { passRate: 0.4, confidence: 0.9 } })
    // prop.test(7, 10, correct = FALSE, conf.level = 0.9)$conf.int → 0.4416997959 0.8731234161
    expect(summary.passRate).toMatchObject({ confidence: 0.9 })
    expect(summary.passRate.lower).toBeCloseTo(0.4416997959, 9)
    expect(summary.gates[0]!.message).toBe('pass rate 70.0% (7/10 trials), 90% interval 44.2–87.3%: the lower bound 44.2% reaches the gate 40%')
  })

  test('a bound that rounds to the gate is shown with enough digits to see which side it is on', () => {
    // 9/10 at 0.95: lower bound 0.5958…; a gate just above it.
    const summary = summarizeDataset({ ...base, cases: dataset(10, 1, 9), thresholds: { passRate: 0.596 } })
    expect(summary.gates[0]!.pass).toBe(false)
    expect(summary.gates[0]!.message).toMatch(/95% interval 59\.58–98\.2\d*%: the lower bound is below the gate 59\.6%/)
  })
})

describe('mean score gate (t interval)', () => {
  test('the mean of the cases’ mean scores, with the t interval over the cases (the trials of a case are no independent sample)', () => {
    const cases = [
      outcome('a', [{ pass: true, score: 8 }, { pass: true, score: 9 }]),
      outcome('b', [{ pass: true, score: 7 }, { pass: false }]),
      outcome('c', [{ pass: true, score: 8 }, { pass: true, score: 8 }]),
    ]
    const summary = summarizeDataset({ ...base, cases, thresholds: { meanScore: 5.5 } })
    checkSchema(summary)
    // Case means 8.5, 7, 8: t.test(c(8.5, 7, 8))$conf.int → 5.936041817 9.730624850
    expect(summary.meanScore).toMatchObject({ scale: [1, 10], n: 3, confidence: 0.95 })
    expect(summary.meanScore!.value).toBeCloseTo(23.5 / 3, 12)
    expect(summary.meanScore!.lower).toBeCloseTo(5.936041817, 8)
    expect(summary.meanScore!.upper).toBeCloseTo(9.73062485, 8)
    expect(summary.gates[0]).toMatchObject({ name: 'meanScore', threshold: 5.5, pass: true, actual: summary.meanScore!.lower })
    expect(summary.gates[0]!.message).toBe('mean score 7.83 on 1–10 (5 scored trials of 3 cases), 95% interval 5.94–9.73: the lower bound 5.94 reaches the gate 5.5')
    expect(summarizeDataset({ ...base, cases, thresholds: { meanScore: 7 } }).gates[0]).toMatchObject({ pass: false, message: expect.stringMatching(/the lower bound is below the gate 7$/) })
  })

  test('one trial per case: the t interval over the trials, as before', () => {
    const cases = [8, 9, 7, 8, 8].map((score, i) => outcome(`c${i}`, [{ pass: true, score }]))
    const summary = summarizeDataset({ ...base, cases, thresholds: { meanScore: 7 } })
    // t.test(c(8, 9, 7, 8, 8))$conf.int → 7.12206 8.87794 (mean 8, sd 0.7071, t 2.776445)
    expect(summary.meanScore).toMatchObject({ value: 8, n: 5 })
    expect(summary.meanScore!.lower).toBeCloseTo(7.12206, 4)
    expect(summary.gates[0]!.message).toBe('mean score 8.00 on 1–10 (5 scored trials), 95% interval 7.12–8.88: the lower bound 7.12 reaches the gate 7')
  })

  test('mixed scales are normalised to 0–1 and the message says so', () => {
    const cases = [
      outcome('a', [{ pass: true, score: 9, scale: [1, 10] }, { pass: true, score: 80, scale: [0, 100] }]),
      outcome('b', [{ pass: true, score: 7, scale: [1, 10] }, { pass: true, score: 60, scale: [0, 100] }]),
    ]
    const summary = summarizeDataset({ ...base, cases, thresholds: { meanScore: 0.5 } })
    // (9 − 1) / 9, 0.8, (7 − 1) / 9, 0.6
    expect(summary.meanScore!.value).toBeCloseTo((8 / 9 + 0.8 + 6 / 9 + 0.6) / 4, 12)
    expect(summary.meanScore!.scale).toEqual([0, 1])
    expect(summary.gates[0]!.message).toContain('scores on different scales (0–100, 1–10) normalised to 0–1')
    const high = summarizeDataset({ ...base, cases, thresholds: { meanScore: 7 } })
    expect(high.gates[0]!.message).toContain('give meanScore as a fraction of the scale (0–1) when judges use different scales')
  })

  test('without scores the gate fails and says why', () => {
    const none = summarizeDataset({ ...base, cases: dataset(3, 2, 6), thresholds: { meanScore: 7 } })
    expect(none.meanScore).toBeNull()
    expect(none.gates[0]).toMatchObject({ pass: false, actual: null })
    expect(none.gates[0]!.message).toMatch(/no trial has a judge score/)
    const one = summarizeDataset({ ...base, cases: [outcome('a', [{ pass: true, score: 9 }])], thresholds: { meanScore: 7 } })
    expect(one.gates[0]!.message).toMatch(/only 1 case has a judge score \(1 scored trial\): an interval needs at least 2 cases/)
    // Many scored trials of one case are still one case.
    const single = summarizeDataset({ ...base, cases: [outcome('a', [7, 8, 9, 8].map((score) => ({ pass: true, score })))], thresholds: { meanScore: 7 } })
    expect(single.meanScore).toBeNull()
    expect(single.gates[0]!.message).toMatch(/only 1 case has a judge score \(4 scored trials\)/)
  })
})

describe('budgets', () => {
  test('live cost is summed and p95 latency is the nearest rank', () => {
    const cases = Array.from({ length: 20 }, (_, i) => outcome(`c${i}`, [{ pass: true, cost: 0.01, latencyMs: (i + 1) * 100 }]))
    const summary = summarizeDataset({ ...base, cases, thresholds: { maxCost: 0.25, p95LatencyMs: 1900 } })
    expect(summary.cost).toBeCloseTo(0.2, 12)
    // The 19th of 20 sorted latencies.
    expect(summary.p95LatencyMs).toBe(1900)
    expect(summary.gates).toEqual([
      { name: 'maxCost', threshold: 0.25, actual: summary.cost, pass: true, message: 'live cost $0.2000 is within the budget $0.25' },
      { name: 'p95LatencyMs', threshold: 1900, actual: 1900, pass: true, message: 'p95 trial latency 1,900 ms is within the budget 1,900 ms' },
    ])
    const over = summarizeDataset({ ...base, cases, thresholds: { maxCost: 0.1, p95LatencyMs: 1000 } })
    expect(over.gates.map((g) => [g.pass, g.message])).toEqual([
      [false, 'live cost $0.2000 exceeds the budget $0.10'],
      [false, 'p95 trial latency 1,900 ms exceeds the budget 1,000 ms'],
    ])
  })
})

describe('flaky cases and no gates', () => {
  test('cases passing some trials and failing others are listed; without thresholds there are no gates', () => {
    const cases = [outcome('steady', [true, true]), outcome('wobbly', [true, false]), outcome('broken', [false, false])]
    const summary = summarizeDataset({ ...base, cases, thresholds: {} })
    expect(summary.flaky).toEqual(['wobbly'])
    expect(summary.gates).toEqual([])
    expect(summary.status).toBe('failed')
    expect(summary.agreement).toBeUndefined()
  })

  test('a dataset without trials fails its gates, saying no trial ran', () => {
    const summary = summarizeDataset({ ...base, cases: [outcome('a', [])], thresholds: { passRate: 0.5 } })
    checkSchema(summary)
    expect(summary.passRate).toEqual({ value: 0, lower: 0, upper: 1, confidence: 0.95 })
    expect(summary.gates[0]).toMatchObject({ pass: false, actual: null, message: 'no trial ran (0 trials), so the pass rate cannot be checked against the gate 50%' })
  })
})

describe('agreement with human labels', () => {
  // Human pass labels against the judge's majority: the 2 × 2 table of the kappa test
  // (no/no 15, no/yes 10, yes/no 5, yes/yes 20), kappa 0.4, 95% interval 0.1250–0.6179
  // (the Wilson interval of p_o = 35/50, p_e = 0.5: see test/stats/agreement.test.ts).
  function labelled(): CaseOutcome[] {
    const out: CaseOutcome[] = []
    const add = (count: number, human: boolean, judge: boolean) => {
      for (let i = 0; i < count; i++) out.push(outcome(`${human ? 'y' : 'n'}${judge ? 'y' : 'n'}${i}`, judge ? [true, true, false] : [true, false, false], { pass: human }))
    }
    add(15, false, false)
    add(10, false, true)
    add(5, true, false)
    add(20, true, true)
    return out
  }

  test('kappa on the majority of trials, and the gate on its lower bound', () => {
    const summary = summarizeDataset({ ...base, cases: labelled(), thresholds: { agreement: 0.1 } })
    checkSchema(summary)
    expect(summary.agreement!.kappa!.value).toBeCloseTo(0.4, 12)
    expect(summary.agreement!.kappa!.lower).toBeCloseTo(0.1249929907, 8)
    expect(summary.agreement!.kappa!.n).toBe(50)
    expect(summary.agreement!.rho).toBeNull()
    expect(summary.gates[0]).toMatchObject({ name: 'agreement', pass: true, actual: summary.agreement!.kappa!.lower })
    expect(summary.gates[0]!.message).toBe("Cohen's kappa 0.40 between human pass labels and the judge's majority (50 cases), 95% interval 0.12–0.62: the lower bound 0.12 reaches the gate 0.1")
    // Mismatches are listed first, at most 10.
    expect(summary.agreement!.disagreements).toHaveLength(10)
    expect(summary.agreement!.disagreements[0]).toEqual({ id: 'ny0', expected: { pass: false }, pass: true })
  })

  test('a tie of trials counts as a fail', () => {
    const cases = [
      outcome('tie', [true, false], { pass: true }),
      outcome('p', [true, true], { pass: true }),
      outcome('f', [false, false], { pass: false }),
      outcome('q', [true, true], { pass: false }),
    ]
    const summary = summarizeDataset({ ...base, cases, thresholds: {} })
    expect(summary.agreement!.disagreements.map((d) => [d.id, d.pass])).toEqual([
      ['q', true],
      ['tie', false],
    ])
  })

  test('rho on score labels against each case’s mean trial score, rank gaps worst first', () => {
    const human = [8, 6, 9, 3, 5, 7, 2, 7, 4, 9]
    const judge = [7.5, 6, 8, 4, 4, 6.5, 3, 8, 5, 9]
    const cases = human.map((h, i) => outcome(`s${i}`, [{ pass: true, score: judge[i]! - 0.5 }, { pass: true, score: judge[i]! + 0.5 }], { score: h }))
    const summary = summarizeDataset({ ...base, cases, thresholds: { agreement: 0.8 } })
    // cor(h, j, method = "spearman") → 0.9386503067; Fisher interval 0.7460032756 0.9863260711
    expect(summary.agreement!.kappa).toBeNull()
    expect(summary.agreement!.rho!.value).toBeCloseTo(0.9386503067, 9)
    expect(summary.gates[0]).toMatchObject({ pass: false, actual: summary.agreement!.rho!.lower })
    expect(summary.gates[0]!.message).toBe("Spearman's rho 0.94 between human scores and the judge's mean score (10 cases), 95% interval 0.75–0.99: the lower bound is below the gate 0.8")
    // Rank gaps (human rank vs judge rank): s4 |4 − 2.5| = 1.5 and s7 |6.5 − 8.5| = 2 are the largest.
    expect(summary.agreement!.disagreements.slice(0, 2)).toEqual([
      { id: 's7', expected: { score: 7 }, pass: true, score: 8 },
      { id: 's4', expected: { score: 5 }, pass: true, score: 4 },
    ])
  })

  test('perfect agreement on 3 cases does not pass a 0.99 gate: its interval is no point', () => {
    const cases = [outcome('a', [true], { pass: true }), outcome('b', [false], { pass: false }), outcome('c', [true], { pass: true })]
    const summary = summarizeDataset({ ...base, cases, thresholds: { agreement: 0.99 } })
    // (prop.test(3, 3, correct = FALSE)$conf.int[1] − 5/9) / (4/9) → −0.2633683214
    expect(summary.agreement!.kappa).toMatchObject({ value: 1, upper: 1, n: 3 })
    expect(summary.agreement!.kappa!.lower).toBeCloseTo(-0.2633683214, 8)
    expect(summary.status).toBe('failed')
    expect(summary.gates[0]!.message).toBe("Cohen's kappa 1.00 between human pass labels and the judge's majority (3 cases), 95% interval -0.26–1.00: the lower bound is below the gate 0.99")
  })

  test('every human label the same: kappa is null, and the gate fails saying why', () => {
    const cases = [outcome('a', [true], { pass: true }), outcome('b', [true], { pass: true }), outcome('c', [false], { pass: true }), outcome('d', [true], { pass: true })]
    const summary = summarizeDataset({ ...base, cases, thresholds: { agreement: 0.2 } })
    expect(summary.agreement!.kappa).toBeNull()
    expect(summary.gates[0]).toMatchObject({ name: 'agreement', pass: false, actual: null })
    expect(summary.gates[0]!.message).toMatch(/^Cohen's kappa between human pass labels and the judge's majority is undefined \(fewer than 3 labelled cases that ran, or one side gives every case the same answer\)/)
  })

  test('score labels with no judge score: the gate fails saying no trial has one, not that cases are few', () => {
    const cases = [outcome('a', [true], { score: 9 }), outcome('b', [false], { score: 2 }), outcome('c', [true], { score: 9 })]
    const summary = summarizeDataset({ ...base, cases, thresholds: { agreement: 0.5 } })
    expect(summary.agreement!.rho).toBeNull()
    expect(summary.gates[0]).toMatchObject({ name: 'agreement', pass: false, actual: null })
    expect(summary.gates[0]!.message).toBe("no trial has a judge score, so Spearman's rho between human scores and the judge's mean score cannot be computed, nor checked against the gate 0.5: add a judged assertion (toScoreAtLeast) to assert, or label rows with expected: { pass }")
  })

  test('the agreement gate without labels fails and says how to add them', () => {
    const summary = summarizeDataset({ ...base, cases: dataset(4, 1, 4), thresholds: { agreement: 0.5 } })
    expect(summary.gates[0]).toMatchObject({ pass: false, actual: null })
    expect(summary.gates[0]!.message).toMatch(/no case carries a human label/)
    expect(summary.gates[0]!.message).toMatch(/expected: \{ pass \} or \{ score \}/)
  })
})

describe("a dataset's status", () => {
  test('without a passRate gate follows its cases: failed when a trial failed, the failure left to the case tests', () => {
    const summary = summarizeDataset({ ...base, cases: [outcome('a', [true, true]), outcome('b', [false, false])], thresholds: {} })
    expect(summary).toMatchObject({ gates: [], passedTrials: 2, status: 'failed' })
    expect(datasetFailure(summary)).toBeUndefined()
    expect(summarizeDataset({ ...base, cases: [outcome('a', [true, true])], thresholds: {} }).status).toBe('passed')
    // A budget gate alone does not let a trial fail either.
    expect(summarizeDataset({ ...base, cases: [outcome('a', [true, false])], thresholds: { maxCost: 1 } })).toMatchObject({ gates: [{ name: 'maxCost', pass: true }], status: 'failed' })
  })

  test('with a passRate gate, the gates decide: failed trials are what the gate weighs', () => {
    const cases = [outcome('a', [true, true, true, true, false]), outcome('b', [true, true, true, true, true])]
    expect(summarizeDataset({ ...base, cases, thresholds: { passRate: 0.1 } }).status).toBe('passed')
  })
})

describe('datasetFailure', () => {
  test('worst cases: lowest pass rate, then lowest score, outputs cut to 300 characters', () => {
    const long = 'x'.repeat(400)
    const cases = [
      outcome('good', [{ pass: true, score: 9 }]),
      outcome('low', [{ pass: false, score: 6, output: long, error: 'expect(received).toHaveBullets(expected)\n\nExpected at most 3 list items, but found 5.' }]),
      outcome('lower', [{ pass: false, score: 2 }]),
      outcome('half', [{ pass: true, score: 5 }, { pass: false, score: 5 }]),
    ]
    const summary = summarizeDataset({ ...base, source: undefined, cases, thresholds: { passRate: 0.95 } })
    const message = datasetFailure(summary)!
    expect(message.startsWith('Dataset "summariser" failed 1 of 1 gates:')).toBe(true)
    const ids = [...message.matchAll(/^ {2}- (\S+): passed/gm)].map((m) => m[1])
    expect(ids).toEqual(['lower', 'low', 'half'])
    expect(message).toContain(`  - low: passed 0/1 trials, mean score 6.00\n    output: "${'x'.repeat(300)}… (+100 chars)"\n    error: expect(received).toHaveBullets(expected)\n      Expected at most 3 list items, but found 5.`)
    expect(message).toContain('  - half: passed 1/2 trials (50%), mean score 5.00')
  })

  test('takes the cases explicitly for a summary read back from results.json', () => {
    const cases = dataset(4, 1, 1)
    const summary = structuredClone(summarizeDataset({ ...base, cases, thresholds: { passRate: 0.9 } }))
    expect(datasetFailure(summary)).not.toContain('Worst cases')
    expect(datasetFailure(summary, cases)).toContain('  - case-2: passed 0/1 trials')
  })
})

describe('thresholds', () => {
  test.each([
    [{ passRate: 1.2 }, /thresholds\.passRate must be a number from 0 to 1 \(a fraction of trials: 0\.9 for 90%\), but got number 1\.2/],
    [{ passRate: '0.9' }, /thresholds\.passRate must be a number from 0 to 1.*but got string "0\.9"/],
    [{ agreement: -1.5 }, /thresholds\.agreement must be a number from −1 to 1/],
    [{ confidence: 95 }, /thresholds\.confidence must be a number between 0 and 1 \(exclusive\), such as 0\.95, but got number 95/],
    [{ confidence: 1 }, /thresholds\.confidence/],
    [{ maxCost: -1 }, /thresholds\.maxCost must be a number ≥ 0 \(\$\), but got number -1/],
    [{ p95LatencyMs: Number.NaN }, /thresholds\.p95LatencyMs must be a number ≥ 0 \(milliseconds\), but got number NaN/],
    [{ meanScore: Number.POSITIVE_INFINITY }, /thresholds\.meanScore must be a finite number on the judge's scale/],
    [{ passrate: 0.9 }, /unknown threshold "passrate"; the thresholds are passRate, meanScore, confidence, maxCost, p95LatencyMs, agreement/],
    ['0.9', /thresholds must be an object such as \{ passRate: 0\.9 \}, but got string "0\.9"/],
  ])('%j is a usage error', (thresholds, message) => {
    expect(() => validateThresholds(thresholds)).toThrow(AssayUsageError)
    expect(() => validateThresholds(thresholds)).toThrow(message)
    expect(() => summarizeDataset({ ...base, cases: dataset(2, 1, 2), thresholds: thresholds as never })).toThrow(message)
  })

  test('bounds are allowed, and nothing given is no gate', () => {
    expect(validateThresholds({ passRate: 0, agreement: -1, maxCost: 0, p95LatencyMs: 0 })).toEqual({ passRate: 0, agreement: -1, maxCost: 0, p95LatencyMs: 0 })
    expect(validateThresholds(undefined)).toEqual({})
  })
})

describe('trials stopped by the case timeout', () => {
  const stopped = (latencyMs = 1000): TrialSpec => ({ pass: false, latencyMs, output: '', error: 'describeEval: case "x" of dataset "summariser" took more than its timeout of 1000 ms for 1 trial(s).', unfinished: true })

  test('count as failed trials, with their latency, in the pass rate and the p95', () => {
    const cases = [...dataset(37, 1, 37), outcome('r7', [stopped()]), outcome('r8', [stopped()]), outcome('r9', [stopped()])]
    const summary = summarizeDataset({ ...base, cases, thresholds: { passRate: 0.9, p95LatencyMs: 500 } })
    checkSchema(summary)
    expect(summary).toMatchObject({ cases: 40, trials: 40, passedTrials: 37, p95LatencyMs: 1000, status: 'failed' })
    expect(summary.gates.map((g) => [g.name, g.pass])).toEqual([
      ['passRate', false],
      ['p95LatencyMs', false],
    ])
    expect(summary.gates[0]!.message).toMatch(/^pass rate 92\.5% \(37\/40 trials, 3 of them stopped by the case timeout\)/)
  })

  test('with several trials per case the message gives the cases, the effective n and the stopped trials', () => {
    const cases = [outcome('a', [true, true]), outcome('b', [true, stopped()]), outcome('c', [true, true])]
    const summary = summarizeDataset({ ...base, cases, thresholds: { passRate: 0.1 } })
    expect(summary.gates[0]!.message).toMatch(/^pass rate 83\.3% \(5\/6 trials of 3 cases, effective n \d+(\.\d)?; 1 trial stopped by the case timeout\)/)
  })

  test('when no trial finished, every gate fails saying so, and so does a dataset without gates', () => {
    const cases = [outcome('a', [stopped(), stopped()]), outcome('b', [stopped(), stopped()])]
    const summary = summarizeDataset({ ...base, cases, thresholds: { passRate: 0.5, maxCost: 1 } })
    checkSchema(summary)
    expect(summary.status).toBe('failed')
    expect(summary.gates.map((g) => [g.name, g.pass, g.actual])).toEqual([
      ['passRate', false, null],
      ['maxCost', false, null],
    ])
    expect(summary.gates[1]!.message).toBe('no trial finished: all 4 trial(s) of 2 case(s) were stopped by the case timeout, so the maxCost gate cannot be checked: raise the timeout option of describeEval, or find why the task does not finish')
    const bare = summarizeDataset({ ...base, cases, thresholds: {} })
    expect(bare).toMatchObject({ gates: [], status: 'failed' })
    expect(datasetFailure(bare)).toMatch(/^Dataset "summariser" \(fixtures\/datasets\/news\.jsonl\) failed: no trial finished: all 4 trial\(s\) of 2 case\(s\) were stopped by the case timeout\.\n/)
  })
})

describe('secrets in failure messages', () => {
  test('a key in an output, an error or an id is redacted from the dataset failure', () => {
    registerSecret('sk-unit-leak-0123456789')
    try {
      const cases = [outcome('sk-unit-leak-0123456789', [{ pass: false, output: 'reply with sk-unit-leak-0123456789 SCORE=3', error: 'upstream said sk-unit-leak-0123456789' }])]
      const message = datasetFailure(summarizeDataset({ ...base, cases, thresholds: { passRate: 0.9 } }))!
      expect(message).not.toContain('sk-unit-leak')
      expect(message).toContain('  - [REDACTED]: passed 0/1 trials\n    output: "reply with [REDACTED] SCORE=3"\n    error: upstream said [REDACTED]')
    } finally {
      resetSecrets()
    }
  })
})
