// Embeddings for a test file's assertions: each input from the file's cassette when
// recorded, the rest sent in one request and recorded one entry per input.
import { getConfig } from '../config.js'
import { rerunCommand } from '../runner.js'
import { cassettePath, CassetteMissError, openCassette, sameAnswer, type Cassette } from './cassette.js'
import { MissingKeyError, type EmbedCall } from './client.js'
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
 * neither reads nor records).
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
      else if (rt.cacheMode === 'lockdown') throw vector ? new EmbeddingEntryError(cassette.path, key, vector.problem, testPath!) : new CassetteMissError(cassette.path, key, testPath!)
    }
  }
  const missing = unique.filter((input) => !found.has(input))
  // The one place that sends inputs to the model.
  const sendInputs = (inputs: string[]): Promise<EmbedCall> => rt.client.embed(inputs, ask.signal, model)
  let call: EmbedCall | undefined
  if (missing.length > 0) {
    call = await sendInputs(missing).catch((error: unknown) => {
      if (error instanceof MissingKeyError && cassette) throw error.withCassette(cassette.path, embeddingKey(model, missing[0]!), rerunCommand(testPath ?? cassette.path, 'OPENAI_API_KEY=sk-...'))
      throw error
    })
    const chars = missing.reduce((n, t) => n + t.length, 0)
    missing.forEach((input, i) => {
      const vector = call!.vectors[i]!
      found.set(input, vector)
      if (!cassette) return
      // Each input carries its share of the request, by length, so a file's entries add up to what it spent.
      const part = chars === 0 ? 1 / missing.length : input.length / chars
      const share = {
        model: call!.model,
        usage: { prompt_tokens: Math.round(call!.usage.prompt_tokens * part), total_tokens: Math.round(call!.usage.total_tokens * part) },
        cost: call!.cost === undefined ? undefined : call!.cost * part,
        latencyMs: call!.latencyMs,
      }
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
    replayed: call === undefined,
    requests: call?.requests ?? 0,
    usage: call?.usage ?? { prompt_tokens: 0, total_tokens: 0 },
    cost: call ? call.cost : 0,
    latencyMs: call?.latencyMs ?? 0,
  }
}
