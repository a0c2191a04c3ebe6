import { describe, expect, test } from 'vitest'
import { sampleRun } from '../../fixtures/report/sample-run.js'
import { buildResults, cleanError, percentile, type RunInput } from '../../src/report/build.js'
import type { JudgeRecord } from '../../src/report/records.js'
import { parseResults, RESULTS_VERSION } from '../../src/report/schema.js'
import { renderHtml } from '../../reporters/html/render.js'
import { embeddedResults } from './embedded.js'

const verdict = (overall: number, replayed: boolean, latencyMs: number, scale: [number, number] = [1, 10]): JudgeRecord['verdict'] => ({
  overall,
  criteria: { accuracy: { description: 'Accurate.', score: overall, reasoning: 'Matches the source.' } },
  scale,
  samples: [overall],
  spread: 0,
  model: 'gpt-4o-mini',
  judge: 0,
  replayed,
  requests: replayed ? 0 : 1,
  weighted: false,
  usage: { prompt_tokens: 90, completion_tokens: 10, total_tokens: 100 },
  cost: 0.01,
  latencyMs,
})

const judged = (v: JudgeRecord['verdict'] | undefined, extra: Partial<JudgeRecord> = {}): JudgeRecord => ({ kind: 'judge', matcher: 'toScoreAtLeast', pass: true, negated: false, threshold: 7, every: false, ...(v ? { verdict: v } : { error: 'no verdict' }), ...extra })

function run(records: JudgeRecord[] | RunInput['files'][number]['tests'][number]['records'], states: ('passed' | 'failed' | 'skipped' | 'todo')[] = ['passed']): RunInput {
  return {
    runner: 'jest',
    root: '/p',
    startedAt: new Date('2026-01-02T03:04:05.000Z'),
    durationMs: 1234.4,
    status: 'passed',
    errors: [],
    files: [
      { path: '/p/b.test.ts', durationMs: 5, errors: [], tests: states.map((state, i) => ({ titles: ['b', `t${i}`], state, durationMs: 1, errors: [], records: i === 0 ? records : [] })), records: [] },
      { path: '/p/sub/a.test.ts', durationMs: 5, errors: [], tests: [], records: [{ kind: 'cassette', testPath: '/p/sub/a.test.ts', path: '/p/sub/__llm_cassettes__/a.test.ts.json', obsolete: ['k1', 'k2'], pruned: 0 }] },
    ],
  }
}

