import { afterEach, expect, test } from 'vitest'
import { flushReports, formatSummary, reportTo, startCoordinator, type Coordinator } from '../../src/judge/coordinator.js'
import type { SimilarityRecord } from '../../src/report/records.js'

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
