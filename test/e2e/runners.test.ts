import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { startFixtureServer, type FixtureServer } from '../../fixtures/server/index.js'
import { parseResults, type Results } from '../../src/report/schema.js'
import { embeddedData, embeddedResults, withoutData } from '../report/embedded.js'
import { FixtureProject, node22Path, runners, type Runner, type RunResult, type TestOutcome } from './harness.js'

// What each failing test of the shared suite must say, in every runner.
const failures: Record<string, string[]> = {
  'fail: bullets': ['expect(received).toHaveBullets(options)', 'Expected 1 to 2 list items, but found 3.', `- "Apple's revenue rose 8% to $94.9B" (6 words)`],
  'fail: not bullets': ['expect(received).not.toHaveBullets(options)', 'Expected the text not to have at least 1 list item, but it does.'],
  'fail: entities': ['Expected all 2 entities to be preserved, but 1 is missing: "Nestlé".', '✗ "Nestlé": missing', '✓ "Apple": found "Apple\'s" at line 1, column 3'],
  'fail: numbers': ['2 claims are not supported', '✗ "9%" (% 9) at line 1: closest in the source: "8%"', '✗ "$95 billion"'],
  'fail: concise': ['Expected the text to be concise (words ≤ 10), but it exceeds words:'],
  'fail: schema': ['Expected the received JSON to match the schema, but found 1 issue.', 'Issues:   title: Invalid input: expected string, received number'],
  'fail: usage error under not': ['toHaveBullets: received must be a string, but got number 42.'],
}

/** Each runner's report of the shared suite, with what differs between runs masked. */
const reports = new Map<string, { results: Results; html: string }>()

/** Masks what legitimately differs between two runs of the same suite: runner, start, durations, latencies. */
function normalise(r: Results): Results {
  const copy = structuredClone(r)
  copy.run = { ...copy.run, runner: 'vitest', startedAt: '', durationMs: 0 }
  copy.totals.judge.p50LatencyMs = copy.totals.judge.p95LatencyMs = null
  for (const f of copy.files) {
    f.durationMs = null
    // Each runner's test file has its own import lines.
    delete f.hash
    for (const t of f.tests) {
      t.durationMs = null
      for (const a of t.assertions) if (a.judge) a.judge.latencyMs = 0
      for (const c of t.llmCalls) c.latencyMs = 0
    }
  }
  return copy
}
// The page marks run-specific values (runner, times, durations) with class "t"; the tests
// travel inside it as results.json, which is compared after the same masking.
const maskHtml = (html: string) => withoutData(html, JSON.stringify({ ...embeddedData(html), links: null, results: normalise(embeddedResults(html) as Results) })).replace(/<span class="t">[^<]*<\/span>/g, '<span class="t"></span>')

