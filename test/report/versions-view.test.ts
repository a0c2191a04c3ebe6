// The report page's prompt versions view: a dataset run with several versions, side by side.
import { describe, expect, test } from 'vitest'
import { HOSTILE } from '../../fixtures/report/sample-run.js'
import { renderHtml } from '../../reporters/html/render.js'
import { buildResults, type RunInput, type TestInput } from '../../src/report/build.js'
import type { EvalCaseRecord } from '../../src/report/records.js'

const prompt = (version: string) => ({ name: 'summarizer', version, hash: `hash-${version}` })
function caseTest(dataset: string, version: string, id: string, passes: boolean[], latencyMs = 100): TestInput {
  const record: EvalCaseRecord = {
    kind: 'eval-case',
    thresholds: { passRate: 0.1 },
    case: {
      dataset,
      id,
      input: '{}',
      trials: passes.map((pass, trial) => ({ trial, pass, score: pass ? 8 : 4, scale: [1, 10], output: 'out', cost: 0.001, latencyMs, ...(pass ? {} : { error: 'failed' }) })),
      passRate: passes.filter(Boolean).length / passes.length,
      flaky: passes.some(Boolean) && !passes.every(Boolean),
      prompt: prompt(version),
    },
  }
  return { titles: [dataset, `summarizer@${version}`, id], state: 'passed', durationMs: 1, errors: [], records: [record] }
}
const run = (tests: TestInput[]): RunInput => ({ runner: 'vitest', root: '/p', startedAt: new Date('2026-11-28T09:00:00.000Z'), durationMs: 10, status: 'passed', errors: [], files: [{ path: '/p/evals/sum.test.ts', durationMs: 1, errors: [], records: [], tests }] })

const section = (html: string) => /<section id="versions">[\s\S]*?<\/section>/.exec(html)?.[0]

describe('the prompt versions view', () => {
  test('shows each version side by side, oldest first, with pass rate and interval, mean score, cost, p95 latency, the gate verdict per step and per-case pass rates', () => {
    const ids = Array.from({ length: 30 }, (_, i) => `c${i}`)
    const html = renderHtml(
      buildResults(
        run([
          ...ids.map((id, i) => caseTest('news', 'v10', id, [i < 29], 300)),
          ...ids.map((id, i) => caseTest('news', 'v2', id, [i < 10], 100)),
        ]),
      ),
    )
    const view = section(html)!
    expect(view).toContain('<h2>Prompt versions</h2><article class="versions-dataset"><h3>news — prompt summarizer <span class="t">evals/sum.test.ts</span></h3>')
    // v2 before v10: the registry's natural order, not the order they ran in.
    expect(view).toContain('<thead><tr><th></th><th scope="col" title="sha256 hash-v2">v2</th><th scope="col" title="sha256 hash-v10">v10</th></tr></thead>')
    expect(view).toMatch(/<th scope="row">Pass rate<\/th><td>33\.3% \(95% CI 19\.2%–51\.2%\), 10\/30<\/td><td>96\.7% \(95% CI 83\.3%–99\.4%\), 29\/30<\/td>/)
    expect(view).toMatch(/<th scope="row">Mean score<\/th><td>5\.33 \(95% CI [\d.]+–[\d.]+\) on 1–10<\/td><td>7\.87 \(95% CI [\d.]+–[\d.]+\) on 1–10<\/td>/)
    expect(view).toContain('<th scope="row">Cost</th><td>$0.0300</td><td>$0.0300</td>')
    expect(view).toContain('<th scope="row">p95 latency</th><td>100 ms</td><td>300 ms</td>')
    expect(view).toMatch(/news: summarizer v2 → v10: better \(pass rate 33\.3% → 96\.7%, p &lt; 0\.0001;/)
    expect(view).toContain('<summary>Pass rate per case (30)</summary>')
    expect(view).toContain('<tr><th scope="row">c10</th><td class="v-bad">0.0%</td><td class="v-good">100.0%</td></tr>')
  })

  test('absent when no dataset ran two versions', () => {
    expect(section(renderHtml(buildResults(run([caseTest('news', 'v1', 'a', [true])]))))).toBeUndefined()
  })

  test('hostile dataset names, case ids and versions are escaped', () => {
    const html = renderHtml(buildResults(run(HOSTILE.flatMap((h, i) => [caseTest(h, `v1${h}`, `${h}-${i}`, [true]), caseTest(h, `v2${h}`, `${h}-${i}`, [false])]))))
    const view = section(html)!
    for (const h of HOSTILE) if (/[<>"']/.test(h)) expect(view).not.toContain(h)
    expect(view.match(/<script/g)).toBeNull()
    const tags = view.match(/<[a-z][^>]*>/gi) ?? []
    expect(new Set(tags.map((t) => /^<([a-z0-9]+)/i.exec(t)![1]))).toEqual(new Set(['section', 'h2', 'article', 'h3', 'span', 'table', 'thead', 'tr', 'th', 'tbody', 'td', 'p', 'details', 'summary']))
  })
})
