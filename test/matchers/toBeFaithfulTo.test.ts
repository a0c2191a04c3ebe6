import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startFixtureServer, type FixtureServer } from '../../fixtures/server/index.js'
import { toBeFaithfulTo } from '../../matchers/toBeFaithfulTo.js'
import { configure } from '../../src/config.js'
import { runCase } from '../../src/eval/case.js'
import { Cassette, cassettePath, openCassettes } from '../../src/judge/cassette.js'
import type { Claim } from '../../src/judge/claims.js'
import { nodeFileSystem } from '../../src/store/file.js'
import { collectRecords } from '../helpers.js'
import { mountReadOnly, tmpfsUnavailable } from '../store/tmpfs.js'

const SOURCE = 'Apple reported revenue of $85.8 billion, up 5%. Tim Cook announced a dividend.'
const OUTPUT = 'Revenue rose 5% to $85.8 billion. Tim Cook announced a buyback. Sales doubled in China.'
const revenue: Claim = { claim: 'Revenue rose 5% to $85.8 billion.', verdict: 'supported', reason: 'The source gives both figures.' }
const buyback: Claim = { claim: 'Tim Cook announced a buyback.', verdict: 'contradicted', reason: 'The source says a dividend.' }
const china: Claim = { claim: 'Sales doubled in China.', verdict: 'unsupported', reason: 'The source does not mention China.' }

