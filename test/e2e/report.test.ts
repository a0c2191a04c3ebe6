// The HTML report in real headless Chromium: a report from three real Vitest runs of a
// fixture project (passing, failing, judged, drifting, skipped and todo tests, and a file
// of hostile outputs), then the filters, search, expand/collapse and trend charts, and
// the security properties: no script from the data runs and nothing is requested.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { HOSTILE, sampleRun } from '../../fixtures/report/sample-run.js'
import { startFixtureServer, type FixtureServer } from '../../fixtures/server/index.js'
import { renderHtml } from '../../reporters/html/render.js'
import { buildResults } from '../../src/report/build.js'
import { parseResults, type Results } from '../../src/report/schema.js'
import { launchChromium, openWatched, type PageActivity } from './browser.js'
import { FixtureProject, root } from './harness.js'

const artifacts = join(root, '.tmp/artifacts')
let browser: Browser
let project: FixtureProject
let judge: FixtureServer
let results: Results
let page: Page
let activity: PageActivity
const runs: { code: number | null; output: string }[] = []

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true })
  project = new FixtureProject('report', inject('assayPackage'))
  writeFileSync(join(project.dir, 'hostile.json'), JSON.stringify(HOSTILE))
  judge = await startFixtureServer({
    respond: (body) => {
      // The app's own call (not the judge's) gets a summary back.
      if (String(body.messages.at(-1)?.content).startsWith('Summarise:')) return '- Apple revenue rose 5%.\n- Tim Cook announced it.'
      const output = (String(body.messages.at(-1)?.content).split('OUTPUT:')[1] ?? '').trim()
      const bad = output.includes('hostile')
      const entry = (reasoning: string) => ({ reasoning, score: bad ? 3 : 9 })
      return JSON.stringify({ criteria: { accuracy: entry(bad ? `The output reads: ${output}` : 'Every figure is in the source.'), completeness: entry('Covers the quarter.'), conciseness: entry('Short.') } })
    },
  })
  for (const run of ['1', '2', '3']) {
    const env = { OPENAI_BASE_URL: judge.url, OPENAI_API_KEY: 'sk-report-secret', CI: run === '1' ? '' : 'true', RUN: run }
    runs.push(await project.run(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', 'report.test.js', 'hostile.test.js'], env))
  }
  results = parseResults(readFileSync(join(project.dir, 'assay-report/results.json'), 'utf8'))
  browser = await launchChromium()
  ;({ page, activity } = await openWatched(browser, join(project.dir, 'assay-report/index.html')))
})
afterAll(async () => {
  await browser?.close()
  await judge?.close()
  project?.remove()
})

const visible = () => page.locator('details.test:not([hidden])').count()
const shownText = () => page.locator('#shown').textContent()

test('the fixture runs produced a report with every kind of outcome', () => {
  expect(runs.map((r) => r.code)).toEqual([1, 1, 1])
  expect(results.totals).toMatchObject({ files: 2, skipped: 1, todo: 1 })
  expect(results.totals.failed).toBeGreaterThan(0)
  expect(results.totals.judge.verdicts).toBe(1 + HOSTILE.length)
  const drifted = results.files.flatMap((f) => f.tests.flatMap((t) => t.assertions)).filter((a) => a.drift?.status === 'drifted')
  expect(drifted.length).toBe(1 + HOSTILE.length)
  expect(readdirSync(join(project.dir, 'assay-report/history'))).toHaveLength(3)
  const app = results.files.flatMap((f) => f.tests).find((t) => t.titles.join(' › ') === 'app › writes a summary that keeps the names')!
  expect(app.state).toBe('passed')
  expect(app.llmCalls).toEqual([expect.objectContaining({ model: 'gpt-4o-mini', replayed: true, status: 200, tokens: expect.any(Number) })])
  expect(results.totals.appCalls).toMatchObject({ calls: 1, replayed: 1, live: 0 })
  const concurrent = (name: string) => results.files.flatMap((f) => f.tests).find((t) => t.titles.join(' › ') === `concurrent › ${name}`)!.assertions
  expect(concurrent('first, slower')).toEqual([expect.objectContaining({ summary: '1 list item' })])
  expect(concurrent('second, faster')).toEqual([expect.objectContaining({ summary: '2 list items' })])
  const flaky = results.files.flatMap((f) => f.tests).find((t) => t.titles[0] === 'a flaky check passes on retry')!
  expect(flaky).toMatchObject({ state: 'passed', assertions: [{ matcher: 'toHaveBullets', pass: true, summary: '1 list item' }] })
})

