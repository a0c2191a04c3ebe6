// `npx assay batch` in real runners against the fixture server: a collect pass, one batch,
// a replay pass; failed lines asked live; an expired batch writing nothing into the
// cassettes, its completed answers kept for the next run.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, inject, test } from 'vitest'
import { startFixtureServer, type FixtureServer } from '../../fixtures/server/index.js'
import { parseResults } from '../../src/report/schema.js'
import { FixtureProject, node22Path, runners } from './harness.js'

// Per runner: the Node it runs on, how `assay batch` names it, and the arguments that make it write results.json.
const setups = [
  { name: 'Vitest 4 (ESM, Node 20)', node: () => process.execPath, args: ['--runner=vitest', 'judged.test.js'] },
  { name: 'Vitest 5 (ESM, Node 22)', node: node22Path, args: ['--runner=vitest', '--reporter=default', '--reporter=json', '--outputFile.json=results.json', '--reporter=assay/reporter', 'judged.test.js'] },
  { name: 'Jest 29 (CommonJS, globals)', node: () => process.execPath, args: ['--runner=jest', '--ci', '--json', '--outputFile=results.json', 'judged.test.js'] },
  { name: 'Jest 30 (CommonJS, globals)', node: () => process.execPath, args: ['--runner=jest', '--ci', '--json', '--outputFile=results.json', 'judged.test.js'] },
]

/** The judge of the shared judged suite: a low score for an output with "invented" in it. */
function respond(body: { messages: { content: unknown }[] }): string {
  // A repair request ends with its complaint: the output is in the last message that has one.
  const output = String(body.messages.findLast((m) => String(m.content).includes('OUTPUT:'))?.content).split('OUTPUT:')[1] ?? ''
  const score = output.includes('invented') ? 3 : 9
  return JSON.stringify({ criteria: Object.fromEntries(['accuracy', 'completeness', 'conciseness'].map((k) => [k, { reasoning: 'Checked.', score }])) })
}

