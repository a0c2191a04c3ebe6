// A merge goes by the shards' test records, not by the aggregates the shards wrote beside
// them: datasets, totals and the run's status are recomputed, and every aggregate a shard
// states otherwise is named in a warning.
import { describe, expect, test } from 'vitest'
import { mergeShards, MergeError, type Shard } from '../../src/merge/merge.js'
import { buildResults, type RunInput, type TestInput } from '../../src/report/build.js'
import type { EvalCaseRecord } from '../../src/report/records.js'
import type { Results } from '../../src/report/schema.js'
import type { EvalThresholds } from '../../src/eval/types.js'

const caseRecord = (dataset: string, id: string, passes: boolean[], thresholds: EvalThresholds): EvalCaseRecord => ({
  kind: 'eval-case',
  source: `/p/data/${dataset}.jsonl`,
  thresholds,
  case: {
    dataset,
    id,
    input: `{"id":"${id}"}`,
    trials: passes.map((pass, trial) => ({ trial, pass, score: pass ? 9 : 3, scale: [1, 10], output: `out ${id}`, cost: 0.001, latencyMs: 10 + trial, ...(pass ? {} : { error: 'too low' }) })),
    passRate: passes.filter(Boolean).length / passes.length,
    flaky: passes.some(Boolean) && !passes.every(Boolean),
  },
})

const A: EvalThresholds = { passRate: 0.1 }
const B: EvalThresholds = { passRate: 0.8, meanScore: 5, confidence: 0.9 }

const t = (dataset: string, id: string, passes: boolean[], thresholds: EvalThresholds, state: TestInput['state'] = 'passed'): TestInput => ({
  titles: [dataset, id],
  state,
  durationMs: 1,
  errors: state === 'failed' ? ['failed'] : [],
  records: [caseRecord(dataset, id, passes, thresholds)],
})

/**
 * One run over two files, whole and in two shards: evals/a.test.ts (dataset "a", which
 * passes its gate) in shard 1, evals/b.test.ts (dataset "b", 3 of 6 trials passed against
 * a passRate gate of 0.8, and case p failed) in shard 2.
 */
function runs() {
  const file = (name: string, tests: TestInput[]) => ({ path: `/p/evals/${name}.test.ts`, durationMs: 1, errors: [], tests, records: [] })
  const files = [
    file('a', [t('a', 'x', [true, true], A), t('a', 'y', [true, false], A), { titles: ['plain'], state: 'passed', durationMs: 1, errors: [], records: [] }]),
    file('b', [t('b', 'p', [false, false], B, 'failed'), t('b', 'q', [true, true], B), t('b', 'r', [true, false], B)]),
  ]
  const input: RunInput = { runner: 'vitest', root: '/p', startedAt: new Date('2026-11-28T09:00:00.000Z'), durationMs: 10, status: 'failed', errors: [], files, id: 'night-1' }
  const whole = buildResults(input)
  const shards: Shard[] = [1, 2].map((index) => ({
    source: `shard-${index}/results.json`,
    results: buildResults({ ...input, files: [files[index - 1]!], status: index === 1 ? 'passed' : 'failed', shard: { index, count: 2 } }),
  }))
  return { whole, shards }
}

const datasetOf = (r: Results, name: string) => r.datasets!.find((d) => d.name === name)!

