import { afterEach, expect, test } from 'vitest'
import { flushReports, formatSummary, reportTo, startCoordinator, type Coordinator } from '../../src/judge/coordinator.js'
import type { SimilarityRecord } from '../../src/report/records.js'
import { judgeRecord } from '../helpers.js'

let coordinator: Coordinator | undefined
afterEach(() => coordinator?.close())

const similar = (extra: Partial<SimilarityRecord>): SimilarityRecord => ({ kind: 'similarity', matcher: 'toBeSemanticallySimilarTo', pass: true, negated: false, threshold: 0.8, model: 'text-embedding-3-small', similarity: 0.9, replayed: false, requests: 1, tokens: 20, cost: 0.0004, latencyMs: 5, ...extra })

test("the end-of-run summary counts the workers' similarity assertions: live, replayed, failed, their requests and live cost", async () => {
  coordinator = await startCoordinator()
  reportTo(coordinator.url, similar({}))
  reportTo(coordinator.url, similar({ replayed: true, requests: 0, tokens: 0, cost: 0 }))
  reportTo(coordinator.url, similar({ pass: false, similarity: undefined, replayed: undefined, requests: 3, tokens: undefined, cost: undefined, error: 'No embedding model gave vectors' }))
  await flushReports()
  expect(formatSummary(coordinator.summary())).toBe('assay: 2 similarities (1 live, 1 replayed), 1 without a similarity; 4 embedding requests, 20 tokens, $0.0004')
})


test("the end-of-run summary counts the semantic cache's look-ups, their cost, and the verdicts it reused with the judge calls spared", async () => {
  coordinator = await startCoordinator()
  const lookup = { replayed: false, requests: 1, tokens: 20, cost: 0.0004 }
  reportTo(coordinator.url, judgeRecord({ semanticCache: lookup }))
  reportTo(coordinator.url, judgeRecord({ semanticCache: lookup, replayed: true, requests: 0, reusedFrom: { output: 'Earlier.', similarity: 0.99, key: 'k', calls: 3 } }))
  reportTo(coordinator.url, { kind: 'judge', matcher: 'toScoreAtLeast', pass: false, negated: false, threshold: 7, every: false, error: 'no verdict', requests: 1, semanticCache: { replayed: true, requests: 0, tokens: 0, cost: 0 } })
  reportTo(coordinator.url, judgeRecord({}))
  await flushReports()
  expect(formatSummary(coordinator.summary())).toBe(
    'assay: 3 judge verdicts (2 live, 1 replayed), 1 without a verdict; 3 requests, 200 tokens, $0.0200\n' +
      'assay: semantic cache 3 look-ups, 2 embedding requests, 40 tokens, $0.0008; 1 verdict reused, 3 judge calls saved',
  )
})
