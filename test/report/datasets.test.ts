import { describe, expect, test } from 'vitest'
import { buildResults, type RunInput, type TestInput } from '../../src/report/build.js'
import type { EvalCaseRecord } from '../../src/report/records.js'
import { parseResults } from '../../src/report/schema.js'

const caseRecord = (dataset: string, id: string, passes: boolean[], extra: Partial<EvalCaseRecord> = {}): EvalCaseRecord => ({
  kind: 'eval-case',
  source: '/p/data/news.jsonl',
  thresholds: { passRate: 0.5 },
  case: {
    dataset,
    id,
    input: `{"id":"${id}"}`,
    trials: passes.map((pass, trial) => ({ trial, pass, score: pass ? 9 : 3, scale: [1, 10], output: `out ${id}`, cost: 0.001, latencyMs: 10 + trial, ...(pass ? {} : { error: 'too low' }) })),
    passRate: passes.filter(Boolean).length / passes.length,
    flaky: passes.some(Boolean) && !passes.every(Boolean),
  },
  ...extra,
})

const test_ = (name: string, records: TestInput['records'], state: TestInput['state'] = 'passed'): TestInput => ({ titles: ['news', name], state, durationMs: 1, errors: [], records })

function run(files: { path: string; tests: TestInput[] }[]): RunInput {
  return { runner: 'vitest', root: '/p', startedAt: new Date('2026-01-02T03:04:05.000Z'), durationMs: 10, status: 'passed', errors: [], files: files.map((f) => ({ ...f, durationMs: 1, errors: [], records: [] })) }
}

describe('results.json for dataset evals', () => {
  test("a case's test gets its eval (the last attempt's); a test without one has none", () => {
    const r = buildResults(run([{ path: '/p/evals/news.test.ts', tests: [test_('a', [caseRecord('news', 'a', [false]), caseRecord('news', 'a', [true, false, true])]), test_('plain', [])] }]))
    const [a, plain] = r.files[0]!.tests
    expect(a!.eval).toMatchObject({ dataset: 'news', id: 'a', passRate: 2 / 3, flaky: true })
    expect(a!.eval!.trials).toHaveLength(3)
    expect(plain).not.toHaveProperty('eval')
    expect(parseResults(JSON.stringify(r)).files[0]!.tests[0]!.eval).toEqual(a!.eval)
  })

  test('one dataset per (file, dataset name), over the cases that ran, with the source relative to the root', () => {
    const r = buildResults(
      run([
        { path: '/p/evals/z.test.ts', tests: [test_('a', [caseRecord('news', 'a', [true, true])])] },
        {
          path: '/p/evals/news.test.ts',
          tests: [test_('a', [caseRecord('news', 'a', [true, false])]), test_('b', [caseRecord('news', 'b', [true, true])]), test_('c', [], 'skipped'), test_('x', [caseRecord('other', 'x', [true], { source: undefined })])],
        },
      ]),
    )
    expect(r.datasets!.map((d) => [d.file, d.name, d.source, d.cases, d.trials, d.passedTrials, d.flaky])).toEqual([
      ['evals/news.test.ts', 'news', 'data/news.jsonl', 2, 4, 3, ['a']],
      ['evals/news.test.ts', 'other', undefined, 1, 1, 1, []],
      ['evals/z.test.ts', 'news', 'data/news.jsonl', 1, 2, 2, []],
    ])
    expect(r.datasets![0]!.gates.map((g) => g.name)).toEqual(['passRate'])
    expect(parseResults(JSON.stringify(r)).datasets).toEqual(r.datasets)
  })

  test('a dataset run with several prompt versions has one entry per version, in the order they ran, each with its prompt', () => {
    const v = (version: string) => ({ name: 'summarizer', version, hash: `${version}-hash` })
    const r = buildResults(
      run([
        {
          path: '/p/evals/news.test.ts',
          tests: [
            test_('v1 a', [caseRecord('news', 'a', [true], { case: { ...caseRecord('news', 'a', [true]).case, prompt: v('v1') } })]),
            test_('v1 b', [caseRecord('news', 'b', [false], { case: { ...caseRecord('news', 'b', [false]).case, prompt: v('v1') } })]),
            test_('v2 a', [caseRecord('news', 'a', [true], { case: { ...caseRecord('news', 'a', [true]).case, prompt: v('v2') } })]),
            test_('v2 b', [caseRecord('news', 'b', [true], { case: { ...caseRecord('news', 'b', [true]).case, prompt: v('v2') } })]),
          ],
        },
      ]),
    )
    expect(r.datasets!.map((d) => [d.name, d.prompt, d.cases, d.passedTrials])).toEqual([
      ['news', v('v1'), 2, 1],
      ['news', v('v2'), 2, 2],
    ])
    expect(r.files[0]!.tests[2]!.eval!.prompt).toEqual(v('v2'))
    expect(parseResults(JSON.stringify(r)).datasets).toEqual(r.datasets)
  })

  test('a run without dataset evals has no datasets field', () => {
    expect(buildResults(run([{ path: '/p/a.test.ts', tests: [test_('t', [])] }]))).not.toHaveProperty('datasets')
  })
})
