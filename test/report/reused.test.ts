// A verdict the semantic cache reused is marked in results.json and the HTML report.
import { expect, test } from 'vitest'
import { buildResults, type RunInput } from '../../src/report/build.js'
import type { JudgeRecord } from '../../src/report/records.js'
import { parseResults } from '../../src/report/schema.js'
import { renderHtml } from '../../reporters/html/render.js'
import { SCRIPT } from '../../reporters/html/client.js'
import { terminalSummary } from '../../src/report/summary.js'
import { embeddedResults } from './embedded.js'

const hostile = '<img src=x onerror="window.__pwned=1">Refund approved'
const reused: JudgeRecord = {
  kind: 'judge',
  matcher: 'toScoreAtLeast',
  pass: true,
  negated: false,
  threshold: 7,
  every: false,
  verdict: {
    overall: 9,
    criteria: { accuracy: { description: 'Accurate.', score: 9, reasoning: 'Fine.' } },
    scale: [1, 10],
    samples: [9],
    spread: 0,
    model: 'gpt-4o-mini',
    judge: 0,
    replayed: true,
    requests: 0,
    weighted: false,
    usage: { prompt_tokens: 90, completion_tokens: 10, total_tokens: 100 },
    cost: 0.01,
    latencyMs: 5,
    reusedFrom: { output: hostile, similarity: 0.985, key: '0123456789abcdef0123456789abcdef' },
  },
}
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
