import { afterEach, describe, expect, test } from 'vitest'
import { buildResults, type RunInput } from '../../src/report/build.js'
import type { AssayRecord, FaithfulnessRecord } from '../../src/report/records.js'
import { judgeRecord } from '../helpers.js'
import { parseResults } from '../../src/report/schema.js'
import { githubStepSummary } from '../../src/report/summary.js'
import { flushReports, formatSummary, reportTo, startCoordinator, type Coordinator } from '../../src/judge/coordinator.js'
import type { Faithfulness } from '../../src/judge/faithfulness.js'

const call = (replayed: boolean) => ({ model: 'gpt-4o-mini', judge: 0, replayed, requests: replayed ? 0 : 1, usage: { prompt_tokens: 90, completion_tokens: 10, total_tokens: 100 }, cost: 0.01, latencyMs: 250 })
const checked = (replayed: boolean, verdicts: Faithfulness['claims'][number]['verdict'][]): Faithfulness => ({
  claims: verdicts.map((verdict, i) => ({ claim: `Claim ${i} <img src=x onerror=alert(1)>`, verdict, reason: `Reason ${i}` })),
  ...call(replayed),
})
const faithful = (v: Faithfulness | undefined, extra: Partial<FaithfulnessRecord> = {}): FaithfulnessRecord => ({ kind: 'faithfulness', matcher: 'toBeFaithfulTo', pass: true, negated: false, ...(v ? { verdict: v } : { error: 'no verdict' }), ...extra })
const scored = judgeRecord({ overall: 8, criteria: { accuracy: { description: 'Accurate.', score: 8, reasoning: 'Fine.' } }, samples: [8], ...call(true) })

const run = (records: AssayRecord[]): RunInput => ({
  runner: 'vitest',
  root: '/p',
  startedAt: new Date('2026-01-02T03:04:05.000Z'),
  durationMs: 10,
  status: 'failed',
  errors: [],
  files: [{ path: '/p/a.test.ts', durationMs: 5, errors: [], tests: [{ titles: ['a'], state: 'failed', durationMs: 1, errors: [], records }], records: [] }],
})

describe('faithfulness records in results.json', () => {
  test('each assertion keeps its claims with their verdicts and reasons, and the judge call', () => {
    const r = parseResults(JSON.stringify(buildResults(run([faithful(checked(false, ['supported', 'contradicted', 'unsupported']), { pass: false, message: 'Expected every claim…', location: { line: 3, column: 5 } })]))))
    expect(r.files[0]!.tests[0]!.assertions[0]).toEqual({
      matcher: 'toBeFaithfulTo',
      pass: false,
      negated: false,
      message: 'Expected every claim…',
      location: { line: 3, column: 5 },
      faithfulness: {
        claims: [
          { claim: 'Claim 0 <img src=x onerror=alert(1)>', verdict: 'supported', reason: 'Reason 0' },
          { claim: 'Claim 1 <img src=x onerror=alert(1)>', verdict: 'contradicted', reason: 'Reason 1' },
          { claim: 'Claim 2 <img src=x onerror=alert(1)>', verdict: 'unsupported', reason: 'Reason 2' },
        ],
        model: 'gpt-4o-mini',
        fallback: 0,
        replayed: false,
        requests: 1,
        tokens: 100,
        cost: 0.01,
        latencyMs: 250,
      },
    })
  })

  test('a check without a verdict keeps its error, the requests it sent and a cassette miss', () => {
    const r = buildResults(run([faithful(undefined, { pass: false, error: 'The judge refused to check the claims: no.', requests: 2, cassetteMiss: true })]))
    expect(r.files[0]!.tests[0]!.assertions[0]!.faithfulness).toEqual({ claims: [], replayed: false, requests: 2, tokens: 0, cost: null, latencyMs: 0, error: 'The judge refused to check the claims: no.', cassetteMiss: true })
    expect(parseResults(JSON.stringify(r)).files[0]!.tests[0]!.assertions[0]!.faithfulness!.error).toContain('refused')
  })

  test('a verdict word outside the three is not valid results.json', () => {
    const r = buildResults(run([faithful(checked(true, ['supported']))]))
    ;(r.files[0]!.tests[0]!.assertions[0]!.faithfulness!.claims[0] as { verdict: string }).verdict = 'partly'
    expect(() => parseResults(JSON.stringify(r))).toThrow(/verdict/)
  })

  test("faithfulness checks count in the judge's totals (live, replayed, failures, requests, cost, saved, misses), not in the mean score", () => {
    const r = buildResults(run([scored, faithful(checked(false, ['supported'])), faithful(checked(true, ['supported'])), faithful(undefined, { pass: false, requests: 3, cassetteMiss: true })]))
    expect(r.totals.judge).toMatchObject({ verdicts: 3, live: 1, replayed: 2, failures: 1, requests: 4, tokens: 100, cost: 0.01, saved: 0.02, meanScore: { value: 8, scale: [1, 10] } })
    expect(r.totals.cassettes.misses).toBe(1)
    // Without any score, there is no mean score, and the checks still count.
    expect(buildResults(run([faithful(checked(false, ['supported']))])).totals.judge).toMatchObject({ verdicts: 1, live: 1, meanScore: null })
  })

  test("the step summary says why a check without a verdict failed", () => {
    const r = buildResults(run([faithful(undefined, { pass: false, error: 'The judge refused to check the claims: no.', message: 'toBeFaithfulTo: the judge gave no verdict, so the assertion cannot pass.' })]))
    expect(githubStepSummary(r)).toContain('| toBeFaithfulTo | The judge refused to check the claims: no. |')
  })
})

describe('the end-of-run summary', () => {
  let coordinator: Coordinator | undefined
  afterEach(async () => {
    await coordinator?.close()
    coordinator = undefined
  })

  test('counts faithfulness checks as judge verdicts, and the requests of those that failed', async () => {
    coordinator = await startCoordinator()
    reportTo(coordinator.url, faithful(checked(false, ['supported'])))
    reportTo(coordinator.url, faithful(checked(true, ['contradicted']), { pass: false }))
    reportTo(coordinator.url, faithful(undefined, { pass: false, requests: 2 }))
    await flushReports()
    expect(formatSummary(coordinator.summary())).toBe('assay: 2 judge verdicts (1 live, 1 replayed), 1 without a verdict; 3 requests, 100 tokens, $0.0100')
  })
})
