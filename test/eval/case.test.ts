import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startFixtureServer, type FixtureServer } from '../../fixtures/server/index.js'
import { asText, runCase } from '../../src/eval/case.js'
import { configure } from '../../src/config.js'
import { setTestContextProvider } from '../../src/report/records.js'
import { registerSecret, resetSecrets } from '../../src/secrets.js'
import { collectRecords } from '../helpers.js'

let server: FixtureServer
let dir: string
collectRecords()
const verdict = (score: number) => JSON.stringify({ criteria: Object.fromEntries(['accuracy', 'completeness', 'conciseness'].map((k) => [k, { reasoning: `The ${k} is fair.`, score }])) })
beforeAll(async () => {
  server = await startFixtureServer()
  dir = mkdtempSync(join(tmpdir(), 'assay-case-'))
})
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true })
  await server.close()
})

/** The judge answers the given scores in turn, one per request. */
function scripted(...scores: number[]): void {
  let next = 0
  server.configure({ respond: () => verdict(scores[next++ % scores.length]!) })
}
const judged = { id: 'a1', row: { article: 'Revenue rose 5%.' }, where: 'data[0]' }
const use = (mode: 'off' | 'auto' | 'lockdown') => configure({ judge: { baseURL: server.url, apiKey: 'sk-unit-secret', maxRetries: 0 }, cache: { mode } })

