import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import OpenAI from 'openai'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { startFixtureServer, type FixtureServer } from '../../fixtures/server/index.js'
import { configure } from '../../src/config.js'
import { runCase } from '../../src/eval/case.js'
import { cassettePath, openCassettes } from '../../src/judge/cassette.js'
import { JudgeClient } from '../../src/judge/client.js'
import { recordingFetch } from '../../src/judge/recording-fetch.js'
import { setTestContextProvider } from '../../src/report/records.js'
import { collectRecords } from '../helpers.js'

let server: FixtureServer
let dir: string
const records = collectRecords()
const verdict = JSON.stringify({ criteria: Object.fromEntries(['accuracy', 'completeness', 'conciseness'].map((k) => [k, { reasoning: `The ${k} is fair.`, score: 8 }])) })
// The judge records in this file's cassette (its matchers know their test file), which each
// run starts without and leaves behind none of.
const judgeCassette = () => {
  const path = cassettePath(expect.getState().testPath!)
  openCassettes().delete(path)
  rmSync(path, { force: true })
}
beforeAll(async () => {
  server = await startFixtureServer({ respond: () => verdict })
  dir = mkdtempSync(join(tmpdir(), 'assay-cancel-'))
  judgeCassette()
})
afterEach(() => {
  setTestContextProvider(() => ({}))
  server.configure({ latencyMs: 0 })
})
afterAll(async () => {
  judgeCassette()
  rmSync(dir, { recursive: true, force: true })
  await server.close()
})

/** The entries of a test file's cassette as written to disk. */
function recorded(testPath: string): number {
  const path = cassettePath(testPath)
  openCassettes().get(path)?.flush()
  return existsSync(path) ? Object.keys((JSON.parse(readFileSync(path, 'utf8')) as { entries: object }).entries).length : 0
}

/** Waits, up to 20 s, until the server has had `n` requests and answers none: each was answered or given up. */
async function settled(n: number): Promise<void> {
  for (let i = 0; i < 400 && !(server.requests.length >= n && server.inFlight === 0); i++) await new Promise((r) => setTimeout(r, 50))
  expect(server.inFlight).toBe(0)
}

/** Waits, up to 20 s, until the server has had `n` requests. */
async function arrived(n: number): Promise<void> {
  for (let i = 0; i < 400 && server.requests.length < n; i++) await new Promise((r) => setTimeout(r, 50))
  expect(server.requests.length).toBeGreaterThanOrEqual(n)
}

// The case's time runs out well after its request went, and well before an answer would come.
const LATENCY = 2500
const TIMEOUT = 500

describe("a case that runs out of time cancels its trial's requests, which are never recorded", () => {
  test("the judge's: the request is cancelled, not answered, and its cassette gets no entry", async () => {
    const testPath = expect.getState().testPath!
    configure({ judge: { baseURL: server.url, apiKey: 'sk-unit-secret', maxRetries: 0 }, cache: { mode: 'auto' } })
    const work = (output: string) => ({ task: () => output, assert: (o: string) => expect(o).toScoreAtLeast(5), trials: 1 })
    // Answered in time, the verdict is recorded: the same set-up would record a late one.
    const quick = await runCase('news', { id: 'quick', row: {}, where: 'data[0]' }, work('A quick summary.'), { timeout: 10_000 })
    expect(quick.trials[0]).toMatchObject({ pass: true, score: 8 })
    expect(recorded(testPath)).toBe(1)

    server.configure({ latencyMs: LATENCY })
    const sent = server.requests.length
    const slow = await runCase('news', { id: 'slow', row: {}, where: 'data[1]' }, work('A slow summary.'), { timeout: TIMEOUT })
    expect(slow.trials[0]).toMatchObject({ pass: false, unfinished: true })
    await settled(sent + 1)
    expect(server.requests.slice(sent).map((r) => r.status)).toEqual([0])
    expect(recorded(testPath)).toBe(1)
    expect(records.filter((r) => r.kind === 'judge').map((r) => (r.kind === 'judge' ? r.error : undefined))).toEqual([undefined, expect.stringContaining('took more than its timeout of 500 ms')])
  }, 30_000)

  test("the task's recordingFetch calls: cancelled without being passed the signal, not recorded; info.signal says why", async () => {
    const testPath = join(dir, 'app.test.ts')
    setTestContextProvider(() => ({ testPath, testName: 'news > a1' }))
    configure({ cache: { mode: 'auto' } })
    const app = new OpenAI({ apiKey: 'sk-app-secret', baseURL: server.url, maxRetries: 0, fetch: recordingFetch() })
    const signals: AbortSignal[] = []
    const work = {
      task: async (row: { text: string }, info: { signal: AbortSignal }) => {
        signals.push(info.signal)
        const reply = await app.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: row.text }] })
        return reply.choices[0]!.message.content ?? ''
      },
      trials: 1,
    }
    const quick = await runCase('news', { id: 'quick', row: { text: 'Summarise a quick story.' }, where: 'data[0]' }, work, { timeout: 10_000 })
    expect(quick.trials[0]).toMatchObject({ pass: true })
    expect(recorded(testPath)).toBe(1)
    expect(signals[0]!.aborted).toBe(false)

    server.configure({ latencyMs: LATENCY })
    const sent = server.requests.length
    const slow = await runCase('news', { id: 'slow', row: { text: 'Summarise a slow story.' }, where: 'data[1]' }, work, { timeout: TIMEOUT })
    expect(slow.trials[0]).toMatchObject({ pass: false, unfinished: true })
    expect(signals[1]!.aborted).toBe(true)
    expect((signals[1]!.reason as Error).message).toBe('describeEval: case "slow" of dataset "news" took more than its timeout of 500 ms for 1 trial(s). Raise the timeout option of describeEval.')
    await settled(sent + 1)
    expect(server.requests.slice(sent).map((r) => r.status)).toEqual([0])
    expect(recorded(testPath)).toBe(1)
    expect(records.filter((r) => r.kind === 'llm-call')).toHaveLength(1)
  }, 30_000)
})

