// Store integrity and "never a pass without a verdict", end to end in every runner set-up:
// recordings survive -u, prune and the cache switched off; a failed or retried test keeps
// its entries; a judged assertion that was not awaited fails its test; a key learnt only
// in a test worker never reaches the report.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
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

// Judged assertions that start after their test ended: inside forEach(async …) in a middle
// test, and in a timer of a file's last test. Each output is unique, so the judge's
// requests show whether a late one was asked.
const lateForEachBody = `
const article = ${JSON.stringify(article)}
const later = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
test('awaited first', async () => {
  await expect('- Revenue rose 5% to $85.8 billion.').toScoreAtLeast(7, { source: article })
})
test('forEach async', () => {
  ;['- Late forEach one.', '- Late forEach two.'].forEach(async (output) => {
    await later(50)
    await expect(output).toScoreAtLeast(7, { source: article })
  })
})
test('quick last', () => {})
`

const lateTimerBody = `
const article = ${JSON.stringify(article)}
test('awaited first', async () => {
  await expect('- Revenue rose 5% to $85.8 billion.').toScoreAtLeast(7, { source: article })
})
test('timer last', () => {
  setTimeout(() => expect('- Late timer.').toScoreAtLeast(7, { source: article }), 50)
})
`

// A timer beyond the window a file's end waits for: it fires after the file ended.
const lateAfterFileBody = `
const article = ${JSON.stringify(article)}
test('awaited first', async () => {
  await expect('- Revenue rose 5% to $85.8 billion.').toScoreAtLeast(7, { source: article })
})
test('long timer last', () => {
  setTimeout(() => expect('- Late after the file.').toScoreAtLeast(7, { source: article }), 1500)
})
`

// The same in a worker process, while another file keeps the run going: the timer leaves a
// mark once the assertion started (saying whether it ran in a worker), and the other file
// waits for the mark (bounded), so the run cannot end first whatever the timings.
const lateInWorkerBody = `
const { writeFileSync } = require('node:fs')
const article = ${JSON.stringify(article)}
const mark = process.env.LATE_MARK
const where = typeof process.send === 'function' ? 'worker process' : 'in band'
test('awaited first', async () => {
  await expect('- Revenue rose 5% to $85.8 billion.').toScoreAtLeast(7, { source: article })
})
test('long timer last', () => {
  setTimeout(() => {
    expect('- Late in a worker.').toScoreAtLeast(7, { source: article })
    writeFileSync(mark, where)
  }, 1500)
})
`
const waitForMarkBody = `
const { existsSync } = require('node:fs')
const mark = process.env.LATE_MARK
test('waits for the late assertion', async () => {
  for (let i = 0; i < 300 && !existsSync(mark); i++) await new Promise((resolve) => setTimeout(resolve, 100))
}, 60_000)
`

// The runner's hooks, imported the way each fixture project imports its test functions.
const hooksImport = (project: string) =>
  project.startsWith('vitest') ? "import { afterAll, beforeAll } from 'vitest'\n" : project === 'jest-globals' ? "const { afterAll, beforeAll } = require('@jest/globals')\n" : ''

// An afterAll hook that starts a judged assertion after every test ended, and does not wait for it.
const lateHookBody = `
const article = ${JSON.stringify(article)}
afterAll(() => {
  expect('- Late afterAll.').toScoreAtLeast(7, { source: article })
})
test('only', () => {})
`

// What must keep working: judged assertions awaited in hooks, in Promise.all, in concurrent
// tests and in a retried test, and (Vitest) expect.soft.
const legitBody = `
const article = ${JSON.stringify(article)}
const soft = typeof expect.soft === 'function' ? expect.soft : expect
const retried = typeof test.extend === 'function'
  ? (name, fn) => test(name, { retry: 2 }, fn)
  : (name, fn) => {
      ;(typeof jest === 'undefined' ? require('@jest/globals').jest : jest).retryTimes(2)
      test(name, fn)
    }
beforeAll(async () => {
  await expect('- Legit beforeAll.').toScoreAtLeast(7, { source: article })
})
afterAll(async () => {
  await expect('- Legit afterAll.').toScoreAtLeast(7, { source: article })
})
test('Promise.all', async () => {
  await Promise.all(['- Legit all one.', '- Legit all two.'].map((o) => expect(o).toScoreAtLeast(7, { source: article })))
})
test('soft', async () => {
  await soft('- Legit soft.').toScoreAtLeast(7, { source: article })
})
let attempts = 0
retried('retried', async () => {
  attempts++
  await expect('- Legit retried ' + attempts + '.').toScoreAtLeast(7, { source: article })
  if (attempts === 1) throw new Error('the first attempt fails')
})
for (const n of [1, 2, 3]) {
  test.concurrent('concurrent ' + n, async () => {
    await expect('- Legit concurrent ' + n + '.').toScoreAtLeast(7, { source: article })
  })
}
`

