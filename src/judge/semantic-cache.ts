// The semantic judge cache: a verdict recorded for one output is reused for a near-duplicate
// output of the identical question. Reuse needs both an embedding similarity at or above
// the threshold and the guard's agreement (semantic-guard.ts); the verdict reused is always
// the cassette's recorded answer for the earlier output, replayed, never a copy kept apart.
import { z } from 'zod'
import { AssayUsageError } from '../errors.js'
import { requestKey, type CacheMode, type Cassette, type CassetteEntry } from './cassette.js'
import { guard } from './semantic-guard.js'
import type { Verdict } from './judge.js'
import { cosine } from './cosine.js'
import { batchMode } from '../batch/pending.js'

/**
 * Embeds texts, one vector per text, in order: in a run, through the embedding client and
 * the cassette of `testPath` (the test file whose assertion asks), so vectors replay too.
 * It answers with the vectors and what getting them cost, as `embedTexts` does.
 */
export type Embed = (texts: string[], testPath?: string) => Promise<EmbedAnswer>

/** Vectors and what getting them cost. */
export interface EmbedAnswer {
  vectors: number[][]
  replayed: boolean
  requests: number
  usage: { total_tokens: number }
  cost: number | undefined
}

/** What the cache's own embedding of an output cost the assertion that asked. */
export interface LookupSpend {
  /** True when the vector came from the cassette. */
  replayed: boolean
  /** HTTP requests sent: the assertion's share of a batched request. */
  requests: number
  tokens: number
  /** US dollars, when the embedding model has a price. */
  cost: number | undefined
}

/** The cache as a judge runtime uses it. */
export interface SemanticCache {
  /** Lowest cosine similarity at which an output may reuse another's verdict. */
  threshold: number
  /** False under `refresh`: every output is judged afresh and only indexed. */
  reuse: boolean
  /** False under `lockdown`, which writes nothing: outputs are indexed only where answers are recorded. */
  index: boolean
  /** The embedding model; vectors of different models are never compared. */
  model: string
  embed: Embed
  /** Most outputs a question's index keeps; the oldest-indexed leave first. */
  maxEntries: number
}

/** Where a reused verdict came from: the earlier output, its similarity and its cassette key. */
export interface ReusedFrom {
  output: string
  similarity: number
  key: string
  /** The judge calls the earlier verdict took, which this reuse spared. */
  calls?: number | undefined
}

/** The default threshold: high enough that only rewordings of the same answer come near it. */
export const DEFAULT_THRESHOLD = 0.97

/**
 * The default cap on a question's index: every look-up compares the output with each
 * entry, and each entry of a 1,536-dimension model is 8 KB of the cassette.
 */
export const DEFAULT_MAX_ENTRIES = 1000

/**
 * The semantic cache in force for a cache mode, or undefined when it is off. It is off
 * unless configured (`cache.semantic`) or `ASSAY_SEMANTIC_CACHE=1`; off in `lockdown` unless
 * configured `{ lockdown: true }` (a CI run then replays reuses it recorded locally); in
 * `refresh` it indexes without reusing, and with the cache `off` there is no cassette. It is
 * off in a Batch API collect pass (`ASSAY_BATCH=collect`), whatever the configuration.
 *
 * @example
 * ```ts
 * semanticCacheFor({ threshold: 0.98 }, 'auto', 'text-embedding-3-small', embed) // { threshold: 0.98, reuse: true, … }
 * ```
 */
export function semanticCacheFor(
  setting: boolean | { threshold?: number | undefined; lockdown?: boolean | undefined; maxEntries?: number | undefined },
  mode: CacheMode,
  model: string,
  embed: Embed,
  env: NodeJS.ProcessEnv = process.env,
): SemanticCache | undefined {
  const fromEnv = env.ASSAY_SEMANTIC_CACHE?.trim().toLowerCase()
  if (fromEnv && !['0', '1', 'true', 'false'].includes(fromEnv)) {
    throw new AssayUsageError('configure', `ASSAY_SEMANTIC_CACHE is "${env.ASSAY_SEMANTIC_CACHE}", but it must be 1 (on) or 0 (off).`)
  }
  const on = fromEnv === '1' || fromEnv === 'true' ? true : fromEnv === '0' || fromEnv === 'false' ? false : setting !== false
  // A collect pass has no cache: its look-ups would embed outputs live (or collect
  // embeddings no assertion waits for), so each verdict is collected as a plain miss.
  if (!on || mode === 'off' || batchMode(env) === 'collect') return undefined
  const options = typeof setting === 'object' ? setting : {}
  if (mode === 'lockdown' && options.lockdown !== true) return undefined
  return { threshold: options.threshold ?? DEFAULT_THRESHOLD, reuse: mode !== 'refresh', index: mode !== 'lockdown', model, embed, maxEntries: options.maxEntries ?? DEFAULT_MAX_ENTRIES }
}


