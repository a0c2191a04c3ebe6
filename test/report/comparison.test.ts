import { describe, expect, test } from 'vitest'
import { gateRun, type CaseSpec } from '../../fixtures/report/gate-runs.js'
import { HOSTILE } from '../../fixtures/report/sample-run.js'
import { comparisonSection } from '../../reporters/html/comparison.js'
import { renderHtml } from '../../reporters/html/render.js'
import { historyEntry } from '../../src/report/history.js'

const cases = (n: number, pass: (i: number) => boolean, id = (i: number) => String(i)): CaseSpec[] => Array.from({ length: n }, (_, i) => ({ id: id(i), trials: [pass(i)], scores: [pass(i) ? 8 : 4] }))
const before = gateRun({ startedAt: '2026-11-28T09:00:00.000Z', cases: cases(60, (i) => i < 54) })
const after = gateRun({ startedAt: '2026-11-28T10:00:00.000Z', cases: cases(60, (i) => i >= 15 && i < 54) })

describe('the report page compared with the previous run', () => {
  test('shows the decision, the table per dataset and the changed cases', () => {
    const html = comparisonSection(after, [historyEntry(before), historyEntry(after)])
    expect(html).toContain('<section id="comparison" class="cmp-fail"><h2>Compared with the previous run <span class="t">(2026-11-28T09:00:00.000Z)</span></h2>')
    expect(html).toContain('<p class="decision">FAIL: summariser pass rate 90.0% → 65.0% (p &lt; 0.0001); summariser mean score 7.60 → 6.60 (p &lt; 0.0001)</p>')
    expect(html).toMatch(/<tr><td>summariser<\/td><td>pass rate<\/td><td>60<\/td><td>90\.0%<\/td><td>65\.0%<\/td><td>−25\.0 pts<\/td><td>\[.+\]<\/td><td>&lt;0\.0001<\/td><td>McNemar exact<\/td><td class="v-bad">regressed<\/td><\/tr>/)
    expect(html).toContain('<details class="cmp-list"><summary>Regressed in summariser (15)</summary><ul><li>summariser #0: pass → fail</li>')
    // And the page carries it, after the header.
    const page = renderHtml(after, [historyEntry(before), historyEntry(after)])
    expect(page.indexOf('<section id="comparison"')).toBeGreaterThan(page.indexOf('</header>'))
  })

  test('a dataset of the previous run that did not run fails the comparison, in the fail colour; not in a partial run whose files leave it out', () => {
    const two = gateRun({ startedAt: '2026-11-28T09:00:00.000Z', cases: [...cases(10, () => true), ...cases(10, () => true).map((c) => ({ ...c, dataset: 'beta', file: 'test/b.test.ts' }))] })
    const one = gateRun({ startedAt: '2026-11-28T10:00:00.000Z', cases: cases(10, () => true) })
    const html = comparisonSection(one, [historyEntry(two), historyEntry(one)])
    expect(html).toContain('class="cmp-fail"')
    expect(html).toContain('<p class="decision">FAIL: beta did not run (none of its 10 cases in the reference is in the run)</p>')
    expect(html).toContain('<td class="v-bad">did not run</td>')
    one.run.partialOf = 2
    expect(comparisonSection(one, [historyEntry(two), historyEntry(one)])).toContain('class="cmp-pass"')
  })

  test('a run without change says so, in the pass colour', () => {
    const again = gateRun({ ...before, startedAt: '2026-11-28T11:00:00.000Z', cases: cases(60, (i) => i < 54) })
    expect(comparisonSection(again, [historyEntry(before), historyEntry(again)])).toContain('class="cmp-pass"><h2>Compared with the previous run <span class="t">(2026-11-28T09:00:00.000Z)</span></h2><p class="decision">PASS: no significant change')
  })

  test('without an earlier run, or without a case in common, there is no section', () => {
    expect(comparisonSection(before, [])).toBe('')
    expect(comparisonSection(before, [historyEntry(before)])).toBe('')
    const other = gateRun({ startedAt: '2026-11-28T10:00:00.000Z', cases: cases(5, () => true, (i) => `other-${i}`) })
    expect(comparisonSection(other, [historyEntry(before), historyEntry(other)])).toBe('')
    expect(renderHtml(before, [historyEntry(before)])).not.toContain('id="comparison"')
  })

  test('case ids and dataset names from the data are text, never markup', () => {
    const hostile = (pass: (i: number) => boolean, startedAt: string) => gateRun({ startedAt, cases: cases(HOSTILE.length, pass, (i) => HOSTILE[i]!).map((c) => ({ ...c, dataset: HOSTILE[0] })) })
    const old = hostile(() => true, '2026-11-28T09:00:00.000Z')
    const now = hostile(() => false, '2026-11-28T10:00:00.000Z')
    const html = comparisonSection(now, [historyEntry(old), historyEntry(now)])
    expect(html).toContain('Regressed in &lt;script&gt;')
    for (const h of HOSTILE) if (/[<>"']/.test(h)) expect(html).not.toContain(h)
  })
})
