// toBeFaithfulTo under real runners against the fixture server, whose judge checks each
// sentence of the output: the pass/fail/.not quartet with its messages, a judge that lists
// no claims, a usage error; recorded in a first run, then replayed under CI with no request;
// results.json and the HTML report (in Chromium) show the claims with their verdicts.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { startFixtureServer, type ChatCompletionBody, type FixtureServer } from '../../fixtures/server/index.js'
import { parseResults, type Results } from '../../src/report/schema.js'
import { launchChromium, openWatched } from './browser.js'
import { FixtureProject, runners as allRunners, type RunResult, type TestOutcome } from './harness.js'

const runners = allRunners.filter((r) => ['Vitest 4 (ESM, Node 20)', 'Vitest 5 (ESM, Node 22)', 'Jest 30 (CommonJS, globals)'].includes(r.name))

const HOSTILE = '<img src=x onerror="window.__pwned=1">'
const BODY = `
const source = 'Apple reported revenue of $85.8 billion, up 5%. Tim Cook announced a dividend.'

test('pass: faithful', async () => {
  await expect('Revenue rose 5% to $85.8 billion. Tim Cook announced a dividend.').toBeFaithfulTo(source)
})
test('fail: contradicted and unsupported', async () => {
  await expect('Revenue rose 5% to $85.8 billion. Tim Cook ${HOSTILE} announced a buyback. Sales doubled in China.').toBeFaithfulTo(source)
})
test('not pass: unfaithful', async () => {
  await expect('Tim Cook announced a buyback.').not.toBeFaithfulTo(source)
})
test('not fail: faithful', async () => {
  await expect('Tim Cook announced a dividend.').not.toBeFaithfulTo(source)
})
test('fail: no claims from the judge', async () => {
  await expect('NO CLAIMS here.').not.toBeFaithfulTo(source)
})
test('fail: usage', async () => {
  await expect('Revenue rose.').toBeFaithfulTo('')
})
`

/** The judge's check: one claim per sentence of the output; none for an output that asks for none. */
function judgeReply(body: ChatCompletionBody): string {
  const user = String(body.messages[1]?.content ?? '')
  const output = /OUTPUT:\n<<<(ASSAY-[0-9a-f]+)\n([\s\S]*)\n\1>>>$/.exec(user)?.[2] ?? ''
  if (output.startsWith('NO CLAIMS')) return JSON.stringify({ claims: [] })
  const claims = output.split(/(?<=\.)\s+/).map((claim) =>
    claim.includes('buyback')
      ? { claim, reason: 'The source says he announced a dividend.', verdict: 'contradicted' }
      : claim.includes('China')
        ? { claim, reason: 'The source does not mention China.', verdict: 'unsupported' }
        : { claim, reason: 'The source says so.', verdict: 'supported' },
  )
  return JSON.stringify({ claims })
}