// Vectors are stored as little-endian float32 in base64: a 1536-dimension vector is 8 KB
// instead of about 30 KB of decimals, and embeddings are float32 to begin with.
const encode = (v: readonly number[]) => Buffer.from(new Float32Array(v).buffer).toString('base64')
function decode(s: string): number[] {
  const bytes = Buffer.from(s, 'base64')
  return Array.from(new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength - (bytes.byteLength % 4))))
}

const indexed = z.object({ output: z.string(), embedding: z.string(), key: z.string() })
const indexEntry = z.object({ response: z.object({ outputs: z.array(indexed) }) })
type Indexed = z.infer<typeof indexed>

/** An indexed output with its vector and the cassette key of its answer. */
export interface IndexedOutput {
  output: string
  vector: number[]
  key: string
}

// Each index entry is parsed and its vectors decoded once, keyed by the entry's response,
// which the cassette hands back unchanged until the entry is recorded again: decoding every
// vector at every look-up would make a run over a large index do that work per assertion.
const reads = new WeakMap<object, { raw: Indexed[]; decoded: IndexedOutput[] }>()

/**
 * A question's recorded outputs, as the cassette keeps them: at most `maxEntries`, in the
 * order they were indexed, so the oldest-indexed leave first.
 */
export class SemanticIndex {
  readonly #cassette: Cassette
  readonly #key: string
  readonly #model: string
  readonly #question: string
  readonly #max: number

  constructor(cassette: Cassette, question: string, model: string, maxEntries = DEFAULT_MAX_ENTRIES) {
    this.#cassette = cassette
    this.#question = question
    this.#model = model
    this.#max = maxEntries
    // One entry per question and embedding model, beside the answers it points to.
    this.#key = requestKey({ kind: 'semantic-index', question, model })
  }

  /** The outputs recorded for the question, with their vectors (the newest `maxEntries` of an index recorded under a higher cap). */
  outputs(): IndexedOutput[] {
    const { decoded } = this.#read()
    return decoded.length > this.#max ? decoded.slice(decoded.length - this.#max) : decoded
  }

  has(output: string): boolean {
    return this.#read().raw.some((o) => o.output === output)
  }

  /** True when the index holds `maxEntries` outputs, so that one more evicts the oldest. */
  full(): boolean {
    return this.#read().raw.length >= this.#max
  }

