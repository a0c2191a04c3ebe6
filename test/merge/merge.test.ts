import { describe, expect, test } from 'vitest'
import { sampleRun } from '../../fixtures/report/sample-run.js'
import { buildResults } from '../../src/report/build.js'
import type { DatasetResult, Results } from '../../src/report/schema.js'
import { mergeShards, MergeError, type Shard } from '../../src/merge/merge.js'

/** A run over 6 files (300 tests), and the same run split into `count` shards by file. */
function runs(count = 3, id: string | null = 'nightly-1') {
  const input = sampleRun({ tests: 300, perFile: 50 })
  const whole = buildResults(input)
  const shards: Shard[] = []
  for (let index = 1; index <= count; index++) {
    const part = { ...input, files: input.files.filter((_, i) => i % count === index - 1), startedAt: new Date(Date.UTC(2026, 10, 28, 9, 0, index)), durationMs: 1000 * index, ...(id === null ? {} : { id }), shard: { index, count } }
    shards.push({ source: `shard-${index}/results.json`, results: buildResults(part) })
  }
  return { whole, shards }
}

const refusal = (fn: () => unknown): MergeError => {
  try {
    fn()
  } catch (e) {
    if (e instanceof MergeError) return e
    throw e
  }
  throw new Error('expected a MergeError')
}

describe('mergeShards', () => {
  test('the merged files and totals are those of the unsharded run', () => {
    const { whole, shards } = runs()
    const { results, warnings } = mergeShards(shards)
    expect(warnings).toEqual([])
    expect(results.files).toEqual(whole.files)
    expect(results.totals).toEqual(whole.totals)
    expect(results.totals.files).toBe(6)
  })

  test('the merged run: earliest start, the span as duration, failed if any shard failed, errors and scope joined, the shared id, no shard', () => {
    const { shards } = runs()
    shards[1]!.results.run.errors = ['Unhandled rejection in shard 2']
    shards[0]!.results.run.status = 'passed'
    shards[1]!.results.run.status = 'failed'
    shards[2]!.results.run.status = 'passed'
    const { results } = mergeShards([shards[2]!, shards[0]!, shards[1]!])
    // Shard k started at 09:00:0k and took k s: the last ends at 09:00:06.
    expect(results.run).toEqual({
      runner: 'vitest',
      startedAt: '2026-11-28T09:00:01.000Z',
      durationMs: 5000,
      status: 'failed',
      errors: ['Unhandled rejection in shard 2'],
      scope: results.files.map((f) => f.path),
      id: 'nightly-1',
      mergedFrom: 3,
    })
    expect(results.run.scope).toHaveLength(6)
  })

  test('an interrupted shard makes the merged run interrupted, unless one failed', () => {
    const { shards } = runs()
    // Without a failed test: one fails the merged run whatever the shards' statuses say.
    for (const s of shards) for (const f of s.results.files) for (const t of f.tests) if (t.state === 'failed') Object.assign(t, { state: 'passed', errors: [] })
    for (const s of shards) s.results.run.status = 'passed'
    shards[0]!.results.run.status = 'interrupted'
    expect(mergeShards(shards).results.run.status).toBe('interrupted')
    shards[1]!.results.run.status = 'failed'
    expect(mergeShards(shards).results.run.status).toBe('failed')
    for (const s of shards) s.results.run.status = 'passed'
    expect(mergeShards(shards).results.run.status).toBe('passed')
  })

  test('datasets are in file order', () => {
    const { shards } = runs()
    const dataset = (name: string, file: string): DatasetResult => ({
      name,
      file,
      cases: 1,
      trials: 1,
      passedTrials: 1,
      passRate: { value: 1, lower: 0.2, upper: 1, confidence: 0.95 },
      meanScore: null,
      cost: 0,
      p95LatencyMs: 10,
      flaky: [],
      gates: [],
      status: 'passed',
    })
    shards[0]!.results.datasets = [dataset('b', shards[0]!.results.files[1]!.path)]
    shards[1]!.results.datasets = [dataset('a', shards[1]!.results.files[0]!.path)]
    expect(mergeShards(shards).results.datasets!.map((d) => d.name)).toEqual(['a', 'b'])
    // Without datasets in any shard, none in the merge.
    expect('datasets' in mergeShards(runs().shards).results).toBe(false)
  })

  test('shards without a run id merge with a warning that they cannot be checked to be of one run', () => {
    const { whole, shards } = runs(3, null)
    const { results, warnings } = mergeShards(shards)
    expect(results.totals).toEqual(whole.totals)
    expect(results.run.id).toBeUndefined()
    expect(warnings).toEqual([expect.stringMatching(/^no run id in shard-1\/results\.json, shard-2\/results\.json, shard-3\/results\.json: these shards cannot be checked to be of one run\. Set ASSAY_RUN_ID/)])
  })
})