test('an app LLM call is listed under its test with tokens, cost and latency', async () => {
  const test = page.locator('details.test').filter({ hasText: 'writes a summary that keeps the names' })
  // Opened as a reader opens it (its toggle builds the body), whatever state it is in: a
  // click would close it again if it were open already.
  await test.evaluate((el: HTMLDetailsElement) => void (el.open = true))
  const row = await test.locator('table.calls tbody tr').first().textContent()
  expect(row).toMatch(/^gpt-4o-mini.*\/chat\/completions200replayed\d+\$\d\.\d+\d+ ms$/)
  await test.evaluate((el: HTMLDetailsElement) => void (el.open = false))
})

describe('security', () => {
  test('no script from the data runs, nothing is requested, and the policy is never tested', async () => {
    expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined()
    expect(activity.dialogs).toEqual([])
    expect(activity.errors).toEqual([])
    expect(activity.requests).toEqual([`file://${join(project.dir, 'assay-report/index.html')}`])
    expect(await activity.violations()).toEqual([])
  })

  test('the hostile strings are on the page as text, not as elements or attributes', async () => {
    const counts = await page.evaluate(() => ({
      scripts: [...document.scripts].filter((s) => !s.type).length,
      loaders: document.querySelectorAll('img, iframe, link, object, embed, style:not(head style)').length,
      // The only links are a failed assertion's: its file, relative to the page, and vscode://.
      jsLinks: [...document.querySelectorAll('a[href]')].filter((a) => !/^(\.\.\/|vscode:\/\/file\/)/.test(a.getAttribute('href')!)).length,
      handlers: [...document.querySelectorAll('*')].filter((el) => [...el.attributes].some((a) => a.name.startsWith('on'))).length,
    }))
    expect(counts).toEqual({ scripts: 1, loaders: 0, jsLinks: 0, handlers: 0 })
    await page.click('#expand')
    // textContent: tests far below the viewport are not laid out (content-visibility).
    const text = await page.locator('main').textContent()
    // All but the bidi sample, whose controls are shown as marks (next test).
    for (const h of HOSTILE.filter((x) => !/[\u202a-\u202e\u2066-\u2069]/.test(x))) expect(text).toContain(h)
  })

  test('bidi controls are shown as marks, and a 20,000-character line does not widen the page', async () => {
    const marks = await page.locator('.cc').allTextContents()
    expect(marks).toEqual(expect.arrayContaining(['U+202E', 'U+2066', 'U+2069']))
    const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }))
    expect(scroll).toBeLessThanOrEqual(width)
  })

  test('every field of a synthetic hostile run is safe too, and shown: judge, entities, numbers, drift, app calls', async () => {
    const run = buildResults(sampleRun({ tests: 120, hostile: true }))
    // A test whose runner error repeats its assertion's message shows it once.
    const t = run.files[0]!.tests[0]!
    t.state = 'failed'
    t.assertions[0]!.pass = false
    t.assertions[0]!.message = 'Expected all 2 entities to be preserved.'
    t.errors = ['Expected all 2 entities to be preserved.', 'TypeError: x is not a function']
    const file = join(project.dir, 'synthetic.html')
    writeFileSync(file, renderHtml(run))
    const other = await openWatched(browser, file)
    await other.page.click('#expand')
    expect(await other.page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined()
    expect(other.activity.requests).toEqual([`file://${file}`])
    expect(await other.activity.violations()).toEqual([])
    expect(other.activity.dialogs).toEqual([])
    const text = await other.page.locator('main').textContent()
    expect(text).toContain('samples 8, 9, 7 (spread 2)')
    expect(text).toContain('Invented numbers$95 billion')
    expect(text).toContain('MissingTim Cook')
    expect(await other.page.locator('table.crit').count()).toBeGreaterThan(10)
    expect(await other.page.locator('meter').first().getAttribute('max')).toBe('10')
    expect(await other.page.locator('.d-del').first().textContent()).toBe('-- Revenue rose 5%.')
    expect(await other.page.locator('table.calls').count()).toBeGreaterThan(10)
    const first = other.page.locator('details.test').first()
    // The entity chips say what the message says; the message is not repeated below them.
    expect(await first.textContent()).not.toContain('Expected all 2 entities to be preserved.')
    expect(await first.textContent()).toContain('KeptApple')
    expect(await first.textContent()).toContain('TypeError: x is not a function')
    await other.page.close()
  })
})