for (const setup of setups) {
  const runner = runners.find((r) => r.name === setup.name)!
  describe(setup.name, () => {
    let project: FixtureProject
    let server: FixtureServer
    beforeEach(async () => {
      project = new FixtureProject(runner.project, inject('assayPackage'), runner.trees?.())
      server = await startFixtureServer({ respond })
    })
    afterEach(async () => {
      project.remove()
      await server.close()
    })

    const env = () => ({ OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'sk-batch-e2e-secret', CI: 'true', ASSAY_BATCH_POLL_MS: '20' })
    const batch = (extra: string[] = []) => project.run(setup.node(), ['node_modules/assay/bin/assay.mjs', 'batch', ...extra, ...setup.args], env())
    const cassette = () => join(project.dir, '__llm_cassettes__', 'judged.test.js.json')
    const chats = () => server.requests.filter((r) => r.path === '/v1/chat/completions')

    test('a nightly run: collect pass, one batch, a replay pass with no live judge request, and the saving reported', async () => {
      server.configure({ batch: { polls: 3 } })
      const run = await batch()
      // The replay pass's code: the suite's "fail: judged" fails on its verdict, as intended.
      expect(run.code, run.output).toBe(1)
      expect(run.output).toContain('Collected for the batch: this judge request')
      expect(run.output).toMatch(/assay batch: created batch batch_fixture_\d+ with 3 requests to \/v1\/chat\/completions/)
      expect(run.output).toMatch(/assay batch: batch_fixture_\d+ in_progress: 1\/3 done, 0 failed, \d+s elapsed/)
      expect(run.output).toMatch(/assay batch: wrote 3 answers into the cassettes\. Cost \$[\d.]+ at the batch price instead of \$[\d.]+: \$[\d.]+ saved\./)
      expect(run.output).toContain('assay batch: replay pass (ASSAY_CACHE=lockdown): nothing is sent.')
      expect(run.output).toMatch(/assay batch: the batch cost \$[\d.]+ instead of \$[\d.]+ live: \$[\d.]+ saved \(50%\)\./)
      // No judge request went out live, in either pass.
      expect(chats()).toHaveLength(0)
      const outcomes = project.results()
      expect(outcomes.get('pass: judged')?.status, outcomes.get('pass: judged')?.message).toBe('passed')
      expect(outcomes.get('pass: judged not')?.status).toBe('passed')
      expect(outcomes.get('fail: judged')?.message).toContain('Expected an overall score of at least 7, but the judge gave 3.')
      expect(outcomes.get('fail: judged')?.message).toContain('replayed from the cassette')
      const file = readFileSync(cassette(), 'utf8')
      expect(Object.keys(JSON.parse(file).entries)).toHaveLength(3)
      expect(file).not.toContain('sk-batch-e2e-secret')
      expect(existsSync(join(project.dir, '__llm_cassettes__', 'batch-state.json'))).toBe(false)
      // The replay pass's results.json and HTML report carry the batch's figures.
      const saving = parseResults(readFileSync(join(project.dir, 'assay-report/results.json'), 'utf8')).totals.batch!
      expect(saving.requests).toBe(3)
      expect(saving.cost).toBeGreaterThan(0)
      expect(saving.liveCost).toBeCloseTo(2 * saving.cost!, 9)
      expect(saving.saved).toBeCloseTo(saving.liveCost! - saving.cost!, 9)
      expect(readFileSync(join(project.dir, 'assay-report/index.html'), 'utf8')).toContain('Batch API')

      // The next night finds everything recorded: no batch, and the collect pass is the run.
      const again = await batch()
      expect(again.code, again.output).toBe(1)
      expect(again.output).toContain('assay batch: no request is missing from the cassettes; nothing to send.')
      // The collect pass was the run, and it replayed no batch.
      expect(parseResults(readFileSync(join(project.dir, 'assay-report/results.json'), 'utf8')).totals.batch).toBeUndefined()
      expect(server.requests.filter((r) => r.path === '/v1/batches' && r.method === 'POST')).toHaveLength(1)
    })

    test('a run stopped while its batch was being created, then a test added: the rerun finds that batch, writes its answers, and batches only the new request', async () => {
      server.configure({ batch: { loseCreateResponse: true } })
      const lost = await batch()
      expect(lost.code, lost.output).toBe(1)
      expect(lost.output).toContain('assay batch: the batch could not be sent or read: 500 ')
      expect(server.batches()).toHaveLength(1)
      project.writeTest(
        'extra.test.js',
        `test('pass: extra judged', async () => {
  await expect('- Revenue rose 5%.').toScoreAtLeast(7, { source: 'Revenue rose 5%.' })
})
`,
      )
      server.configure({ batch: { polls: 1 } })
      const args = setup.args.flatMap((a) => (a === 'judged.test.js' ? [a, 'extra.test.js'] : [a]))
      const rerun = await project.run(setup.node(), ['node_modules/assay/bin/assay.mjs', 'batch', ...args], env())
      expect(rerun.code, rerun.output).toBe(1)
      const [first, second] = server.batches().map((b) => String(b.id))
      expect(rerun.output).toContain(`assay batch: found batch ${first}, created by a run stopped while waiting for its creation.`)
      expect(rerun.output).toContain(`assay batch: created batch ${second} with 1 requests to /v1/chat/completions`)
      expect(server.batches()).toHaveLength(2)
      expect(chats()).toHaveLength(0)
      const outcomes = project.results()
      expect(outcomes.get('pass: judged')?.status, outcomes.get('pass: judged')?.message).toBe('passed')
      expect(outcomes.get('pass: extra judged')?.status, outcomes.get('pass: extra judged')?.message).toBe('passed')
      expect(outcomes.get('fail: judged')?.message).toContain('replayed from the cassette')
      expect(existsSync(join(project.dir, '__llm_cassettes__', 'batch-state.json'))).toBe(false)
    })

    test('partial failure: the failed line is named and asked live in the replay pass, the others replay', async () => {
      server.configure({ batch: { polls: 1, failLine: (l) => JSON.stringify(l.body).includes('invented demand') } })
      const run = await batch()
      expect(run.code, run.output).toBe(1)
      expect(run.output).toMatch(/assay batch: failed request [0-9a-f]{32} \(fail: judged\): status 500/)
      expect(run.output).toContain('assay batch: replay pass (ASSAY_CACHE=auto): 1 request(s) the batch did not answer are asked live')
      expect(chats()).toHaveLength(1)
      const outcomes = project.results()
      expect(outcomes.get('pass: judged')?.status).toBe('passed')
      expect(outcomes.get('fail: judged')?.message).toContain('but the judge gave 3.')
      expect(Object.keys(JSON.parse(readFileSync(cassette(), 'utf8')).entries)).toHaveLength(3)
    })

    test('partial failure with --failed=report: the failed line is named and its test fails, nothing is sent live', async () => {
      server.configure({ batch: { polls: 1, failLine: (l) => JSON.stringify(l.body).includes('invented figure') } })
      const run = await batch(['--failed=report'])
      expect(run.code, run.output).toBe(1)
      expect(run.output).toContain('The tests of 1 unanswered request(s) fail: pass: judged not.')
      expect(chats()).toHaveLength(0)
      const outcomes = project.results()
      expect(outcomes.get('pass: judged')?.status).toBe('passed')
      expect(outcomes.get('pass: judged not')?.message).toContain('No recorded answer for this LLM request')
    })

    test('a key a server echoes (an API error, a failed line) is redacted in everything assay batch prints', async () => {
      const echo = 'received Authorization: Bearer sk-batch-e2e-secret'
      server.configure({ batch: { rejectUpload: { status: 401, message: `Incorrect API key provided (${echo})` } } })
      const refused = await batch(['--failed=report'])
      expect(refused.code, refused.output).toBe(1)
      expect(refused.output).toContain('assay batch: the batch could not be sent or read: 401 Incorrect API key provided (received Authorization: [REDACTED]')
      expect(refused.output).not.toContain('sk-batch-e2e-secret')

      server.configure({ batch: { polls: 1, failLine: (l) => JSON.stringify(l.body).includes('invented demand'), failMessage: `server error (${echo})` } })
      const run = await batch(['--failed=report'])
      expect(run.code, run.output).toBe(1)
      expect(run.output).toMatch(/assay batch: failed request [0-9a-f]{32} \(fail: judged\): status 500: server error \(received Authorization: \[REDACTED\]/)
      expect(run.output).not.toContain('sk-batch-e2e-secret')
    })

    test('a key that the runner\'s coloured diff cuts with escape codes is not printed', async () => {
      const key = 'gw-9f8e7d6c5b4a39281706f5e4d3c2b1a0'
      project.writeTest(
        'diff.test.js',
        `const KEY = process.env.OPENAI_API_KEY
test('header', () => {
  expect('Bearer ' + KEY.slice(0, 4) + 'Z' + KEY.slice(5)).toBe('Bearer ' + KEY)
})
`,
      )
      const args = setup.args.map((a) => (a === 'judged.test.js' ? 'diff.test.js' : a))
      // The harness sets NO_COLOR, which Vitest obeys whenever it is set at all.
      const run = await project.run('env', ['-u', 'NO_COLOR', setup.node(), 'node_modules/assay/bin/assay.mjs', 'batch', ...args], { ...env(), OPENAI_API_KEY: key, FORCE_COLOR: '1' })
      expect(run.code, run.output).toBe(1)
      // The diff is coloured, so the escape codes were there to cut the key.
      expect(run.output).toContain('\x1b[')
      const plain = run.output.replace(/\x1b\[[0-9;]*m/g, '')
      expect(plain).toContain('[REDACTED]')
      expect(plain).not.toContain(key.slice(5))
      expect(plain).not.toContain(key.slice(0, 12))
    })

    test('a batch answer without a verdict is not written: the replay pass asks live, and repairs the reply live', async () => {
      let bad = 0
      // The batch's answer and the first live one hold no verdict; the repair request gets one.
      server.configure({ respond: (body) => (JSON.stringify(body.messages).includes('invented demand') && bad++ < 2 ? 'no idea' : respond(body)) })
      const run = await batch()
      expect(run.code, run.output).toBe(1)
      expect(run.output).toMatch(/assay batch: answer [0-9a-f]{32} \(fail: judged\) holds no verdict \(.+\); it was not recorded\./)
      expect(run.output).toContain('assay batch: replay pass (ASSAY_CACHE=auto): 1 request(s) the batch did not answer are asked live')
      // The first request again, then its repair: both live.
      expect(chats()).toHaveLength(2)
      expect(JSON.stringify(chats()[1]!.body)).toContain('That reply is not valid')
      expect(project.results().get('fail: judged')?.message).toContain('but the judge gave 3.')
      // As live: once the repaired verdict stands, both of its answers are recorded.
      expect(Object.keys(JSON.parse(readFileSync(cassette(), 'utf8')).entries)).toHaveLength(4)
    })

    test('an app request through recordingFetch is batched too; a test whose app swallowed the miss still fails in the collect pass', async () => {
      project.writeTest(
        'app.test.js',
        `async function summarise(text) {
  const res = await recordingFetch()(process.env.OPENAI_BASE_URL + '/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Summarise: ' + text }] }) })
  // The app falls back to a canned summary when its model fails.
  return res.ok ? (await res.json()).choices[0].message.content : 'A canned summary.'
}
test('app: summary', async () => {
  expect((await summarise('the article')).length).toBeGreaterThan(0)
})
`,
        ['recordingFetch'],
      )
      const args = setup.args.map((a) => (a === 'judged.test.js' ? 'app.test.js' : a))
      const run = await project.run(setup.node(), ['node_modules/assay/bin/assay.mjs', 'batch', ...args], env())
      expect(run.code, run.output).toBe(0)
      expect(run.output).toContain('Collected for the batch: "app: summary" asked for an LLM answer that is not recorded yet')
      expect(run.output).toMatch(/assay batch: wrote 1 answers into the cassettes/)
      expect(chats()).toHaveLength(0)
      expect(project.results().get('app: summary')?.status).toBe('passed')
    })

    test('an output that holds the key is not batched: the run names it, the replay pass asks it live, and nothing prints the key', async () => {
      project.writeTest(
        'leak.test.js',
        `test('leak: judged', async () => {
  await expect('Refund approved; the token is ' + process.env.OPENAI_API_KEY + '.').toScoreAtLeast(7)
})
test('plain: judged', async () => {
  await expect('Refund approved in full.').toScoreAtLeast(7)
})
`,
      )
      const args = setup.args.map((a) => (a === 'judged.test.js' ? 'leak.test.js' : a))
      const run = await project.run(setup.node(), ['node_modules/assay/bin/assay.mjs', 'batch', ...args], env())
      expect(run.code, run.output).toBe(0)
      expect(run.output).toMatch(/assay batch: created batch batch_fixture_\d+ with 1 requests to \/v1\/chat\/completions/)
      expect(run.output).toMatch(/assay batch: request [0-9a-f]{32} \(leak: judged\) holds a secret, so it was not batched/)
      expect(run.output).toContain('assay batch: replay pass (ASSAY_CACHE=auto): 1 request(s) the batch did not answer (1 holding a secret, never batched) are asked live')
      // Only the secret-bearing request went out live, with its own text.
      expect(chats()).toHaveLength(1)
      expect(JSON.stringify(chats()[0]!.body)).toContain('sk-batch-e2e-secret')
      expect(run.output).not.toContain('sk-batch-e2e-secret')
      expect(project.results().get('leak: judged')?.status).toBe('passed')
      expect(project.results().get('plain: judged')?.status).toBe('passed')
    })

    test('an expired batch leaves the cassettes unchanged, says so, and runs no replay pass', async () => {
      // Record one verdict first, so that there is a cassette to leave alone.
      const first = await runner.run(project, 'pass: judged', 'judged.test.js', { ...env(), CI: '' })
      expect(first.code, first.output).toBe(0)
      const before = readFileSync(cassette(), 'utf8')
      server.configure({ batch: { polls: 2, outcome: 'expired' } })
      const run = await batch()
      expect(run.code, run.output).toBe(1)
      expect(run.output).toMatch(/assay batch: batch batch_fixture_\d+ expired: none of its 1 answers were written, and the cassettes are as they were\./)
      expect(run.output).toContain('the replay pass does not run')
      expect(readFileSync(cassette(), 'utf8')).toBe(before)
    })

    test('an expired batch with 2 of 3 answers leaves the cassettes unchanged and keeps the 2; the rerun batches only the third and replays green', async () => {
      project.writeTest(
        'kept.test.js',
        ['one', 'two', 'three'].map((n) => `test('kept: ${n}', async () => {\n  await expect('- Revenue rose 5% (${n}).').toScoreAtLeast(7, { source: 'Revenue rose 5%.' })\n})\n`).join(''),
      )
      const args = setup.args.map((a) => (a === 'judged.test.js' ? 'kept.test.js' : a))
      const kept = join(project.dir, '__llm_cassettes__', 'kept.test.js.json')
      server.configure({ batch: { polls: 1, outcome: 'expired', answered: 2 } })
      const expired = await project.run(setup.node(), ['node_modules/assay/bin/assay.mjs', 'batch', ...args], env())
      expect(expired.code, expired.output).toBe(1)
      expect(expired.output).toMatch(/assay batch: batch batch_fixture_\d+ expired: 2 of its 3 answers were kept in \S+batch-salvage\.json, and the cassettes are as they were\. The next `npx assay batch` writes them into the cassettes and sends only the other 1 request\(s\) in a new batch\./)
      expect(expired.output).toContain('the replay pass does not run')
      expect(existsSync(kept)).toBe(false)
      expect(existsSync(join(project.dir, '__llm_cassettes__', 'batch-salvage.json'))).toBe(true)

      server.configure({ batch: { polls: 1 } })
      const rerun = await project.run(setup.node(), ['node_modules/assay/bin/assay.mjs', 'batch', ...args], env())
      expect(rerun.code, rerun.output).toBe(0)
      expect(rerun.output).toMatch(/assay batch: wrote 2 answers kept from batch batch_fixture_\d+ \(expired\) into the cassettes; they are not sent again\./)
      expect(rerun.output).toMatch(/assay batch: created batch batch_fixture_\d+ with 1 requests to \/v1\/chat\/completions/)
      expect(server.batches().map((b) => (b.request_counts as { total: number }).total)).toEqual([3, 1])
      expect(chats()).toHaveLength(0)
      const outcomes = project.results()
      for (const n of ['one', 'two', 'three']) expect(outcomes.get(`kept: ${n}`)?.status, outcomes.get(`kept: ${n}`)?.message).toBe('passed')
      expect(Object.keys(JSON.parse(readFileSync(kept, 'utf8')).entries)).toHaveLength(3)
      expect(existsSync(join(project.dir, '__llm_cassettes__', 'batch-salvage.json'))).toBe(false)
      // The kept answers count as batch answers in the replay's results.
      expect(parseResults(readFileSync(join(project.dir, 'assay-report/results.json'), 'utf8')).totals.batch?.requests).toBe(3)
    })

    test.each([
      ['with CI set', 'true'],
      ['without CI', ''],
    ])('similarity, a score and faithfulness %s: every miss is collected, not sent; one batch per endpoint; the replay sends nothing', async (_name, ci) => {
      const claims = JSON.stringify({ claims: [{ claim: 'Revenue rose 5%.', reason: 'The source says so.', verdict: 'supported' }] })
      server.configure({ respond: (body) => (JSON.stringify(body.messages).includes('fact checker') ? claims : respond(body)) })
      project.writeTest(
        'semantic.test.js',
        `const article = 'Revenue rose 5% in the quarter.'
test('similar', async () => {
  await expect('your refund was approved').toBeSemanticallySimilarTo('your refund has been approved', { threshold: 0.5 })
})
test('judged', async () => {
  await expect('Revenue rose 5%.').toScoreAtLeast(7, { source: article })
})
test('faithful', async () => {
  await expect('Revenue rose 5%.').toBeFaithfulTo(article)
})
`,
      )
      const args = setup.args.map((a) => (a === 'judged.test.js' ? 'semantic.test.js' : a))
      // The semantic judge cache on, whose look-ups would embed the judged output.
      const run = await project.run(setup.node(), ['node_modules/assay/bin/assay.mjs', 'batch', ...args], { ...env(), CI: ci, ASSAY_SEMANTIC_CACHE: '1' })
      expect(run.code, run.output).toBe(0)
      expect(run.output).toContain('Collected for the batch: this embedding request for 2 inputs')
      expect(run.output).toContain('Collected for the batch: this judge request')
      // Nothing is sent live: not in the collect pass, not in the replay pass.
      expect(server.requests.filter((r) => r.path === '/v1/embeddings' || r.path === '/v1/chat/completions').map((r) => r.path)).toEqual([])
      expect(server.batches().map((b) => b.endpoint).sort()).toEqual(['/v1/chat/completions', '/v1/embeddings'])
      expect(run.output).toMatch(/assay batch: created batch batch_fixture_\d+ with 2 requests to \/v1\/embeddings/)
      expect(run.output).toMatch(/assay batch: created batch batch_fixture_\d+ with 2 requests to \/v1\/chat\/completions/)
      const outcomes = project.results()
      for (const name of ['similar', 'judged', 'faithful']) expect(outcomes.get(name)?.status, outcomes.get(name)?.message).toBe('passed')
      // One embedding entry per input, its vector as exact base64.
      const entries = Object.values(JSON.parse(readFileSync(join(project.dir, '__llm_cassettes__', 'semantic.test.js.json'), 'utf8')).entries) as { response: { object?: string; encoding?: string } }[]
      expect(entries.filter((e) => e.response.object === 'embedding').map((e) => e.response.encoding)).toEqual(['float32-base64', 'float32-base64'])
    })
  })
}