describe('mergeShards refuses shards that do not belong together', () => {
  test('no shards', () => {
    expect(refusal(() => mergeShards([])).message).toMatch(/^no results to merge/)
  })

  test('shards of different runs, naming each file and its id', () => {
    const { shards } = runs()
    shards[2]!.results.run.id = 'nightly-2'
    const e = refusal(() => mergeShards(shards))
    expect(e.message).toContain('the shards are of different runs (shard-1/results.json, shard-2/results.json: nightly-1; shard-3/results.json: nightly-2)')
    expect(e.message).toContain('ASSAY_RUN_ID')
  })

  test('a shard without a run id beside shards with one merges, with the warning naming it', () => {
    const { shards } = runs()
    delete shards[1]!.results.run.id
    const { results, warnings } = mergeShards(shards)
    expect(results.run.id).toBe('nightly-1')
    expect(warnings).toEqual([expect.stringMatching(/^no run id in shard-2\/results\.json: /)])
  })

  test('different runners', () => {
    const { shards } = runs()
    shards[1]!.results.run.runner = 'jest'
    expect(refusal(() => mergeShards(shards)).message).toContain('the shards come from different runners (shard-1/results.json, shard-3/results.json: vitest; shard-2/results.json: jest)')
  })

  test('two shards with the same index', () => {
    const { shards } = runs()
    shards[2]!.results.run.shard = { index: 2, count: 3 }
    expect(refusal(() => mergeShards(shards)).message).toContain('shard-2/results.json and shard-3/results.json are both shard 2 of 3')
  })

  test('shards of different counts', () => {
    const { shards } = runs()
    shards[2]!.results.run.shard = { index: 3, count: 4 }
    expect(refusal(() => mergeShards(shards)).message).toContain('the shards split the run differently (shard-1/results.json, shard-2/results.json: into 3; shard-3/results.json: into 4)')
  })

  test('a test file in two shards, naming it', () => {
    const { shards } = runs()
    shards[1]!.results.files.push(shards[0]!.results.files[0]!)
    expect(refusal(() => mergeShards(shards)).message).toContain('test/summaries-000.test.ts is in both shard-1/results.json and shard-2/results.json')
  })

  test('missing shards are an error unless allowed, then a warning', () => {
    const { shards } = runs(4)
    const some = [shards[0]!, shards[2]!]
    const e = refusal(() => mergeShards(some))
    expect(e.message).toContain('shards 2 and 4 of 4 are missing')
    expect(e.message).toContain('--allow-missing')
    const { results, warnings } = mergeShards(some, { allowMissing: true })
    expect(warnings).toEqual(['shards 2 and 4 of 4 are missing: the merged run covers 3 of its test files only.'])
    expect(results.run.mergedFrom).toBe(2)
  })

  test('a run that is not a shard, beside shards', () => {
    const { whole, shards } = runs()
    const e = refusal(() => mergeShards([...shards.slice(0, 2), { source: 'full/results.json', results: { ...whole, run: { ...whole.run, id: 'nightly-1' } } }]))
    expect(e.message).toContain('full/results.json is not a shard (it has no run.shard)')
  })

  test('a merged run is not merged again', () => {
    const { shards } = runs()
    const merged: Results = mergeShards(shards).results
    expect(refusal(() => mergeShards([{ source: 'merged/results.json', results: merged }])).message).toContain('merged/results.json is already a merge of 3 shards')
  })
})