describe('buildResults', () => {
  test('files are relative to the root, sorted, and the run header is kept', () => {
    const r = buildResults(run([]))
    expect(r.files.map((f) => f.path)).toEqual(['b.test.ts', 'sub/a.test.ts'])
    expect(r.files[1]!.stores).toEqual([{ kind: 'cassette', path: 'sub/__llm_cassettes__/a.test.ts.json', obsolete: ['k1', 'k2'], pruned: 0, written: 0, updated: 0 }])
    expect(r.run).toEqual({ runner: 'jest', startedAt: '2026-01-02T03:04:05.000Z', durationMs: 1234, status: 'passed', errors: [], scope: ['b.test.ts', 'sub/a.test.ts'] })
    expect(r).toMatchObject({ schema: 'assay-results', version: RESULTS_VERSION })
    expect(r.totals.cassettes.obsolete).toBe(2)
  })

  test('a shard keeps its run id and its place among the shards; a run without them has neither', () => {
    const r = buildResults({ ...run([]), id: '123456-1', shard: { index: 2, count: 3 } })
    expect(r.run).toMatchObject({ id: '123456-1', shard: { index: 2, count: 3 } })
    expect(parseResults(JSON.stringify(r)).run.shard).toEqual({ index: 2, count: 3 })
    expect(Object.keys(buildResults(run([])).run)).not.toContain('id')
    expect(Object.keys(buildResults(run([])).run)).not.toContain('shard')
  })

  test('the replay pass of assay batch records the batch and its saving in totals.batch, from the environment the command sets; other runs have none', () => {
    const saving = { requests: 3, cost: 0.0005, liveCost: 0.001, saved: 0.0005 }
    const previous = process.env.ASSAY_BATCH_SAVING
    try {
      process.env.ASSAY_BATCH_SAVING = JSON.stringify(saving)
      const r = buildResults(run([]))
      expect(r.totals.batch).toEqual(saving)
      expect(parseResults(JSON.stringify(r)).totals.batch).toEqual(saving)
      // Unpriced models: the count without figures.
      process.env.ASSAY_BATCH_SAVING = JSON.stringify({ requests: 2, cost: null, liveCost: null, saved: null })
      expect(buildResults(run([])).totals.batch).toEqual({ requests: 2, cost: null, liveCost: null, saved: null })
      // Anything else is no batch, never a figure made up.
      for (const bad of ['', 'not json', JSON.stringify({ requests: -1, cost: 0, liveCost: 0, saved: 0 }), JSON.stringify({ requests: 1, cost: 'x', liveCost: 0, saved: 0 })]) {
        process.env.ASSAY_BATCH_SAVING = bad
        expect(buildResults(run([])).totals).not.toHaveProperty('batch')
      }
    } finally {
      if (previous === undefined) delete process.env.ASSAY_BATCH_SAVING
      else process.env.ASSAY_BATCH_SAVING = previous
    }
  })

  test('judge totals: live and replayed, cost of live calls only, what replay saved, percentiles and mean score', () => {
    const r = buildResults(run([judged(verdict(9, false, 100)), judged(verdict(5, true, 300)), judged(verdict(7, true, 200)), judged(undefined, { pass: false, cassetteMiss: true })]))
    expect(r.totals.judge).toEqual({ verdicts: 3, live: 1, replayed: 2, failures: 1, requests: 1, tokens: 100, cost: 0.01, saved: 0.02, meanScore: { value: 7, scale: [1, 10] }, p50LatencyMs: 200, p95LatencyMs: 300 })
    expect(r.totals.cassettes.misses).toBe(1)
    expect(r.totals.assertions).toEqual({ total: 4, passed: 3, failed: 1 })
    expect(r.totals.failureRate).toBe(0.25)
    // A judgement that failed after sending requests: the run's count has them.
    const gaveUp = buildResults(run([judged(verdict(9, false, 100)), judged(undefined, { pass: false, error: 'No judge gave a verdict', requests: 5 })]))
    expect(gaveUp.totals.judge).toMatchObject({ verdicts: 1, failures: 1, requests: 6 })
    expect(gaveUp.files[0]!.tests[0]!.assertions[1]!.judge).toMatchObject({ requests: 5 })
    const failed = r.files[0]!.tests[0]!.assertions[3]!
    expect(failed.judge).toMatchObject({ error: 'no verdict', cassetteMiss: true, criteria: [] })
  })

  test('scores on different scales are averaged on 0–1', () => {
    const r = buildResults(run([judged(verdict(10, true, 1)), judged(verdict(3, true, 1, [1, 5]))]))
    expect(r.totals.judge.meanScore).toEqual({ value: 0.75, scale: [0, 1] })
  })

  test('test counts, pass rate over tests that ran, and no judge data when nothing was judged', () => {
    const r = buildResults(run([], ['passed', 'failed', 'skipped', 'todo', 'passed']))
    expect(r.totals).toMatchObject({ tests: 5, passed: 2, failed: 1, skipped: 1, todo: 1, passRate: 0.6667, failureRate: 0 })
    expect(r.totals.judge).toMatchObject({ verdicts: 0, meanScore: null, p50LatencyMs: null, p95LatencyMs: null })
    expect(buildResults(run([], ['skipped'])).totals.passRate).toBeNull()
  })

  test('check records become assertions with their details; app calls and store records go to their places', () => {
    const r = buildResults(
      run([
        { kind: 'check', matcher: 'toPreserveEntities', pass: false, negated: false, message: '\u001b[31mExpected\u001b[39m Apple', location: { line: 3, column: 9 }, details: { summary: '0 of 1 kept', entities: { kept: [], missing: ['Apple'] } } },
        { kind: 'check', matcher: 'toMatchStructuralBaseline', pass: true, negated: false, details: { drift: { baseline: 'b t0 1', status: 'written', changes: [] } } },
        { kind: 'llm-call', url: 'http://x/v1/chat/completions', model: undefined, replayed: false, status: 424, usage: undefined, cost: undefined, latencyMs: 0, cassetteMiss: true },
        { kind: 'llm-call', url: 'http://x/v1/chat/completions', model: undefined, replayed: false, status: 500, usage: undefined, cost: undefined, latencyMs: 2 },
      ]),
    )
    const t = r.files[0]!.tests[0]!
    expect(t.assertions).toEqual([
      { matcher: 'toPreserveEntities', pass: false, negated: false, message: 'Expected Apple', location: { line: 3, column: 9 }, summary: '0 of 1 kept', entities: { kept: [], missing: ['Apple'] } },
      { matcher: 'toMatchStructuralBaseline', pass: true, negated: false, drift: { baseline: 'b t0 1', status: 'written', changes: [] } },
    ])
    expect(t.llmCalls).toEqual([
      { url: 'http://x/v1/chat/completions', model: null, replayed: false, status: 424, tokens: null, cost: null, latencyMs: 0, cassetteMiss: true },
      { url: 'http://x/v1/chat/completions', model: null, replayed: false, status: 500, tokens: null, cost: null, latencyMs: 2 },
    ])
    // A lockdown miss reached no model: a miss, not a live call.
    expect(r.totals.cassettes.misses).toBe(1)
    expect(r.totals.appCalls).toEqual({ calls: 2, live: 1, replayed: 0, tokens: 0, cost: 0 })
  })

  test('the output always satisfies its own schema, hostile text included', () => {
    const r = buildResults(sampleRun({ tests: 300, hostile: true }))
    expect(parseResults(JSON.stringify(r))).toEqual(r)
  })
})

