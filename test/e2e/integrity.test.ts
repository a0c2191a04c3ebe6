// Store integrity and "never a pass without a verdict", end to end in every runner set-up:
// recordings survive -u, prune and the cache switched off; a failed or retried test keeps
// its entries; a judged assertion that was not awaited fails its test; a key learnt only
// in a test worker never reaches the report.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { startFixtureServer, type FixtureServer } from '../../fixtures/server/index.js'
import { FixtureProject, node22Path, runners } from './harness.js'
import { embeddedData } from '../report/embedded.js'

const article = 'Apple reported revenue of $85.8 billion, up 5%, Tim Cook said on August 1, 2024.'

// An app call through recordingFetch and a judged assertion, in one test file.
const appBody = `
const article = ${JSON.stringify(article)}
test('app call then judge', async () => {
  const res = await recordingFetch()(process.env.OPENAI_BASE_URL + '/chat/completions', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer ' + process.env.OPENAI_API_KEY },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Summarise: ' + article }] }),
  })
  expect(res.status).toBe(200)
  await expect('- Revenue rose 5% to $85.8 billion.').toScoreAtLeast(7, { source: article })
})
`

// Tests that can be made to throw before reaching their assertions.
const earlyBody = `
const article = ${JSON.stringify(article)}
test('judged', async () => {
  if (process.env.FAIL_EARLY) throw new Error('failed early')
  await expect('- Revenue rose 5% to $85.8 billion.').toScoreAtLeast(7, { source: article })
})
test('shaped', () => {
  if (process.env.FAIL_EARLY) throw new Error('failed early')
  expect(process.env.SHAPE || '- One point.\\n- Another point.').toMatchStructuralBaseline()
})
`

// A test retried once (Vitest's retry option, Jest's retryTimes) whose first attempt fails
// after its baseline assertion unless NO_FLAKE is set.
const retryBody = `
const retried = typeof test.extend === 'function'
  ? (name, fn) => test(name, { retry: 1 }, fn)
  : (name, fn) => {
      ;(typeof jest === 'undefined' ? require('@jest/globals').jest : jest).retryTimes(1)
      test(name, fn)
    }
let attempts = 0
retried('retried', () => {
  attempts++
  expect('- One point.\\n- Another point.').toMatchStructuralBaseline()
  if (attempts === 1 && !process.env.NO_FLAKE) throw new Error('the first attempt fails')
})
`

const unawaitedBody = `
const article = ${JSON.stringify(article)}
test('forgot await', () => {
  expect('- Revenue rose 5% to $85.8 billion.').toScoreAtLeast(7, { source: article })
})
test('awaited', async () => {
  await expect('- Revenue rose 5% to $85.8 billion.').toScoreAtLeast(7, { source: article })
})
`

// Keys only the test worker learns: from the environment under names assay does not take
// for keys, so the reporter's process cannot know them from its own environment.
const appKey = 'sk-app-echoed-0123456789'
const registeredKey = 'sk-registered-9876543210'
const leakBody = `
test('the app echoes its key', async () => {
  const res = await recordingFetch()(process.env.APP_BASE_URL + '/chat/completions', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer ' + process.env.APP_CREDENTIAL },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Who am I?' }] }),
  })
  const reply = (await res.json()).choices[0].message.content
  expect(reply).toBe('a reply that does not quote the key')
})
test('a registered key in a thrown error', () => {
  registerSecret(process.env.GATEWAY_CREDENTIAL)
  throw new Error('the gateway refused ' + process.env.GATEWAY_CREDENTIAL + (typeof process.send === 'function' ? ' (in a child process)' : ''))
})
`