  /**
   * Adds an output, evicting the oldest-indexed beyond the cap (read and written in one
   * step, so concurrent assertions of a file lose none).
   */
  add(output: string, vector: readonly number[], key: string): void {
    const before = this.#read()
    const keep = (o: { output: string }) => o.output !== output
    const raw = [...before.raw.filter(keep), { output, embedding: encode(vector), key }]
    const decoded = [...before.decoded.filter(keep), { output, vector: decode(raw.at(-1)!.embedding), key }]
    const drop = Math.max(0, raw.length - this.#max)
    const response = { outputs: raw.slice(drop) }
    reads.set(response, { raw: response.outputs, decoded: decoded.slice(drop) })
    const entry: CassetteEntry = {
      request: { model: this.#model, messages: [], params: { kind: 'semantic-index', question: this.#question } },
      response,
      usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
      latencyMs: 0,
      recordedAt: new Date().toISOString(),
    }
    this.#cassette.record(this.#key, entry)
  }

  #read(): { raw: Indexed[]; decoded: IndexedOutput[] } {
    const entry = this.#cassette.lookup(this.#key)
    if (entry === undefined) return { raw: [], decoded: [] }
    const known = typeof entry.response === 'object' && entry.response !== null ? reads.get(entry.response) : undefined
    if (known) return known
    const parsed = indexEntry.safeParse(entry)
    if (!parsed.success) {
      throw new Error(
        `The semantic cache index (key ${this.#key}) in ${this.#cassette.path} is not a list of { output, embedding, key }: ${parsed.error.issues[0]?.message ?? 'unreadable'}.\n` +
          'Remove that entry (it is rebuilt as outputs are judged), or turn the semantic cache off.',
      )
    }
    const raw = parsed.data.response.outputs
    const read = { raw, decoded: raw.map((o) => ({ output: o.output, vector: decode(o.embedding), key: o.key })) }
    reads.set(entry.response as object, read)
    return read
  }
}

/**
 * Whether a cassette entry is a semantic index that points to an answer touched in this
 * run. Such an index stays as long as one of its answers does, also in runs with the cache
 * off (CI's lockdown, `assay prune`), which never look at it.
 */
export function indexInUse(entry: unknown, touched: ReadonlySet<string>): boolean {
  const parsed = indexEntry.safeParse(entry)
  return parsed.success && (entry as CassetteEntry).request?.params?.kind === 'semantic-index' && parsed.data.response.outputs.some((o) => touched.has(o.key))
}

/** A candidate for reuse: an earlier output that is close enough and that the guard lets through. */
export interface Candidate {
  output: string
  similarity: number
  key: string
}

/**
 * The earlier outputs whose verdict `output` may reuse, most similar first: similarity at
 * or above the threshold, and agreement on every fact the guard reads.
 */
export function candidates(output: string, vector: readonly number[], earlier: readonly { output: string; vector: number[]; key: string }[], threshold: number): Candidate[] {
  return earlier
    .filter((e) => e.output !== output)
    .map((e) => ({ output: e.output, key: e.key, similarity: cosine(vector, e.vector) ?? 0 }))
    .filter((c) => c.similarity >= threshold && guard(output, c.output).agree)
    .sort((a, b) => b.similarity - a.similarity)
}

/** What runJudge asks of the cache for one assertion. */
export interface SemanticLookup {
  cassette: Cassette
  /** Everything of the question but the output (see {@link questionKey}). */
  question: string
  output: string
  /** The test file that asks. */
  testPath?: string | undefined
  /** The cassette key of this output's own (first) answer. */
  key: string
}

/**
 * The key of a judge question without its output: the model, the rubric's system message,
 * the request's parameters, the source, the scale, the samples and a dataset trial's own
 * material. Two assertions may share verdicts only when all of it is identical.
 */
export function questionKey(parts: { model: string; system: unknown; params: object; source: string | undefined; criteria: unknown; scale: readonly [number, number]; samples: number; trial: object }): string {
  return requestKey({ kind: 'semantic-question', ...parts, source: parts.source ?? null })
}

/**
 * Reuses a recorded verdict for a near-duplicate output when one qualifies; otherwise
 * returns `remember`, which indexes the output once its own verdict is recorded. `replay`
 * gives the recorded verdict of an earlier output, from the cassette only; one that fails
 * (the answer was pruned, or the request changed) is passed over, never turned into a pass.
 * An embedding that fails leaves the output to the judge. `spent` is what embedding the
 * output cost, when it was embedded.
 */
export async function lookUp(
  cache: SemanticCache,
  l: SemanticLookup,
  replay: (output: string) => Promise<Verdict>,
): Promise<({ verdict: Verdict & { reusedFrom: ReusedFrom } } | { remember: (() => void) | undefined }) & { spent?: LookupSpend }> {
  const index = new SemanticIndex(l.cassette, l.question, cache.model, cache.maxEntries)
  const exact = l.cassette.lookup(l.key) !== undefined
  // An answer of its own is always preferred; it joins the index once (in auto and refresh),
  // but not a full one: it needs no index itself, and would evict another output that, with
  // its own answer, would evict the next at the next run, so the cassette would never settle.
  if (exact && (!cache.index || index.has(l.output) || index.full())) return { remember: undefined }
  let answer: EmbedAnswer
  try {
    answer = await cache.embed([l.output], l.testPath)
  } catch {
    return { remember: undefined }
  }
  const spent: LookupSpend = { replayed: answer.replayed, requests: answer.requests, tokens: answer.usage.total_tokens, cost: answer.cost }
  const vector = answer.vectors[0]
  if (!vector) return { remember: undefined, spent }
  const remember = cache.index ? () => index.add(l.output, vector, l.key) : undefined
  if (exact || !cache.reuse) return { remember, spent }
  for (const c of candidates(l.output, vector, index.outputs(), cache.threshold)) {
    try {
      const verdict = await replay(c.output)
      return { verdict: { ...verdict, reusedFrom: { output: c.output, similarity: c.similarity, key: c.key } }, spent }
    } catch {
      // Not recorded any more, or asked differently now: the next candidate, else the judge.
    }
  }
  return { remember, spent }
}
