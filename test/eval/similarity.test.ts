import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startFixtureServer, type FixtureServer } from '../../fixtures/server/index.js'
import { runCase } from '../../src/eval/case.js'
import { configure } from '../../src/config.js'
import type { SimilarityRecord } from '../../src/report/records.js'
import { collectRecords } from '../helpers.js'

let server: FixtureServer
const records = collectRecords()
beforeAll(async () => {
  server = await startFixtureServer()
})
afterAll(() => server.close())

const row = { id: 's1', row: { question: 'Was my refund approved?' }, where: 'data[0]' }

describe('toBeSemanticallySimilarTo in dataset trials', () => {
  test('a similarity never computed fails the trial with its cause, even when the assertion code catches it', async () => {
    configure({ judge: { baseURL: server.url, apiKey: 'sk-unit-secret', maxRetries: 0 }, cache: { mode: 'off' } })
    server.script({ kind: 'status', status: 400, message: 'The model does not exist' })
    const result = await runCase('support', row, {
      task: () => 'Your refund was approved.',
      assert: async (output) => {
        await expect(output).toBeSemanticallySimilarTo('The refund has been approved.').catch(() => undefined)
      },
      trials: 1,
    })
    expect(result.trials[0]).toMatchObject({ pass: false, error: expect.stringContaining('400 The model does not exist') })
  })

  test("a live similarity's cost counts into the trial's", async () => {
    // A price high enough that the cost survives the trial's rounding to a millionth of a dollar.
    configure({ judge: { baseURL: server.url, apiKey: 'sk-unit-secret', maxRetries: 0, prices: { 'text-embedding-3-small': { input: 1000, output: 0 } } }, cache: { mode: 'off' } })
    const result = await runCase('support', row, {
      task: () => 'your refund was approved',
      assert: (output) => expect(output).toBeSemanticallySimilarTo('approved: your refund was'),
      trials: 1,
    })
    expect(result.trials[0]).toMatchObject({ pass: true })
    const spent = (records.find((r) => r.kind === 'similarity') as SimilarityRecord).cost!
    expect(spent).toBeGreaterThan(0)
    expect(result.trials[0]!.cost).toBeCloseTo(spent, 6)
  })
})
