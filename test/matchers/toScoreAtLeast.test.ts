import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startFixtureServer, type FixtureServer } from '../../fixtures/server/index.js'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { toScoreAtLeast } from '../../matchers/toScoreAtLeast.js'
import { configure } from '../../src/config.js'
import { Cassette, cassettePath, openCassettes } from '../../src/judge/cassette.js'
import { nodeFileSystem } from '../../src/store/file.js'
import { collectRecords } from '../helpers.js'
import { mountReadOnly, tmpfsUnavailable } from '../store/tmpfs.js'

let server: FixtureServer
const records = collectRecords()
const reply = (accuracy: number, completeness: number, conciseness: number) => ({
  content: JSON.stringify({
    criteria: {
      accuracy: { reasoning: 'Every figure matches the article.', score: accuracy },
      completeness: { reasoning: 'It leaves out the dividend.', score: completeness },
      conciseness: { reasoning: 'Short and to the point.', score: conciseness },
    },
  }),
})

beforeAll(async () => {
  server = await startFixtureServer()
})
afterAll(() => server.close())
const use = (scores: [number, number, number], extra: Parameters<typeof configure>[0] = {}) => {
  server.configure({ respond: () => reply(...scores) })
  configure({ judge: { baseURL: server.url, apiKey: 'sk-unit-secret', maxRetries: 1, ...extra.judge }, cache: { mode: 'off' } })
}
const ANSI = /\u001b\[[0-9;]*m/g
const failure = async (run: () => Promise<unknown>) => ((await run().then(() => undefined, (e: Error) => e)) as Error | undefined)?.message.replace(ANSI, '')

describe('toScoreAtLeast', () => {
  test('pass', async () => {
    use([9, 8, 7])
    await expect('A summary.').toScoreAtLeast(7, { source: 'An article.' })
    expect(records[0]).toMatchObject({ matcher: 'toScoreAtLeast', pass: true, threshold: 7, verdict: { overall: 8, model: 'gpt-4o-mini', replayed: false } })
    expect(records[0]).toMatchObject({ kind: 'judge', testName: 'toScoreAtLeast > pass' })
  })

  test('fail', async () => {
    use([9, 4, 5])
    const message = await failure(() => expect('A summary.').toScoreAtLeast(7))
    expect(message).toMatch(/^expect\(received\)\.toScoreAtLeast\(min\)\n\nExpected an overall score of at least 7, but the judge gave 6\.\n/)
    expect(message).toContain('Expected: overall score ≥ 7 (scale 1–10)')
    expect(message).toContain('Received: 6 overall, log-prob weighted')
    expect(message).toContain('✓ accuracy 9/10: Every figure matches the article.')
    expect(message).toContain('✗ completeness 4/10: It leaves out the dividend.')
    expect(message).toMatch(/Judge: {4}judge gpt-4o-mini, live, 1 request, \d+ tokens, \$0\.\d{6}/)
  })

  test('.not pass', async () => {
    use([3, 3, 3])
    await expect('A summary.').not.toScoreAtLeast(7)
    expect(records[0]).toMatchObject({ pass: true, negated: true, verdict: { overall: 3 } })
    expect(records[0]).not.toHaveProperty('message')
  })

  test('.not fail', async () => {
    use([9, 9, 9])
    const message = await failure(() => expect('A summary.').not.toScoreAtLeast(7))
    expect(message).toContain('expect(received).not.toScoreAtLeast(min)')
    expect(message).toContain('Expected the judge to score the text below 7, but it scored 9.')
  })

  test('every: each criterion must reach the minimum', async () => {
    use([9, 9, 6])
    await expect('x').toScoreAtLeast(7)
    const message = await failure(() => expect('x').toScoreAtLeast(7, { every: true }))
    expect(message).toContain('Expected every criterion to score at least 7, but conciseness scored 6.')
  })

  test('a judge that fails fails the test, even under .not, with the judge error', async () => {
    use([9, 9, 9])
    server.script({ kind: 'status', status: 500 }, { kind: 'status', status: 500 })
    const message = await failure(() => expect('x').not.toScoreAtLeast(7))
    expect(message).toContain('toScoreAtLeast: the judge gave no verdict, so the assertion cannot pass.')
    expect(message).toContain('500 Fixture error 500 (after 2 tries)')
    expect(message).not.toContain('sk-unit-secret')
    expect(records.at(-1)).toMatchObject({ pass: false, error: expect.stringContaining('No judge gave a verdict') })
    // Both failed requests reached the server, and the run's count has them.
    expect(records.at(-1)).toMatchObject({ requests: 2 })
  })

  // Root ignores file modes, so the folder is a read-only mount; where none can be mounted
  // (not Linux, not root), the test is skipped and tmpfs.ts says why.
  test.skipIf(tmpfsUnavailable)('a verdict the cassette folder cannot record fails, even under .not, saying so, with the score and the fix', async () => {
    use([9, 9, 9])
    configure({ judge: { baseURL: server.url, apiKey: 'sk-unit-secret', maxRetries: 1 }, cache: { mode: 'auto' } })
    const ro = mountReadOnly()
    const testPath = join(ro.dir, 'summary.test.ts')
    // Written at once rather than behind, so that the write fails inside this assertion.
    openCassettes().set(cassettePath(testPath), new Cassette(nodeFileSystem(), cassettePath(testPath)))
    try {
      const context = { isNot: true, utils: expect.getState().utils, testPath, currentTestName: 'summary' }
      const error = await toScoreAtLeast.call(context as never, 'A summary.', 7).then(() => undefined, (e: Error) => e)
      const message = error?.message ?? 'it passed'
      expect(message).toMatch(new RegExp(`^toScoreAtLeast: the verdict could not be recorded: the folder ${join(ro.dir, '__llm_cassettes__')} cannot be written \\(EROFS\\), so the assertion cannot pass\\.`))
      expect(message).toContain('The judge scored 9 overall (minimum 7)')
      expect(message).toMatch(/Make the folder writable/)
      expect(message).not.toContain('the judge gave no verdict')
      expect(records.at(-1)).toMatchObject({ pass: false, verdict: { overall: 9 }, error: expect.stringContaining('read-only file system') })
    } finally {
      openCassettes().delete(cassettePath(testPath))
      ro.unmount()
      rmSync(ro.dir, { recursive: true, force: true })
    }
  })

  describe('log-probs that would make a score NaN never decide the assertion', () => {
    // One criterion, whose score token carries alternatives exp() overflows on.
    const overflowing = (score: number) => () => ({
      content: JSON.stringify({ criteria: { accuracy: { reasoning: 'Checked.', score } } }),
      topLogprobs: { at: String(score), logprobs: { [String(score)]: Infinity, '1': Infinity } },
    })
    const judge = (score: number) => {
      use([9, 9, 9])
      server.configure({ respond: overflowing(score) })
    }

    test('every: a low score fails, with its integer score', async () => {
      judge(4)
      const message = await failure(() => expect('x').toScoreAtLeast(7, { criteria: 'accuracy', every: true }))
      expect(message).toContain('Expected every criterion to score at least 7, but accuracy scored 4.')
      expect(records.at(-1)).toMatchObject({ pass: false, verdict: { overall: 4, weighted: false } })
    })

    test('.not: a high score fails', async () => {
      judge(9)
      const message = await failure(() => expect('x').not.toScoreAtLeast(7, { criteria: 'accuracy' }))
      expect(message).toContain('Expected the judge to score the text below 7, but it scored 9.')
    })
  })

  test('a reply without a verdict fails under .not too, and says the answer was live and not recorded', async () => {
    use([9, 9, 9])
    server.configure({ respond: () => ({ content: reply(9, 9, 9).content, finishReason: 'content_filter' }) })
    const message = await failure(() => expect('x').not.toScoreAtLeast(7))
    expect(message).toContain('toScoreAtLeast: the judge gave no verdict, so the assertion cannot pass.')
    expect(message).toContain('finish_reason "content_filter"')
    expect(message).toContain('The answer was live and is not recorded, so the next run asks the judge again.')
  })

  test('a fallback judge answers when the primary fails', async () => {
    const backup = await startFixtureServer({ respond: () => reply(8, 8, 8) })
    try {
      use([1, 1, 1], { judge: { fallback: [{ model: 'gpt-4o', baseURL: backup.url }] } })
      server.script({ kind: 'quota' })
      await expect('x').toScoreAtLeast(7)
      expect(records[0]).toMatchObject({ verdict: { model: 'gpt-4o', judge: 1 } })
    } finally {
      await backup.close()
    }
  })

  test('usage errors: received, min and options', async () => {
    use([9, 9, 9])
    const sent = server.requests.length
    await expect(expect(42).toScoreAtLeast(7)).rejects.toThrow('toScoreAtLeast: received must be a string, but got number 42.')
    await expect(expect('x').toScoreAtLeast(11)).rejects.toThrow('the minimum score must be a number within the scale [1, 10], but got 11.')
    await expect(expect('x').not.toScoreAtLeast(Number.NaN)).rejects.toThrow('but got NaN')
    await expect(expect('x').toScoreAtLeast(3, { scale: [5, 1] } as never)).rejects.toThrow('scale must be [low, high] with low < high')
    await expect(expect('x').toScoreAtLeast(3, { samples: 0 })).rejects.toThrow('options.samples: Too small')
    await expect(expect('x').toScoreAtLeast(3, { critera: 'x' } as never)).rejects.toThrow('unknown option "critera"')
    expect(server.requests.length).toBe(sent)
  })
})
