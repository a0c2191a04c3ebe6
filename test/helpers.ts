import { afterAll, afterEach, beforeAll, expect } from 'vitest'
import { resetConfig } from '../src/config.js'
import type { CacheMode } from '../src/judge/cassette.js'
import { JudgeClient } from '../src/judge/client.js'
import type { JudgeRuntime } from '../src/judge/judge.js'
import { setRecordSink, type AssayRecord, type JudgeRecord } from '../src/report/records.js'
import { nodeFileSystem } from '../src/store/file.js'
import type { EmbedAnswer } from '../src/judge/semantic-cache.js'
import { embed as lexicalEmbed } from '../fixtures/server/sample.js'

const ANSI = /\u001b\[[0-9;]*m/g

/** Runs an assertion that must fail and returns its message without colour codes. */
export function failure(assertion: () => unknown): string {
  try {
    assertion()
  } catch (error) {
    if (error instanceof Error && error.name === 'AssayUsageError') throw error
    return (error as Error).message.replace(ANSI, '')
  }
  throw new Error('expected the assertion to fail, but it passed')
}

/** Runs a call that must throw an AssayUsageError and returns its message. */
export function usageError(call: () => unknown): string {
  try {
    call()
  } catch (error) {
    expect((error as Error).name).toBe('AssayUsageError')
    return (error as Error).message
  }
  throw new Error('expected a usage error, but nothing was thrown')
}

/**
 * Collects the records assay emits during a test file, and resets the configuration and
 * the collected records after each test.
 */
export function collectRecords(): AssayRecord[] {
  const records: AssayRecord[] = []
  beforeAll(() => setRecordSink((r) => records.push(r)))
  afterEach(() => {
    resetConfig()
    records.length = 0
  })
  afterAll(() => setRecordSink(undefined))
  return records
}

/**
 * A judge runtime for unit tests: `gpt-4o-mini` at `baseURL` (or the given client), a
 * private cassette registry (so recordings are written at once), no retry jitter.
 */
export function testRuntime(options: { baseURL?: string; apiKey?: string; client?: JudgeClient; cacheMode?: CacheMode; logprobs?: boolean }): JudgeRuntime {
  return {
    client: options.client ?? new JudgeClient({ endpoints: [{ model: 'gpt-4o-mini', baseURL: options.baseURL, apiKey: options.apiKey ?? 'sk-test-key' }], random: () => 0 }),
    model: 'gpt-4o-mini',
    temperature: 0,
    cacheMode: options.cacheMode ?? 'auto',
    fs: nodeFileSystem(),
    cassettes: new Map(),
    capabilities: { logprobs: options.logprobs ?? true, n: true, jsonSchema: true },
  }
}

/** An embedding that sends no request: the fixture server's lexical vectors, costing nothing. */
export const lexicalEmbedding = async (texts: string[]): Promise<EmbedAnswer> => ({ vectors: texts.map((t) => lexicalEmbed(t)), replayed: true, requests: 0, usage: { total_tokens: 0 }, cost: 0 })

/** A passing `toScoreAtLeast(7)` record whose verdict scored 9 live, in one request; `verdict` overrides any of the verdict's fields. */
export function judgeRecord(verdict: Partial<NonNullable<JudgeRecord['verdict']>> = {}): JudgeRecord {
  return {
    kind: 'judge',
    matcher: 'toScoreAtLeast',
    pass: true,
    negated: false,
    threshold: 7,
    every: false,
    verdict: { overall: 9, criteria: {}, scale: [1, 10], samples: [9], spread: 0, model: 'gpt-4o-mini', judge: 0, replayed: false, requests: 1, weighted: false, usage: { prompt_tokens: 90, completion_tokens: 10, total_tokens: 100 }, cost: 0.01, latencyMs: 5, ...verdict },
  }
}
