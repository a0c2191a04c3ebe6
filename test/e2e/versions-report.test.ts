// The report page's prompt versions view, in Debian's Chromium: a dataset's versions side
// by side, the per-case table opening on a click, case ids and version names from the data
// shown as text, and the page still loading nothing and running nothing but its own.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { gateRun, type CaseSpec } from '../../fixtures/report/gate-runs.js'
import { HOSTILE } from '../../fixtures/report/sample-run.js'
import { renderHtml } from '../../reporters/html/render.js'
import { summarizeDataset } from '../../src/eval/aggregate.js'
import { launchChromium, openWatched, type PageActivity } from './browser.js'

let browser: Browser
let page: Page
let activity: PageActivity
let dir: string
let file: string

const version = (v: string, pass: (i: number) => boolean): CaseSpec[] =>
  Array.from({ length: 40 }, (_, i) => ({ id: i < HOSTILE.length ? HOSTILE[i]! : String(i), trials: [pass(i)], scores: [pass(i) ? 8 : 4], prompt: { name: 'summarizer', version: v, hash: `hash-${v}` } }))

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'assay-versions-report-'))
  file = join(dir, 'index.html')
  const run = gateRun({ cases: [...version('v1', (i) => i < 20), ...version(`v2${HOSTILE[0]}`, (i) => i < 38)] })
  // The datasets entries a run writes: one per version, summed up from its cases.
  const tests = run.files[0]!.tests
  run.datasets = ['v1', `v2${HOSTILE[0]}`].map((v) => {
    const cases = tests.flatMap((t) => (t.eval?.prompt?.version === v ? [t.eval] : []))
    return summarizeDataset({ name: 'summariser', file: run.files[0]!.path, prompt: cases[0]!.prompt, cases, thresholds: { passRate: 0.5 } })
  })
  writeFileSync(file, renderHtml(run, []))
  browser = await launchChromium()
  ;({ page, activity } = await openWatched(browser, file))
})
afterAll(async () => {
  await browser?.close()
  rmSync(dir, { recursive: true, force: true })
})

test('the versions of a dataset are shown side by side, with the verdict of the newer one', async () => {
  const section = page.locator('#versions')
  expect(await section.isVisible()).toBe(true)
  expect(await section.locator('h3').textContent()).toBe('summariser — prompt summarizer test/evals.test.ts')
  expect(await section.locator('table.versions thead th').allTextContents()).toEqual(['', 'v1', `v2${HOSTILE[0]}`])
  const rows = await section.locator('table.versions tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.querySelector('th')!.textContent, ...[...tr.querySelectorAll('td')].map((td) => td.textContent)]))
  expect(rows.map((r) => r[0])).toEqual(['Cases', 'Pass rate', 'Mean score', 'Cost', 'p95 latency', 'Gates', 'Status'])
  expect(rows[1]).toEqual(['Pass rate', expect.stringMatching(/^50\.0% \(95% CI [\d.]+%–[\d.]+%\), 20\/40$/), expect.stringMatching(/^95\.0% \(95% CI [\d.]+%–[\d.]+%\), 38\/40$/)])
  expect(rows[5]).toEqual(['Gates', 'passRate failed', 'passRate passed'])
  expect(await section.locator('p.method').first().textContent()).toMatch(new RegExp(`^summariser: summarizer v1 → v2.+: better \\(pass rate 50\\.0% → 95\\.0%, p < 0\\.0001;`))
})

test('the per-case table opens on a click, its ids from the data shown as text, failing cells in the fail colour', async () => {
  const details = page.locator('#versions details.cmp-list')
  expect(await details.locator('summary').textContent()).toBe('Pass rate per case (40)')
  expect(await details.locator('table').isVisible()).toBe(false)
  await details.locator('summary').click()
  expect(await details.locator('table').isVisible()).toBe(true)
  const first = await details.locator('tbody tr').first().evaluate((tr) => [...tr.children].map((c) => c.textContent))
  expect(first).toEqual([HOSTILE[0], '100.0%', '100.0%'])
  const failing = details.locator('tbody tr').nth(25).locator('td').first()
  expect(await failing.textContent()).toBe('0.0%')
  expect(await failing.evaluate((td) => getComputedStyle(td).color)).toBe('rgb(192, 38, 45)')
})

test('nothing from the data runs, and nothing is requested', async () => {
  expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined()
  expect(activity.dialogs).toEqual([])
  expect(activity.errors).toEqual([])
  expect(activity.requests).toEqual([`file://${file}`])
  expect(await activity.violations()).toEqual([])
})