describe('a non-finite number never reaches results.json or the report', () => {
  // NaN and ±Infinity become null in JSON (a Jest side file holds that null), which the schema rejects.
  const broken = (v: Partial<NonNullable<JudgeRecord['verdict']>>): JudgeRecord => judged({ ...verdict(7, false, 100)!, ...v } as JudgeRecord['verdict'])
  const records = [
    broken({ overall: Number.NaN, samples: [Number.NaN], criteria: { accuracy: { description: 'Accurate.', score: Number.NaN, reasoning: 'r' } } }),
    broken({ overall: Number.POSITIVE_INFINITY }),
    broken({ spread: Number.NaN }),
    broken({ overall: null as unknown as number }),
    broken({ latencyMs: Number.NaN, cost: Number.POSITIVE_INFINITY, usage: { prompt_tokens: Number.NaN, completion_tokens: 1, total_tokens: Number.NaN } }),
    judged(verdict(8, true, 50)),
  ]
  const call = { kind: 'llm-call' as const, url: 'http://x/v1/chat/completions', model: 'm', replayed: false, status: 200, usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: Number.NaN }, cost: Number.NaN, latencyMs: Number.POSITIVE_INFINITY }

  test('a verdict with a non-finite score is reported as a judge failure; other numbers are dropped', () => {
    const r = buildResults(run([...records, call]))
    const parsed = parseResults(JSON.stringify(r))
    expect(parsed.files[0]!.tests[0]!.llmCalls).toEqual([{ url: 'http://x/v1/chat/completions', model: 'm', replayed: false, status: 200, tokens: null, cost: null, latencyMs: 0 }])
    expect(parsed).toEqual(r)
    const assertions = parsed.files[0]!.tests[0]!.assertions
    for (const a of assertions.slice(0, 4)) expect(a).toMatchObject({ pass: false, judge: { error: expect.stringContaining('not a finite number') } })
    expect(assertions[4]!.judge).toMatchObject({ score: 7, latencyMs: 0, cost: null, tokens: 0 })
    expect(parsed.totals.judge).toMatchObject({ verdicts: 2, failures: 4, meanScore: { value: 7.5, scale: [1, 10] } })
  })

  test('the report renders with every test', () => {
    const r = buildResults(run([...records, call]))
    const html = renderHtml(r, [])
    expect(html).not.toMatch(/NaN|Infinity/)
    expect(embeddedResults(html)).toEqual(r)
  })
})

test('cleanError drops colours and stack frames, keeps the message', () => {
  expect(cleanError('\u001b[31mboom\u001b[39m\nmore\n    at fn (/a/b.js:1:2)\n    at /a/c.js:3:4\n    at new Promise (<anonymous>)')).toBe('boom\nmore')
})

test('percentile is nearest-rank', () => {
  expect(percentile([], 50)).toBeNull()
  expect(percentile([5], 95)).toBe(5)
  expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50)).toBe(5)
  expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBe(10)
})

describe('parseResults', () => {
  test('names a version it cannot read', () => {
    expect(() => parseResults(JSON.stringify({ schema: 'assay-results', version: 2 }))).toThrow('results.json has format version 2, but this assay reads version 1. Read it with the assay version that wrote it.')
  })
  test('rejects a file that is not results.json', () => {
    expect(() => parseResults('{"hello": 1}')).toThrow()
  })
})
