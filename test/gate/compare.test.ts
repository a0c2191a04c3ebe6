import { describe, expect, test } from 'vitest'
import { gateRun, type CaseSpec } from '../../fixtures/report/gate-runs.js'
import { historyEntry, parseEntry } from '../../src/report/history.js'
import { resultsSchema } from '../../src/report/schema.js'
import { budgetBreaches, casesFromHistory, casesFromResults, groupNames, groupOf, PLAIN_GROUP } from '../../src/gate/cases.js'
import { compareRuns, holm } from '../../src/gate/compare.js'

const cases = (n: number, pass: (i: number) => boolean, score?: (i: number) => number, extra: Partial<CaseSpec> = {}): CaseSpec[] =>
  Array.from({ length: n }, (_, i) => ({ id: String(i), trials: [pass(i)], ...(score ? { scores: [score(i)] } : {}), ...extra }))

describe('cases', () => {
  const run = gateRun({
    cases: [{ id: 'a', trials: [true, false], scores: [8, 6] }, { id: 'b', dataset: 'other', trials: [true] }],
    tests: [
      { titles: ['plain', 'judged'], state: 'passed', scores: [8, 9] },
      { titles: ['plain', 'failing'], state: 'failed' },
      { titles: ['plain', 'skipped'], state: 'skipped' },
      { titles: ['plain', 'todo'], state: 'todo' },
    ],
  })

  test('a dataset case is its file, dataset and id; a plain test its file and titles; skipped and todo tests are not cases', () => {
    expect(resultsSchema.parse(run)).toEqual(run)
    expect(casesFromResults(run)).toEqual([
      { key: '["case","test/evals.test.ts","summariser","a"]', group: groupOf('test/evals.test.ts', 'summariser'), file: 'test/evals.test.ts', label: 'summariser #a', trials: 2, passed: 1, score: 7 },
      { key: '["case","test/evals.test.ts","other","b"]', group: groupOf('test/evals.test.ts', 'other'), file: 'test/evals.test.ts', label: 'other #b', trials: 1, passed: 1 },
      { key: '["test","test/plain.test.ts › plain › judged"]', group: PLAIN_GROUP, file: 'test/plain.test.ts', label: 'test/plain.test.ts › plain › judged', trials: 1, passed: 1, score: 8.5 },
      { key: '["test","test/plain.test.ts › plain › failing"]', group: PLAIN_GROUP, file: 'test/plain.test.ts', label: 'test/plain.test.ts › plain › failing', trials: 1, passed: 0 },
    ])
  })

  test('a history entry (or a saved reference) gives the same cases as the results it came from', () => {
    const fromHistory = casesFromHistory(JSON.parse(JSON.stringify(historyEntry(run))))
    expect(fromHistory.sort((x, y) => (x.key < y.key ? -1 : 1))).toEqual(casesFromResults(run).sort((x, y) => (x.key < y.key ? -1 : 1)))
  })

  test('a case run with a prompt version keys and groups by that version too, from results and from history alike', () => {
    const v = (version: string) => ({ name: 'summarizer', version, hash: `h-${version}` })
    const versioned = gateRun({ cases: [{ id: 'a', trials: [true], prompt: v('v1') }, { id: 'a', trials: [false], prompt: v('v2') }] })
    const found = casesFromResults(versioned)
    expect(found.map((c) => [c.key, c.group, c.label, c.passed])).toEqual([
      ['["case","test/evals.test.ts","summariser","a","summarizer@v1"]', groupOf('test/evals.test.ts', 'summariser', 'summarizer@v1'), 'summariser summarizer@v1 #a', 1],
      ['["case","test/evals.test.ts","summariser","a","summarizer@v2"]', groupOf('test/evals.test.ts', 'summariser', 'summarizer@v2'), 'summariser summarizer@v2 #a', 0],
    ])
    expect(casesFromHistory(parseEntry(JSON.parse(JSON.stringify(historyEntry(versioned)))))).toEqual(found)
    expect([...groupNames(found.map((c) => c.group)).values()]).toEqual(['summariser summarizer@v1', 'summariser summarizer@v2'])
  })

  test('groups are named by dataset, with the file where two files share a name', () => {
    const names = groupNames([groupOf('a.test.ts', 'news'), groupOf('b.test.ts', 'news'), groupOf('a.test.ts', 'faq'), PLAIN_GROUP])
    expect([...names.values()]).toEqual(['news (a.test.ts)', 'news (b.test.ts)', 'faq', 'tests (plain)'])
  })

  test('failed budget gates of the current run are breaches; passed ones and quality gates are not', () => {
    const r = gateRun({ gates: [{ dataset: 'summariser', name: 'maxCost', threshold: 0.5, actual: 0.8 }, { dataset: 'summariser', name: 'p95LatencyMs', threshold: 4000, actual: 100 }] })
    expect(budgetBreaches(r)).toEqual([{ dataset: 'summariser', file: 'test/evals.test.ts', gate: 'maxCost', message: 'maxCost 0.8 against 0.5' }])
    r.datasets![0]!.gates.push({ name: 'passRate', threshold: 0.9, actual: 0.5, pass: false, message: 'low' })
    expect(budgetBreaches(r)).toHaveLength(1)
    // A dataset run with a prompt version is named with it: each version has its own budgets.
    r.datasets![0]!.prompt = { name: 'summarizer', version: 'v2', hash: 'h' }
    expect(budgetBreaches(r)[0]!.dataset).toBe('summariser summarizer@v2')
  })
})