describe.each(runners)('$name: toBeFaithfulTo', (runner) => {
  let project: FixtureProject
  let server: FixtureServer
  let first: RunResult
  let outcomes: Map<string, TestOutcome>
  let recorded: Results
  const env = (ci: string) => ({ OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'sk-e2e-faithful', CI: ci })
  const results = () => parseResults(readFileSync(join(project.dir, 'assay-report/results.json'), 'utf8'))
  const assertions = (r: Results) => Object.fromEntries(r.files.flatMap((f) => f.tests.map((t) => [t.titles.at(-1)!, t.assertions])))

  beforeAll(async () => {
    project = new FixtureProject(runner.project, inject('assayPackage'), runner.trees?.())
    project.writeTest('faithful.test.js', BODY)
    server = await startFixtureServer({ respond: (body) => judgeReply(body) })
    first = await runner.run(project, undefined, 'faithful.test.js', env(''))
    outcomes = project.results()
    recorded = results()
  })
  afterAll(async () => {
    await server?.close()
    project?.remove()
  })

  test('the quartet passes and fails as it should, with each message', () => {
    expect(first.code, first.output).toBe(1)
    expect(Object.fromEntries([...outcomes].map(([name, o]) => [name, o.status]))).toEqual({
      'pass: faithful': 'passed',
      'fail: contradicted and unsupported': 'failed',
      'not pass: unfaithful': 'passed',
      'not fail: faithful': 'failed',
      'fail: no claims from the judge': 'failed',
      'fail: usage': 'failed',
    })
    const failed = outcomes.get('fail: contradicted and unsupported')!.message
    expect(failed).toContain('Expected every claim in the output to be supported by the source, but the judge found 1 contradicted and 1 unsupported (of 3 claims).')
    expect(failed).toContain('Received: 3 claims: 1 supported, 1 contradicted, 1 unsupported')
    expect(failed).toContain(`Claims:   ✗ contradicted: ${JSON.stringify(`Tim Cook ${HOSTILE} announced a buyback.`)} (The source says he announced a dividend.)`)
    expect(failed).toContain('✗ unsupported: "Sales doubled in China." (The source does not mention China.)')
    expect(failed).toContain('✓ supported: "Revenue rose 5% to $85.8 billion." (The source says so.)')
    expect(failed).toMatch(/Judge: {4}judge gpt-4o-mini, live, 1 request, \d+ tokens, \$0\.\d{6}/)
    const notFailed = outcomes.get('not fail: faithful')!.message
    expect(notFailed).toContain('expect(received).not.toBeFaithfulTo(source)')
    expect(notFailed).toContain('Expected the judge to find a claim the source does not support, but it found the one claim of the output supported.')
    const noClaims = outcomes.get('fail: no claims from the judge')!.message
    expect(noClaims).toContain('toBeFaithfulTo: the judge gave no verdict, so the assertion cannot pass.')
    expect(noClaims).toContain("The judge's reply was invalid twice, even after a request to repair it: the reply lists no claims")
    expect(outcomes.get('fail: usage')!.message).toContain('toBeFaithfulTo: the source must be the non-empty text the output must be faithful to, but got an empty string.')
  })

  test('results.json records the claims with their verdicts, and counts the checks in the judge totals', () => {
    const a = assertions(recorded)
    expect(a['fail: contradicted and unsupported']).toEqual([
      expect.objectContaining({
        matcher: 'toBeFaithfulTo',
        pass: false,
        faithfulness: expect.objectContaining({
          claims: [
            { claim: 'Revenue rose 5% to $85.8 billion.', verdict: 'supported', reason: 'The source says so.' },
            { claim: `Tim Cook ${HOSTILE} announced a buyback.`, verdict: 'contradicted', reason: 'The source says he announced a dividend.' },
            { claim: 'Sales doubled in China.', verdict: 'unsupported', reason: 'The source does not mention China.' },
          ],
          model: 'gpt-4o-mini',
          replayed: false,
          requests: 1,
        }),
      }),
    ])
    expect(a['not pass: unfaithful']).toEqual([expect.objectContaining({ pass: true, negated: true })])
    expect(a['fail: no claims from the judge']![0]!.faithfulness).toMatchObject({ claims: [], requests: 2, error: expect.stringContaining('lists no claims') })
    // Four checks, one of them repaired: six requests, the no-claims pair included.
    expect(recorded.totals.judge).toMatchObject({ verdicts: 4, live: 4, replayed: 0, failures: 1, requests: 6 })
    expect(server.requests).toHaveLength(6)
    expect(first.output).toMatch(/assay: judge 4 live, 0 replayed, 1 without a verdict; 6 requests/)
  })

  test('a CI run replays every check from the cassette with no request, with the same outcomes and messages', async () => {
    const cassette = join(project.dir, '__llm_cassettes__', 'faithful.test.js.json')
    expect(existsSync(cassette)).toBe(true)
    // Only checks whose claims stood were recorded: not the judge's empty lists.
    expect(Object.keys((JSON.parse(readFileSync(cassette, 'utf8')) as { entries: object }).entries)).toHaveLength(4)
    const sent = server.requests.length
    const again = await runner.run(project, undefined, 'faithful.test.js', env('1'))
    expect(again.code, again.output).toBe(1)
    expect(server.requests).toHaveLength(sent)
    const replay = project.results()
    for (const [name, o] of outcomes) {
      if (name === 'fail: no claims from the judge') continue
      expect(replay.get(name)?.status, name).toBe(o.status)
    }
    expect(replay.get('fail: contradicted and unsupported')!.message).toMatch(/Judge: {4}judge gpt-4o-mini, replayed from the cassette/)
    // The unrecorded check misses under lockdown: a failure, never a pass.
    expect(replay.get('fail: no claims from the judge')).toMatchObject({ status: 'failed', message: expect.stringContaining('No recorded answer for this LLM request') })
    const r = results()
    expect(r.totals.judge).toMatchObject({ verdicts: 4, live: 0, replayed: 4, requests: 0 })
    expect(r.totals.cassettes.misses).toBe(1)
    expect(again.output).toMatch(/assay: judge 0 live, 4 replayed, 1 without a verdict; 0 requests/)
  })

  test.runIf(runner.name.startsWith('Vitest 4'))('the HTML report shows the claims with their verdicts, as text', async () => {
    let browser: Browser | undefined
    try {
      browser = await launchChromium()
      const { page, activity } = await openWatched(browser, join(project.dir, 'assay-report/index.html'))
      await page.click('#expand')
      const rows = await page.locator('table.claims tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.className, ...[...tr.querySelectorAll('td')].map((td) => td.textContent)]))
      expect(rows).toEqual(
        expect.arrayContaining([
          ['fail', `Tim Cook ${HOSTILE} announced a buyback.`, 'contradicted', 'The source says he announced a dividend.'],
          ['fail', 'Sales doubled in China.', 'unsupported', 'The source does not mention China.'],
          ['ok', 'Revenue rose 5% to $85.8 billion.', 'supported', 'The source says so.'],
        ]),
      )
      expect(await page.locator('main').textContent()).toContain('1 of 3 claims supported')
      expect(await page.locator('.mb').allTextContents()).toEqual(expect.arrayContaining(['✗ toBeFaithfulTo 1 / 3 supported', 'not.toBeFaithfulTo 0 / 1 supported']))
      expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined()
      expect(await page.locator('main img').count()).toBe(0)
      expect(await activity.violations()).toEqual([])
      expect(activity.errors).toEqual([])
    } finally {
      await browser?.close()
    }
  })
})