describe.each(runners)('$name', (runner) => {
  let project: FixtureProject
  let full: RunResult
  let results: Map<string, TestOutcome>
  let report: Results
  let html: string
  const stepSummary = () => join(project.dir, 'step-summary.md')

  beforeAll(async () => {
    project = new FixtureProject(runner.project, inject('assayPackage'), runner.trees?.())
    full = await runner.run(project, undefined, undefined, { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: join(project.dir, 'step-summary.md') })
    results = project.results()
    report = parseResults(readFileSync(join(project.dir, 'assay-report/results.json'), 'utf8'))
    html = readFileSync(join(project.dir, 'assay-report/index.html'), 'utf8')
    reports.set(runner.project, { results: normalise(report), html: maskHtml(html) })
  })
  afterAll(() => project?.remove())

  test('the assay reporter writes results.json with every test and what each assertion found', () => {
    expect(report.run.runner).toBe(runner.project.startsWith('jest') ? 'jest' : 'vitest')
    expect(report.run.status).toBe('failed')
    expect(report.totals).toMatchObject({ files: 1, tests: 14, passed: 7, failed: 7, skipped: 0 })
    // Every assertion but the usage error, which throws before there is a verdict.
    expect(report.totals.assertions).toEqual({ total: 13, passed: 7, failed: 6 })
    const [file] = report.files
    expect(file?.path).toBe('summary.test.js')
    const test = (name: string) => file!.tests.find((t) => t.titles.join(' › ') === name)!
    const source = readFileSync(join(project.dir, 'summary.test.js'), 'utf8').split('\n')
    const lineOf = (code: string) => source.findIndex((l) => l.includes(code)) + 1
    expect(test('fail: entities').assertions).toEqual([
      expect.objectContaining({ matcher: 'toPreserveEntities', pass: false, negated: false, entities: { kept: ['Apple'], missing: ['Nestlé'] }, location: { line: lineOf("toPreserveEntities(['Apple', 'Nestlé'])"), column: expect.any(Number) } }),
    ])
    expect(test('fail: entities').assertions[0]?.message).toContain('Expected all 2 entities to be preserved, but 1 is missing: "Nestlé".')
    expect(test('fail: numbers').assertions[0]?.numbers).toEqual({ invented: ['9%', '$95 billion'], checked: 2 })
    expect(test('fail: not bullets').assertions[0]).toMatchObject({ matcher: 'toHaveBullets', pass: false, negated: true, summary: '3 list items' })
    expect(test('pass: not bullets').assertions[0]).toMatchObject({ pass: true, negated: true })
    expect(test('pass: bullets').assertions[0]).not.toHaveProperty('message')
    expect(test('fail: usage error under not')).toMatchObject({ state: 'failed', assertions: [] })
    expect(test('fail: usage error under not').errors[0]).toContain('toHaveBullets: received must be a string, but got number 42.')
    expect(test('fail: bullets').errors[0]).toContain('Expected 1 to 2 list items, but found 3.')
  })

  test('the HTML report, the history entry, the summary block and GitHub outputs are written', () => {
    expect(html).toContain('<meta http-equiv="Content-Security-Policy"')
    expect(embeddedResults(html)).toEqual(report)
    expect(readdirSync(join(project.dir, 'assay-report/history'))).toHaveLength(1)
    expect(full.output).toContain('assay: 13 LLM assertions, 6 failed')
    expect(full.output).toContain('assay: report assay-report/index.html')
    const line = readFileSync(join(project.dir, 'summary.test.js'), 'utf8').split('\n').findIndex((l) => l.includes("toPreserveEntities(['Apple', 'Nestlé'])")) + 1
    expect(full.output).toMatch(new RegExp(`::error file=summary\\.test\\.js,line=${line},col=\\d+,title=toPreserveEntities%3A fail%3A entities::.*Nestlé`))
    const md = readFileSync(stepSummary(), 'utf8')
    expect(md).toContain('## assay: ❌ 7 tests failed')
    expect(md).toMatch(new RegExp(`\\| summary\\.test\\.js:${line} \\| fail: entities \\| toPreserveEntities \\| 1 of 2 kept`))
  })

  test('the run fails with exit code 1 and counts every test', () => {
    expect(full.code, full.output).toBe(1)
    const titles = [...results.keys()]
    expect(titles.filter((t) => t.startsWith('pass:'))).toHaveLength(7)
    expect(titles.filter((t) => t.startsWith('fail:'))).toHaveLength(Object.keys(failures).length)
  })

  test('every pass: test passes and every fail: test fails', () => {
    for (const [title, outcome] of results) {
      expect(outcome.status, `${title}\n${outcome.message}`).toBe(title.startsWith('pass:') ? 'passed' : 'failed')
    }
  })

  test.each(Object.entries(failures))('%s reports its message', (title, fragments) => {
    const message = results.get(title)?.message ?? ''
    for (const fragment of fragments) expect(message).toContain(fragment)
  })

  test('the runner prints the failure messages to the terminal', () => {
    expect(full.output).toContain('Expected all 2 entities to be preserved')
  })

  test('the shipped source maps resolve: no warning about missing sources', () => {
    expect(full.output).not.toContain('points to missing source files')
  })

  test('a run of only the passing tests exits 0', async () => {
    const run = await runner.run(project, 'pass:')
    expect(run.code, run.output).toBe(0)
    const outcomes = [...project.results().values()]
    expect(outcomes.filter((o) => o.status === 'passed')).toHaveLength(7)
    expect(outcomes.filter((o) => o.status === 'failed')).toHaveLength(0)
  })

  describe('judged assertions against a live fixture judge, then replayed', () => {
    let judge: FixtureServer
    const secret = 'sk-e2e-secret-key-123'
    const judgeEnv = () => ({ OPENAI_BASE_URL: judge.url, OPENAI_API_KEY: secret, ASSAY_RECORDS_DIR: join(project.dir, 'records') })
    const cassette = () => join(project.dir, '__llm_cassettes__', 'judged.test.js.json')
    // What the runs printed, for the check that no key reached the terminal.
    const printed: string[] = []
    const runJudged = async (...args: Parameters<Runner['run']>) => {
      const result = await runner.run(...args)
      printed.push(result.output)
      return result
    }

    beforeAll(async () => {
      // A judge behind a gateway that echoes the key it was sent: in every reply's body, in
      // every error message, and in one criterion's reasoning.
      judge = await startFixtureServer({
        echoAuthorization: true,
        respond: (body, _choice, request) => {
          const output = String(body.messages.at(-1)?.content).split('OUTPUT:')[1] ?? ''
          const score = output.includes('invented') ? 3 : 9
          const entry = (reasoning: string) => ({ reasoning, score })
          return JSON.stringify({ criteria: { accuracy: entry('Checked against the source.'), completeness: entry(`Covers the figures (seen: ${String(request.headers.authorization)}).`), conciseness: entry('Short.') } })
        },
      })
    })
    afterAll(() => judge?.close())

    test('the first run asks the judge once per verdict and records a cassette without secrets', async () => {
      const run = await runJudged(project, undefined, 'judged.test.js', { ...judgeEnv(), CI: '' })
      expect(run.code, run.output).toBe(1)
      const outcomes = project.results()
      expect(outcomes.get('pass: judged')?.status, outcomes.get('pass: judged')?.message).toBe('passed')
      expect(outcomes.get('pass: judged not')?.status).toBe('passed')
      expect(outcomes.get('fail: judged')?.message).toContain('Expected an overall score of at least 7, but the judge gave 3.')
      expect(outcomes.get('fail: judged')?.message).toContain('judge gpt-4o-mini, live, 1 request')
      expect(outcomes.get('fail: judged')?.message).toContain('completeness 3/10: Covers the figures (seen: Bearer [REDACTED]).')
      // Projects with the coordinator (the Vitest plugin, the Jest global setup) print a run summary.
      // The assay reporter prints the run's summary block (the coordinator's stays silent).
      expect(run.output).toMatch(/assay: judge 3 live, 0 replayed; 3 requests, \d+ tokens, \$0\.\d{4}/)
      expect(run.output).not.toContain('judge verdicts (')
      expect(judge.requests.filter((r) => r.status === 200)).toHaveLength(3)
      expect(judge.requests).toHaveLength(3)
      const file = readFileSync(cassette(), 'utf8')
      expect(Object.keys(JSON.parse(file).entries)).toHaveLength(3)
      expect(file).not.toContain(secret)
      // The endpoint echoes the request's headers beside the choices: a judge entry keeps none of that.
      expect(file).not.toContain('"authorization"')
      expect(file).toContain('(seen: Bearer [REDACTED])')
    })

    test('a CI re-run replays every verdict with no request', async () => {
      const before = judge.requests.length
      const run = await runJudged(project, undefined, 'judged.test.js', { ...judgeEnv(), CI: 'true' })
      expect(run.code, run.output).toBe(1)
      const outcomes = project.results()
      expect(outcomes.get('pass: judged')?.status).toBe('passed')
      expect(outcomes.get('fail: judged')?.message).toContain('replayed from the cassette')
      // The whole block, once: the reporter's; the coordinator and the stores stay silent.
      expect(run.output).toContain(['assay: 3 LLM assertions, 1 failed', 'assay: judge 0 live, 3 replayed; 0 requests, 0 tokens, $0.0000', 'assay: report assay-report/index.html'].join('\n'))
      expect(run.output.match(/^assay: /gm)).toHaveLength(3)
      expect(judge.requests.length).toBe(before)
      const judged = parseResults(readFileSync(join(project.dir, 'assay-report/results.json'), 'utf8'))
      expect(judged.totals.judge).toMatchObject({ verdicts: 3, live: 0, replayed: 3, failures: 0, requests: 0, cost: 0, meanScore: { value: 5, scale: [1, 10] } })
      expect(judged.totals.judge.saved).toBeGreaterThan(0)
      const failed = judged.files[0]!.tests.find((t) => t.titles[0] === 'fail: judged')!.assertions[0]!
      expect(failed.judge).toMatchObject({ threshold: 7, score: 3, replayed: true, model: 'gpt-4o-mini', criteria: expect.arrayContaining([expect.objectContaining({ name: 'accuracy', score: 3, reasoning: 'Checked against the source.' })]) })
      expect(readdirSync(join(project.dir, 'assay-report/history')).length).toBeGreaterThanOrEqual(2)
    })

    test('judge records reach the reporters: task meta in Vitest, side files in Jest', () => {
      const records = existsSync(join(project.dir, 'meta.json'))
        ? Object.values(JSON.parse(readFileSync(join(project.dir, 'meta.json'), 'utf8')) as Record<string, { assay?: { records: unknown[] } }>).flatMap((m) => m.assay?.records ?? [])
        : readdirSync(join(project.dir, 'records')).flatMap((f) => readFileSync(join(project.dir, 'records', f), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown))
      expect(records.length).toBeGreaterThanOrEqual(3)
      // A file's cassette report belongs to the file, never to whichever test ran last.
      if (existsSync(join(project.dir, 'meta.json'))) expect(records.filter((r) => (r as { kind: string }).kind === 'cassette')).toEqual([])
      expect(records).toContainEqual(expect.objectContaining({ matcher: 'toScoreAtLeast', pass: false, threshold: 7, verdict: expect.objectContaining({ overall: 3 }) }))
      expect(JSON.stringify(records)).not.toContain(secret)
    })

    test('a judge that answers 401 quoting the key fails the test with a message that holds no key', async () => {
      judge.script({ kind: 'status', status: 401, message: `Incorrect API key provided: ${secret}.` }, { kind: 'status', status: 401, message: `Incorrect API key provided: ${secret}.` })
      const run = await runJudged(project, 'pass: judged', 'judged.test.js', { ...judgeEnv(), CI: '', ASSAY_CACHE: 'refresh', GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: join(project.dir, 'judged-step-summary.md') })
      expect(run.code).toBe(1)
      const message = project.results().get('pass: judged')?.message ?? ''
      expect(message).toContain('toScoreAtLeast: the judge gave no verdict, so the assertion cannot pass.')
      expect(message).toContain(`401 Incorrect API key provided: [REDACTED]. (received Authorization: Bearer [REDACTED])`)
      expect(readFileSync(join(project.dir, 'judged-step-summary.md'), 'utf8')).toContain('Incorrect API key provided: [REDACTED]')
      expect(Object.keys(JSON.parse(readFileSync(cassette(), 'utf8')).entries)).toHaveLength(3)
    })

    test('no file the runs wrote holds the API key: cassettes, records, results, logs', () => {
      expect(printed.length).toBeGreaterThanOrEqual(3)
      for (const output of printed) expect(output.includes(secret), output).toBe(false)
      const files: string[] = []
      const walk = (d: string) => {
        for (const entry of readdirSync(d, { withFileTypes: true })) {
          if (entry.name === 'node_modules') continue
          const path = join(d, entry.name)
          if (entry.isDirectory()) walk(path)
          else files.push(path)
        }
      }
      walk(project.dir)
      expect(files.some((f) => f.includes('__llm_cassettes__'))).toBe(true)
      for (const file of files) expect(readFileSync(file, 'utf8').includes(secret), file).toBe(false)
    })

    test('entries no test touched are reported, kept under a filter, and pruned with ASSAY_UPDATE=1 or assay prune', async () => {
      const entries = () => Object.keys(JSON.parse(readFileSync(cassette(), 'utf8')).entries as object)
      expect(entries()).toHaveLength(3)
      // Drop two judged tests from the file: their entries become obsolete (the failing one
      // goes too, since a file with a failed test keeps every entry). A plain test stays for
      // the filter below to leave out.
      const path = join(project.dir, 'judged.test.js')
      writeFileSync(path, `${readFileSync(path, 'utf8').replace(/test\('(pass: judged not|fail: judged)'[\s\S]*?\n\}\)\n/g, '')}test('pass: plain', () => {\n  expect('- one').toHaveBullets()\n})\n`)
      const filtered = await runner.run(project, 'pass: judged', 'judged.test.js', { ...judgeEnv(), CI: 'true', ASSAY_UPDATE: '1' })
      expect(filtered.code, filtered.output).toBe(0)
      expect(entries()).toHaveLength(3)
      const reported = await runner.run(project, undefined, 'judged.test.js', { ...judgeEnv(), CI: 'true' })
      expect(reported.output).toMatch(/assay: 2 obsolete entries in __llm_cassettes__\/judged\.test\.js\.json; run with -u/)
      // Said once, by the reporter's block; never as a console.warn (Jest adds a stack to those).
      expect(reported.output.match(/obsolete entr/g), reported.output).toHaveLength(1)
      expect(reported.output).not.toContain('console.warn')
      expect(reported.output).not.toMatch(/at settle|keyed\.(js|ts)/)
      expect(entries()).toHaveLength(3)
      if (runner.name.startsWith('Vitest')) {
        const prune = await project.run(runner.name.includes('Vitest 5') ? node22Path() : process.execPath, ['node_modules/assay/bin/assay.mjs', 'prune', 'judged.test.js'], judgeEnv())
        expect(prune.output).toContain('judged.test.js')
      } else {
        await runner.run(project, undefined, 'judged.test.js', { ...judgeEnv(), CI: 'true', ASSAY_UPDATE: '1' })
      }
      expect(entries()).toHaveLength(1)
    })

    test('on CI, a verdict missing from the cassette fails with the command that records it', async () => {
      rmSync(cassette())
      // The app's own call misses too: it gets HTTP 424, and the summary block counts it.
      project.writeTest(
        'app.test.js',
        `test('pass: judged app call', async () => {
  const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Summarise: never recorded' }] })
  const res = await recordingFetch()(process.env.OPENAI_BASE_URL + '/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json' }, body })
  expect(res.status).toBe(424)
})
`,
        ['recordingFetch'],
      )
      const before = judge.requests.length
      const run = await runner.run(project, 'pass: judged', 'judged.test.js', { ...judgeEnv(), CI: 'true' }, ['app.test.js'])
      expect(run.code).toBe(1)
      expect(run.output).toContain('assay: app LLM calls 0 live, 0 replayed, 1 missing from the cassette; 0 tokens, $0.0000')
      expect(run.output).toContain('assay: cassette misses 2 under lockdown (1 judge verdict, 1 app call); record them with ASSAY_CACHE=auto')
      const message = project.results().get('pass: judged')?.message ?? ''
      expect(message).toContain('toScoreAtLeast: the judge gave no verdict, so the assertion cannot pass.')
      expect(message).toContain(runner.name.startsWith('Vitest') ? 'ASSAY_CACHE=auto npx vitest run judged.test.js' : 'ASSAY_CACHE=auto npx jest judged.test.js')
      expect(message).not.toContain('(or:')
      expect(judge.requests.length).toBe(before)
    })
  })

  test('concurrent judged tests are not queued behind the judge: with maxConcurrency 8, all 8 requests are in flight at once', async () => {
    const judge = await startFixtureServer({ latencyMs: 1_500, respond: () => JSON.stringify({ criteria: Object.fromEntries(['accuracy', 'completeness', 'conciseness'].map((k) => [k, { reasoning: 'Fine.', score: 9 }])) }) })
    const body = `for (let i = 0; i < 8; i++) {\n  test.concurrent('concurrent judged ' + i, async () => {\n    await expect('- Revenue rose, report ' + i + '.').toScoreAtLeast(7)\n  })\n}\n`
    writeFileSync(join(project.dir, 'concurrent.test.js'), `${readFileSync(join(project.dir, 'header.js'), 'utf8')}\n${body}`)
    // Requests still waiting for their answer: the most seen at once while the run lasts.
    let most = 0
    const poll = setInterval(() => (most = Math.max(most, judge.requests.filter((r) => r.status === 0).length)), 5)
    try {
      const run = await runner.run(project, undefined, 'concurrent.test.js', { OPENAI_BASE_URL: judge.url, OPENAI_API_KEY: 'k', CI: '', ASSAY_CACHE: 'off' }, ['--maxConcurrency=8'])
      expect(run.code, run.output).toBe(0)
    } finally {
      clearInterval(poll)
      await judge.close()
    }
    expect(judge.requests).toHaveLength(8)
    expect(most).toBe(8)
  })

  test('a concurrent test that asks the judge or extracts entities after another concurrent test has ended still gets its verdict', async () => {
    const judge = await startFixtureServer({ respond: () => JSON.stringify({ criteria: Object.fromEntries(['accuracy', 'completeness', 'conciseness'].map((k) => [k, { reasoning: 'Fine.', score: 9 }])) }) })
    const later = 'await new Promise((r) => setTimeout(r, 300))'
    project.writeTest(
      'concurrent-late.test.js',
      `test.concurrent('ends at once', async () => { expect(1).toBe(1) })\n` +
        `test.concurrent('entities after a wait', async () => { ${later}; expect('In Cupertino, Tim Cook runs Apple.').toPreserveEntities({ from: 'Tim Cook runs Apple in Cupertino.' }) })\n` +
        `test.concurrent('judged after a wait', async () => { ${later}; await expect('- Revenue rose.').toScoreAtLeast(7) })\n`,
    )
    try {
      const run = await runner.run(project, undefined, 'concurrent-late.test.js', { OPENAI_BASE_URL: judge.url, OPENAI_API_KEY: 'k', CI: '', ASSAY_CACHE: 'off' })
      expect(run.code, run.output).toBe(0)
      expect(run.output).not.toContain('outside of the scope of the test code')
    } finally {
      await judge.close()
    }
    expect(judge.requests).toHaveLength(1)
  })

  describe('structural baselines', () => {
    const file = () => join(project.dir, '__llm_baselines__', 'baseline.test.js.json')
    const read = () => readFileSync(file(), 'utf8')
    const run = (output: string, env: Record<string, string>, extra: string[] = []) => runner.run(project, undefined, 'baseline.test.js', { BASELINE_OUTPUT: output, CI: '', ...env }, extra)

    test('the first run records, and the same shape in other words passes', async () => {
      const first = await run('', {})
      expect(first.code, first.output).toBe(0)
      expect(Object.keys(JSON.parse(read()).entries)).toEqual(['pass: baseline 1'])
      const again = await run('- Revenue was up five percent.\n- The CEO thanked buyers.\n- The stock climbed late.', { CI: 'true' })
      expect(again.code, again.output).toBe(0)
    })

    test('a drift fails with the changed properties and a diff, and CI writes nothing', async () => {
      const before = read()
      const drift = await run('Apple rose 5% in the quarter and Tim Cook thanked customers, while shares rose after hours.', { CI: 'true' })
      expect(drift.code).toBe(1)
      const message = project.results().get('pass: baseline')?.message ?? ''
      expect(message).toContain('Expected the structure of the output to match baseline "pass: baseline 1"')
      expect(message).toContain('format: bulleted list → prose')
      expect(message).toContain('--- baseline sample')
      expect(read()).toBe(before)
      const drifted = parseResults(readFileSync(join(project.dir, 'assay-report/results.json'), 'utf8')).files[0]!.tests[0]!.assertions[0]!
      expect(drifted.drift).toMatchObject({ baseline: 'pass: baseline 1', status: 'drifted', changes: expect.arrayContaining(['format: bulleted list → prose']) })
      expect(drifted.drift?.diff).toContain('+Apple rose 5% in the quarter and Tim Cook')
    })

    test('ASSAY_UPDATE=1 re-records, and on CI a missing baseline fails with how to record it', async () => {
      const updated = await run('Now a paragraph.', { ASSAY_UPDATE: '1' })
      expect(updated.code, updated.output).toBe(0)
      expect(JSON.parse(read()).entries['pass: baseline 1'].fingerprint.format).toBe('prose')
      const flagged = await run('- Back to a list.\n- Of two items.', {}, ['-u'])
      expect(flagged.code, flagged.output).toBe(0)
      expect(JSON.parse(read()).entries['pass: baseline 1'].fingerprint.format).toBe('bulleted list')
      rmSync(file())
      const missing = await run('Now a paragraph.', { CI: 'true' })
      expect(missing.code).toBe(1)
      expect(project.results().get('pass: baseline')?.message).toContain('No structural baseline "pass: baseline 1"')
      expect(project.results().get('pass: baseline')?.message).toMatch(runner.name.startsWith('Vitest') ? /\s+npx vitest run baseline\.test\.js/ : /\s+npx jest baseline\.test\.js/)
      expect(project.results().get('pass: baseline')?.message).not.toContain(runner.name.startsWith('Vitest') ? 'npx jest' : 'npx vitest')
      expect(existsSync(file())).toBe(false)
    })

    test('a skipped test keeps its entry even under ASSAY_UPDATE=1', async () => {
      await run('', { SECOND: 'run' })
      expect(Object.keys(JSON.parse(read()).entries)).toEqual(['pass: baseline 1', 'pass: second baseline 1'])
      const skipped = await run('', { SECOND: 'skip', ASSAY_UPDATE: '1' })
      expect(skipped.code, skipped.output).toBe(0)
      expect(Object.keys(JSON.parse(read()).entries)).toEqual(['pass: baseline 1', 'pass: second baseline 1'])
      // On CI, an entry no assertion used fails the run with its list; nothing is deleted.
      const obsolete = await run('', { CI: 'true' })
      expect(obsolete.code).toBe(1)
      expect(obsolete.output).toContain('1 obsolete structural baseline in')
      expect(obsolete.output).toContain('• pass: second baseline 1')
      expect(Object.keys(JSON.parse(read()).entries)).toHaveLength(2)
      await run('', { ASSAY_UPDATE: '1' })
      expect(Object.keys(JSON.parse(read()).entries)).toEqual(['pass: baseline 1'])
    })

    test('a corrupt baseline file fails the test with its name and is left as it was', async () => {
      writeFileSync(file(), '{"assay": "baseline", "version": 1, "entries": {')
      const corrupt = await run('', {})
      expect(corrupt.code).toBe(1)
      expect(project.results().get('pass: baseline')?.message).toContain(`${file()} is not a valid assay store file: it is not JSON`)
      expect(read()).toBe('{"assay": "baseline", "version": 1, "entries": {')
    })
  })

  test('types: every matcher type-checks, and wrong options are rejected', async () => {
    const run = await runner.typecheck(project)
    expect(run.code, run.output).toBe(0)
  })

  test('types: without the assay types the same file fails, so the check can fail', async () => {
    project.writeTypes(false)
    try {
      const run = await runner.typecheck(project)
      expect(run.code).not.toBe(0)
      for (const matcher of ['toHaveBullets', 'toPreserveEntities', 'toHaveNoInventedNumbers', 'toBeConcise', 'toMatchSchema']) {
        expect(run.output).toMatch(new RegExp(`Property '${matcher}' does not exist`))
      }
    } finally {
      project.writeTypes(true)
    }
  })
})

describe('both reporters', () => {
  test('equivalent runs give the same results.json and the same HTML in every runner', () => {
    const [first, ...others] = runners.map((r) => [r.name, reports.get(r.project)] as const)
    expect(first?.[1]).toBeDefined()
    for (const [name, other] of others) {
      expect(other, name).toBeDefined()
      expect(other!.results, name).toEqual(first![1]!.results)
      expect(other!.html, name).toBe(first![1]!.html)
    }
  })
})
