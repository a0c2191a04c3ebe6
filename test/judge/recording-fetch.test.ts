import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startFixtureServer, type FixtureServer } from '../../fixtures/server/index.js'
import { configure } from '../../src/config.js'
import { cassettePath, openCassettes } from '../../src/judge/cassette.js'
import { recordingFetch } from '../../src/judge/recording-fetch.js'
import { judgeRuntime, settleCassette } from '../../src/judge/runtime.js'
import { setTestContextProvider } from '../../src/report/records.js'
import { collectRecords } from '../helpers.js'

let server: FixtureServer
let dir: string
const records = collectRecords()
beforeAll(async () => {
  server = await startFixtureServer({ respond: () => 'A three-bullet summary.' })
  dir = mkdtempSync(join(tmpdir(), 'assay-fetch-'))
})
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true })
  await server.close()
})

const app = (testPath: string) => new OpenAI({ baseURL: server.url, apiKey: 'sk-app-secret', fetch: recordingFetch({ testPath }), maxRetries: 0 })
const summarise = (client: OpenAI, text: string) => client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `Summarise: ${text}` }] })

describe('recordingFetch', () => {
  test('records the app\'s LLM call, then replays it with no request, attaching tokens and cost', async () => {
    configure({ cache: { mode: 'auto' } })
    const testPath = join(dir, 'feature.test.ts')
    const live = await summarise(app(testPath), 'the article')
    const sent = server.requests.length
    const replayed = await summarise(app(testPath), 'the article')
    expect(server.requests.length).toBe(sent)
    expect(replayed.choices[0]!.message.content).toBe(live.choices[0]!.message.content)
    expect(records).toMatchObject([
      { kind: 'llm-call', url: '/v1/chat/completions', model: 'gpt-4o-mini', replayed: false, status: 200, usage: { total_tokens: live.usage!.total_tokens } },
      { kind: 'llm-call', replayed: true },
    ])
    expect((records[0] as { cost: number }).cost).toBeGreaterThan(0)
    // Recordings are written behind; the end of the test file writes them at the latest.
    settleCassette(testPath, { fullRun: false, update: false, failed: [] })
    const file = readFileSync(join(dir, '__llm_cassettes__', 'feature.test.ts.json'), 'utf8')
    expect(file).toContain('Summarise: the article')
    expect(file).not.toContain('sk-app-secret')
  })

  test('in lockdown a missing call is an error the SDK passes on with the command that records it', async () => {
    configure({ cache: { mode: 'lockdown' } })
    const error = (await summarise(app(join(dir, 'other.test.ts')), 'never recorded').catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>
    expect(error.status).toBe(424)
    expect(error.message).toContain('No recorded answer for this LLM request')
    expect(error.message).toContain('ASSAY_CACHE=auto npx vitest run')
    // The miss is recorded, so the report and the summary block count it.
    expect(records.at(-1)).toMatchObject({ kind: 'llm-call', url: '/v1/chat/completions', replayed: false, status: 424, cassetteMiss: true })
  })

  test('failed calls are passed on and not recorded; off mode goes straight to the network', async () => {
    configure({ cache: { mode: 'auto' } })
    const testPath = join(dir, 'errors.test.ts')
    server.script({ kind: 'status', status: 500 })
    await expect(summarise(app(testPath), 'x')).rejects.toMatchObject({ status: 500 })
    const sent = server.requests.length
    await summarise(app(testPath), 'x')
    expect(server.requests.length).toBe(sent + 1)
    configure({ cache: { mode: 'off' } })
    await summarise(app(testPath), 'x')
    expect(server.requests.length).toBe(sent + 2)
  })

  test('app calls and judge calls of one test file share one cassette: a full run finds no app call obsolete', async () => {
    configure({ cache: { mode: 'auto' }, judge: { baseURL: server.url, apiKey: 'sk-judge' } })
    const testPath = join(dir, 'shared.test.ts')
    await summarise(app(testPath), 'the shared article')
    expect(openCassettes().get(cassettePath(testPath))).toBeDefined()
    // The judge's runtime hands out the same object for this file.
    expect(judgeRuntime().cassettes.get(cassettePath(testPath))).toBe(openCassettes().get(cassettePath(testPath)))
    const report = settleCassette(testPath, { fullRun: true, update: true, failed: [] })
    expect(report).toEqual({ path: cassettePath(testPath), obsolete: [], pruned: 0 })
    expect(Object.keys(JSON.parse(readFileSync(cassettePath(testPath), 'utf8')).entries as object)).toHaveLength(1)
    // The end of the file closes it: the next run of the file starts with nothing touched.
    expect(openCassettes().has(cassettePath(testPath))).toBe(false)
  })

  test('a failed test keeps the entries it recorded; the entries of tests that passed or are gone can be obsolete', async () => {
    configure({ cache: { mode: 'auto' } })
    const testPath = join(dir, 'owned.test.ts')
    for (const name of ['throws early', 'was deleted']) {
      setTestContextProvider(() => ({ testPath, testName: name }))
      await summarise(app(testPath), `asked by ${name}`)
    }
    setTestContextProvider(() => ({}))
    settleCassette(testPath, { fullRun: true, update: false, failed: [] })
    const entries = () => JSON.parse(readFileSync(cassettePath(testPath), 'utf8')).entries as Record<string, { test?: string }>
    expect(Object.values(entries()).map((e) => e.test).sort()).toEqual(['throws early', 'was deleted'])
    // The next run touches nothing: "throws early" failed before asking, "was deleted" is gone.
    expect(settleCassette(testPath, { fullRun: true, update: true, failed: ['throws early'] })).toMatchObject({ pruned: 1 })
    expect(Object.values(entries()).map((e) => e.test)).toEqual(['throws early'])
  })

  test('under concurrent tests an entry names no test, since the runner cannot say which one asked', async () => {
    configure({ cache: { mode: 'auto' } })
    const testPath = join(dir, 'concurrent.test.ts')
    setTestContextProvider(() => ({ testPath, testName: 'whichever started last', concurrent: true }))
    await summarise(app(testPath), 'asked concurrently')
    setTestContextProvider(() => ({}))
    settleCassette(testPath, { fullRun: false, update: false, failed: [] })
    const entries = Object.values(JSON.parse(readFileSync(cassettePath(testPath), 'utf8')).entries as Record<string, { test?: string }>)
    expect(entries).toHaveLength(1)
    expect(entries[0]).not.toHaveProperty('test')
    // A failed test of the file keeps it, whichever test it was.
    expect(settleCassette(testPath, { fullRun: true, update: true, failed: ['some test'] })).toEqual({ path: cassettePath(testPath), obsolete: [], pruned: 0 })
  })

  test('entries that name no test are kept whenever a test failed; a run with the cache off leaves every entry alone', async () => {
    configure({ cache: { mode: 'auto' } })
    const testPath = join(dir, 'kept.test.ts')
    await summarise(app(testPath), 'kept')
    settleCassette(testPath, { fullRun: true, update: false, failed: [] })
    // A new run of the file touches nothing: every entry would be obsolete, but a test failed.
    expect(settleCassette(testPath, { fullRun: true, update: true, failed: ['the test that threw'] })).toEqual({ path: cassettePath(testPath), obsolete: [], pruned: 0 })
    configure({ cache: { mode: 'off' } })
    expect(settleCassette(testPath, { fullRun: true, update: true, failed: [] })).toBeUndefined()
    expect(Object.keys(JSON.parse(readFileSync(cassettePath(testPath), 'utf8')).entries as object)).toHaveLength(1)
    configure({ cache: { mode: 'auto' } })
    expect(settleCassette(testPath, { fullRun: true, update: true, failed: [] })).toMatchObject({ pruned: 1 })
  })

  test('recordings are written behind: many answers in one write, all on disk by the end of the file', async () => {
    configure({ cache: { mode: 'auto' } })
    const testPath = join(dir, 'many.test.ts')
    const cassette = cassettePath(testPath)
    await Promise.all(Array.from({ length: 20 }, (_, i) => summarise(app(testPath), `article ${i}`)))
    settleCassette(testPath, { fullRun: false, update: false, failed: [] })
    expect(Object.keys(JSON.parse(readFileSync(cassette, 'utf8')).entries as object)).toHaveLength(20)
  })
})