describe('mergeShards recomputes from the test records', () => {
  test('shards as a run wrote them: the datasets equal the unsharded run’s, with no warning', () => {
    const { whole, shards } = runs()
    const { results, warnings } = mergeShards(shards)
    expect(warnings).toEqual([])
    expect(results.datasets).toEqual(whole.datasets)
    expect(datasetOf(results, 'b')).toMatchObject({ passedTrials: 3, trials: 6, status: 'failed' })
    expect(results.run.status).toBe('failed')
  })

  test('a dataset run with two prompt versions: each version is recomputed from its own cases, with no warning', () => {
    const versioned = (version: string, id: string, passes: boolean[]): TestInput => {
      const record = caseRecord('sum', id, passes, B)
      return { titles: ['sum', `summarizer@${version}`, id], state: 'passed', durationMs: 1, errors: [], records: [{ ...record, case: { ...record.case, prompt: { name: 'summarizer', version, hash: `h-${version}` } } }] }
    }
    const file = (name: string, tests: TestInput[]) => ({ path: `/p/evals/${name}.test.ts`, durationMs: 1, errors: [], tests, records: [] })
    const files = [file('a', [t('a', 'x', [true], A)]), file('sum', [versioned('v1', 'x', [true, false]), versioned('v1', 'y', [false, false]), versioned('v2', 'x', [true, true]), versioned('v2', 'y', [true, true])])]
    const input: RunInput = { runner: 'vitest', root: '/p', startedAt: new Date('2026-11-28T09:00:00.000Z'), durationMs: 10, status: 'failed', errors: [], files, id: 'night-2' }
    const whole = buildResults(input)
    const shards: Shard[] = [1, 2].map((index) => ({ source: `shard-${index}/results.json`, results: buildResults({ ...input, files: [files[index - 1]!], shard: { index, count: 2 } }) }))
    const { results, warnings } = mergeShards(shards)
    expect(warnings).toEqual([])
    expect(results.datasets).toEqual(whole.datasets)
    expect(results.datasets!.filter((d) => d.name === 'sum').map((d) => [d.prompt?.version, d.passedTrials, d.status])).toEqual([
      ['v1', 1, 'failed'],
      ['v2', 4, 'failed'],
    ])
  })

  test("a shard's dataset aggregates and status edited to pass: the dataset is recomputed from its cases, the run fails, and warnings name the shard and each field", () => {
    const { whole, shards } = runs()
    const shard = shards[1]!.results
    const b = datasetOf(shard, 'b')
    b.passedTrials = b.trials
    b.gates = b.gates.map((g) => ({ ...g, pass: true }))
    b.status = 'passed'
    shard.run.status = 'passed'
    const { results, warnings } = mergeShards(shards)
    expect(datasetOf(results, 'b')).toEqual(datasetOf(whole, 'b'))
    expect(results.run.status).toBe('failed')
    expect(warnings).toEqual([
      'shard-2/results.json: dataset "b" (evals/b.test.ts) says passedTrials 6 (recomputed: 3), gates passRate passed, meanScore passed (recomputed: passRate failed, meanScore failed), status passed (recomputed: failed); the merged report has the values recomputed from its cases\' trials.',
      'shard-2/results.json says run.status "passed", but it has 1 failed test and 1 failed dataset; the merged run is failed.',
    ])
  })

  test('a shard whose tests were edited too: the merge goes by its tests, and warns of every aggregate they contradict', () => {
    const { shards } = runs()
    const shard = shards[1]!.results
    shard.run.status = 'passed'
    // Every trial and test made to pass; the dataset's pass rate and the totals left as they were.
    for (const test of shard.files[0]!.tests) {
      test.state = 'passed'
      for (const trial of test.eval!.trials) Object.assign(trial, { pass: true, score: 9 })
    }
    datasetOf(shard, 'b').passedTrials = 6
    const { results, warnings } = mergeShards(shards)
    // 6 of 6 trials still miss the gate: at 90% the Wilson lower bound of 6/6 is 0.69, below 0.8.
    expect(datasetOf(results, 'b')).toMatchObject({ passedTrials: 6, passRate: { value: 1 }, flaky: [], status: 'failed' })
    expect(results.totals).toMatchObject({ failed: 0, passed: 6 })
    expect(results.run.status).toBe('failed')
    expect(warnings).toHaveLength(4)
    expect(warnings[0]).toBe('shard-2/results.json: its totals do not match its tests: passed 2 (recomputed: 3), failed 1 (recomputed: 0), passRate 0.6667 (recomputed: 1); the merged totals are recomputed from the tests.')
    // Case p's error was left behind when it was marked passed.
    expect(warnings[1]).toBe('shard-2/results.json: 1 test is marked passed but carries errors (evals/b.test.ts > b > p), which a runner records only for a failed test: the merged run counts them as failures.')
    expect(warnings[2]).toMatch(/^shard-2\/results\.json: dataset "b" \(evals\/b\.test\.ts\) says passRate 0\.5 \(recomputed: 1\), passRate\.lower /)
    expect(warnings[2]).toContain('meanScore 6 (recomputed: 9)')
    expect(warnings[2]).toContain('flaky r (recomputed: none)')
    expect(warnings[2]).toContain('gates passRate failed, meanScore failed (recomputed: passRate failed, meanScore passed)')
    expect(warnings[3]).toBe('shard-2/results.json says run.status "passed", but it has 1 test marked passed with errors and 1 failed dataset; the merged run is failed.')
  })

  test('a test marked passed that carries errors fails the merged run, with a warning naming it', () => {
    const { shards } = runs()
    const test = shards[1]!.results.files[0]!.tests[0]!
    test.state = 'passed'
    shards[1]!.results.run.status = 'passed'
    const { results, warnings } = mergeShards([shards[1]!], { allowMissing: true })
    expect(results.run.status).toBe('failed')
    expect(warnings).toContain('shard-2/results.json: 1 test is marked passed but carries errors (evals/b.test.ts > b > p), which a runner records only for a failed test: the merged run counts them as failures.')
    expect(warnings).toContain('shard-2/results.json says run.status "passed", but it has 1 test marked passed with errors and 1 failed dataset; the merged run is failed.')
    shards[1]!.results.files[0]!.tests[1]!.errors.push('an error')
    expect(mergeShards([shards[1]!], { allowMissing: true }).warnings).toContain(
      'shard-2/results.json says run.status "passed", but it has 2 tests marked passed with errors and 1 failed dataset; the merged run is failed.',
    )
  })

  test('a file error or a run error fails the merged run although the shard says passed; failed tests fail an interrupted one', () => {
    for (const where of ['file', 'run'] as const) {
      const { shards } = runs()
      const shard = shards[0]!.results
      if (where === 'file') shard.files[0]!.errors.push('Error in afterAll')
      else shard.run.errors.push('Unhandled rejection')
      const { results, warnings } = mergeShards([shards[0]!], { allowMissing: true })
      expect(results.run.status).toBe('failed')
      expect(warnings).toContain(`shard-1/results.json says run.status "passed", but it has 1 ${where} error; the merged run is failed.`)
    }
    const { shards } = runs()
    shards[1]!.results.run.status = 'interrupted'
    const { results, warnings } = mergeShards(shards)
    expect(results.run.status).toBe('failed')
    expect(warnings).toEqual([])
  })

  test('cases without a datasets entry are summed up without gates, with a warning; an entry without cases is recomputed over none', () => {
    const { shards } = runs()
    const shard = shards[1]!.results
    const b = datasetOf(shard, 'b')
    shard.datasets = shard.datasets!.filter((d) => d !== b)
    shards[0]!.results.datasets!.push({ ...b, name: 'gone', file: 'evals/a.test.ts' })
    const { results, warnings } = mergeShards(shards)
    // Without its thresholds no passRate gate lets a trial fail: its status follows its failed case p.
    expect(datasetOf(results, 'b')).toMatchObject({ cases: 3, passedTrials: 3, gates: [], status: 'failed' })
    expect(datasetOf(results, 'gone')).toMatchObject({ cases: 0, trials: 0, status: 'failed' })
    expect(results.datasets!.map((d) => `${d.file} ${d.name}`)).toEqual(['evals/a.test.ts a', 'evals/a.test.ts gone', 'evals/b.test.ts b'])
    expect(warnings).toContain('shard-2/results.json has cases of dataset "b" (evals/b.test.ts) but no datasets entry for it, so its thresholds are unknown: the merged report sums it up without gates.')
    expect(warnings.find((w) => w.startsWith('shard-1/results.json: dataset "gone"'))).toContain('says cases 3 (recomputed: 0), trials 6 (recomputed: 0)')
  })

  test('a datasets entry for a test file its shard did not run is left out, with a warning', () => {
    const { whole, shards } = runs()
    shards[0]!.results.datasets!.push({ ...datasetOf(shards[1]!.results, 'b'), status: 'passed' })
    const { results, warnings } = mergeShards(shards)
    expect(results.datasets).toEqual(whole.datasets)
    expect(warnings).toEqual(['shard-1/results.json has a datasets entry for dataset "b" of evals/b.test.ts, a test file it did not run (shard-2/results.json did): left out.'])
  })

  test("a dataset listed twice by its shard: the first entry's thresholds, with a warning", () => {
    const { whole, shards } = runs()
    const b = datasetOf(shards[1]!.results, 'b')
    shards[1]!.results.datasets!.push({ ...b, gates: [] })
    const { results, warnings } = mergeShards(shards)
    expect(results.datasets).toEqual(whole.datasets)
    expect(warnings).toEqual(['shard-2/results.json lists dataset "b" (evals/b.test.ts) more than once: the first entry\'s thresholds are used.'])
  })

  test('a gate threshold no describeEval accepts is refused, naming the shard and the dataset', () => {
    const { shards } = runs()
    datasetOf(shards[1]!.results, 'b').gates[0]!.threshold = 5
    const e = (() => {
      try {
        mergeShards(shards)
      } catch (error) {
        return error
      }
    })()
    expect(e).toBeInstanceOf(MergeError)
    expect((e as MergeError).message).toMatch(/^shard-2\/results\.json: dataset "b" \(evals\/b\.test\.ts\) has a gate no run writes: .*thresholds\.passRate must be a number from 0 to 1/)
  })
})
