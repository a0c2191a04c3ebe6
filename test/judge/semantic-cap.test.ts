// The semantic cache's index is capped (cache.semantic.maxEntries): the oldest-indexed
// outputs leave first, a full index never churns, and a cap never turns a miss into a pass.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeEach, expect, test } from 'vitest'
import { lexicalEmbedding, testRuntime } from '../helpers.js'
import { startFixtureServer, type FixtureServer } from '../../fixtures/server/index.js'
import { embed as lexicalEmbed } from '../../fixtures/server/sample.js'
import { Cassette, CassetteMissError, type CacheMode } from '../../src/judge/cassette.js'
import { runJudge, type JudgeRuntime } from '../../src/judge/judge.js'
import { DEFAULT_MAX_ENTRIES, semanticCacheFor, SemanticIndex, type Embed } from '../../src/judge/semantic-cache.js'
import { nodeFileSystem } from '../../src/store/file.js'
import { configure, getConfig } from '../../src/config.js'

let server: FixtureServer
let dir: string
beforeEach(async () => {
  server ??= await startFixtureServer()
  server.configure({ respond: (body) => JSON.stringify({ criteria: { accuracy: { reasoning: 'Read it.', score: /denied/.test(String(body.messages.at(-1)?.content)) ? 2 : 9 } } }) })
  dir = mkdtempSync(join(tmpdir(), 'assay-semantic-cap-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))
afterAll(() => server?.close())

const embedded: string[] = []
beforeEach(() => void (embedded.length = 0))
const lexical: Embed = async (texts) => (embedded.push(...texts), lexicalEmbedding(texts))
const runtime = (mode: CacheMode = 'auto', maxEntries = 3): JudgeRuntime => ({
  ...testRuntime({ baseURL: server.url, cacheMode: mode, logprobs: false }),
  semantic: semanticCacheFor({ threshold: 0.8, lockdown: true, maxEntries }, mode, 'lexical-64', lexical, {}),
})
const testPath = () => join(dir, 'a.test.ts')
const ask = (output: string, rt: JudgeRuntime) => runJudge({ output, criteria: ['accuracy'], testPath: testPath() }, rt)
const chats = () => server.requests.filter((r) => r.path.endsWith('/chat/completions')).length
const indexed = () => {
  const entries = Object.values((JSON.parse(readFileSync(join(dir, '__llm_cassettes__', 'a.test.ts.json'), 'utf8')) as { entries: Record<string, { response: { outputs?: { output: string }[] } }> }).entries)
  return entries.flatMap((e) => e.response.outputs ?? []).map((o) => o.output)
}

const ticket = (n: number) => `Hi Maria, your refund for order ${n} was approved today.`
const nearDuplicate = (n: number) => `Hi  Maria, your refund for order ${n} was approved  today.`

test('the index keeps the newest maxEntries outputs; a near-duplicate of an evicted one is judged afresh, of a kept one reused', async () => {
  const rt = runtime()
  for (let n = 1; n <= 5; n++) await ask(ticket(n), rt)
  expect(indexed()).toEqual([ticket(3), ticket(4), ticket(5)])
  const before = chats()
  const evicted = await ask(nearDuplicate(1), rt)
  expect(evicted).toMatchObject({ overall: 9, replayed: false, requests: 1 })
  expect(evicted.reusedFrom).toBeUndefined()
  expect(chats()).toBe(before + 1)
  expect((await ask(nearDuplicate(5), rt)).reusedFrom?.output).toBe(ticket(5))
  expect(chats()).toBe(before + 1)
})

test('an eviction never turns a miss into a pass: under lockdown a near-duplicate of an evicted output is a cassette miss', async () => {
  const rt = runtime()
  for (let n = 1; n <= 4; n++) await ask(ticket(n), rt)
  await expect(ask(nearDuplicate(1), runtime('lockdown'))).rejects.toBeInstanceOf(CassetteMissError)
  expect((await ask(nearDuplicate(4), runtime('lockdown'))).reusedFrom?.output).toBe(ticket(4))
})

test('a full index does not churn: outputs with their own answers are replayed without joining it again, and the cassette stays as it was', async () => {
  const rt = runtime()
  for (let n = 1; n <= 5; n++) await ask(ticket(n), rt)
  const file = readFileSync(join(dir, '__llm_cassettes__', 'a.test.ts.json'), 'utf8')
  embedded.length = 0
  // The next run: every output replays its own answer; the evicted ones would each evict another.
  const next = runtime()
  for (let n = 1; n <= 5; n++) expect((await ask(ticket(n), next)).replayed).toBe(true)
  expect(readFileSync(join(dir, '__llm_cassettes__', 'a.test.ts.json'), 'utf8')).toBe(file)
  expect(embedded).toEqual([])
})

test('a lowered cap trims an index recorded under a higher one at its next write, oldest first', async () => {
  const rt = runtime('auto', 10)
  for (let n = 1; n <= 4; n++) await ask(ticket(n), rt)
  expect(indexed()).toHaveLength(4)
  await ask(ticket(9), runtime('auto', 2))
  expect(indexed()).toEqual([ticket(4), ticket(9)])
})

test('a read of the index decodes its vectors once, not at every look-up', () => {
  const cassette = new Cassette(nodeFileSystem(), join(dir, 'c.json'))
  const index = new SemanticIndex(cassette, 'question', 'lexical-64', 3)
  index.add('one', lexicalEmbed('one'), 'k1')
  const first = index.outputs()
  expect(index.outputs()[0]!.vector).toBe(first[0]!.vector)
  index.add('two', lexicalEmbed('two'), 'k2')
  expect(index.outputs().map((o) => o.output)).toEqual(['one', 'two'])
  expect(index.outputs()[0]!.vector).toEqual(first[0]!.vector)
})

test('cache.semantic.maxEntries: 1,000 by default, configurable, and only a positive integer', () => {
  expect(DEFAULT_MAX_ENTRIES).toBe(1000)
  expect(semanticCacheFor(true, 'auto', 'm', lexical, {})!.maxEntries).toBe(1000)
  expect(semanticCacheFor({ maxEntries: 50 }, 'auto', 'm', lexical, {})!.maxEntries).toBe(50)
  configure({ cache: { semantic: { maxEntries: 20 } } })
  expect(getConfig().cache.semantic).toEqual({ maxEntries: 20 })
  for (const bad of [0, 1.5, -3]) expect(() => configure({ cache: { semantic: { maxEntries: bad } } })).toThrow(/cache\.semantic/)
  configure({ cache: { semantic: false } })
})