describe('runCase', () => {
  test('runs every trial, scores each from its verdicts, and calls a case that passes some trials flaky', async () => {
    use('off')
    scripted(9, 3, 9)
    const result = await runCase('news', judged, {
      task: (row, { trial }) => `- ${row.article} (trial ${trial})`,
      assert: (output, row) => expect(output).toScoreAtLeast(7, { source: row.article }),
      trials: 3,
    })
    expect(result).toMatchObject({ dataset: 'news', id: 'a1', input: '{"article":"Revenue rose 5%."}', passRate: 2 / 3, flaky: true })
    expect(result.trials.map((t) => [t.trial, t.pass, t.score, t.output])).toEqual([
      [0, true, 9, '- Revenue rose 5%. (trial 0)'],
      [1, false, 3, '- Revenue rose 5%. (trial 1)'],
      [2, true, 9, '- Revenue rose 5%. (trial 2)'],
    ])
    expect(result.trials[1]!.error).toMatch(/toScoreAtLeast/)
    expect(result.trials[0]!.scale).toEqual([1, 10])
    expect(result.trials.every((t) => t.cost > 0 && t.latencyMs >= 0)).toBe(true)
  })

  test('a judge failure is a failed trial with its error, even when the assertion code catches it', async () => {
    use('off')
    server.configure({ respond: () => ({ content: null, refusal: 'I cannot help with that.' }) })
    const result = await runCase('news', judged, {
      task: () => 'A summary.',
      assert: async (output) => {
        await expect(output).toScoreAtLeast(7).catch(() => undefined)
      },
      trials: 1,
    })
    expect(result.trials[0]).toMatchObject({ pass: false, error: expect.stringMatching(/refus/i) })
    expect(result.trials[0]!.score).toBeUndefined()
    expect(result).toMatchObject({ passRate: 0, flaky: false })
  })

  test("a task that throws fails the trial with the task's error; outputs that are not strings are JSON", async () => {
    let calls = 0
    const result = await runCase('plain', { id: '2', row: { n: 1 }, where: 'data[2]', expected: { pass: true } }, {
      task: () => {
        if (calls++ === 0) throw new Error('The model timed out.')
        return { bullets: ['a', 'b'] }
      },
      trials: 2,
    })
    expect(result.trials.map((t) => [t.pass, t.output, t.error])).toEqual([
      [false, '', 'The model timed out.'],
      [true, '{"bullets":["a","b"]}', undefined],
    ])
    expect(result).toMatchObject({ expected: { pass: true }, passRate: 0.5, flaky: true })
    expect(result.trials[1]).not.toHaveProperty('score')
  })

  test('an output that cannot be turned into text fails its trial with a clear error; the case stays', async () => {
    const unprintable = Object.create(null, { toJSON: { value: () => { throw new Error('nope') } } }) as unknown
    const result = await runCase('odd', { id: 'x', row: {}, where: 'data[0]' }, { task: (_row, { trial }) => (trial === 0 ? unprintable : 'fine'), trials: 2 })
    expect(result.trials.map((t) => [t.pass, t.output])).toEqual([
      [false, ''],
      [true, 'fine'],
    ])
    expect(result.trials[0]!.error).toBe("The task's output cannot be turned into text for the report: JSON.stringify threw (nope), and so did String (Cannot convert object to primitive value). Return a string, or plain JSON data.")
    expect(result).toMatchObject({ passRate: 0.5, flaky: true })
  })

  test('a thrown value that cannot be turned into text still fails its trial with an error', async () => {
    const unprintable = Object.create(null, { toJSON: { value: () => { throw new Error('nope') } } }) as unknown
    const result = await runCase('odd', { id: 'x', row: {}, where: 'data[0]' }, {
      task: () => {
        throw unprintable
      },
      trials: 1,
    })
    expect(result.trials[0]).toMatchObject({ pass: false, error: 'Trial 0 threw a value that cannot be shown as text.' })
  })

  test('a thrown plain object is recorded as its JSON, redacted of secrets and cut like any error', async () => {
    const thrown = [{ message: 'quota exceeded', code: 429 }, { message: 'sk-unit-thrown-0123456789 leaked', detail: 'x'.repeat(3000) }]
    registerSecret('sk-unit-thrown-0123456789')
    const result = await runCase('odd', { id: 'x', row: {}, where: 'data[0]' }, {
      task: (_row, { trial }) => {
        throw thrown[trial]
      },
      trials: 2,
    }).finally(() => resetSecrets())
    expect(result.trials[0]!.error).toBe('Trial 0 threw a value that is not an Error: {"message":"quota exceeded","code":429}')
    expect(result.trials[1]!.error).toMatch(/^Trial 1 threw a value that is not an Error: \{"message":"\[REDACTED\] leaked","detail":"x+… \(\+\d+ chars\)$/)
  })

  test('a judged assertion not awaited fails its trial: no verdict, no pass', async () => {
    use('off')
    scripted(9)
    let dangling: Promise<unknown> | undefined
    const result = await runCase('news', judged, {
      task: () => 'A summary.',
      assert: (output) => {
        dangling = expect(output).toScoreAtLeast(7).catch(() => undefined)
      },
      trials: 1,
    })
    await dangling
    expect(result.trials[0]).toMatchObject({ pass: false, error: 'toScoreAtLeast was not awaited in trial 0: the trial ended before its verdict arrived, so it cannot pass. Write `await expect(output).toScoreAtLeast(…)` in assert; a judged assertion is a promise.' })
    // Awaited, the same assertion passes.
    const awaited = await runCase('news', judged, { task: () => 'A summary.', assert: (output) => expect(output).toScoreAtLeast(7), trials: 1 })
    expect(awaited.trials[0]).toMatchObject({ pass: true, score: 9 })
  })

  test('replayed trials cost nothing and send no request', async () => {
    const testPath = join(dir, 'replay.test.ts')
    setTestContextProvider(() => ({ testPath, testName: 'news > a1' }))
    try {
      scripted(8, 6)
      const work = { task: () => 'A summary.', assert: (output: string) => expect(output).toScoreAtLeast(5), trials: 2 }
      use('auto')
      const live = await runCase('news', judged, work)
      const sent = server.requests.length
      use('lockdown')
      const replayed = await runCase('news', judged, work)
      expect(server.requests.length).toBe(sent)
      expect(replayed.trials.map((t) => t.score)).toEqual(live.trials.map((t) => t.score))
      expect(live.trials.map((t) => t.score)).toEqual([8, 6])
      expect(replayed.trials.map((t) => t.cost)).toEqual([0, 0])
    } finally {
      setTestContextProvider(() => ({}))
    }
  })
})

describe("a case's own timeout", () => {
  test('is the deadline the judge keeps to: a 429 asking for a longer wait fails the trial at once', async () => {
    configure({ judge: { baseURL: server.url, apiKey: 'sk-unit-secret', maxRetries: 0, maxRateLimitWaitMs: 120_000 }, cache: { mode: 'off' } })
    server.script({ kind: 'rate-limit', retryAfterMs: 60_000 })
    const result = await runCase('news', judged, { task: () => 'A summary.', assert: (output: string) => expect(output).toScoreAtLeast(5), trials: 1 }, { deadline: Date.now() + 3_000 })
    expect(result.trials[0]).toMatchObject({ pass: false, error: expect.stringMatching(/asked to wait 60 s, longer than the \d+\.\d s the test has left/) })
  })
})

describe('asText', () => {
  test('keeps a string, writes anything else as JSON, and cuts at 2,000 characters', () => {
    expect(asText('abc')).toBe('abc')
    expect(asText([1, 'x'])).toBe('[1,"x"]')
    expect(asText(undefined)).toBe('undefined')
    expect(asText('x'.repeat(2010))).toBe(`${'x'.repeat(2000)}… (+10 chars)`)
  })
})
