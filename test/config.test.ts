// configure(): the embedding and semantic-cache options, their defaults and ASSAY_EMBEDDING_MODEL.
import { afterEach, expect, test, vi } from 'vitest'
import { configure, getConfig, resetConfig } from '../src/config.js'
import { usageError } from './helpers.js'

afterEach(() => {
  resetConfig()
  vi.unstubAllEnvs()
})

test('embedding options default to text-embedding-3-small, batches of 256 waiting 10 ms; the semantic cache is off', () => {
  expect(getConfig().embedding).toEqual({ model: 'text-embedding-3-small', baseURL: undefined, apiKey: undefined, maxBatchSize: 256, maxWaitMs: 10 })
  expect(getConfig().cache.semantic).toBe(false)
})

test('configure merges embedding options, and ASSAY_EMBEDDING_MODEL overrides the model without touching the judge', () => {
  configure({ embedding: { model: 'e-small', maxBatchSize: 8 }, cache: { semantic: { threshold: 0.99 } } })
  configure({ embedding: { maxWaitMs: 0 } })
  expect(getConfig().embedding).toMatchObject({ model: 'e-small', maxBatchSize: 8, maxWaitMs: 0 })
  expect(getConfig().cache.semantic).toEqual({ threshold: 0.99 })
  vi.stubEnv('ASSAY_EMBEDDING_MODEL', ' e-large ')
  expect(getConfig().embedding.model).toBe('e-large')
  expect(getConfig().judge.model).toBe('gpt-4o-mini')
})

test('bad embedding or semantic options are usage errors naming the option', () => {
  expect(usageError(() => configure({ embedding: { maxBatchSize: 0 } }))).toMatch(/embedding\.maxBatchSize/)
  expect(usageError(() => configure({ embedding: { maxBatchSize: 5000 } }))).toMatch(/embedding\.maxBatchSize/)
  expect(usageError(() => configure({ cache: { semantic: { threshold: 1.5 } } }))).toMatch(/cache\.semantic/)
  expect(usageError(() => configure({ embedding: { modle: 'x' } as never }))).toMatch(/modle/)
})
