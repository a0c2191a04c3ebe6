// The report for 5,000 tests with judge details: time to build results.json and write
// every output (results.json, history, index.html) with a full history of 50 runs, the
// size of the page, and the time
// until the page is interactive in Debian's Chromium. Goals: ≤ 1.5 s to generate and
// ≤ 5 MB of HTML. Each figure is the median of five (generation) or three (page) runs.
import { mkdirSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import { sampleRun } from '../dist/esm/fixtures/report/sample-run.js'
import { buildResults } from '../dist/esm/src/report/build.js'
import { writeReport } from '../dist/esm/reporters/output.js'

const root = join(import.meta.dirname, '..')
const dir = join(root, '.tmp', 'bench-report')
const TESTS = 5000
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
rmSync(dir, { recursive: true, force: true })
mkdirSync(dir, { recursive: true })

const input = sampleRun({ tests: TESTS, perFile: 50, root: dir, judgeAll: true })
// Steady state: a full history of 50 earlier runs to read, trim and chart.
for (let i = 0; i < 50; i++) {
  input.startedAt = new Date(Date.UTC(2026, 0, 1, 0, i))
  writeReport(buildResults(input), dir, { outputDir: 'report', html: false, summary: false }, () => {})
}
input.startedAt = new Date(Date.UTC(2026, 0, 2))
const times = []
let written
for (let i = 0; i < 5; i++) {
  const started = performance.now()
  const results = buildResults(input)
  written = writeReport(results, dir, { outputDir: 'report' }, () => {})
  times.push(performance.now() - started)
}
const generate = median(times)
const size = statSync(written.html).size
const judged = buildResults(input).totals.judge.verdicts

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
})
const ready = []
const interactive = []
const marks = []
const frames = []
for (let i = 0; i < 3; i++) {
  const page = await browser.newPage()
  const started = performance.now()
  await page.goto(`file://${written.html}`)
  await page.waitForSelector('body[data-ready="1"]', { state: 'attached' })
  ready.push(performance.now() - started)
  // Interactive = the list built, filters wired, and the first frame with it painted.
  frames.push(await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now()))))))
  interactive.push(await page.evaluate(() => performance.getEntriesByType('navigation')[0].domInteractive))
  marks.push(await page.evaluate(() => Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, m.startTime]))))
  await page.close()
}
await browser.close()

const s = (ms) => `${(ms / 1000).toFixed(2)} s`
console.log(`report, ${TESTS} tests (${judged} judged, ${Math.ceil(TESTS / 50)} files), medians:`)
console.log(`  generate results.json + history + index.html: ${s(generate)} (goal ≤ 1.5 s: ${generate <= 1500 ? 'met' : 'NOT met'}, ${(generate / 1500).toFixed(2)}× the goal)`)
console.log(`  index.html size: ${(size / 1024 / 1024).toFixed(2)} MB (goal ≤ 5 MB: ${size <= 5 * 1024 * 1024 ? 'met' : 'NOT met'}, ${(size / (5 * 1024 * 1024)).toFixed(2)}× the goal)`)
const mark = (name) => median(marks.map((m) => m[name]))
console.log(`  Chromium, time to interactive (navigation start to the first frame with the test list built and the filters live): ${s(median(frames))}`)
console.log(`    of which: DOM interactive ${s(median(interactive))}, data unpacked ${s(mark('assay-unpacked'))}, parsed ${s(mark('assay-parsed'))}, list built ${s(mark('assay-ready'))}; playwright saw the page ready after ${s(median(ready))}`)
