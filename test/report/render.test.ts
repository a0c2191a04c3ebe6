import { createHash } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { HOSTILE, sampleRun } from '../../fixtures/report/sample-run.js'
import { attr, CONTENT_SECURITY_POLICY, renderHtml, text } from '../../reporters/html/render.js'
import { buildResults } from '../../src/report/build.js'
import { historyEntry } from '../../src/report/history.js'
import { embeddedData, embeddedResults } from './embedded.js'

const sha = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`

describe('escaping', () => {
  test('text() escapes markup and shows bidi controls as visible marks', () => {
    expect(text(`<b a="1" b='2'>&</b>`)).toBe('&lt;b a=&quot;1&quot; b=&#39;2&#39;&gt;&amp;&lt;/b&gt;')
    expect(text('a\u202Eb\u2066c')).toBe('a<span class="cc">U+202E</span>b<span class="cc">U+2066</span>c')
  })
  test('attr() escapes quotes and drops bidi controls', () => {
    expect(attr(`x" onload="y\u202E`)).toBe('x&quot; onload=&quot;y')
  })
})

describe('renderHtml', () => {
  const results = buildResults(sampleRun({ tests: 120, hostile: true }))
  const html = renderHtml(results, [historyEntry(results)])

  test('no hostile string reaches the page as markup', () => {
    for (const h of HOSTILE) if (/[<>"']/.test(h)) expect(html).not.toContain(h)
    // The page has exactly one script, one style, and no element that loads anything.
    expect(html.match(/<script>/g)).toHaveLength(1)
    expect(html.match(/<script type="application\/gzip-base64" id="assay-data">[A-Za-z0-9+/=]+<\/script>/g)).toHaveLength(1)
    expect(html.match(/<style/g)).toHaveLength(1)
    expect(html).not.toMatch(/<(img|iframe|link|svg onload|a href)/i)
    // Strings the server renders (file names in the filter) are escaped the same way.
    const page = renderHtml(buildResults({ ...sampleRun({ tests: 1 }), files: [{ ...sampleRun({ tests: 1 }).files[0]!, path: `/project/${HOSTILE[0]}\u202E.test.ts` }] }))
    expect(page).toContain('&lt;script&gt;window.__pwned = &quot;script&quot;&lt;/script&gt;<span class="cc">U+202E</span>.test.ts</option>')
  })

  test('the Content-Security-Policy allows only the inline style and script, by hash', () => {
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!
    expect(script).toContain('DecompressionStream')
    expect(CONTENT_SECURITY_POLICY).toBe(`default-src 'none'; style-src ${sha(style)}; script-src ${sha(script)}; img-src data:; base-uri 'none'; form-action 'none'`)
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">`)
    // No inline handlers or style attributes, which the policy would block anyway.
    const tags = html.match(/<[a-z][^>]*>/gi) ?? []
    expect(tags.filter((t) => /\s(on[a-z]+|style)=/i.test(t))).toEqual([])
  })

  test('header and filter options are rendered; the tests travel as results.json, gzipped', () => {
    expect(html).toContain('<dt>Failed</dt><dd>')
    for (const m of ['toPreserveEntities', 'toScoreAtLeast', 'toHaveNoInventedNumbers', 'toMatchStructuralBaseline']) expect(html).toContain(`<option value="${m}">`)
    expect(html).toContain('<option value="test/summaries-002.test.ts">')
    expect(embeddedResults(html)).toEqual(results)
  })

  test('each test’s outcomes over earlier runs travel with the page, for tests seen more than once', () => {
    const earlier = historyEntry(results)
    earlier.tests[0]![1] = 'failed'
    const page = renderHtml(results, [earlier, historyEntry(results)])
    const { trend } = embeddedData(page)
    expect(trend[`test/summaries-000.test.ts › ${results.files[0]!.tests[0]!.titles.join(' › ')}`]).toBe('fp')
    expect(Object.keys(trend)).toHaveLength(120)
    expect(embeddedData(renderHtml(results, [historyEntry(results)])).trend).toEqual({})
  })

  test('trend charts plot one point per comparable run, with an axis, min and max labels and the last value', () => {
    const runs = [0.5, 0.75, 1].map((passRate) => ({ ...historyEntry(results), totals: { ...results.totals, passRate } }))
    const page = renderHtml(results, runs)
    const chart = /<div class="chart" id="trend-pass">[\s\S]*?<\/div>/.exec(page)![0]
    expect(chart.match(/<circle/g)).toHaveLength(3)
    expect(chart).toContain('<title>50.0%</title>')
    expect(chart).toContain('<polyline')
    expect(chart).toContain('<path class="axis"')
    expect(chart).toContain('<text class="max" x="48" y="16">100.0%</text>')
    expect(chart).toMatch(/<text class="min" [^>]*>50\.0%<\/text>/)
    expect(chart).toContain('<p>last <b class="last">100.0%</b> · min 50.0% · max 100.0%</p>')
    expect(page).toContain('Trends over the runs of these 3 test files')
  })

  test('a run over other files is not charted with this one', () => {
    const other = historyEntry(results)
    other.run = { ...other.run, scope: ['test/summaries-000.test.ts'] }
    other.totals = { ...other.totals, passRate: 0.1 }
    const page = renderHtml(results, [other, historyEntry(results), historyEntry(results)])
    expect(/<div class="chart" id="trend-pass">[\s\S]*?<\/div>/.exec(page)![0].match(/<circle/g)).toHaveLength(2)
    expect(page).not.toContain('10.0%')
  })

  test('one run says so instead of plotting a lone dot; a chart with no data at all is left out', () => {
    const page = renderHtml(results, [historyEntry(results)])
    expect(page).toMatch(/<div class="chart" id="trend-pass"><h2>Pass rate<\/h2><p class="one">One run so far: <b>[0-9.]+%<\/b><\/p><\/div>/)
    expect(page).not.toContain('<circle')
    expect(renderHtml(results, [])).not.toContain('id="trends"')
    // No judge in the run: no judge score chart.
    const plain = buildResults({ ...sampleRun({ tests: 1 }), files: [{ ...sampleRun({ tests: 1 }).files[0]! }] })
    expect(renderHtml(plain, [historyEntry(plain), historyEntry(plain)])).not.toContain('id="trend-score"')
  })

  test('cards with nothing to say are left out: no judge, no app calls, no baselines', () => {
    const input = sampleRun({ tests: 1 })
    const plain = buildResults(input)
    const page = renderHtml(plain)
    for (const card of ['Judge live / replayed', 'Judge p50 / p95', 'Mean judge score', 'Tokens', 'Cost', 'App LLM calls live / replayed', 'Baselines drifted', 'Cassette misses', 'Skipped']) expect(page).not.toContain(`<dt>${card}</dt>`)
    expect(page).toContain('<dt>LLM assertions</dt><dd>1</dd>')
    expect(page).not.toMatch(/<dd>–/)
    for (const card of ['Judge live / replayed', 'Judge p50 / p95', 'Mean judge score', 'Tokens', 'Cost', 'App LLM calls live / replayed', 'Baselines drifted', 'Skipped']) expect(html).toContain(`<dt>${card}</dt>`)
  })

  test('a partial run says so at the top, with a link to the full run’s report', () => {
    const partial = buildResults(sampleRun({ tests: 1 }))
    partial.run.partialOf = 3
    const page = renderHtml(partial, [], { root: '/project', page: '/project/assay-report/partial', fullReport: '/project/assay-report/index.html' })
    expect(page).toContain(`<p class="partial" id="partial">Partial run: 1 of 3 files. The last full run's report: <a href="../index.html">../index.html</a></p>`)
    expect(html).not.toContain('class="partial"')
  })

  test('the page knows where the test files are, for links to a failed assertion’s line', () => {
    const page = renderHtml(results, [], { root: '/home/me/project', page: '/home/me/project/assay-report' })
    expect(embeddedData(page)).toMatchObject({ links: { root: '/home/me/project', fromPage: '..' } })
    expect(embeddedData(html)).toMatchObject({ links: null })
  })

  test('flaky tests travel with the page: outcome flips since the test file last changed, two or more', () => {
    const [a, b] = [results.files[0]!.tests[0]!, results.files[0]!.tests[1]!]
    const key = (t: typeof a) => `test/summaries-000.test.ts › ${t.titles.join(' › ')}`
    const at = (states: Record<string, 'passed' | 'failed'>) => {
      const e = historyEntry(results)
      e.tests = e.tests.map(([k, s, x]) => [k, states[k] ?? s, x])
      return e
    }
    // a: pass, fail, pass (flaky); b: fail, pass, pass (fixed once, not flaky).
    const page = renderHtml(results, [at({ [key(a)]: 'passed', [key(b)]: 'failed' }), at({ [key(a)]: 'failed', [key(b)]: 'passed' }), at({ [key(a)]: 'passed', [key(b)]: 'passed' })])
    const { flaky, trend } = embeddedData(page) as unknown as { flaky: Record<string, number>; trend: Record<string, string> }
    expect(trend[key(a)]).toBe('pfp')
    expect(trend[key(b)]).toBe('fpp')
    expect(flaky).toEqual({ [key(a)]: 2 })
  })

  test('the cost tile says what replay saved', () => {
    expect(html).toMatch(/<dt>Cost<\/dt><dd>\$[0-9.]+ <span class="sub">\$[0-9.]+ saved by replay<\/span><\/dd>/)
  })
})
