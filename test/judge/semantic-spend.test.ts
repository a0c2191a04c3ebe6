// What the semantic judge cache costs and saves, on the verdict: its own embedding requests
// for the look-up, and the judge calls a reuse spared.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeEach, expect, test } from 'vitest'
import { testRuntime } from '../helpers.js'
import { startFixtureServer, type FixtureServer } from '../../fixtures/server/index.js'
import { embed as lexicalEmbed } from '../../fixtures/server/sample.js'
import { runJudge, semanticSpent, type JudgeRuntime } from '../../src/judge/judge.js'
import { semanticCacheFor, type Embed } from '../../src/judge/semantic-cache.js'

let server: FixtureServer
let dir: string
let score = 9
beforeEach(async () => {
  server ??= await startFixtureServer()
  score = 9
  server.configure({ respond: () => (score === 0 ? 'no verdict here' : JSON.stringify({ criteria: { accuracy: { reasoning: 'Read it.', score } } })) })
  dir = mkdtempSync(join(tmpdir(), 'assay-semantic-spend-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))
afterAll(() => server?.close())

// An embedding endpoint's answer as embedTexts gives it: one live request per call here.
const priced: Embed = async (texts) => ({ vectors: texts.map((t) => lexicalEmbed(t)), replayed: false, requests: 1, usage: { total_tokens: 12 * texts.length }, cost: 0.00024 * texts.length })
const runtime = (embed: Embed = priced): JudgeRuntime => ({
  ...testRuntime({ baseURL: server.url, cacheMode: 'auto', logprobs: false }),
  semantic: semanticCacheFor({ threshold: 0.8 }, 'auto', 'lexical-64', embed, {}),
})
const ask = (output: string, rt: JudgeRuntime, samples?: number) => runJudge({ output, criteria: ['accuracy'], samples, testPath: join(dir, 'a.test.ts') }, rt)

const approved = 'Hi Maria, your refund of $40 for order 1234 was approved today.'
const spaced = 'Hi  Maria,  your refund of $40 for order 1234 was approved today.'

test("a verdict carries the look-up's embedding requests, tokens and cost, apart from the judge's own", async () => {
  const rt = runtime()
  const first = await ask(approved, rt)
  expect(first.semanticCache).toEqual({ replayed: false, requests: 1, tokens: 12, cost: 0.00024 })
  expect(first.requests).toBe(1)
  const reused = await ask(spaced, rt)
  expect(reused.reusedFrom?.output).toBe(approved)
  expect(reused.semanticCache).toEqual({ replayed: false, requests: 1, tokens: 12, cost: 0.00024 })
})

test('a replayed embedding costs nothing', async () => {
  const replayed: Embed = async (texts) => ({ vectors: texts.map((t) => lexicalEmbed(t)), replayed: true, requests: 0, usage: { total_tokens: 0 }, cost: 0 })
  expect((await ask(approved, runtime(replayed))).semanticCache).toEqual({ replayed: true, requests: 0, tokens: 0, cost: 0 })
})

test('a verdict without a look-up (cache off, or its own answer already indexed) carries none', async () => {
  expect((await ask(approved, testRuntime({ baseURL: server.url, cacheMode: 'auto', logprobs: false }))).semanticCache).toBeUndefined()
  const rt = runtime()
  await ask(spaced, rt)
  expect((await ask(spaced, rt)).semanticCache).toBeUndefined()
})

test("a judgement that fails after its look-up still accounts for the look-up's spend", async () => {
  score = 0
  const error = await ask(approved, runtime()).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(Error)
  expect(semanticSpent(error)).toEqual({ replayed: false, requests: 1, tokens: 12, cost: 0.00024 })
  expect(semanticSpent(new Error('unrelated'))).toBeUndefined()
})

test('a reuse says how many judge calls it spared: every answer the earlier verdict took', async () => {
  const rt = runtime()
  // The fixture judge answers n samples in one request; without n, one request per sample.
  await ask(approved, { ...rt, capabilities: { ...rt.capabilities, n: false } }, 3)
  const reused = await ask(spaced, { ...rt, capabilities: { ...rt.capabilities, n: false } }, 3)
  expect(reused.reusedFrom).toMatchObject({ output: approved, calls: 3 })
  await ask('Your parcel 77 left the depot on Monday.', rt)
  expect((await ask('Your parcel 77 left the depot  on Monday.', rt)).reusedFrom).toMatchObject({ calls: 1 })
})
