import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import OpenAI from 'openai'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { startFixtureServer, type ChatCompletionBody, type FixtureServer } from '../../fixtures/server/index.js'
import { configure } from '../../src/config.js'
import { currentTrial, inTrial } from '../../src/eval/trial.js'
import { recordingFetch } from '../../src/judge/recording-fetch.js'
import { settleCassette } from '../../src/judge/runtime.js'
import { runJudge } from '../../src/judge/judge.js'
import { collectRecords, testRuntime } from '../helpers.js'

let server: FixtureServer
let dir: string
collectRecords()
// Each request gets the next score, so every live answer differs from the one before.
let served = 0
const verdict = (score: number) => JSON.stringify({ criteria: Object.fromEntries(['accuracy', 'completeness', 'conciseness'].map((k) => [k, { reasoning: `The ${k} is fair.`, score }])) })
beforeEach(async () => {
  served = 0
  server = await startFixtureServer({ respond: (body: ChatCompletionBody, choice) => (body.response_format ? verdict(3 + (choice === 0 ? served++ : served)) : `Answer ${served++}`) })
  dir = mkdtempSync(join(tmpdir(), 'assay-trial-'))
})
afterEach(async () => {
  rmSync(dir, { recursive: true, force: true })
  await server.close()
})

const entries = (path: string) => Object.keys((JSON.parse(readFileSync(path, 'utf8')) as { entries: object }).entries)

describe('the trial context', () => {
  test('is seen through awaits inside inTrial, and is gone outside it', async () => {
    expect(currentTrial()).toBeUndefined()
    const { value } = await inTrial(2, async () => {
      await new Promise((r) => setTimeout(r, 1))
      return currentTrial()?.trial
    })
    expect(value).toBe(2)
    expect(currentTrial()).toBeUndefined()
  })

  test('concurrent trials each see their own number', async () => {
    const seen = await Promise.all([0, 1, 2].map((k) => inTrial(k, async () => {
      await new Promise((r) => setTimeout(r, 3 - k))
      return currentTrial()?.trial
    })))
    expect(seen.map((s) => s.value)).toEqual([0, 1, 2])
  })

  test('refuses a trial that is not a whole number from 0', async () => {
    await expect(inTrial(-1, () => 0)).rejects.toThrow('A trial is a whole number from 0, but got -1.')
  })
})

describe('judge cassette keys per trial', () => {
  const testPath = () => join(dir, 'eval.test.ts')
  const cassette = () => join(dir, '__llm_cassettes__', 'eval.test.ts.json')
  const judge = (mode: 'auto' | 'lockdown') => runJudge({ output: 'The summary.', source: 'The article.', testPath: testPath() }, testRuntime({ baseURL: server.url, cacheMode: mode }))

  test('the same request in trials 0, 1 and 2 makes three entries, and each trial replays its own answer', async () => {
    const live = [await inTrial(0, () => judge('auto')), await inTrial(1, () => judge('auto')), await inTrial(2, () => judge('auto'))].map((t) => t.value.overall)
    expect(new Set(live).size).toBe(3)
    expect(entries(cassette())).toHaveLength(3)
    const sent = server.requests.length
    const replayed = [await inTrial(2, () => judge('lockdown')), await inTrial(0, () => judge('lockdown')), await inTrial(1, () => judge('lockdown'))].map((t) => t.value)
    expect(server.requests.length).toBe(sent)
    expect(replayed.map((v) => v.replayed)).toEqual([true, true, true])
    expect(replayed.map((v) => v.overall)).toEqual([live[2], live[0], live[1]])
  })

  test("trial 0 keys exactly as a plain test: a plain test's answer replays in trial 0, and only there", async () => {
    const plain = await judge('auto')
    expect(entries(cassette())).toHaveLength(1)
    const trial0 = await inTrial(0, () => judge('lockdown'))
    expect(trial0.value).toMatchObject({ replayed: true, overall: plain.overall })
    await expect(inTrial(1, () => judge('lockdown'))).rejects.toThrow('No recorded answer')
  })
})

describe('cassette keys per prompt version', () => {
  test('the same judge request in trial 0 of two versions makes two entries; each version replays its own, and a third version records only its own', async () => {
    const testPath = join(dir, 'versions.test.ts')
    const cassette = join(dir, '__llm_cassettes__', 'versions.test.ts.json')
    const judge = (mode: 'auto' | 'lockdown') => runJudge({ output: 'The summary.', source: 'The article.', testPath }, testRuntime({ baseURL: server.url, cacheMode: mode }))
    const as = (prompt: string, mode: 'auto' | 'lockdown') => inTrial(0, () => judge(mode), { prompt })
    const live = [(await as('summarizer@v1', 'auto')).value.overall, (await as('summarizer@v2', 'auto')).value.overall]
    expect(live[0]).not.toBe(live[1])
    expect(entries(cassette)).toHaveLength(2)
    const sent = server.requests.length
    expect([(await as('summarizer@v2', 'lockdown')).value.overall, (await as('summarizer@v1', 'lockdown')).value.overall]).toEqual([live[1], live[0]])
    expect(server.requests.length).toBe(sent)
    await expect(as('summarizer@v3', 'lockdown')).rejects.toThrow('No recorded answer')
    await as('summarizer@v3', 'auto')
    expect(server.requests.length).toBe(sent + 1)
    expect(entries(cassette)).toHaveLength(3)
  })
})

describe('app calls through recordingFetch per trial', () => {
  test('each trial records and replays its own answer; trial 0 shares the plain key', async () => {
    const testPath = join(dir, 'app.test.ts')
    const app = new OpenAI({ baseURL: server.url, apiKey: 'sk-app', fetch: recordingFetch({ testPath }), maxRetries: 0 })
    const ask = async () => (await app.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Summarise.' }] })).choices[0]!.message.content
    configure({ cache: { mode: 'auto' } })
    const plain = await ask()
    const live = [(await inTrial(0, ask)).value, (await inTrial(1, ask)).value, (await inTrial(2, ask)).value]
    expect(live[0]).toBe(plain)
    expect(new Set(live).size).toBe(3)
    const sent = server.requests.length
    configure({ cache: { mode: 'lockdown' } })
    expect([(await inTrial(2, ask)).value, (await inTrial(1, ask)).value]).toEqual([live[2], live[1]])
    expect(server.requests.length).toBe(sent)
    settleCassette(testPath, { fullRun: false, update: false, failed: [] })
    expect(entries(join(dir, '__llm_cassettes__', 'app.test.ts.json'))).toHaveLength(3)
  })

  test('records emitted in a trial are collected in its scope', async () => {
    const testPath = join(dir, 'collect.test.ts')
    const app = new OpenAI({ baseURL: server.url, apiKey: 'sk-app', fetch: recordingFetch({ testPath }), maxRetries: 0 })
    configure({ cache: { mode: 'auto' } })
    const { scope } = await inTrial(1, () => app.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi.' }] }))
    expect(scope.records).toMatchObject([{ kind: 'llm-call', replayed: false, status: 200 }])
  })
})
