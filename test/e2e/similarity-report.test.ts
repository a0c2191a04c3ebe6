// The HTML report's view of similarity assertions, in real headless Chromium: the similarity
// against its threshold, the badge of a collapsed row, and a failure's cause, with hostile
// text shown as text.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { renderHtml } from '../../reporters/html/render.js'
import { buildResults } from '../../src/report/build.js'
import type { SimilarityRecord } from '../../src/report/records.js'
import { launchChromium, openWatched } from './browser.js'

let browser: Browser
let dir: string
beforeAll(async () => {
  browser = await launchChromium()
  dir = mkdtempSync(join(tmpdir(), 'assay-similarity-report-'))
})
afterAll(async () => {
  await browser?.close()
  rmSync(dir, { recursive: true, force: true })
})

const HOSTILE = '<img src=x onerror="window.__pwned=1">'
const record = (extra: Partial<SimilarityRecord>): SimilarityRecord => ({ kind: 'similarity', matcher: 'toBeSemanticallySimilarTo', pass: true, negated: false, threshold: 0.8, model: 'text-embedding-3-small', similarity: 0.9449, replayed: false, requests: 1, tokens: 13, cost: 0.00026, latencyMs: 42, ...extra })

test('each similarity is shown against its threshold, a missing one with its cause, and the collapsed row has badges', async () => {
  const results = buildResults({
    runner: 'vitest',
    root: dir,
    startedAt: new Date('2026-01-02T03:04:05.000Z'),
    durationMs: 10,
    status: 'failed',
    errors: [],
    files: [
      {
        path: join(dir, 'a.test.ts'),
        durationMs: 5,
        errors: [],
        records: [],
        tests: [
          { titles: ['paraphrase'], state: 'passed', durationMs: 1, errors: [], records: [record({}), record({ negated: true, similarity: 0.2236, replayed: true, requests: 0, tokens: 0, cost: 0 })] },
          { titles: ['unrecorded'], state: 'failed', durationMs: 1, errors: [], records: [record({ pass: false, similarity: undefined, model: HOSTILE, error: `No recorded answer ${HOSTILE}`, cassetteMiss: true, message: `toBeSemanticallySimilarTo: no similarity was computed ${HOSTILE}` })] },
        ],
      },
    ],
  })
  const file = join(dir, 'index.html')
  writeFileSync(file, renderHtml(results))
  const { page, activity } = await openWatched(browser, file)
  const row = (name: string) => page.locator('details.test', { has: page.locator(`summary:has-text("${name}")`) })
  expect(await row('paraphrase').locator('summary .mb').allTextContents()).toEqual(['toBeSemanticallySimilarTo 0.94 / ≥0.8', 'not.toBeSemanticallySimilarTo 0.22 / <0.8'])
  expect(await row('unrecorded').locator('summary .mb.fail').textContent()).toBe('✗ toBeSemanticallySimilarTo no similarity')
  await page.click('#expand')
  const shown = await row('paraphrase').textContent()
  expect(shown).toContain('0.9449')
  expect(shown).toContain('similarity, threshold 0.8 · model text-embedding-3-small · live, 1 request · 13 tokens · $0.000260')
  expect(shown).toContain('replayed')
  expect(await row('paraphrase').locator('meter').first().getAttribute('value')).toBe('0.9449')
  const missing = await row('unrecorded').textContent()
  expect(missing).toContain('No similarity (no recorded vector in the cassette):')
  expect(missing).toContain(`No recorded answer ${HOSTILE}`)
  expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined()
  expect(activity.requests).toEqual([`file://${file}`])
  expect(await activity.violations()).toEqual([])
  expect(activity.errors).toEqual([])
  expect(await page.locator('dl.tiles').textContent()).toContain('Embeddings live / replayed1 / 1 1 without a similarity')
  await page.close()
})
