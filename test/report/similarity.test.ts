import { describe, expect, test } from 'vitest'
import { buildResults, type RunInput } from '../../src/report/build.js'
import type { AssayRecord, SimilarityRecord } from '../../src/report/records.js'
import { parseResults } from '../../src/report/schema.js'
import { terminalSummary } from '../../src/report/summary.js'
import { renderHtml } from '../../reporters/html/render.js'
import { embeddedResults } from './embedded.js'

const similar = (extra: Partial<SimilarityRecord> = {}): SimilarityRecord => ({
  kind: 'similarity',
  matcher: 'toBeSemanticallySimilarTo',
  pass: true,
  negated: false,
  threshold: 0.8,
  model: 'text-embedding-3-small',
  similarity: 0.91,
  replayed: false,
  requests: 1,
  tokens: 12,
  cost: 0.00024,
  latencyMs: 40,
  ...extra,
})

const run = (records: AssayRecord[]): RunInput => ({
  runner: 'vitest',
  root: '/p',
  startedAt: new Date('2026-01-02T03:04:05.000Z'),
  durationMs: 10,
  status: 'passed',
  errors: [],
  files: [{ path: '/p/a.test.ts', durationMs: 5, errors: [], tests: [{ titles: ['a'], state: 'passed', durationMs: 1, errors: [], records }], records: [] }],
})

describe('similarity records', () => {
  const records = [
    similar(),
    similar({ replayed: true, requests: 0, tokens: 0, cost: 0, similarity: 0.42, negated: true }),
    similar({ pass: false, similarity: undefined, replayed: undefined, requests: 0, tokens: undefined, cost: undefined, latencyMs: undefined, error: 'No recorded answer for this LLM request', cassetteMiss: true, message: 'toBeSemanticallySimilarTo: no similarity was computed' }),
    similar({ pass: false, requests: 3, similarity: undefined, error: 'No embedding model gave vectors: 503' }),
  ]
  const results = buildResults(run(records))

  test('become assertions with the similarity against its threshold, or why there is none, and satisfy the schema', () => {
    const [live, replayed, missed, failed] = results.files[0]!.tests[0]!.assertions
    expect(live).toEqual({ matcher: 'toBeSemanticallySimilarTo', pass: true, negated: false, similarity: { threshold: 0.8, similarity: 0.91, model: 'text-embedding-3-small', replayed: false, requests: 1, tokens: 12, cost: 0.00024, latencyMs: 40 } })
    expect(replayed).toMatchObject({ negated: true, similarity: { similarity: 0.42, replayed: true, requests: 0 } })
    expect(missed).toMatchObject({ pass: false, message: 'toBeSemanticallySimilarTo: no similarity was computed', similarity: { error: 'No recorded answer for this LLM request', cassetteMiss: true, cost: null } })
    expect(missed!.similarity).not.toHaveProperty('similarity')
    expect(failed).toMatchObject({ similarity: { requests: 3, error: 'No embedding model gave vectors: 503' } })
    expect(parseResults(JSON.stringify(results))).toEqual(results)
  })

  test('count into the run totals: live and replayed, failures, every request sent, live cost only, and cassette misses', () => {
    expect(results.totals.embeddings).toEqual({ assertions: 4, live: 1, replayed: 1, failures: 2, requests: 4, tokens: 12, cost: 0.00024 })
    expect(results.totals.cassettes.misses).toBe(1)
    expect(buildResults(run([])).totals).not.toHaveProperty('embeddings')
  })

  test('a similarity that is not a finite number (null from a side file) is no similarity, and fails', () => {
    const r = buildResults(run([similar({ similarity: null as unknown as number })]))
    expect(r.files[0]!.tests[0]!.assertions[0]).toMatchObject({ pass: false, similarity: { error: 'the recorded similarity is null, not a finite number' } })
    expect(() => parseResults(JSON.stringify(r))).not.toThrow()
  })

  test('the terminal summary has an embeddings line, and names similarity misses as such', () => {
    const text = terminalSummary(results)!
    expect(text).toContain('assay: embeddings 1 live, 1 replayed, 2 without a similarity; 4 requests, 12 tokens, $0.0002')
    expect(text).toContain('assay: cassette misses 1 under lockdown (1 similarity); record them with ASSAY_CACHE=auto')
  })

  test('the HTML report has an embeddings card, counts their cost, and carries each similarity', () => {
    const html = renderHtml(results)
    expect(html).toContain('<dt>Embeddings live / replayed</dt><dd>1 / 1 <span class="sub">2 without a similarity</span></dd>')
    expect(html).toContain('<dt>Cost</dt><dd>$0.000240')
    expect(embeddedResults(html)).toEqual(results)
  })
})
