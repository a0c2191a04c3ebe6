// A verdict the semantic cache reused is marked in results.json and the HTML report.
import { expect, test } from 'vitest'
import { buildResults, type RunInput } from '../../src/report/build.js'
import type { JudgeRecord } from '../../src/report/records.js'
import { judgeRecord } from '../helpers.js'
import { parseResults } from '../../src/report/schema.js'
import { renderHtml } from '../../reporters/html/render.js'
import { SCRIPT } from '../../reporters/html/client.js'
import { terminalSummary } from '../../src/report/summary.js'
import { embeddedResults } from './embedded.js'

const hostile = '<img src=x onerror="window.__pwned=1">Refund approved'
const reused = judgeRecord({
  criteria: { accuracy: { description: 'Accurate.', score: 9, reasoning: 'Fine.' } },
  replayed: true,
  requests: 0,
  reusedFrom: { output: hostile, similarity: 0.985, key: '0123456789abcdef0123456789abcdef' },
})
const run = (records: JudgeRecord[]): RunInput => ({
  runner: 'vitest',
  root: '/p',
  startedAt: new Date('2026-01-02T03:04:05.000Z'),
  durationMs: 10,
  status: 'passed',
  errors: [],
  files: [{ path: '/p/a.test.ts', durationMs: 5, errors: [], tests: [{ titles: ['a', 'reuses'], state: 'passed', durationMs: 1, errors: [], records }], records: [] }],
})

test('results.json records the output a verdict was reused from, its similarity and key, and reads it back', () => {
  const r = buildResults(run([reused, { ...reused, verdict: { ...reused.verdict!, reusedFrom: undefined } }]))
  const [first, second] = r.files[0]!.tests[0]!.assertions
  expect(first!.judge!.reusedFrom).toEqual({ output: hostile, similarity: 0.985, key: '0123456789abcdef0123456789abcdef' })
  expect(second!.judge).not.toHaveProperty('reusedFrom')
  expect(parseResults(JSON.stringify(r))).toEqual(r)
})

test('the report carries the mark, shows it through text nodes only, and no output reaches the page as markup', () => {
  const html = renderHtml(buildResults(run([reused])))
  expect(html).not.toContain(hostile)
  expect(html).not.toContain('<img')
  expect(JSON.stringify(embeddedResults(html))).toContain('"reusedFrom"')
  // The page's script puts the earlier output into a <pre> as text, as it does every string.
  expect(SCRIPT).toContain("add(d, 'pre', 'reused-from', j.reusedFrom.output)")
  expect(SCRIPT).toMatch(/add\(d, 'p', 'reused', 'Verdict reused by the semantic cache from a near-duplicate output \(similarity ' \+ j\.reusedFrom\.similarity\.toFixed\(3\)/)
})

test('the terminal summary counts the reused verdicts among the replayed ones', () => {
  const plain = { ...reused, verdict: { ...reused.verdict!, reusedFrom: undefined } }
  expect(terminalSummary(buildResults(run([reused, reused, plain])))).toContain('assay: judge 0 live, 3 replayed (2 reused from near-duplicate outputs by the semantic cache); 0 requests')
  expect(terminalSummary(buildResults(run([plain])))).toContain('assay: judge 0 live, 1 replayed; 0 requests')
})

// The cache's own look-ups: an embedding per output it had to place, live or replayed.
const lookup = { replayed: false, requests: 1, tokens: 20, cost: 0.0004 }
const costed: JudgeRecord = { ...reused, verdict: { ...reused.verdict!, reusedFrom: { ...reused.verdict!.reusedFrom!, calls: 2 }, semanticCache: lookup } }
const fresh: JudgeRecord = { ...reused, verdict: { ...reused.verdict!, replayed: false, requests: 1, reusedFrom: undefined, semanticCache: lookup } }
const failedAfterLookup: JudgeRecord = { kind: 'judge', matcher: 'toScoreAtLeast', pass: false, negated: false, threshold: 7, every: false, error: 'no verdict', requests: 2, semanticCache: { replayed: true, requests: 0, tokens: 0, cost: 0 } }

test("results.json gives each assertion the semantic cache's look-up spend, and the totals what the cache cost and saved", () => {
  const r = buildResults(run([costed, fresh, failedAfterLookup, { ...reused, verdict: { ...reused.verdict!, reusedFrom: undefined } }]))
  const [a, b, c, d] = r.files[0]!.tests[0]!.assertions
  expect(a!.judge).toMatchObject({ semanticCache: lookup, reusedFrom: { calls: 2 } })
  expect(b!.judge!.semanticCache).toEqual(lookup)
  expect(c!.judge!.semanticCache).toEqual({ replayed: true, requests: 0, tokens: 0, cost: 0 })
  // A verdict the cassette could not record is a failure that keeps the verdict; its look-up is the record's.
  const unrecorded = buildResults(run([{ ...failedAfterLookup, verdict: { ...fresh.verdict!, semanticCache: undefined }, semanticCache: lookup }])).files[0]!.tests[0]!.assertions[0]!
  expect(unrecorded.judge!.semanticCache).toEqual(lookup)
  expect(d!.judge).not.toHaveProperty('semanticCache')
  // The judge's own figures are untouched: the look-ups are counted apart, in full.
  expect(r.totals.judge).toMatchObject({ requests: 3, cost: 0.01 })
  expect(r.totals.judge.semanticCache).toEqual({ lookups: 3, requests: 2, tokens: 40, cost: 0.0008, reused: 1, callsSaved: 2, saved: 0.01 })
  expect(parseResults(JSON.stringify(r))).toEqual(r)
  expect(buildResults(run([{ ...reused, verdict: { ...reused.verdict!, reusedFrom: undefined } }])).totals.judge).not.toHaveProperty('semanticCache')
})

test('a reuse recorded without its call count (an older record) counts as one call saved', () => {
  expect(buildResults(run([reused])).totals.judge.semanticCache).toEqual({ lookups: 0, requests: 0, tokens: 0, cost: 0, reused: 1, callsSaved: 1, saved: 0.01 })
})

test("the terminal summary and the report's cost show what the cache cost and saved", () => {
  const r = buildResults(run([costed, fresh]))
  expect(terminalSummary(r)).toContain('assay: semantic cache 2 look-ups, 2 embedding requests, 40 tokens, $0.0008; 1 verdict reused, 2 judge calls saved ($0.0100)')
  expect(terminalSummary(buildResults(run([{ ...reused, verdict: { ...reused.verdict!, reusedFrom: undefined } }])))).not.toContain('semantic cache')
  const html = renderHtml(r)
  // The cost tile counts the look-ups in the run's cost ($0.01 judged live + $0.0008), and says what the cache cost and saved.
  expect(html).toContain('<dt>Cost</dt><dd>$0.0108')
  expect(html).toContain('<span class="sub">semantic cache $0.000800, 2 judge calls saved</span>')
  expect(html).toContain('<dt>Tokens</dt><dd>140</dd>')
  expect(SCRIPT).toContain("'semantic cache look-up '")
})
