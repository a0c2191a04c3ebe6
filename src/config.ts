import { z } from 'zod'
import { AssayUsageError } from './errors.js'
import { formatZodIssues } from './validate.js'

const endpoint = z.strictObject({ model: z.string().min(1), baseURL: z.string().url().optional(), apiKey: z.string().optional() })
const positiveInt = z.number().int().positive()

const configSchema = z.strictObject({
  messages: z.strictObject({ maxChars: z.number().int().min(40).optional() }).optional(),
  judge: z
    .strictObject({
      model: z.string().min(1).optional(),
      baseURL: z.string().url().optional(),
      apiKey: z.string().optional(),
      temperature: z.number().min(0).max(2).optional(),
      maxConcurrency: positiveInt.optional(),
      maxRateLimitWaitMs: positiveInt.optional(),
      requestsPerMinute: z.number().positive().optional(),
      tokensPerMinute: z.number().positive().optional(),
      timeoutMs: positiveInt.optional(),
      maxRetries: z.number().int().min(0).max(20).optional(),
      fallback: z.array(endpoint).optional(),
      prices: z.record(z.string(), z.strictObject({ input: z.number().min(0), output: z.number().min(0) })).optional(),
    })
    .optional(),
  embedding: z
    .strictObject({
      model: z.string().min(1).optional(),
      baseURL: z.string().url().optional(),
      apiKey: z.string().optional(),
      maxBatchSize: z.number().int().min(1).max(2048).optional(),
      maxWaitMs: z.number().int().min(0).max(10_000).optional(),
    })
    .optional(),
  cache: z
    .strictObject({
      mode: z.enum(['auto', 'lockdown', 'refresh', 'off']).optional(),
      semantic: z.union([z.boolean(), z.strictObject({ threshold: z.number().gt(0).max(1).optional(), lockdown: z.boolean().optional(), maxEntries: z.number().int().min(1).optional() })]).optional(),
    })
    .optional(),
  promptsDir: z.string().min(1).optional(),
})

/**
 * Options accepted by {@link configure}. The object is validated strictly: a misspelt key
 * is an error, not a silently ignored setting.
 */
export interface AssayConfig {
  messages?: {
    /**
     * Longest stretch of received or expected text printed in a failure message.
     * Longer text is cut and ends with `… (+N chars)`.
     * @default 400
     */
    maxChars?: number
  }
  /** The eval-LLM judge behind `toScoreAtLeast`. */
  judge?: {
    /** The judge model. `ASSAY_JUDGE_MODEL` overrides it. @default 'gpt-4o-mini' */
    model?: string
    /** The endpoint. @default process.env.OPENAI_BASE_URL, else OpenAI's */
    baseURL?: string
    /** The key. @default process.env.OPENAI_API_KEY */
    apiKey?: string
    /** Sampling temperature of the judge. @default 0 */
    temperature?: number
    /**
     * Judge requests in flight at once, per test worker.
     * @default the runner's `maxConcurrency` (concurrent tests per worker; 5 unless configured), else 5
     */
    maxConcurrency?: number
    /**
     * How long one judge call may keep getting 429 rate-limit answers before its test
     * fails. 429s do not use up `maxRetries`: the shared pacer waits them out.
     * @default 120000
     */
    maxRateLimitWaitMs?: number
    /** Request budget per minute, shared by every test worker. @default unlimited (learnt from 429s and headers) */
    requestsPerMinute?: number
    /** Token budget per minute, shared by every test worker. @default unlimited */
    tokensPerMinute?: number
    /** Timeout of one judge request. @default 60000 */
    timeoutMs?: number
    /** Retries per judge after the first try. @default 4 */
    maxRetries?: number
    /** Further judges, tried in order when the previous one fails after its retries. @default [] */
    fallback?: { model: string; baseURL?: string; apiKey?: string }[]
    /** Prices in $ per million tokens, merged over the built-in table. */
    prices?: Record<string, { input: number; output: number }>
  }
  /** The embedding model behind `toBeSemanticallySimilarTo` and the semantic judge cache. */
  embedding?: {
    /** The embedding model. `ASSAY_EMBEDDING_MODEL` overrides it. @default 'text-embedding-3-small' */
    model?: string
    /** The endpoint. @default the judge's baseURL, else process.env.OPENAI_BASE_URL, else OpenAI's */
    baseURL?: string
    /** The key. @default the judge's apiKey, else process.env.OPENAI_API_KEY */
    apiKey?: string
    /** Most inputs coalesced into one `/embeddings` request. @default 256 */
    maxBatchSize?: number
    /** Longest a request waits for more inputs to join its batch, in milliseconds. @default 10 */
    maxWaitMs?: number
  }
  cache?: {
    /** `ASSAY_CACHE` overrides it. @default 'lockdown' when CI is set, else 'auto' */
    mode?: 'auto' | 'lockdown' | 'refresh' | 'off'
    /**
     * The semantic judge cache: reuse a verdict for a near-duplicate output. `true` turns it on
     * outside lockdown; `{ lockdown: true }` also under lockdown. `ASSAY_SEMANTIC_CACHE=1` turns it on.
     * `maxEntries` caps each question's index of outputs (the oldest-indexed leave first; default 1,000).
     * @default false
     */
    semantic?: boolean | { threshold?: number; lockdown?: boolean; maxEntries?: number }
  }
  /**
   * The prompt registry's folder, relative to the project root (the working directory).
   * `ASSAY_PROMPTS_DIR` overrides it. @default 'prompts'
   */
  promptsDir?: string
}

