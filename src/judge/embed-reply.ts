// What an `/embeddings` reply must hold to be used: one finite vector per input, all of one
// dimension. Anything less is an error naming the problem, never a silent zero vector.

/** One `/embeddings` request and what it cost. */
export interface EmbedCall {
  /** One vector per input, in the inputs' order. */
  vectors: number[][]
  /** The model that answered. */
  model: string
  /** HTTP requests sent for this call, failed ones included. */
  requests: number
  usage: { prompt_tokens: number; total_tokens: number }
  /** US dollars, when the model has a price. */
  cost: number | undefined
  /** Time of the successful request, in ms. */
  latencyMs: number
}

/** The vectors, model and usage of a reply, or what is wrong with it. */
export type EmbeddingsRead =
  | { vectors: number[][]; model: string; usage: { prompt_tokens: number; total_tokens: number } }
  | { problem: string }

/** A little-endian float32 vector, as `encoding_format: 'base64'` sends it. */
function decodeBase64(text: string): number[] | undefined {
  const bytes = Buffer.from(text, 'base64')
  if (bytes.length === 0 || bytes.length % 4 !== 0) return undefined
  const out = new Array<number>(bytes.length / 4)
  for (let i = 0; i < out.length; i++) out[i] = bytes.readFloatLE(i * 4)
  return out
}

/**
 * Reads the reply to an `/embeddings` request of `count` inputs. Vectors may come as
 * base64 float32s (asked for) or as JSON numbers (servers that ignore `encoding_format`),
 * and are put in the order of their `index`.
 */
export function readEmbeddings(data: unknown, count: number): EmbeddingsRead {
  const items = (data as { data?: unknown } | null)?.data
  if (!Array.isArray(items)) return { problem: 'is not an embeddings list (it needs data[].embedding)' }
  if (items.length !== count) return { problem: `holds ${items.length} vector${items.length === 1 ? '' : 's'} for ${count} input${count === 1 ? '' : 's'}` }
  const vectors: (number[] | undefined)[] = new Array(count)
  for (const [position, item] of items.entries()) {
    const raw = (item as { embedding?: unknown } | null)?.embedding
    const index = (item as { index?: unknown } | null)?.index ?? position
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= count || vectors[index]) return { problem: `has data[${position}].index ${JSON.stringify(index)}, which is not a distinct input position below ${count}` }
    const vector = typeof raw === 'string' ? decodeBase64(raw) : Array.isArray(raw) && raw.every((v) => typeof v === 'number') ? (raw as number[]) : undefined
    if (!vector || vector.length === 0) return { problem: `has no vector in data[${position}].embedding (it needs a list of numbers or base64 float32s)` }
    const bad = vector.findIndex((v) => !Number.isFinite(v))
    if (bad >= 0) return { problem: `has a value that is not a finite number (${vector[bad]}) at position ${bad} of the vector for input ${index}` }
    vectors[index] = vector
  }
  const dims = new Set(vectors.map((v) => v!.length))
  if (dims.size > 1) return { problem: `has vectors of differing dimensions (${[...dims].join(', ')})` }
  const usage = (data as { usage?: { prompt_tokens?: unknown; total_tokens?: unknown } }).usage
  const tokens = (n: unknown) => (typeof n === 'number' && Number.isFinite(n) ? n : 0)
  const model = (data as { model?: unknown }).model
  return { vectors: vectors as number[][], model: typeof model === 'string' ? model : '', usage: { prompt_tokens: tokens(usage?.prompt_tokens), total_tokens: tokens(usage?.total_tokens) } }
}