let server: FixtureServer
const records = collectRecords()
beforeAll(async () => {
  server = await startFixtureServer()
})
afterAll(() => server.close())
const use = (...claims: Claim[]) => {
  server.configure({ respond: () => JSON.stringify({ claims }) })
  configure({ judge: { baseURL: server.url, apiKey: 'sk-unit-secret', maxRetries: 1 }, cache: { mode: 'off' } })
}
const ANSI = /\u001b\[[0-9;]*m/g
const failure = async (run: () => Promise<unknown>) => ((await run().then(() => undefined, (e: Error) => e)) as Error | undefined)?.message.replace(ANSI, '')

describe('toBeFaithfulTo', () => {
  test('pass: every claim supported', async () => {
    use({ ...revenue }, { ...buyback, verdict: 'supported' }, { ...china, verdict: 'supported' })
    await expect(OUTPUT).toBeFaithfulTo(SOURCE)
    expect(records).toHaveLength(1)
    expect(records[0]).toMatchObject({ kind: 'faithfulness', matcher: 'toBeFaithfulTo', pass: true, negated: false, testName: 'toBeFaithfulTo > pass: every claim supported', verdict: { claims: [revenue, { claim: buyback.claim }, { claim: china.claim }], model: 'gpt-4o-mini', replayed: false, requests: 1 } })
    expect(records[0]).not.toHaveProperty('message')
  })

  test('fail: lists each unsupported or contradicted claim with the reason, first', async () => {
    use(revenue, buyback, china)
    const message = await failure(() => expect(OUTPUT).toBeFaithfulTo(SOURCE))
    expect(message).toMatch(/^expect\(received\)\.toBeFaithfulTo\(source\)\n\nExpected every claim in the output to be supported by the source, but the judge found 1 contradicted and 1 unsupported \(of 3 claims\)\.\n\n/)
    expect(message).toContain('Expected: every claim supported by the source\nReceived: 3 claims: 1 supported, 1 contradicted, 1 unsupported\n')
    expect(message).toContain(
      [
        'Claims:   ✗ contradicted: "Tim Cook announced a buyback." (The source says a dividend.)',
        '          ✗ unsupported: "Sales doubled in China." (The source does not mention China.)',
        '          ✓ supported: "Revenue rose 5% to $85.8 billion." (The source gives both figures.)',
      ].join('\n'),
    )
    expect(message).toMatch(/Judge: {4}judge gpt-4o-mini, live, 1 request, \d+ tokens, \$0\.\d{6}$/)
    expect(records[0]).toMatchObject({ pass: false, message: expect.stringContaining('1 contradicted and 1 unsupported'), location: expect.objectContaining({ line: expect.any(Number) }) })
  })

  test('.not pass: a claim the source does not support', async () => {
    use(revenue, { ...buyback, verdict: 'supported' }, china)
    await expect(OUTPUT).not.toBeFaithfulTo(SOURCE)
    expect(records[0]).toMatchObject({ pass: true, negated: true, verdict: { claims: [revenue, { verdict: 'supported' }, china] } })
    expect(records[0]).not.toHaveProperty('message')
  })

  test('.not fail: every claim supported', async () => {
    use(revenue)
    const message = await failure(() => expect('Revenue rose 5% to $85.8 billion.').not.toBeFaithfulTo(SOURCE))
    expect(message).toMatch(/^expect\(received\)\.not\.toBeFaithfulTo\(source\)\n\nExpected the judge to find a claim the source does not support, but it found the one claim of the output supported\.\n\n/)
    expect(message).toContain('Expected: a claim unsupported or contradicted by the source\nReceived: 1 claim: 1 supported\nClaims:   ✓ supported: "Revenue rose 5% to $85.8 billion." (The source gives both figures.)\n')
    expect(records[0]).toMatchObject({ pass: false, negated: true })
  })

  test("the fixture server's default reply (no claims) fails, under .not too, and is never a pass", async () => {
    configure({ judge: { baseURL: server.url, apiKey: 'sk-unit-secret', maxRetries: 1 }, cache: { mode: 'off' } })
    server.configure({ respond: undefined })
    for (const run of [() => expect(OUTPUT).toBeFaithfulTo(SOURCE), () => expect(OUTPUT).not.toBeFaithfulTo(SOURCE)]) {
      const message = await failure(run)
      expect(message).toMatch(/^toBeFaithfulTo: the judge gave no verdict, so the assertion cannot pass\.\n/)
      expect(message).toContain('the reply lists no claims, but the output states something')
      expect(message).toContain('Raw judge reply:\n{"claims":[]}')
    }
    expect(records.map((r) => [r.kind, 'pass' in r && r.pass, 'requests' in r && r.requests])).toEqual([
      ['faithfulness', false, 2],
      ['faithfulness', false, 2],
    ])
  })

  test('a judge that fails fails the test, even under .not, with the judge error and no key', async () => {
    use(revenue)
    server.script({ kind: 'status', status: 500 }, { kind: 'status', status: 500 })
    const message = await failure(() => expect(OUTPUT).not.toBeFaithfulTo(SOURCE))
    expect(message).toContain('toBeFaithfulTo: the judge gave no verdict, so the assertion cannot pass.')
    expect(message).toContain('500 Fixture error 500 (after 2 tries)')
    expect(message).not.toContain('sk-unit-secret')
    expect(records.at(-1)).toMatchObject({ pass: false, requests: 2, error: expect.stringContaining('No judge gave a verdict') })
  })

  test.skipIf(tmpfsUnavailable)('claims the cassette folder cannot record fail, even under .not, saying what the judge found', async () => {
    use(revenue, buyback)
    configure({ judge: { baseURL: server.url, apiKey: 'sk-unit-secret', maxRetries: 1 }, cache: { mode: 'auto' } })
    const ro = mountReadOnly()
    const testPath = join(ro.dir, 'summary.test.ts')
    openCassettes().set(cassettePath(testPath), new Cassette(nodeFileSystem(), cassettePath(testPath)))
    try {
      const context = { isNot: true, utils: expect.getState().utils, testPath, currentTestName: 'summary' }
      const error = await toBeFaithfulTo.call(context as never, OUTPUT, SOURCE).then(() => undefined, (e: Error) => e)
      const message = error?.message ?? 'it passed'
      expect(message).toMatch(/^toBeFaithfulTo: the verdict could not be recorded: the folder .* cannot be written \(EROFS\), so the assertion cannot pass\. The judge found 1 contradicted \(of 2 claims\), but an answer that is not recorded would be missing on the next run\./)
      expect(records.at(-1)).toMatchObject({ pass: false, verdict: { claims: [revenue, buyback] } })
    } finally {
      openCassettes().delete(cassettePath(testPath))
      ro.unmount()
      rmSync(ro.dir, { recursive: true, force: true })
    }
  })

  test('usage errors: received, source and options, with no request', async () => {
    use(revenue)
    const sent = server.requests.length
    await expect(expect(42).toBeFaithfulTo(SOURCE)).rejects.toThrow('toBeFaithfulTo: received must be a string, but got number 42.')
    await expect(expect('').toBeFaithfulTo(SOURCE)).rejects.toThrow('toBeFaithfulTo: received is an empty string, so it makes no claims to check against the source.')
    await expect(expect(' \n').not.toBeFaithfulTo(SOURCE)).rejects.toThrow('received is only whitespace')
    await expect(expect(OUTPUT).toBeFaithfulTo(undefined as never)).rejects.toThrow('toBeFaithfulTo: the source must be the non-empty text the output must be faithful to, but got undefined.')
    await expect(expect(OUTPUT).not.toBeFaithfulTo('')).rejects.toThrow('but got an empty string')
    await expect(expect(OUTPUT).toBeFaithfulTo(SOURCE, { model: '' })).rejects.toThrow('options.model')
    await expect(expect(OUTPUT).toBeFaithfulTo(SOURCE, { modle: 'gpt-4o' } as never)).rejects.toThrow('unknown option "modle"')
    await expect(expect(OUTPUT).toBeFaithfulTo(7 as never)).rejects.toMatchObject({ name: 'AssayUsageError', message: expect.stringContaining('but got number 7') })
    expect(server.requests.length).toBe(sent)
    expect(records).toHaveLength(0)
  })

  test('in a dataset trial, a check without a verdict fails the trial even when the assertion code catches it; live checks cost', async () => {
    use(revenue)
    const row = { id: 'a1', row: { article: SOURCE }, where: 'data[0]' }
    const passed = await runCase('news', row, { task: () => 'Revenue rose 5% to $85.8 billion.', assert: (output, r) => expect(output).toBeFaithfulTo(r.article), trials: 1 })
    expect(passed.trials[0]).toMatchObject({ pass: true })
    expect(passed.trials[0]!.cost).toBeGreaterThan(0)
    server.script({ kind: 'refusal' })
    const refused = await runCase('news', row, {
      task: () => 'Revenue rose 5% to $85.8 billion.',
      assert: async (output, r) => {
        await expect(output).toBeFaithfulTo(r.article).catch(() => undefined)
      },
      trials: 1,
    })
    expect(refused.trials[0]).toMatchObject({ pass: false, error: expect.stringContaining('The judge refused to check the claims') })
  })

  test('a fallback judge checks the claims when the primary fails', async () => {
    const backup = await startFixtureServer({ respond: () => JSON.stringify({ claims: [revenue] }) })
    try {
      use(buyback)
      configure({ judge: { baseURL: server.url, apiKey: 'sk-unit-secret', maxRetries: 1, fallback: [{ model: 'gpt-4o', baseURL: backup.url }] }, cache: { mode: 'off' } })
      server.script({ kind: 'quota' })
      await expect('Revenue rose 5% to $85.8 billion.').toBeFaithfulTo(SOURCE)
      expect(records[0]).toMatchObject({ pass: true, verdict: { model: 'gpt-4o', judge: 1, claims: [revenue] } })
    } finally {
      await backup.close()
    }
  })

  test('options.model asks that judge', async () => {
    use(revenue)
    await expect('Revenue rose 5% to $85.8 billion.').toBeFaithfulTo(SOURCE, { model: 'gpt-4o' })
    expect((server.requests.at(-1)!.body as { model: string }).model).toBe('gpt-4o')
  })
})
