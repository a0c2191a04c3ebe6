// Embeddings for a test file's assertions: each input from the file's cassette when
// recorded, the rest sent through the run's batcher and recorded one entry per input.
import { getConfig } from '../config.js'
import { batchMode } from '../batch/pending.js'
import { collectEmbeddings } from '../batch/collect.js'
import { rerunCommand } from '../runner.js'
import { cassettePath, CassetteMissError, openCassette, sameAnswer, type Cassette } from './cassette.js'
import { MissingKeyError } from './client.js'
import { embeddingBatcher } from './embed-batching.js'
import { embeddingEntry, embeddingKey, recordedVector } from './embed-cassette.js'
import type { JudgeRuntime } from './judge.js'

/** What one assertion asks to embed. */
export interface EmbedAsk {
  inputs: readonly string[]
  /** The embedding model. @default the configured `embedding.model` */
  model?: string | undefined
  /** The test file, whose cassette records and replays the vectors. */
  testPath?: string | undefined
  signal?: AbortSignal | undefined
}

/** The vectors of an assertion's inputs, and what getting them cost. */
export interface Embeddings {
  /** One per input, in order. */
  vectors: number[][]
  /** The model asked for, part of every cassette key. */
  model: string
  /** True when every vector came from the cassette. */
  replayed: boolean
  /** HTTP requests sent (0 when replayed). */
  requests: number
  usage: { prompt_tokens: number; total_tokens: number }
  /** US dollars spent live, when the model has a price; 0 when replayed. */
  cost: number | undefined
  latencyMs: number
}

/** A recorded embedding that cannot be read, replayed under lockdown, where it cannot be asked again. */
export class EmbeddingEntryError extends Error {
  override readonly name = 'EmbeddingEntryError'
  constructor(path: string, key: string, problem: string, testPath: string) {
    super(
      `The embedding recorded in ${path} (key ${key}) cannot be replayed: ${problem}. It was edited, or written by another tool.\n` +
        `Record it again with the model reachable (auto mode replaces such an entry), then commit the cassette:\n  ${rerunCommand(testPath, 'ASSAY_CACHE=auto')}`,
    )
  }
}

/**
 * Embeds `inputs`: in `auto` and `lockdown` each input's recorded vector is replayed, under
 * `lockdown` a missing one is a {@link CassetteMissError}; the others go to the model in one
 * request and are recorded one entry per input (`refresh` asks for all of them again, `off`
 * neither reads nor records). In a Batch API collect pass (`ASSAY_BATCH=collect`) the
 * missing ones are collected for the batch instead, and this throws a BatchCollectedError.
 */
export async function embedTexts(ask: EmbedAsk, rt: JudgeRuntime): Promise<Embeddings> {
  const model = ask.model ?? getConfig().embedding.model
  const testPath = ask.testPath
  const cassette: Cassette | undefined = testPath && rt.cacheMode !== 'off' ? openCassette(cassettePath(testPath), rt.fs, rt.cassettes) : undefined
  const unique = [...new Set(ask.inputs)]
  const found = new Map<string, number[]>()
  if (cassette && (rt.cacheMode === 'auto' || rt.cacheMode === 'lockdown')) {
    for (const input of unique) {
      const key = embeddingKey(model, input)
      const hit = cassette.lookup(key)
      const vector = hit && recordedVector(hit)
      if (Array.isArray(vector)) found.set(input, vector)
      else if (rt.cacheMode === 'lockdown' && batchMode() !== 'collect') throw vector ? new EmbeddingEntryError(cassette.path, key, vector.problem, testPath!) : new CassetteMissError(cassette.path, key, testPath!)
    }
  }
  const missing = unique.filter((input) => !found.has(input))
  // Every input goes through the run's batcher, which coalesces it with concurrent
  // assertions' inputs (of this worker, and of the others through the coordinator) into
  // requests of up to embedding.maxBatchSize inputs; each comes back with its own share of
  // the request, which its entry records, so replay never depends on how inputs were batched.
  const target = rt.client.embeddingTarget(model)
  // A collect pass sends nothing, under lockdown or not: the inputs wait for the batch, and the assertion fails.
  if (cassette && missing.length > 0 && batchMode() === 'collect') throw collectEmbeddings(model, missing, target, cassette.path)
  const batcher = embeddingBatcher(target, (inputs) => rt.client.embed(inputs, undefined, target.model), rt.client)
  const spent = { requests: 0, usage: { prompt_tokens: 0, total_tokens: 0 }, cost: 0 as number | undefined, latencyMs: 0 }
  if (missing.length > 0) {
    const answers = await Promise.all(missing.map((input) => batcher.embed(input, ask.signal))).catch((error: unknown) => {
      if (error instanceof MissingKeyError && cassette) throw error.withCassette(cassette.path, embeddingKey(model, missing[0]!), rerunCommand(testPath ?? cassette.path, 'OPENAI_API_KEY=sk-...'))
      throw error
    })
    missing.forEach((input, i) => {
      const { vector, share } = answers[i]!
      found.set(input, vector)
      spent.requests += share.requests
      spent.usage = { prompt_tokens: spent.usage.prompt_tokens + share.usage.prompt_tokens, total_tokens: spent.usage.total_tokens + share.usage.total_tokens }
      spent.cost = spent.cost === undefined || share.cost === undefined ? undefined : spent.cost + share.cost
      spent.latencyMs = Math.max(spent.latencyMs, share.latencyMs)
      if (!cassette) return
      const key = embeddingKey(model, input)
      const entry = embeddingEntry(model, input, vector, share)
      const old = cassette.lookup(key)
      // A vector recorded again unchanged keeps its entry, so a refresh shows only what changed.
      if (!old || !sameAnswer(old, entry)) cassette.record(key, entry)
    })
  }
  return {
    vectors: ask.inputs.map((input) => found.get(input)!),
    model,
    replayed: missing.length === 0,
    requests: spent.requests,
    usage: spent.usage,
    cost: spent.cost,
    latencyMs: spent.latencyMs,
  }
}
