// toScoreAtLeast with the semantic judge cache on: a reused verdict is said in the message and recorded.
import { readdirSync, rmdirSync, rmSync } from 'node:fs'
import { dirname } from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { startFixtureServer, type FixtureServer } from '../../fixtures/server/index.js'
import { configure } from '../../src/config.js'
import { cassettePath, openCassettes } from '../../src/judge/cassette.js'
import { judgeRuntime } from '../../src/judge/runtime.js'
import { semanticCacheFor } from '../../src/judge/semantic-cache.js'
import { collectRecords, lexicalEmbedding } from '../helpers.js'

let server: FixtureServer
const records = collectRecords()
beforeAll(async () => {
  server = await startFixtureServer({ respond: () => JSON.stringify({ criteria: { accuracy: { reasoning: 'Matches the ticket.', score: 9 } } }) })
})
afterAll(async () => {
  const path = cassettePath(import.meta.filename)
  openCassettes().get(path)?.flush()
  openCassettes().delete(path)
  rmSync(path, { force: true })
  if (readdirSync(dirname(path)).length === 0) rmdirSync(dirname(path))
  await server.close()
})

test('a reused verdict names the output it came from, its similarity and key, in the message and the record', async () => {
  configure({ judge: { baseURL: server.url, apiKey: 'sk-unit-secret' }, cache: { mode: 'auto' } })
  // The runtime is built from the configuration; the embedding client is the fixture's.
  judgeRuntime().semantic = semanticCacheFor(true, 'auto', 'fixture-lexical-64', lexicalEmbedding, {})
  await expect('Your refund of $40 was approved.').toScoreAtLeast(7, { criteria: 'accuracy' })
  expect(records[0]!.kind === 'judge' && records[0]!.verdict?.reusedFrom).toBeFalsy()
  const message = await expect('Your  refund of $40 was  approved.').not.toScoreAtLeast(7, { criteria: 'accuracy' }).then(
    () => undefined,
    (e: Error) => e.message,
  )
  expect(message).toMatch(/reused by the semantic cache from a near-duplicate output \(similarity 1\.000, cassette key [0-9a-f]{32}\): Your refund of \$40 was approved\./)
  expect(records[1]).toMatchObject({ kind: 'judge', pass: false, verdict: { overall: 9, replayed: true, reusedFrom: { output: 'Your refund of $40 was approved.' } } })
  expect(server.requests).toHaveLength(1)
})
