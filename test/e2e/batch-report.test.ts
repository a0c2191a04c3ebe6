// The HTML report of a run that replayed a Batch API batch, in real headless Chromium: the
// batch's answers, its cost and what it saved against the live price.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { renderHtml } from '../../reporters/html/render.js'
import { buildResults, type RunInput } from '../../src/report/build.js'
import { launchChromium, openWatched } from './browser.js'

let browser: Browser
let dir: string
beforeAll(async () => {
  browser = await launchChromium()
  dir = mkdtempSync(join(tmpdir(), 'assay-batch-report-'))
})
afterAll(async () => {
  await browser?.close()
  rmSync(dir, { recursive: true, force: true })
})

const run = (batch: RunInput['batch']): RunInput => ({
  runner: 'vitest',
  root: dir,
  startedAt: new Date('2026-01-02T03:04:05.000Z'),
  durationMs: 10,
  status: 'passed',
  errors: [],
  files: [{ path: join(dir, 'a.test.ts'), durationMs: 5, errors: [], records: [], tests: [{ titles: ['judged'], state: 'passed', durationMs: 1, errors: [], records: [] }] }],
  batch,
})

async function tiles(batch: RunInput['batch']): Promise<string> {
  const file = join(dir, 'index.html')
  writeFileSync(file, renderHtml(buildResults(run(batch))))
  const { page, activity } = await openWatched(browser, file)
  const text = (await page.locator('dl.tiles').textContent()) ?? ''
  expect(activity.errors).toEqual([])
  await page.close()
  return text
}

test('the run that replayed a batch shows its answers, its cost and the saving; an unpriced batch shows the count alone', async () => {
  expect(await tiles({ requests: 3, cost: 0.0005, liveCost: 0.001, saved: 0.0005 })).toContain('Batch API3 answers · $0.000500 instead of $0.001000 live: $0.000500 saved')
  const unpriced = await tiles({ requests: 2, cost: null, liveCost: null, saved: null })
  expect(unpriced).toContain('Batch API2 answers')
  expect(unpriced).not.toContain('saved')
})

test('a run that replayed no batch has no batch tile', async () => {
  const previous = process.env.ASSAY_BATCH_SAVING
  delete process.env.ASSAY_BATCH_SAVING
  try {
    expect(await tiles(undefined)).not.toContain('Batch API')
  } finally {
    if (previous !== undefined) process.env.ASSAY_BATCH_SAVING = previous
  }
})