/** The configuration with every default filled in. */
export interface ResolvedAssayConfig {
  messages: { maxChars: number }
  judge: {
    model: string
    baseURL: string | undefined
    apiKey: string | undefined
    temperature: number
    maxConcurrency: number | undefined
    maxRateLimitWaitMs: number
    requestsPerMinute: number | undefined
    tokensPerMinute: number | undefined
    timeoutMs: number
    maxRetries: number
    fallback: { model: string; baseURL?: string | undefined; apiKey?: string | undefined }[]
    prices: Record<string, { input: number; output: number }>
  }
  embedding: { model: string; baseURL: string | undefined; apiKey: string | undefined; maxBatchSize: number; maxWaitMs: number }
  cache: { mode: 'auto' | 'lockdown' | 'refresh' | 'off' | undefined; semantic: boolean | { threshold?: number | undefined; lockdown?: boolean | undefined; maxEntries?: number | undefined } }
  promptsDir: string
}

const defaults = (): ResolvedAssayConfig => ({
  messages: { maxChars: 400 },
  judge: {
    model: 'gpt-4o-mini',
    baseURL: undefined,
    apiKey: undefined,
    temperature: 0,
    maxConcurrency: undefined,
    maxRateLimitWaitMs: 120_000,
    requestsPerMinute: undefined,
    tokensPerMinute: undefined,
    timeoutMs: 60_000,
    maxRetries: 4,
    fallback: [],
    prices: {},
  },
  embedding: { model: 'text-embedding-3-small', baseURL: undefined, apiKey: undefined, maxBatchSize: 256, maxWaitMs: 10 },
  cache: { mode: undefined, semantic: false },
  promptsDir: 'prompts',
})

let current: ResolvedAssayConfig = defaults()
let generation = 0

/**
 * Sets assay's options for the current test process. Call it in a setup file; each
 * call merges into what earlier calls set.
 *
 * @example
 * ```ts
 * import { configure } from 'assay'
 * configure({ judge: { model: 'gpt-4o', requestsPerMinute: 300 }, messages: { maxChars: 1000 } })
 * ```
 */
export function configure(options: AssayConfig): void {
  const parsed = configSchema.safeParse(options)
  if (!parsed.success) {
    throw new AssayUsageError(
      'configure',
      `invalid options:\n${formatZodIssues(parsed.error.issues, options)}\nSee the README's "Configuration" section for every option and its default.`,
      configure,
    )
  }
  const next = parsed.data
  current = {
    messages: { ...current.messages, ...stripUndefined(next.messages ?? {}) },
    judge: { ...current.judge, ...stripUndefined(next.judge ?? {}) },
    embedding: { ...current.embedding, ...stripUndefined(next.embedding ?? {}) },
    cache: { ...current.cache, ...stripUndefined(next.cache ?? {}) },
    promptsDir: next.promptsDir ?? current.promptsDir,
  }
  generation++
}

/**
 * The options in force, defaults included. The judge model honours `ASSAY_JUDGE_MODEL`, the
 * embedding model `ASSAY_EMBEDDING_MODEL`.
 *
 * @example
 * ```ts
 * getConfig().messages.maxChars // 400 unless configured
 * ```
 */
export function getConfig(): Readonly<ResolvedAssayConfig> {
  const model = process.env.ASSAY_JUDGE_MODEL?.trim()
  const embeddingModel = process.env.ASSAY_EMBEDDING_MODEL?.trim()
  if (!model && !embeddingModel) return current
  return {
    ...current,
    ...(model ? { judge: { ...current.judge, model } } : {}),
    ...(embeddingModel ? { embedding: { ...current.embedding, model: embeddingModel } } : {}),
  }
}

/** A number that changes whenever {@link configure} or {@link resetConfig} runs, to invalidate caches. */
export function configGeneration(): number {
  return generation
}

/**
 * Restores every option to its default. Mostly useful between tests.
 *
 * @example
 * ```ts
 * afterEach(() => resetConfig())
 * ```
 */
export function resetConfig(): void {
  current = defaults()
  generation++
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}
