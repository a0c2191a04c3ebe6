// The report page's comparison with the previous run, in Debian's Chromium: the decision,
// the table per dataset and the lists of changed cases are shown, the lists open, case ids
// from the data stay text, and the page still loads nothing and runs nothing but its own.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { gateRun, type CaseSpec } from '../../fixtures/report/gate-runs.js'
import { HOSTILE } from '../../fixtures/report/sample-run.js'
import { renderHtml } from '../../reporters/html/render.js'
import { historyEntry } from '../../src/report/history.js'
import { launchChromium, openWatched, type PageActivity } from './browser.js'

let browser: Browser
let page: Page
let activity: PageActivity
let dir: string
let file: string

const cases = (pass: (i: number) => boolean): CaseSpec[] =>
  Array.from({ length: 60 }, (_, i) => ({ id: i < HOSTILE.length ? HOSTILE[i]! : String(i), trials: [pass(i)], scores: [pass(i) ? 8 : 4] }))

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'assay-gate-report-'))
  file = join(dir, 'index.html')
  const before = gateRun({ startedAt: '2026-11-28T09:00:00.000Z', cases: cases((i) => i < 54) })
  const after = gateRun({ startedAt: '2026-11-28T10:00:00.000Z', cases: cases((i) => i >= 15 && i < 54), tests: [{ titles: ['plain'], state: 'passed' }] })
  writeFileSync(file, renderHtml(after, [historyEntry(before), historyEntry(after)]))
  browser = await launchChromium()
  ;({ page, activity } = await openWatched(browser, file))
})
afterAll(async () => {
  await browser?.close()
  rmSync(dir, { recursive: true, force: true })
})

test('the comparison shows the decision and the table per dataset', async () => {
  const section = page.locator('#comparison')
  expect(await section.isVisible()).toBe(true)
  expect(await section.locator('h2').textContent()).toBe('Compared with the previous run (2026-11-28T09:00:00.000Z)')
  expect(await section.locator('.decision').textContent()).toMatch(/^FAIL: summariser pass rate 90\.0% → 65\.0% \(p < 0\.0001\)/)
  const rows = await section.locator('table.cmp tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)))
  expect(rows[0]).toEqual(['summariser', 'pass rate', '60', '90.0%', '65.0%', '−25.0 pts', expect.stringMatching(/^\[−.+ pts\]$/), '<0.0001', 'McNemar exact', 'regressed'])
  expect(rows[1]!.slice(1)).toEqual(['mean score', '60', '7.60', '6.60', '−1.00', expect.any(String), '<0.0001', 'Wilcoxon signed-rank', 'regressed'])
  // Regressed verdicts stand out in the fail colour.
  const colour = await section.locator('td.v-bad').first().evaluate((td) => getComputedStyle(td).color)
  expect(colour).toBe('rgb(192, 38, 45)')
})

test('the regressed cases open on a click, their ids from the data shown as text', async () => {
  const list = page.locator('#comparison details.cmp-list').first()
  expect(await list.locator('summary').textContent()).toBe('Regressed in summariser (15)')
  expect(await list.locator('li').first().isVisible()).toBe(false)
  await list.locator('summary').click()
  expect(await list.locator('li').first().isVisible()).toBe(true)
  const items = await list.locator('li').allTextContents()
  expect(items).toHaveLength(15)
  expect(items[0]).toBe(`summariser #${HOSTILE[0]}: pass → fail`)
})

test('nothing from the data runs, nothing is requested, and the test list still builds', async () => {
  expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined()
  expect(activity.dialogs).toEqual([])
  expect(activity.errors).toEqual([])
  expect(activity.requests).toEqual([`file://${file}`])
  expect(await activity.violations()).toEqual([])
  expect(await page.locator('details.test').count()).toBe(61)
})
