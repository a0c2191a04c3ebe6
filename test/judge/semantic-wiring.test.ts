// The semantic judge cache as configured: `cache.semantic` alone turns it on, and it embeds
// outputs through the embedding client and batcher, recording the vectors in the cassette.
import { readdirSync, rmdirSync, rmSync } from 'node:fs'
import { dirname } from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { startFixtureServer, type FixtureServer } from '../../fixtures/server/index.js'
import { configure } from '../../src/config.js'
import { cassettePath, openCassettes } from '../../src/judge/cassette.js'
import { judgeRuntime } from '../../src/judge/runtime.js'
import { collectRecords } from '../helpers.js'

let server: FixtureServer
const records = collectRecords()
const path = cassettePath(import.meta.filename)
beforeAll(async () => {
  server = await startFixtureServer({ respond: () => JSON.stringify({ criteria: { accuracy: { reasoning: 'Matches the ticket.', score: 9 } } }) })
})
afterAll(async () => {
  openCassettes().get(path)?.flush()
  openCassettes().delete(path)
  rmSync(path, { force: true })
  if (readdirSync(dirname(path)).length === 0) rmdirSync(dirname(path))
  await server.close()
})

test('configure({ cache: { semantic: true } }) reuses a near-duplicate verdict, embedding both outputs through the endpoint', async () => {
  configure({ judge: { baseURL: server.url, apiKey: 'sk-unit-secret' }, cache: { mode: 'auto', semantic: true } })
  expect(judgeRuntime().semantic).toMatchObject({ threshold: 0.97, reuse: true, index: true, model: 'text-embedding-3-small' })
  await expect('Your refund of $40 was approved.').toScoreAtLeast(7, { criteria: 'accuracy' })
  await expect('Your  refund of $40 was  approved.').toScoreAtLeast(7, { criteria: 'accuracy' })
  const paths = server.requests.map((r) => r.path)
  expect(paths.filter((p) => p.endsWith('/chat/completions'))).toHaveLength(1)
  expect(paths.filter((p) => p.endsWith('/embeddings')).length).toBeGreaterThanOrEqual(1)
  expect(records[1]).toMatchObject({ kind: 'judge', pass: true, verdict: { reusedFrom: { output: 'Your refund of $40 was approved.' } } })
  // Each look-up's embedding is on its assertion's record, apart from the judge's own requests.
  for (const r of records.slice(0, 2)) expect(r).toMatchObject({ verdict: { semanticCache: { replayed: false, requests: 1, tokens: expect.any(Number), cost: expect.any(Number) } } })
  expect((records[0] as { verdict: { semanticCache: { cost: number } } }).verdict.semanticCache.cost).toBeGreaterThan(0)
  // Both outputs' vectors are in the cassette, so a lockdown replay needs no endpoint.
  const cassette = openCassettes().get(path)!
  expect([...cassette.touched].filter((k) => cassette.lookup(k)?.request.params.kind === 'embedding')).toHaveLength(2)
})

test('under lockdown the cache stays off unless { lockdown: true }', () => {
  configure({ cache: { mode: 'lockdown', semantic: true } })
  expect(judgeRuntime().semantic).toBeUndefined()
  configure({ cache: { semantic: { lockdown: true } } })
  expect(judgeRuntime().semantic).toMatchObject({ reuse: true, index: false })
})
