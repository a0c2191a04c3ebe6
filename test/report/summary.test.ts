import { expect, test } from 'vitest'
import { sampleRun } from '../../fixtures/report/sample-run.js'
import { buildResults } from '../../src/report/build.js'
import type { Results } from '../../src/report/schema.js'
import { githubAnnotations, githubStepSummary, terminalSummary } from '../../src/report/summary.js'

const results = buildResults(sampleRun({ tests: 36 }))

test('the terminal block counts assertions, judge calls, cost, baselines and cassette misses', () => {
  expect(terminalSummary(results, 'assay-report/index.html')).toMatchInlineSnapshot(`
    "assay: 36 LLM assertions, 4 failed
    assay: judge 3 live, 3 replayed; 3 requests, 2280 tokens, $0.0005
    assay: app LLM calls 0 live, 6 replayed; 0 tokens, $0.0000
    assay: baselines 0 written, 0 updated, 1 drifted
    assay: report assay-report/index.html"
  `)
})

test('the terminal block says each fact once: drifted baselines, cassette misses of the judge and of app calls, obsolete and removed entries per file', () => {
  const r = buildResults(sampleRun({ tests: 36 }))
  const app = r.files[0]!.tests.find((t) => t.llmCalls.length)!
  app.llmCalls.push({ url: '/v1/chat/completions', model: 'gpt-4o-mini', replayed: false, status: 424, tokens: null, cost: null, latencyMs: 0, cassetteMiss: true })
  const judged = r.files[0]!.tests.flatMap((t) => t.assertions).find((a) => a.judge)!
  judged.judge = { ...judged.judge!, error: 'no recorded answer', cassetteMiss: true }
  r.files[0]!.stores.push(
    { kind: 'cassette', path: '__llm_cassettes__/a.test.ts.json', obsolete: ['k1', 'k2'], pruned: 0, written: 0, updated: 0 },
    { kind: 'cassette', path: '__llm_cassettes__/b.test.ts.json', obsolete: [], pruned: 3, written: 0, updated: 0 },
    { kind: 'baseline', path: '__llm_baselines__/a.test.ts.json', obsolete: ['x 1'], pruned: 0, written: 2, updated: 0 },
  )
  // The totals, as buildResults would count them from these records.
  r.totals.judge = { ...r.totals.judge, replayed: 2, verdicts: 5, failures: 1 }
  r.totals.appCalls.calls += 1
  r.totals.cassettes = { misses: 2, obsolete: 2, pruned: 3 }
  r.totals.baselines = { ...r.totals.baselines, written: 2, obsolete: 1 }
  expect(terminalSummary(r)).toMatchInlineSnapshot(`
    "assay: 36 LLM assertions, 4 failed
    assay: judge 3 live, 2 replayed, 1 without a verdict; 3 requests, 2280 tokens, $0.0005
    assay: app LLM calls 0 live, 6 replayed, 1 missing from the cassette; 0 tokens, $0.0000
    assay: baselines 2 written, 0 updated, 1 drifted
    assay: cassette misses 2 under lockdown (1 judge verdict, 1 app call); record them with ASSAY_CACHE=auto
    assay: 2 obsolete entries in __llm_cassettes__/a.test.ts.json; run with -u or ASSAY_UPDATE=1 to remove
    assay: removed 3 obsolete entries from __llm_cassettes__/b.test.ts.json
    assay: 1 obsolete entry in __llm_baselines__/a.test.ts.json; run with -u or ASSAY_UPDATE=1 to remove"
  `)
})

test('the terminal block lists obsolete store entries, and is absent when assay did nothing', () => {
  const withStore: Results = structuredClone(results)
  withStore.files[0]!.stores.push({ kind: 'baseline', path: '__llm_baselines__/a.test.ts.json', obsolete: ['x 1', 'y 1'], pruned: 0, written: 0, updated: 0 })
  expect(terminalSummary(withStore)).toContain('assay: 2 obsolete entries in __llm_baselines__/a.test.ts.json; run with -u or ASSAY_UPDATE=1 to remove')
  expect(terminalSummary(withStore)!.match(/obsolete/g)).toHaveLength(1)
  expect(terminalSummary(buildResults({ ...sampleRun({ tests: 0 }), files: [] }))).toBeUndefined()
})

test('annotations point at the assertion and escape what GitHub would misread', () => {
  const r: Results = structuredClone(results)
  const a = r.files[0]!.tests.flatMap((t) => t.assertions).find((x) => !x.pass)!
  a.message = '100% wrong\nsecond line'
  r.files[0]!.path = 'dir,with:odd.test.ts'
  const [first] = githubAnnotations(r)
  expect(first).toMatch(/^::error file=dir%2Cwith%3Aodd\.test\.ts,line=\d+,col=\d+,title=\w+%3A [^:]+::100%25 wrong%0Asecond line$/)
  expect(githubAnnotations(r, 1)).toHaveLength(1)
})

test('the step summary is a table of totals and failed assertions, with pipes, line breaks and HTML escaped', () => {
  const r: Results = structuredClone(results)
  r.files[0]!.tests[3]!.titles = ['a | b', 'c\nd <img src=x>']
  const md = githubStepSummary(r)
  expect(md).toMatchInlineSnapshot(`
    "## assay: ❌ 4 tests failed

    | Tests | Passed | Failed | Skipped | LLM assertions | Failed assertions | Judge live / replayed | Tokens | Cost | Mean judge score |
    | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
    | 36 | 26 | 4 | 6 | 36 | 4 | 3 / 3 | 2280 | $0.0005 | 7.33 (scale 1–10) |

    ### Failed LLM assertions

    | File | Test | Matcher | Why |
    | --- | --- | --- | --- |
    | test/summaries-000.test.ts:30 | a \\| b › c d &lt;img src=x&gt; | toMatchStructuralBaseline | Expected the structure of the output to match baseline, but 2 properties changed. |
    | test/summaries-000.test.ts | summary of article 1 › is short | toBeConcise | words 48 (max 120) |
    | test/summaries-000.test.ts:12 | summary of article 4 › keeps the entities | toPreserveEntities | 1 of 2 kept |
    | test/summaries-000.test.ts:41 | summary of article 5 › scores well | toScoreAtLeast | score 4 vs threshold 7 |
    "
  `)
})