describe('navigation', () => {
  const all = () => results.totals.tests
  const reset = async () => {
    await page.uncheck('#f-failed')
    await page.selectOption('#f-matcher', '')
    await page.selectOption('#f-file', '')
    await page.fill('#q', '')
    await page.waitForFunction((n) => document.querySelectorAll('details.test:not([hidden])').length === n, all())
  }

  test('all tests are shown at first, and the count says so', async () => {
    expect(await visible()).toBe(all())
    expect(await shownText()).toBe(`${all()} of ${all()} tests shown`)
  })

  test('failed only', async () => {
    await page.check('#f-failed')
    expect(await visible()).toBe(results.totals.failed)
    expect(await page.locator('details.test.s-failed:not([hidden])').count()).toBe(results.totals.failed)
    await reset()
  })

  test('by matcher, and by file', async () => {
    const judged = results.files.flatMap((f) => f.tests).filter((t) => t.assertions.some((a) => a.matcher === 'toScoreAtLeast')).length
    await page.selectOption('#f-matcher', 'toScoreAtLeast')
    expect(await visible()).toBe(judged)
    await page.selectOption('#f-matcher', '')
    await page.selectOption('#f-file', 'report.test.js')
    expect(await visible()).toBe(results.files.find((f) => f.path === 'report.test.js')!.tests.length)
    expect(await page.locator('section.file:not([hidden])').count()).toBe(1)
    await reset()
  })

  test('search finds tests by name and by what the judge said', async () => {
    await page.fill('#q', 'keeps its structure')
    await page.waitForFunction(() => document.querySelectorAll('details.test:not([hidden])').length === 1)
    await page.fill('#q', 'every figure is in the source')
    await page.waitForFunction(() => {
      const shown = [...document.querySelectorAll('details.test:not([hidden]) .name')].map((n) => n.textContent)
      return shown.length === 1 && shown[0] === 'summary › scores well with the judge'
    })
    await page.fill('#q', 'no test is called this')
    await page.waitForFunction(() => document.querySelectorAll('details.test:not([hidden])').length === 0)
    await reset()
  })

  test('expand and collapse all', async () => {
    await reset()
    await page.click('#collapse')
    expect(await page.locator('details.test[open]').count()).toBe(0)
    await page.click('#expand')
    expect(await page.locator('details.test[open]').count()).toBe(all())
    await page.click('#collapse')
    // Clicking one test's summary opens just that test.
    await page.locator('section.file > details').first().evaluate((d) => ((d as HTMLDetailsElement).open = true))
    await page.locator('details.test summary').first().click()
    expect(await page.locator('details.test[open]').count()).toBe(1)
  })

  test('trend charts plot one point per run from the history', async () => {
    const history = readdirSync(join(project.dir, 'assay-report/history'))
      .sort()
      .map((f) => JSON.parse(readFileSync(join(project.dir, 'assay-report/history', f), 'utf8')) as { totals: Results['totals'] })
    const points = await page.locator('#trend-pass circle').evaluateAll((cs) => cs.map((c) => Number(c.getAttribute('data-v'))))
    expect(points).toEqual(history.map((h) => h.totals.passRate))
    expect(points[0]).toBeGreaterThan(points[2]!)
    expect(await page.locator('#trend-score circle').count()).toBe(3)
    expect(await page.locator('#trend-cost circle').count()).toBe(3)
    // The first run paid for live judge calls; the replays cost nothing.
    const costs = await page.locator('#trend-cost circle').evaluateAll((cs) => cs.map((c) => Number(c.getAttribute('data-v'))))
    expect(costs[0]).toBeGreaterThan(0)
    expect(costs.slice(1)).toEqual([0, 0])
  })

  const named = (name: string) => page.locator('details.test').filter({ has: page.locator('.name', { hasText: new RegExp(`^${name}$`) }) })

  test('a test whose outcome flipped back and forth is marked flaky; one that broke once is not', async () => {
    await reset()
    await page.click('#expand')
    const flips = named('summary › changes its mind')
    expect(await flips.locator('summary .flaky').textContent()).toBe('flaky: 2 flips')
    expect(await flips.locator('.body').textContent()).toContain('Historypassed 2 of 3 runs, oldest first: ✓✗✓; the outcome flipped 2 times with the test unchanged')
    const bullets = named('summary › has at most 3 bullets')
    expect(await bullets.locator('.flaky').count()).toBe(0)
    expect(await bullets.locator('.body').textContent()).toContain('Historypassed 2 of 3 runs, oldest first: ✓✓✗')
    expect(await named('summary › keeps the names').locator('.flaky').count()).toBe(0)
  })

  test('collapsed rows show each matcher as a badge, failed ones marked, and a judged score against its threshold', async () => {
    await reset()
    await page.click('#collapse')
    const row = (name: string) => named(name).locator('summary .mbs')
    expect(await row('summary › scores well with the judge').textContent()).toBe('toScoreAtLeast 9 / ≥7')
    expect(await row('summary › has at most 3 bullets').locator('.mb.fail').textContent()).toBe('✗ toHaveBullets')
    expect(await row('summary › keeps the names').locator('.mb').allTextContents()).toEqual(['toPreserveEntities'])
    expect(await row('summary › keeps the names').locator('.mb.fail').count()).toBe(0)
  })

  test('a failed assertion links to its file and line, and to VS Code', async () => {
    await reset()
    await page.click('#expand')
    const bullets = named('summary › has at most 3 bullets')
    const line = readFileSync(join(project.dir, 'report.test.js'), 'utf8').split('\n').findIndex((l) => l.includes('toHaveBullets({ max: 3 })')) + 1
    const links = bullets.locator('.where a')
    expect(await links.first().textContent()).toMatch(new RegExp(`^report\\.test\\.js:${line}:\\d+$`))
    expect(await links.first().getAttribute('href')).toBe('../report.test.js')
    expect(await links.nth(1).getAttribute('href')).toMatch(new RegExp(`^vscode://file${project.dir}/report\\.test\\.js:${line}:\\d+$`))
    // The page's own folder is the report folder, so the relative link reaches the file.
    expect(await links.first().evaluate((a) => new URL((a as HTMLAnchorElement).href).pathname)).toBe(join(project.dir, 'report.test.js'))
  })

  test('the header shows only cards the run has something for, and charts label their range', async () => {
    const cards = await page.locator('.tile dt').allTextContents()
    expect(cards).toEqual(expect.arrayContaining(['Judge live / replayed', 'App LLM calls live / replayed', 'Baselines drifted', 'Mean judge score']))
    expect(await page.locator('.tile dd').allTextContents()).not.toContain('–')
    expect(await page.locator('#trend-pass text.max').textContent()).toMatch(/%$/)
    expect(await page.locator('#trend-pass text.min').textContent()).toMatch(/%$/)
    expect(await page.locator('#trend-pass .last').textContent()).toBe(`${((results.totals.passRate ?? 0) * 100).toFixed(1)}%`)
  })

  test('screenshot of the failed tests, for the test artefacts', async () => {
    await reset()
    await page.check('#f-failed')
    await page.selectOption('#f-file', 'report.test.js')
    await page.click('#expand')
    await page.screenshot({ path: join(artifacts, 'report-fixture.png'), fullPage: true })
    expect(readFileSync(join(artifacts, 'report-fixture.png')).subarray(1, 4).toString()).toBe('PNG')
  })
})