describe('holm', () => {
  test("Holm's adjustment, as R's p.adjust(c(0.01, 0.04, 0.03, 0.005), 'holm') = 0.03 0.06 0.06 0.02", () => {
    const adjusted = holm([0.01, 0.04, 0.03, 0.005])
    ;[0.03, 0.06, 0.06, 0.02].forEach((v, i) => expect(adjusted[i]).toBeCloseTo(v, 12))
    // p.adjust(c(0.9, 0.8), 'holm') = 1 1: capped at 1 and kept monotone.
    expect(holm([0.9, 0.8])).toEqual([1, 1])
  })
})

describe('compareRuns', () => {
  test('a clear drop in pass rate on the same cases is a regression, with McNemar on one trial a side', () => {
    // 60 cases: 12 flip from pass to fail, 1 from fail to pass. One-sided, as R's
    // binom.test(12, 13, alternative = "greater"): p = 14/8192 = 0.001709.
    const before = gateRun({ cases: cases(60, (i) => i < 50) })
    const after = gateRun({ cases: cases(60, (i) => (i < 50 ? i >= 12 : i === 50)) })
    const c = compareRuns(casesFromResults(before), casesFromResults(after))
    expect(c.outcome).toBe('fail')
    const [group] = c.groups
    expect(group).toMatchObject({ name: 'summariser', paired: 60, added: 0, removed: 0, verdict: 'regressed' })
    expect(group!.metrics).toHaveLength(1)
    expect(group!.metrics[0]).toMatchObject({ metric: 'pass rate', test: 'McNemar exact', n: 60, verdict: 'regressed' })
    expect(group!.metrics[0]!.before).toBeCloseTo(50 / 60, 12)
    expect(group!.metrics[0]!.delta).toBeCloseTo(-11 / 60, 12)
    expect(group!.metrics[0]!.pValue).toBeCloseTo(14 / 8192, 9)
    expect(group!.metrics[0]!.upper).toBeLessThan(0)
    expect(group!.regressed.map((x) => x.label)).toEqual(Array.from({ length: 12 }, (_, i) => `summariser #${i}`))
    expect(group!.improved).toEqual([{ label: 'summariser #50', before: 0, after: 1 }])
  })

  test('a few flipped cases either way are noise: no significant change, the flips still listed', () => {
    const before = gateRun({ cases: cases(60, (i) => i < 50) })
    const after = gateRun({ cases: cases(60, (i) => (i < 50 ? i >= 3 : i < 52)) })
    const c = compareRuns(casesFromResults(before), casesFromResults(after))
    expect(c.outcome).toBe('pass')
    expect(c.groups[0]).toMatchObject({ verdict: 'no significant change' })
    expect(c.groups[0]!.regressed).toHaveLength(3)
    expect(c.groups[0]!.improved).toHaveLength(2)
  })

  test('a significant rise is "improved" and passes', () => {
    const before = gateRun({ cases: cases(60, (i) => i < 30) })
    const after = gateRun({ cases: cases(60, (i) => i < 55) })
    const c = compareRuns(casesFromResults(before), casesFromResults(after))
    expect(c).toMatchObject({ outcome: 'pass', groups: [{ verdict: 'improved' }] })
  })

  test('a drop in judge scores with the same pass/fail is a regression, by Wilcoxon on the per-case differences', () => {
    const before = gateRun({ cases: cases(30, () => true, (i) => 8 + (i % 3) / 10) })
    const after = gateRun({ cases: cases(30, () => true, (i) => 7 + (i % 5) / 10) })
    const c = compareRuns(casesFromResults(before), casesFromResults(after))
    expect(c.outcome).toBe('fail')
    const score = c.groups[0]!.metrics.find((m) => m.metric === 'mean score')!
    expect(score).toMatchObject({ test: 'Wilcoxon signed-rank', n: 30, verdict: 'regressed' })
    expect(c.groups[0]!.metrics[0]).toMatchObject({ metric: 'pass rate', verdict: 'no significant change', pValue: 1 })
  })

  test('several trials: per-case pass rates by Wilcoxon; newly flaky cases are listed', () => {
    const before = gateRun({ cases: Array.from({ length: 40 }, (_, i) => ({ id: String(i), trials: [true, true, true] })) })
    const after = gateRun({ cases: Array.from({ length: 40 }, (_, i) => ({ id: String(i), trials: i < 20 ? [true, false, true] : [true, true, true] })) })
    const c = compareRuns(casesFromResults(before), casesFromResults(after))
    expect(c.groups[0]!.metrics[0]).toMatchObject({ test: 'Wilcoxon signed-rank', verdict: 'regressed' })
    expect(c.groups[0]!.newlyFlaky).toHaveLength(20)
    expect(c.groups[0]!.newlyFlaky[0]).toEqual({ label: 'summariser #0', before: 1, after: 2 / 3 })
  })

  test('only cases in both runs are paired; added and removed are counted per group', () => {
    const before = gateRun({ cases: cases(10, () => true) })
    const after = gateRun({ cases: cases(12, () => true).slice(3) })
    const c = compareRuns(casesFromResults(before), casesFromResults(after))
    expect(c).toMatchObject({ paired: 7, added: 2, removed: 3, outcome: 'pass' })
  })

  test('p-values are Holm-adjusted over every group and metric, so many datasets do not multiply false alarms', () => {
    // Dataset a: 10 of 11 discordant pairs fall, one-sided binom.test(10, 11, alternative =
    // "greater") → p = 12/2048 = 0.00586, which fails at alpha 0.01 alone; beside dataset b
    // (one case up, p = 0.5) Holm doubles it to 0.0117, and the gate passes at 0.01.
    const one = (name: string, drop: number) => cases(40, (i) => i < 30, undefined, { dataset: name }).map((c, i) => (i < drop ? { ...c, trials: [false] } : i === 35 ? { ...c, trials: [true] } : c))
    const before = gateRun({ cases: [...cases(40, (i) => i < 30, undefined, { dataset: 'a' }), ...cases(40, (i) => i < 30, undefined, { dataset: 'b' })] })
    const alone = gateRun({ cases: one('a', 10) })
    const both = gateRun({ cases: [...one('a', 10), ...one('b', 0)] })
    const a = compareRuns(casesFromResults(before).filter((c) => c.label.startsWith('a ')), casesFromResults(alone), { alpha: 0.01 })
    expect(a.groups[0]!.metrics[0]!.pValue).toBeCloseTo(12 / 2048, 9)
    expect(a.outcome).toBe('fail')
    const ab = compareRuns(casesFromResults(before), casesFromResults(both), { alpha: 0.01 })
    expect(ab.groups[0]!.metrics[0]!.adjusted).toBeCloseTo(24 / 2048, 9)
    expect(ab.outcome).toBe('pass')
  })

  test('a breached budget fails the gate even without a significant change', () => {
    const run = gateRun({ cases: cases(10, () => true), gates: [{ dataset: 'summariser', name: 'p95LatencyMs', threshold: 4000, actual: 5200 }] })
    const c = compareRuns(casesFromResults(run), casesFromResults(run), { budgets: budgetBreaches(run) })
    expect(c).toMatchObject({ outcome: 'fail', groups: [{ verdict: 'no significant change' }], budgets: [{ gate: 'p95LatencyMs' }] })
  })
})

test('float noise in the differences of mean scores is no change: equal changes tie and no change is a zero', () => {
  // Case means 0.3 → 0.1 + 0.2 differ by 5.6e-17 in floating point: no change, not a rise
  // that would rank below every real change.
  const specs = (scores: (i: number) => number[]) => Array.from({ length: 12 }, (_, i) => ({ id: String(i), trials: [true, true], scores: scores(i) }))
  const before = gateRun({ cases: specs((i) => (i < 6 ? [0.3, 0.3] : [5, 5])) })
  const after = gateRun({ cases: specs((i) => (i < 6 ? [0.1 + 0.2, 0.3] : [4, 4])) })
  const score = compareRuns(casesFromResults(before), casesFromResults(after)).groups[0]!.metrics[1]!
  // Six equal drops of 1 and six zeros: zeros dropped, exact is off (ties), V = 0 of n = 6:
  // z = (0 − 10.5 + 0.5)/√(6·7·13/24 − (6³ − 6)/48) = −10/√18.375 = −2.3329, p = 0.0098281
  // (scipy.stats.wilcoxon([-1] * 6 + [0] * 6, zero_method="wilcox", correction=True, method="approx", alternative="less")).
  expect(score.pValue).toBeCloseTo(0.009828078625, 9)
})