// A concurrent test that forgets its await on an assertion that fails; its neighbour runs
// on long enough for the verdict to arrive before the file ends.
const concurrentBody = `
const article = ${JSON.stringify(article)}
test.concurrent('forgot await, fails', async () => {
  expect('- Revenue rose by an invented 40%.').toScoreAtLeast(7, { source: article })
})
test.concurrent('awaited, slow', async () => {
  await expect('- Revenue rose 5% to $85.8 billion.').toScoreAtLeast(7, { source: article })
  await new Promise((resolve) => setTimeout(resolve, 1500))
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
    project.writeTest('late-foreach.test.js', lateForEachBody)
    project.writeTest('late-timer.test.js', lateTimerBody)
    project.writeTest('late-after-file.test.js', lateAfterFileBody)
    project.writeTest('late-in-worker.test.js', lateInWorkerBody)
    project.writeTest('wait-for-mark.test.js', waitForMarkBody)
    project.writeTest('late-hook.test.js', hooksImport(runner.project) + lateHookBody)
    project.writeTest('legit.test.js', hooksImport(runner.project) + legitBody)
    project.writeTest('concurrent.test.js', concurrentBody)
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

  // The line of the first line of `body` that starts with `prefix`, in the written file.
  const lineOf = (file: string, prefix: string) => readFileSync(join(project.dir, file), 'utf8').split('\n').findIndex((l) => l.trimStart().startsWith(prefix)) + 1
  const asked = (text: string) => judge.requests.filter((r) => JSON.stringify(r).includes(text)).length

  test.each([
    ['late-foreach.test.js', 'forEach(async …) in a middle test', '- Late forEach', 'await expect(output)'],
    ['late-timer.test.js', 'a timer in the last test', '- Late timer', 'setTimeout('],
  ])('%s: a judged assertion that starts after its test ended (%s) fails the run, names its line, and asks no judge', async (file, _, text, call) => {
    const line = lineOf(file, call)
    for (const ci of ['', 'true']) {
      const run = await runner.run(project, undefined, file, env({ CI: ci }))
      expect(run.code, run.output).toBe(1)
      expect(run.output).toContain('toScoreAtLeast started after its test ended')
      expect(run.output).toMatch(new RegExp(`${file.replace('.', '\\.')}:${line}:\\d+`))
      expect(run.output).toContain('for … of')
      expect(asked(text)).toBe(0)
    }
  })

  // Jest runs a single file in its own process, which waits for the timer: the assertion
  // starts after the file ended, and the process exits non-zero. A Vitest worker exits
  // with its last file, so such a timer never fires there (see README).
  test.runIf(!vitest)('a judged assertion that starts after its file ended still fails the run, and asks no judge', async () => {
    const run = await runner.run(project, undefined, 'late-after-file.test.js', env())
    expect(run.code, run.output).toBe(1)
    expect(run.output).toContain('toScoreAtLeast started after its test ended')
    expect(run.output).toMatch(new RegExp(`late-after-file\\.test\\.js:${lineOf('late-after-file.test.js', 'setTimeout(')}:\\d+`))
    expect(asked('- Late after the file')).toBe(0)
  })

  // Jest ignores a worker's exit code: the worker writes the assertion down before the
  // rejection kills it, and the reporter (or, without it, the global teardown) fails the run.
  // Jest runs files in band when its cached timings say they are quick, so each run gets a
  // fresh cache, and the mark says where the assertion ran.
  test.runIf(!vitest)('a judged assertion that starts after its file ended in a worker process fails the run, with a fresh or a replayed verdict before it, and asks no judge', async () => {
    const mark = join(project.dir, 'late-in-worker.mark')
    const line = lineOf('late-in-worker.test.js', "expect('- Late in a worker")
    const rounds: [string, string[]][] = [
      ['fresh', []],
      ['replayed', []],
      // Without the assay reporter, assay's global setup and teardown (where configured).
      ...(runner.project === 'jest-globals' ? [] : [['teardown', ['--reporters=default']] as [string, string[]]]),
    ]
    rmSync(join(project.dir, '__llm_cassettes__', 'late-in-worker.test.js.json'), { force: true })
    for (const [round, extra] of rounds) {
      rmSync(mark, { force: true })
      rmSync(join(project.dir, 'assay-report'), { recursive: true, force: true })
      const args = ['wait-for-mark.test.js', '--maxWorkers=2', `--cacheDirectory=${join(project.dir, `.jest-cache-${round}`)}`, ...extra]
      const run = await runner.run(project, undefined, 'late-in-worker.test.js', env({ LATE_MARK: mark }), args)
      expect(readFileSync(mark, 'utf8'), round).toBe('worker process')
      expect(run.code, `${round}\n${run.output}`).toBe(1)
      // Every test passed: the run fails for the late assertion alone.
      expect([...project.results().values()].map((t) => t.status)).toEqual(['passed', 'passed', 'passed'])
      expect(run.output).toContain('started after its test file ended, so the run cannot pass')
      expect(run.output).toMatch(new RegExp(`late-in-worker\\.test\\.js:${line}:\\d+`))
      if (round === 'teardown') continue
      expect(run.output).toMatch(round === 'fresh' ? /assay: judge 1 live, 0 replayed/ : /assay: judge 0 live, 1 replayed/)
      const results = JSON.parse(readFileSync(join(project.dir, 'assay-report', 'results.json'), 'utf8')) as { run: { status: string; errors: string[] } }
      expect(results.run.status).toBe('failed')
      expect(results.run.errors.join('\n')).toMatch(new RegExp(`toScoreAtLeast started after its test ended at .*late-in-worker\\.test\\.js:${line}:\\d+`))
    }
    expect(asked('- Late in a worker')).toBe(0)
  })

  test('a judged assertion an afterAll hook starts and does not await fails the file', async () => {
    const run = await runner.run(project, undefined, 'late-hook.test.js', env())
    expect(run.code, run.output).toBe(1)
    expect(run.output).toMatch(/toScoreAtLeast (was not awaited|started after its test ended)/)
    expect(run.output).toMatch(new RegExp(`late-hook\\.test\\.js:${lineOf('late-hook.test.js', "expect('- Late afterAll")}:\\d+`))
  })

  test('judged assertions awaited in beforeAll and afterAll, in Promise.all, under expect.soft, in a retried test and in concurrent tests pass', async () => {
    for (const ci of ['', 'true']) {
      const run = await runner.run(project, undefined, 'legit.test.js', env({ CI: ci }))
      expect(run.code, run.output).toBe(0)
      expect(run.output).not.toMatch(/not awaited|after its test ended/)
    }
    expect(asked('- Legit beforeAll')).toBe(1)
    expect(asked('- Legit afterAll')).toBe(1)
    expect(asked('- Legit concurrent 3')).toBe(1)
  })

  test('an un-awaited judged assertion in a concurrent test that fails is counted and fails the run as not awaited', async () => {
    const before = judge.requests.length
    const run = await runner.run(project, undefined, 'concurrent.test.js', env({ ASSAY_CACHE: 'off' }))
    expect(run.code, run.output).toBe(1)
    expect(run.output).toContain('toScoreAtLeast was not awaited')
    expect(run.output).toMatch(new RegExp(`concurrent\\.test\\.js:${lineOf('concurrent.test.js', "expect('- Revenue rose by an invented")}:\\d+`))
    expect(judge.requests.length).toBe(before + 2)
    expect(run.output).toContain('Expected an overall score of at least 7, but the judge gave 3.')
    // Vitest 3.2 does not pass on the records of concurrent tests that share the global expect.
    if (runner.name.startsWith('Vitest 3.2')) return
    expect(run.output).toContain('assay: 2 LLM assertions, 1 failed')
    expect(run.output).toMatch(/assay: judge 2 live, 0 replayed; 2 requests/)
    const results = JSON.parse(readFileSync(join(project.dir, 'assay-report/results.json'), 'utf8')) as { totals: { assertions: { total: number; failed: number }; judge: { requests: number } } }
    expect(results.totals.assertions).toMatchObject({ total: 2, failed: 1 })
    expect(results.totals.judge.requests).toBe(2)
  })
})