test('a run of one file leaves the full report in place and writes a partial one that says so', async () => {
  const full = readFileSync(join(project.dir, 'assay-report/index.html'), 'utf8')
  const env = { OPENAI_BASE_URL: judge.url, OPENAI_API_KEY: 'sk-report-secret', CI: 'true', RUN: '3' }
  const one = await project.run(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', 'report.test.js'], env)
  expect(one.output).toMatch(/assay: report assay-report\/partial\/index\.html \(partial run: 1 of 2 files; the full run's report stays in assay-report\)/)
  expect(readFileSync(join(project.dir, 'assay-report/index.html'), 'utf8')).toBe(full)
  const { page: partial, activity: seen } = await openWatched(browser, join(project.dir, 'assay-report/partial/index.html'))
  expect(await partial.locator('#partial').textContent()).toBe("Partial run: 1 of 2 files. The last full run's report: ../index.html")
  // Its charts hold only runs over this one file: this one, so far.
  expect(await partial.locator('#trend-pass').textContent()).toContain('One run so far')
  expect(seen.requests).toHaveLength(1)
  expect(await seen.violations()).toEqual([])
  await partial.close()
})

test('the example suite’s report, as the README shows it', async () => {
  const cassettes = join(root, 'example/__llm_cassettes__')
  const committed = () => Object.fromEntries(readdirSync(cassettes).map((f) => [f, readFileSync(join(cassettes, f), 'utf8')]))
  const before = committed()
  // A reachable endpoint that counts what reaches it: the example must replay everything.
  const endpoint = await startFixtureServer()
  const example = await project.run(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--config', join(root, 'example/vitest.config.ts')], { ASSAY_CACHE: 'lockdown', CI: 'true', ASSAY_REPORT_DIR: join(project.dir, 'example-report'), OPENAI_BASE_URL: endpoint.url, OPENAI_API_KEY: 'sk-example' })
  await endpoint.close()
  expect(example.code, example.output).toBe(0)
  expect(endpoint.requests).toEqual([])
  expect(committed()).toEqual(before)
  const ran = parseResults(readFileSync(join(project.dir, 'example-report/results.json'), 'utf8'))
  expect(ran.totals).toMatchObject({ failed: 0, skipped: 0, passed: ran.totals.tests, judge: { live: 0, failures: 0, requests: 0 }, embeddings: { live: 0, failures: 0, requests: 0 }, cassettes: { misses: 0, obsolete: 0 } })
  const kinds = ran.files.flatMap((f) => f.tests.flatMap((t) => t.assertions.map((a) => `${a.negated ? 'not.' : ''}${a.matcher}`)))
  expect(kinds).toEqual(expect.arrayContaining(['toBeSemanticallySimilarTo', 'toBeFaithfulTo', 'not.toBeFaithfulTo']))

  const { page: shot, activity: seen } = await openWatched(browser, join(project.dir, 'example-report/index.html'), { width: 1200, height: 900 })
  // The page as it opens: the header, the charts, the filters and the collapsed rows.
  await shot.screenshot({ path: join(artifacts, 'example-report.png') })
  await shot.click('#expand')
  const similarities = await shot.locator('.judge.similarity meter').evaluateAll((ms) => ms.map((m) => (m as HTMLMeterElement).value))
  expect(similarities.length).toBeGreaterThan(0)
  for (const s of similarities) expect(s).toBeGreaterThanOrEqual(0.8)
  const claims = await shot.locator('table.claims tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.className, ...[...tr.querySelectorAll('td')].map((td) => td.textContent)]))
  expect(claims.filter(([cls]) => cls === 'ok').length).toBeGreaterThan(0)
  // The doctored summary is caught, and the report names the claim that gave it away.
  expect(claims).toEqual(expect.arrayContaining([['fail', expect.stringContaining('rose 15%'), 'contradicted', expect.stringContaining('The source has no 15%')]]))
  expect(seen.requests).toHaveLength(1)
  await shot.close()
})
