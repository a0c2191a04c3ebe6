// A verdict the semantic judge cache reused, in the HTML report in real headless Chromium:
// marked with the earlier output, its similarity and key, shown as text, never as markup.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { Browser } from 'playwright-core'
import { renderHtml } from '../../reporters/html/render.js'
import { buildResults, type RunInput } from '../../src/report/build.js'
import type { JudgeRecord } from '../../src/report/records.js'
import { judgeRecord } from '../helpers.js'
import { launchChromium, openWatched } from './browser.js'

const hostile = '<img src=x onerror="window.__pwned=1">Your refund of $40 was approved.'
const verdict = (reusedFrom?: { output: string; similarity: number; key: string }): JudgeRecord =>
  judgeRecord({
    criteria: { accuracy: { description: 'Accurate.', score: 9, reasoning: 'Matches the ticket.' } },
    replayed: reusedFrom !== undefined,
    requests: reusedFrom ? 0 : 1,
    ...(reusedFrom ? { reusedFrom } : {}),
    semanticCache: { replayed: false, requests: 1, tokens: 12, cost: 0.00024 },
  })
const run: RunInput = {
  runner: 'vitest',
  root: '/p',
  startedAt: new Date('2026-01-02T03:04:05.000Z'),
  durationMs: 10,
  status: 'passed',
  errors: [],
  files: [
    {
      path: '/p/support.test.ts',
      durationMs: 5,
      errors: [],
      records: [],
      tests: [
        { titles: ['support', 'judged'], state: 'passed', durationMs: 1, errors: [], records: [verdict()] },
        { titles: ['support', 'reused'], state: 'passed', durationMs: 1, errors: [], records: [verdict({ output: hostile, similarity: 0.9853, key: '0123456789abcdef0123456789abcdef' })] },
      ],
    },
  ],
}

let browser: Browser
let dir: string
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'assay-semantic-report-'))
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
  rmSync(dir, { recursive: true, force: true })
})

test('the reused verdict names the output it came from, as text; the judged one says nothing of reuse', async () => {
  const file = join(dir, 'index.html')
  writeFileSync(file, renderHtml(buildResults(run)))
  const { page, activity } = await openWatched(browser, file)
  await page.click('#expand')
  const [judged, reused] = await page.locator('details.test').all()
  expect(await reused!.locator('p.reused').textContent()).toBe('Verdict reused by the semantic cache from a near-duplicate output (similarity 0.985, cassette key 0123456789abcdef0123456789abcdef):')
  expect(await reused!.locator('pre.reused-from').textContent()).toBe(hostile)
  expect(await judged!.locator('.reused').count()).toBe(0)
  // Each verdict shows what the cache's look-up of its output cost.
  for (const t of [judged!, reused!]) expect(await t.locator('p.lookup').textContent()).toBe('semantic cache look-up live, 1 request · 12 tokens · $0.000240')
  expect(await page.locator('img').count()).toBe(0)
  expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined()
  expect(activity.requests).toEqual([`file://${file}`])
  expect(await activity.violations()).toEqual([])
  expect(activity.errors).toEqual([])
})
