// Embedding answers in a test file's cassette: one entry per input, keyed by model and input
// alone, so that replay never depends on which inputs shared a request. Vectors are kept as
// base64 of their exact binary values: shorter than JSON decimals and bit-identical on replay.
import { requestKey, type CassetteEntry } from './cassette.js'
import { redactDeep } from '../secrets.js'

/**
 * The cassette key of one input's embedding by `model`.
 *
 * @example
 * ```ts
 * cassette.lookup(embeddingKey('text-embedding-3-small', 'Refund approved.'))
 * ```
 */
export function embeddingKey(model: string, input: string): string {
  return requestKey({ kind: 'embedding', model, input })
}

/** How a vector is stored: little-endian float32s when every value is one (as OpenAI sends them), else float64s. */
type Encoding = 'float32-base64' | 'float64-base64'

/** The `response` of an embedding entry. */
export interface EmbeddingResponse {
  object: 'embedding'
  model: string
  dimensions: number
  encoding: Encoding
  embedding: string
}

/** One input's part of an embedding request: its vector and its share of the request's cost. */
export interface EmbeddingShare {
  /** The model that answered. */
  model: string
  usage: { prompt_tokens: number; total_tokens: number }
  cost: number | undefined
  latencyMs: number
}

function encode(vector: readonly number[]): { encoding: Encoding; embedding: string } {
  const float32 = vector.every((v) => Math.fround(v) === v)
  // Written value by value: typed arrays would use the platform's byte order, and the file
  // must read the same on every platform.
  const bytes = Buffer.alloc(vector.length * (float32 ? 4 : 8))
  vector.forEach((v, i) => (float32 ? bytes.writeFloatLE(v, i * 4) : bytes.writeDoubleLE(v, i * 8)))
  return { encoding: float32 ? 'float32-base64' : 'float64-base64', embedding: bytes.toString('base64') }
}

/**
 * The cassette entry for one input's embedding, under {@link embeddingKey}. The input is
 * kept (redacted of known secrets) for people reading the file; the key covers it whole.
 *
 * @example
 * ```ts
 * cassette.record(embeddingKey(model, input), embeddingEntry(model, input, vector, share))
 * ```
 */
export function embeddingEntry(model: string, input: string, vector: readonly number[], share: EmbeddingShare): CassetteEntry {
  const response: EmbeddingResponse = { object: 'embedding', model: share.model, dimensions: vector.length, ...encode(vector) }
  return {
    request: { model, messages: [], params: redactDeep({ kind: 'embedding', input }) },
    response,
    usage: { prompt_tokens: share.usage.prompt_tokens, completion_tokens: 0, total_tokens: share.usage.total_tokens },
    cost: share.cost,
    latencyMs: Math.round(share.latencyMs),
    recordedAt: new Date().toISOString(),
  }
}

/**
 * The vector an embedding entry holds, exactly as it was recorded, or what is wrong with
 * the entry (an edited or foreign one): a replay never makes up a vector.
 */
export function recordedVector(entry: CassetteEntry): number[] | { problem: string } {
  const r = entry.response as Partial<EmbeddingResponse> | null
  if (r?.object !== 'embedding' || typeof r.embedding !== 'string') return { problem: 'it is not an embedding entry (it needs response.object "embedding" and response.embedding)' }
  const width = r.encoding === 'float32-base64' ? 4 : r.encoding === 'float64-base64' ? 8 : undefined
  if (!width) return { problem: `its encoding ${JSON.stringify(r.encoding)} is neither "float32-base64" nor "float64-base64"` }
  const bytes = Buffer.from(r.embedding, 'base64')
  if (bytes.length === 0 || bytes.length % width !== 0 || bytes.length / width !== r.dimensions) return { problem: `its embedding holds ${bytes.length} bytes, which is not ${String(r.dimensions)} dimensions of ${width} bytes` }
  const vector = Array.from({ length: r.dimensions }, (_, i) => (width === 4 ? bytes.readFloatLE(i * 4) : bytes.readDoubleLE(i * 8)))
  const bad = vector.findIndex((v) => !Number.isFinite(v))
  if (bad >= 0) return { problem: `its value at position ${bad} is not a finite number` }
  return vector
}