describe('JudgeClient.complete with a signal', () => {
  test('a caller that gives up rejects at once; the shared request is cancelled only when every caller of it gave up', async () => {
    const client = new JudgeClient({ endpoints: [{ model: 'gpt-4o-mini', baseURL: server.url, apiKey: 'sk-unit-secret' }], maxRetries: 0 })
    server.configure({ latencyMs: 600 })
    const ask = (content: string, signal?: AbortSignal) => client.complete({ messages: [{ role: 'user', content }] }, signal)

    let sent = server.requests.length
    const leaving = new AbortController()
    const left = ask('shared, one stays', leaving.signal)
    const stays = ask('shared, one stays')
    await arrived(sent + 1)
    leaving.abort(new Error('gave up'))
    await expect(left).rejects.toThrow('gave up')
    // The request is counted once, by the caller that got its answer.
    await expect(stays).resolves.toMatchObject({ model: 'gpt-4o-mini', requests: 1 })
    await settled(sent + 1)
    expect(server.requests.slice(sent).map((r) => r.status)).toEqual([200])

    sent = server.requests.length
    const [one, two] = [new AbortController(), new AbortController()]
    const first = ask('shared, all leave', one.signal)
    const second = ask('shared, all leave', two.signal)
    await arrived(sent + 1)
    one.abort(new Error('first gave up'))
    await expect(first).rejects.toThrow('first gave up')
    two.abort(new Error('second gave up'))
    await expect(second).rejects.toThrow('second gave up')
    await settled(sent + 1)
    expect(server.requests.slice(sent).map((r) => r.status)).toEqual([0])

    const gone = new AbortController()
    gone.abort(new Error('gone before'))
    sent = server.requests.length
    await expect(ask('never sent', gone.signal)).rejects.toThrow('gone before')
    expect(server.requests.length).toBe(sent)
  }, 30_000)
})

describe("JudgeClient's concurrency limit", () => {
  test('when it drops (a dataset whose cases ran at once is done), queued requests wait until the requests in flight are under it', async () => {
    let limit = 4
    const client = new JudgeClient({ endpoints: [{ model: 'gpt-4o-mini', baseURL: server.url, apiKey: 'sk-unit-secret' }], maxRetries: 0, maxConcurrency: () => limit })
    const seen = new Map<string, number>()
    server.configure({ latencyMs: 0, respond: (body) => (seen.set(String(body.messages.at(-1)?.content), server.inFlight), verdict) })
    // One answer comes at once, three take 1.5 s: a queued request let in when the quick one
    // ends would find three still in flight.
    server.script({ kind: 'delay', ms: 100 }, { kind: 'delay', ms: 1500 }, { kind: 'delay', ms: 1500 }, { kind: 'delay', ms: 1500 })
    const sent = server.requests.length
    const first = [0, 1, 2, 3].map((i) => client.complete({ messages: [{ role: 'user', content: `wide ${i}` }] }))
    await arrived(sent + 4)
    limit = 1
    const later = [0, 1, 2].map((i) => client.complete({ messages: [{ role: 'user', content: `narrow ${i}` }] }))
    await Promise.all([...first, ...later])
    expect([0, 1, 2].map((i) => seen.get(`narrow ${i}`))).toEqual([1, 1, 1])
  }, 30_000)
})