describe.each(runners)('$name', (runner) => {
  let project: FixtureProject
  let judge: FixtureServer
  const env = (extra: Record<string, string> = {}) => ({ OPENAI_BASE_URL: judge.url, OPENAI_API_KEY: 'sk-integrity-key', CI: '', ...extra })
  const entries = (file: string, store = '__llm_cassettes__') => {
    const path = join(project.dir, store, `${file}.json`)
    return existsSync(path) ? Object.keys(JSON.parse(readFileSync(path, 'utf8')).entries as object).sort() : []
  }
  const vitest = runner.name.startsWith('Vitest')
  const prune = (file: string) => project.run(runner.name.includes('Vitest 5') ? node22Path() : process.execPath, ['node_modules/assay/bin/assay.mjs', 'prune', file], env())

  beforeAll(async () => {
    project = new FixtureProject(runner.project, inject('assayPackage'), runner.trees?.())
    project.writeTest('app.test.js', appBody, ['recordingFetch'])
    project.writeTest('early.test.js', earlyBody)
    project.writeTest('retry.test.js', retryBody)
    project.writeTest('unawaited.test.js', unawaitedBody)
    project.writeTest('leak.test.js', leakBody, ['recordingFetch', 'registerSecret'])
    project.writeTest('other.test.js', `test('passes', () => {\n  expect(1).toBe(1)\n})\n`)
    judge = await startFixtureServer({
      latencyMs: 50,
      respond: (body) => {
        const output = String(body.messages.at(-1)?.content).split('OUTPUT:')[1] ?? ''
        const score = output.includes('invented') ? 3 : 9
        const entry = (reasoning: string) => ({ reasoning, score })
        return JSON.stringify({ criteria: { accuracy: entry('Checked.'), completeness: entry('Complete.'), conciseness: entry('Short.') } })
      },
    })
  })
  afterAll(async () => {
    await judge?.close()
    project?.remove()
  })

  test('a key learnt only in a test worker (an app request header, registerSecret) is redacted from the report, the terminal summary and the cassette', async () => {
    const app = await startFixtureServer({ respond: (_body, _choice, { headers }) => `you sent ${String(headers.authorization)}` })
    try {
      // One file (Jest runs it in its own process, in a vm context), then two (in worker
      // processes); the second asks the app's endpoint again rather than replay its reply.
      for (const [extra, cache] of [[[], 'auto'], [['other.test.js'], 'refresh']] as const) {
        const run = await runner.run(project, undefined, 'leak.test.js', env({ APP_BASE_URL: app.url, APP_CREDENTIAL: appKey, GATEWAY_CREDENTIAL: registeredKey, ASSAY_CACHE: cache }), [...extra])
        expect(run.code, run.output).toBe(1)
        const report = join(project.dir, 'assay-report')
        const results = readFileSync(join(report, 'results.json'), 'utf8')
        // The runner's errors reached the report, with the keys replaced.
        expect(results).toContain('you sent Bearer [REDACTED]')
        expect(results).toContain('the gateway refused [REDACTED]')
        if (extra.length) expect(results).toContain('the gateway refused [REDACTED] (in a child process)')
        const written: [string, string][] = [[join(project.dir, '__llm_cassettes__', 'leak.test.js.json'), readFileSync(join(project.dir, '__llm_cassettes__', 'leak.test.js.json'), 'utf8')]]
        const walk = (dir: string): void => {
          for (const entry of readdirSync(dir, { withFileTypes: true })) {
            const path = join(dir, entry.name)
            if (entry.isDirectory()) walk(path)
            else written.push([path, readFileSync(path, 'utf8')])
          }
        }
        walk(report)
        const html = written.find(([path]) => path.endsWith('index.html'))![1]
        // The page's data block is gzipped: read what it holds, not its base64.
        written.push(['index.html data block', JSON.stringify(embeddedData(html))])
        expect(written.map(([path]) => path)).toContain(join(report, 'results.json'))
        // Nor a part of one: Vitest's message cuts the reply short ('you sent Bearer sk-app-echoed-0123…').
        const parts = [appKey, registeredKey].map((key) => key.slice(0, 12))
        for (const [path, text] of written) for (const part of parts) expect(text.includes(part), `${part} in ${path}`).toBe(false)
        // What assay itself prints (the runner's own reporters print the runner's errors as they are).
        const printed = run.output.split('\n').filter((line) => line.startsWith('assay:') || line.startsWith('::'))
        expect(printed.length).toBeGreaterThan(0)
        for (const line of printed) for (const part of parts) expect(line).not.toContain(part)
      }
      expect(app.requests.filter((r) => r.status === 200)).toHaveLength(2)
    } finally {
      await app.close()
    }
  })

  test('app calls share the test file cassette with the judge: never obsolete, kept by -u, ASSAY_UPDATE=1 and prune, replayed on CI', async () => {
    const first = await runner.run(project, undefined, 'app.test.js', env())
    expect(first.code, first.output).toBe(0)
    const recorded = entries('app.test.js')
    expect(recorded).toHaveLength(2)
    expect(first.output).not.toContain('obsolete entr')
    for (const [extra, variables] of [[[], { ASSAY_UPDATE: '1' }], [['-u'], {}]] as const) {
      const updated = await runner.run(project, undefined, 'app.test.js', env(variables), [...extra])
      expect(updated.code, updated.output).toBe(0)
      expect(entries('app.test.js')).toEqual(recorded)
    }
    if (vitest) {
      const pruned = await prune('app.test.js')
      expect(pruned.code, pruned.output).toBe(0)
      expect(entries('app.test.js')).toEqual(recorded)
    }
    const before = judge.requests.length
    const ci = await runner.run(project, undefined, 'app.test.js', env({ CI: 'true' }))
    expect(ci.code, ci.output).toBe(0)
    expect(judge.requests.length).toBe(before)
  })

  test('a test that fails before its assertions keeps its cassette and baseline entries under -u, and CI does not call them obsolete', async () => {
    const first = await runner.run(project, undefined, 'early.test.js', env())
    expect(first.code, first.output).toBe(0)
    expect(entries('early.test.js')).toHaveLength(1)
    expect(entries('early.test.js', '__llm_baselines__')).toEqual(['shaped 1'])
    const failed = await runner.run(project, undefined, 'early.test.js', env({ FAIL_EARLY: '1', ASSAY_UPDATE: '1' }))
    expect(failed.code).toBe(1)
    expect(project.results().get('judged')?.message).toContain('failed early')
    expect(entries('early.test.js')).toHaveLength(1)
    expect(entries('early.test.js', '__llm_baselines__')).toEqual(['shaped 1'])
    const flagged = await runner.run(project, undefined, 'early.test.js', env({ FAIL_EARLY: '1' }), ['-u'])
    expect(flagged.code).toBe(1)
    expect(entries('early.test.js')).toHaveLength(1)
    expect(entries('early.test.js', '__llm_baselines__')).toEqual(['shaped 1'])
    const ci = await runner.run(project, undefined, 'early.test.js', env({ FAIL_EARLY: '1', CI: 'true' }))
    expect(ci.code).toBe(1)
    expect(ci.output).not.toMatch(/[1-9]\d* obsolete/)
    const green = await runner.run(project, undefined, 'early.test.js', env({ CI: 'true' }))
    expect(green.code, green.output).toBe(0)
  })

  test('with ASSAY_CACHE=off no recorded entry is reported obsolete or deleted, even under ASSAY_UPDATE=1', async () => {
    const recorded = entries('early.test.js')
    expect(recorded).toHaveLength(1)
    const before = judge.requests.length
    const off = await runner.run(project, undefined, 'early.test.js', env({ ASSAY_CACHE: 'off' }))
    expect(off.code, off.output).toBe(0)
    expect(off.output).not.toMatch(/[1-9]\d* obsolete/)
    const offUpdate = await runner.run(project, undefined, 'early.test.js', env({ ASSAY_CACHE: 'off', ASSAY_UPDATE: '1' }))
    expect(offUpdate.code, offUpdate.output).toBe(0)
    // The judge was asked live both times, and the cassette kept its entry.
    expect(judge.requests.length).toBe(before + 2)
    expect(entries('early.test.js')).toEqual(recorded)
  })

  test.runIf(vitest)('assay prune removes obsolete cassette entries and nothing else: a drifted baseline still fails and is not rewritten', async () => {
    const baselines = join(project.dir, '__llm_baselines__', 'early.test.js.json')
    const committed = readFileSync(baselines, 'utf8')
    const drift = await project.run(runner.name.includes('Vitest 5') ? node22Path() : process.execPath, ['node_modules/assay/bin/assay.mjs', 'prune', 'early.test.js'], env({ SHAPE: 'Now one paragraph of prose.' }))
    expect(drift.code).toBe(1)
    expect(drift.output).toContain('Expected the structure of the output to match baseline "shaped 1"')
    expect(readFileSync(baselines, 'utf8')).toBe(committed)

    const cassette = join(project.dir, '__llm_cassettes__', 'early.test.js.json')
    const data = JSON.parse(readFileSync(cassette, 'utf8')) as { entries: Record<string, unknown> }
    const [key] = Object.keys(data.entries)
    data.entries['0'.repeat(32)] = data.entries[key!]
    writeFileSync(cassette, JSON.stringify(data, null, 2))
    const pruned = await prune('early.test.js')
    expect(pruned.code, pruned.output).toBe(0)
    expect(entries('early.test.js')).toEqual([key])
    expect(readFileSync(baselines, 'utf8')).toBe(committed)
  })

  test('a retried test reuses its baseline keys, so a run that passes at once finds nothing missing or obsolete', async () => {
    const flaky = await runner.run(project, undefined, 'retry.test.js', env())
    expect(flaky.code, flaky.output).toBe(0)
    expect(entries('retry.test.js', '__llm_baselines__')).toEqual(['retried 1'])
    const ci = await runner.run(project, undefined, 'retry.test.js', env({ CI: 'true', NO_FLAKE: '1' }))
    expect(ci.code, ci.output).toBe(0)
    expect(ci.output).not.toMatch(/[1-9]\d* obsolete/)
  })

  test('a judged assertion that was not awaited fails its test with its line, live and replayed', async () => {
    const line = unawaitedBody.split('\n').findIndex((l) => l.startsWith('  expect(')) + readFileSync(join(project.dir, 'unawaited.test.js'), 'utf8').split('\n').findIndex((l) => l.startsWith('const article')) - unawaitedBody.split('\n').findIndex((l) => l.startsWith('const article')) + 1
    for (const ci of ['', 'true']) {
      const run = await runner.run(project, undefined, 'unawaited.test.js', env({ CI: ci }))
      expect(run.code).toBe(1)
      const outcomes = project.results()
      expect(outcomes.get('awaited')?.status, outcomes.get('awaited')?.message).toBe('passed')
      expect(outcomes.get('forgot await')?.status).toBe('failed')
      const message = outcomes.get('forgot await')?.message ?? ''
      expect(message).toContain('toScoreAtLeast was not awaited')
      expect(message).toMatch(new RegExp(`unawaited\\.test\\.js:${line}:\\d+`))
    }
  })
})
