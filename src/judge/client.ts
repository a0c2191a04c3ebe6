import { createHash } from 'node:crypto'
import stableStringify from 'fast-json-stable-stringify'
import type OpenAI from 'openai'
import type { ChatCompletion, ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions'
import { loadOpenAI } from '../lazy.js'
import { processBreaker, unreachableCode, type Breaker } from './breaker.js'
import { PacingQueue, RateLimiter, RateLimitHoldError, type Observation } from './limiter.js'
import { costOf, priceOf, type Price } from './prices.js'
import { classifyFailure, retryDelay, serverRetryAfter } from './retry.js'
import { brokenBound, timeLeft } from './wait.js'
import { redact } from '../secrets.js'
import { getConfig } from '../config.js'
import { readEmbeddings, type EmbedCall } from './embed-reply.js'

export type { EmbedCall } from './embed-reply.js'

/** One judge: a model at an endpoint. Missing values come from OPENAI_BASE_URL / OPENAI_API_KEY. */
export interface JudgeEndpoint {
  model: string
  baseURL?: string | undefined
  apiKey?: string | undefined
}

/** What paces requests: a local {@link PacingQueue} or the cross-worker coordinator. */
export interface Pacer {
  /**
   * Resolves when a request of about `tokens` tokens may start; rejects (with a
   * {@link RateLimitHoldError}) when a 429's hold would keep it longer than `maxWaitMs`, or
   * longer than `testLeftMs`, the time the test that asks has left before its timeout.
   */
  acquire(tokens: number, maxWaitMs?: number, testLeftMs?: number): Promise<void>
  /** Reports how a request was answered; resolves once the pacer has taken it in. */
  observe(observation: Observation): void | Promise<void>
}

/** Options of {@link JudgeClient}. */
export interface JudgeClientOptions {
  /** The primary judge first, then the fallbacks, tried in order. */
  endpoints: readonly JudgeEndpoint[]
  /** Per-request timeout. @default 60000 */
  timeoutMs?: number
  /** Retries per judge after the first try. @default 4 */
  maxRetries?: number
  /** HTTP requests in flight at once, or a function read at each request. @default 5 */
  maxConcurrency?: number | (() => number)
  /**
   * How long one call may keep getting 429 rate-limit answers before it fails. 429s do
   * not count against `maxRetries`: waiting out a shared limit is the pacer's job.
   * @default 120000
   */
  maxRateLimitWaitMs?: number
  pacer?: Pacer
  /**
   * When the running test times out (epoch ms), or undefined when it has no timeout: a 429
   * that asks for a longer wait fails the call at once rather than let the test time out.
   */
  deadline?: () => number | undefined
  /**
   * Stops asking an endpoint that cannot be reached: the coordinator's, shared by every
   * worker, or without one, the process's. @default one breaker per process
   */
  breaker?: Breaker
  prices?: Readonly<Record<string, Price>>
  /**
   * The endpoint of {@link JudgeClient.embed}; a missing base URL or key is the primary
   * judge's. @default the configured `embedding`
   */
  embedding?: { model: string; baseURL?: string | undefined; apiKey?: string | undefined }
  /** For tests. */
  sleep?: (ms: number) => Promise<void>
  random?: () => number
}

/** One HTTP call shared by the callers of an identical request, cancelled when all of them gave up. */
interface Flight {
  call: Promise<JudgeCall>
  stop: AbortController
  /** Callers still waiting; Infinity once one that cannot give up is among them. */
  waiting: number
  /** Whether a caller has been given the call's request count. */
  counted: boolean
}

/** The request body without the model, which each endpoint supplies. */
export type JudgeRequest = Omit<ChatCompletionCreateParamsNonStreaming, 'model'>

/** A successful judge call and what it cost. */
export interface JudgeCall {
  completion: ChatCompletion
  /** Index into `endpoints` of the judge that answered. */
  endpoint: number
  model: string
  /** HTTP requests sent for this call, failed ones included. */
  requests: number
  /** Time of the successful request, in ms. */
  latencyMs: number
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number }
  /** US dollars, when the model has a price. */
  cost: number | undefined
}

/** Every judge failed; the message says how each one did. Known secrets are redacted from both. */
export class JudgeError extends Error {
  override readonly name = 'JudgeError'
  readonly failures: readonly { model: string; baseURL: string; error: string }[]
  constructor(
    message: string,
    failures: readonly { model: string; baseURL: string; error: string }[],
    /** HTTP requests sent before giving up, for the run's request count. */
    readonly requests = 0,
  ) {
    super(redact(message))
    this.failures = failures.map((f) => ({ model: f.model, baseURL: redact(f.baseURL), error: redact(f.error) }))
  }
}

/**
 * No judge can be asked: none has an API key, and none has a base URL (a local server
 * needs no key). Thrown before any request is sent.
 */
export class MissingKeyError extends JudgeError {
  /** The judges that were not asked. */
  readonly models: readonly string[]
  constructor(
    models: readonly string[],
    detail = '',
    /** Who was not asked: the judge, or the embedding model (whose key falls back to the judge's). */
    readonly role: 'judge' | 'embedding' = 'judge',
  ) {
    const judge = role === 'judge'
    super(
      `No API key for the ${judge ? 'judge' : 'embedding model'} (${models.join(', ')}): OPENAI_API_KEY is not set and ${judge ? 'judge.apiKey is' : 'neither embedding.apiKey nor judge.apiKey is'} configured, so nothing was sent.${detail}\n` +
        `Set OPENAI_API_KEY (or ${role}.apiKey) to call the model, or OPENAI_BASE_URL (or ${role}.baseURL) for a local server such as Ollama, which needs no key.`,
      [],
    )
    this.models = models
  }

  /** The same error, naming the cassette without the answer and the command that records it. */
  withCassette(path: string, key: string, command: string): MissingKeyError {
    return new MissingKeyError(this.models, `\nThere is no recorded answer for this request (key ${key}) in ${path}. Record it with a key, then commit the cassette:\n  ${command}`, this.role)
  }
}

const HEADER_HINTS = ['x-ratelimit-remaining-requests', 'x-ratelimit-reset-requests', 'x-ratelimit-remaining-tokens', 'x-ratelimit-reset-tokens']

const hints = (headers: { get(name: string): string | null }) => Object.fromEntries(HEADER_HINTS.map((h) => [h, headers.get(h)]))

function describe(error: unknown): string {
  const e = error as { status?: number; message?: string }
  const message = e.message ?? String(error)
  return e.status && !message.startsWith(String(e.status)) ? `${e.status} ${message}` : message
}

/** The endpoint's URL for messages, without any credentials written into it. */
function safeURL(url: string): string {
  try {
    const u = new URL(url)
    u.username = ''
    u.password = ''
    return u.toString().replace(/\/$/, '')
  } catch {
    return '(invalid URL)'
  }
}

function isCompletion(data: unknown): data is ChatCompletion {
  const choices = (data as { choices?: unknown } | null)?.choices
  return Array.isArray(choices) && choices.length > 0 && choices.every((c) => typeof (c as { message?: unknown } | null)?.message === 'object' && (c as { message: unknown }).message !== null)
}

/** One kind of request through {@link JudgeClient}'s retry loop: how to send it and read its reply. */
interface Exchange<T> {
  role: 'judge' | 'embedding'
  /** Tried in order, the next when one fails for good. */
  endpoints: readonly JudgeEndpoint[]
  /** About how many tokens the request uses, for the pacer. */
  tokens: number
  send(client: OpenAI, endpoint: JudgeEndpoint, signal: AbortSignal): Promise<{ data: unknown; response: Response }>
  /** The result from a 200 reply, or what is wrong with it (which moves on to the next endpoint). */
  read(data: unknown, status: number, at: { endpoint: JudgeEndpoint; index: number; requests: number; latencyMs: number }): T | { problem: string }
}

const isProblem = (r: unknown): r is { problem: string } => typeof r === 'object' && r !== null && typeof (r as { problem?: unknown }).problem === 'string' && Object.keys(r).length === 1

/** The start of a raw reply, for messages. */
function start(data: unknown): string {
  const text = typeof data === 'string' ? data : JSON.stringify(data) ?? String(data)
  return text.length > 200 ? `${text.slice(0, 200)}… (+${text.length - 200} chars)` : text
}

function estimateTokens(body: JudgeRequest): number {
  const chars = body.messages.reduce((n, m) => n + (typeof m.content === 'string' ? m.content.length : JSON.stringify(m.content ?? '').length), 0)
  return Math.ceil(chars / 4) + (body.max_completion_tokens ?? body.max_tokens ?? 0) * (body.n ?? 1)
}

/**
 * Sends judge requests through the openai SDK with one retry policy (the SDK's own is off,
 * so retries never stack), shared pacing, a fallback chain and single-flight: identical
 * requests in flight at the same time share one HTTP call.
 */
export class JudgeClient {
  readonly #options: JudgeClientOptions
  readonly #clients = new Map<string, OpenAI>()
  readonly #inFlight = new Map<string, Flight>()
  readonly #pacer: Pacer
  #active = 0
  readonly #waiting: (() => void)[] = []

  constructor(options: JudgeClientOptions) {
    if (options.endpoints.length === 0) throw new Error('JudgeClient needs at least one endpoint.')
    this.#options = options
    this.#pacer = options.pacer ?? new PacingQueue(new RateLimiter())
  }

  /**
   * Answers `body` with the first judge that succeeds, or throws a {@link JudgeError}. Once
   * `signal` aborts, the call rejects with its reason; the HTTP request is cancelled when
   * no other caller of the identical request is still waiting for it.
   */
  complete(body: JudgeRequest, signal?: AbortSignal): Promise<JudgeCall> {
    if (signal?.aborted) return Promise.reject(signal.reason)
    const key = createHash('sha256').update(stableStringify({ endpoints: this.#options.endpoints.map((e) => [e.model, e.baseURL ?? '']), body })).digest('hex')
    let own = this.#inFlight.get(key)
    if (!own) {
      const stop = new AbortController()
      own = { call: this.#run(body, stop.signal).finally(() => this.#inFlight.delete(key)), stop, waiting: 0, counted: false }
      this.#inFlight.set(key, own)
    }
    const flight = own
    // The HTTP requests are counted once: by the first caller still waiting when they end,
    // the one that sent them unless it gave up.
    const take = (c: JudgeCall): JudgeCall => (flight.counted ? { ...c, requests: 0 } : ((flight.counted = true), c))
    // A caller that cannot give up holds the request for good.
    flight.waiting += signal ? 1 : Infinity
    if (!signal) return flight.call.then(take)
    return new Promise((resolve, reject) => {
      const abandon = () => {
        if (--flight.waiting === 0) flight.stop.abort(signal.reason)
        reject(signal.reason)
      }
      signal.addEventListener('abort', abandon, { once: true })
      flight.call.then(
        (c) => {
          signal.removeEventListener('abort', abandon)
          if (!signal.aborted) resolve(take(c))
        },
        (e: unknown) => {
          signal.removeEventListener('abort', abandon)
          reject(e)
        },
      )
    })
  }

  #limit(): number {
    const max = this.#options.maxConcurrency
    return (typeof max === 'function' ? max() : max) ?? 5
  }

  async #slot(): Promise<() => void> {
    if (this.#active >= this.#limit()) await new Promise<void>((resolve) => this.#waiting.push(resolve))
    this.#active++
    return () => {
      this.#active--
      // The limit may have dropped meanwhile (a dataset's cases ended): the queue waits for it.
      if (this.#active < this.#limit()) this.#waiting.shift()?.()
    }
  }

  #client(endpoint: JudgeEndpoint): OpenAI {
    const apiKey = endpoint.apiKey ?? process.env.OPENAI_API_KEY
    const baseURL = endpoint.baseURL ?? process.env.OPENAI_BASE_URL
    const id = `${baseURL ?? ''}\u0000${apiKey ?? ''}`
    let client = this.#clients.get(id)
    if (!client) {
      // Local servers (Ollama, vLLM) accept any key; the SDK insists on one.
      const { OpenAI } = loadOpenAI()
      client = new OpenAI({ apiKey: apiKey ?? 'no-key', ...(baseURL ? { baseURL } : {}), maxRetries: 0, timeout: this.#options.timeoutMs ?? 60_000 })
      this.#clients.set(id, client)
    }
    return client
  }

  /** Whether `endpoint` can be asked: it has a key, or a base URL (local servers need no key). */
  #reachable(e: JudgeEndpoint): boolean {
    return Boolean(e.apiKey ?? process.env.OPENAI_API_KEY ?? e.baseURL ?? process.env.OPENAI_BASE_URL)
  }

  #run(body: JudgeRequest, signal: AbortSignal): Promise<JudgeCall> {
    return this.#exchange<JudgeCall>(
      {
        role: 'judge',
        endpoints: this.#options.endpoints,
        tokens: estimateTokens(body),
        send: (client, endpoint, stop) => client.chat.completions.create({ ...body, model: endpoint.model }, { signal: stop }).withResponse(),
        read: (data, status, at) => {
          // A proxy's login page or a server that is not OpenAI-compatible answers 200 too.
          if (!isCompletion(data)) return { problem: `the reply (status ${status}) is not a chat completion (it needs choices[].message): ${start(data)}` }
          const usage = data.usage ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 }
          return {
            completion: data,
            endpoint: at.index,
            model: data.model || at.endpoint.model,
            requests: at.requests,
            latencyMs: at.latencyMs,
            usage: { prompt_tokens: usage.prompt_tokens, completion_tokens: usage.completion_tokens, total_tokens: usage.total_tokens },
            cost: costOf(usage, priceOf(at.endpoint.model, this.#options.prices)),
          }
        },
      },
      signal,
    )
  }

  /**
   * The embedding endpoint: `embedding` in the options, else the configured one, each part
   * falling back to the primary judge's (and then, when the client is built, to the environment).
   */
  #embeddingEndpoint(model: string | undefined): JudgeEndpoint {
    const configured = this.#options.embedding ?? getConfig().embedding
    const judge = this.#options.endpoints[0]!
    return { model: model ?? configured.model, baseURL: configured.baseURL ?? judge.baseURL, apiKey: configured.apiKey ?? judge.apiKey }
  }

  /**
   * The model and endpoint {@link JudgeClient.embed} sends `model`'s inputs to: inputs for
   * the same target may share one request.
   */
  embeddingTarget(model?: string): { model: string; endpoint: string } {
    const e = this.#embeddingEndpoint(model)
    return { model: e.model, endpoint: e.baseURL ?? process.env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1' }
  }

  /**
   * Embeds `inputs` in one `/embeddings` request, through the same concurrency slots, pacer,
   * retries and circuit breaker as the judge's calls, or throws a {@link JudgeError}. A reply
   * that does not hold one finite vector of one dimension per input is an error naming what
   * is wrong. There is no fallback: another model's vectors are not comparable.
   *
   * @example
   * ```ts
   * const { vectors } = await client.embed(['The refund was approved.', 'Refund approved.'])
   * ```
   */
  embed(inputs: readonly string[], signal?: AbortSignal, model?: string): Promise<EmbedCall> {
    if (inputs.length === 0) return Promise.reject(new Error('JudgeClient.embed needs at least one input.'))
    const endpoint = this.#embeddingEndpoint(model)
    const stop = new AbortController()
    const abandon = () => stop.abort(signal!.reason)
    if (signal?.aborted) return Promise.reject(signal.reason)
    signal?.addEventListener('abort', abandon, { once: true })
    return this.#exchange<EmbedCall>(
      {
        role: 'embedding',
        endpoints: [endpoint],
        tokens: Math.ceil(inputs.reduce((n, t) => n + t.length, 0) / 4),
        // Asked for explicitly, so the SDK hands the reply over undecoded and it is checked here.
        send: (client, e, abort) => client.embeddings.create({ model: e.model, input: [...inputs], encoding_format: 'base64' }, { signal: abort }).withResponse(),
        read: (data, status, at) => {
          const read = readEmbeddings(data, inputs.length)
          if ('problem' in read) return { problem: `the reply (status ${status}) ${read.problem}: ${start(data)}` }
          const usage = { prompt_tokens: read.usage.prompt_tokens, total_tokens: read.usage.total_tokens }
          return { vectors: read.vectors, model: read.model || at.endpoint.model, requests: at.requests, usage, cost: costOf({ prompt_tokens: usage.prompt_tokens, completion_tokens: 0 }, priceOf(at.endpoint.model, this.#options.prices)), latencyMs: at.latencyMs }
        },
      },
      stop.signal,
    ).finally(() => signal?.removeEventListener('abort', abandon))
  }

  /**
   * The one retry loop of every request: each endpoint in turn, behind its circuit breaker,
   * a concurrency slot and the shared pacer; 429s waited out for a bounded time without
   * using up retries, other retryable failures retried with backoff, fatal ones moving on
   * to the next endpoint.
   */
  async #exchange<T>(x: Exchange<T>, signal: AbortSignal): Promise<T> {
    const endpoints = x.endpoints
    const what = x.role === 'judge' ? 'judge' : 'embedding model'
    const none = x.role === 'judge' ? 'No judge gave a verdict' : 'No embedding model gave vectors'
    // The SDK would send a placeholder key to api.openai.com and fail after every retry.
    if (!endpoints.some((e) => this.#reachable(e))) throw new MissingKeyError(endpoints.map((e) => e.model), '', x.role)
    const sleep = this.#options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)))
    const failures: { model: string; baseURL: string; error: string }[] = []
    const maxRetries = this.#options.maxRetries ?? 4
    const maxLimitedMs = this.#options.maxRateLimitWaitMs ?? 120_000
    let requests = 0
    for (let index = 0; index < endpoints.length; index++) {
      const endpoint = endpoints[index]!
      if (!this.#reachable(endpoint)) {
        failures.push({ model: endpoint.model, baseURL: 'https://api.openai.com/v1', error: `no API key (OPENAI_API_KEY or an apiKey for this ${what}), so it was not asked` })
        continue
      }
      const client = this.#client(endpoint)
      const breaker = this.#options.breaker ?? processBreaker
      const url = safeURL(client.baseURL)
      let limitedSince: number | undefined
      let refusals = 0
      for (let attempt = 0; ; ) {
        const refusal = await breaker.refusal(url)
        if (refusal) {
          failures.push({ model: endpoint.model, baseURL: url, error: refusal })
          break
        }
        const release = await this.#slot()
        try {
          signal.throwIfAborted()
          await this.#pacer.acquire(x.tokens, maxLimitedMs, timeLeft(this.#options.deadline?.(), Date.now()))
          signal.throwIfAborted()
        } catch (error) {
          release()
          if (!(error instanceof RateLimitHoldError)) throw error
          const failure = { model: endpoint.model, baseURL: safeURL(client.baseURL), error: error.message }
          throw new JudgeError(`${none}:\n  ${what} ${failure.model} at ${failure.baseURL}: ${failure.error}`, [...failures, failure], requests)
        }
        // The request's start orders what the pacer learns from its answer.
        const sentAt = Date.now()
        const started = performance.now()
        requests++
        try {
          const { data, response } = await x.send(client, endpoint, signal).finally(release)
          void this.#pacer.observe({ sentAt, limited: false, headers: hints(response.headers) })
          await breaker.answered(url)
          const result = x.read(data, response.status, { endpoint, index, requests, latencyMs: performance.now() - started })
          if (isProblem(result)) {
            failures.push({ model: endpoint.model, baseURL: safeURL(client.baseURL), error: result.problem })
            break
          }
          return result
        } catch (error) {
          // Given up by every caller: no retry, and nothing learnt about the endpoint.
          if (signal.aborted) throw signal.reason
          // The SDK's connection errors (resets, timeouts) carry no status and no name of their own.
          const kind = error instanceof loadOpenAI().APIConnectionError ? 'retry' : classifyFailure(error)
          const headers = (error as { headers?: Headers }).headers
          const unreachable = unreachableCode(error)
          if (unreachable === undefined) await breaker.answered(url)
          else if (await breaker.failed(url, unreachable)) {
            failures.push({ model: endpoint.model, baseURL: url, error: `${describe(error)} (${unreachable}; after ${attempt + 1} tries, and later calls are not sent for a while)` })
            break
          }
          const limited = kind === 'retry' && (error as { status?: number }).status === 429
          const retryAfterMs = limited ? serverRetryAfter(error) : undefined
          const source = `${what} ${endpoint.model} at ${safeURL(client.baseURL)} answered 429`
          // Awaited, so that the shared pacer holds every worker back before anyone retries.
          await this.#pacer.observe({ sentAt, limited, retryAfterMs, headers: headers ? hints(headers) : undefined, ...(limited ? { source } : {}) })
          if (kind === 'quota') {
            failures.push({ model: endpoint.model, baseURL: safeURL(client.baseURL), error: `${describe(error)} The account has no quota left: add credit or raise the limit; retrying cannot help.` })
            break
          }
          if (limited) {
            // A rate limit costs no retry: the pacer waits it out, for a bounded time.
            limitedSince ??= sentAt
            refusals++
            // A wait no call may make (a daily quota's retry-after, or more than the test has
            // left) fails now rather than later.
            const testLeftMs = timeLeft(this.#options.deadline?.(), Date.now())
            const broken = retryAfterMs === undefined ? undefined : brokenBound(retryAfterMs, { maxWaitMs: maxLimitedMs, testLeftMs })
            if (broken) {
              failures.push({ model: endpoint.model, baseURL: safeURL(client.baseURL), error: new RateLimitHoldError(retryAfterMs!, source, maxLimitedMs, broken === 'test' ? testLeftMs : undefined).message })
              break
            }
            if (Date.now() - limitedSince >= maxLimitedMs) {
              const seconds = Math.round((Date.now() - limitedSince) / 1000)
              failures.push({
                model: endpoint.model,
                baseURL: safeURL(client.baseURL),
                error: `${describe(error)} (refused ${refusals} times over ${seconds} s, longer than judge.maxRateLimitWaitMs of ${maxLimitedMs} ms: lower judge.requestsPerMinute so that all workers together stay under the limit, or raise judge.maxRateLimitWaitMs)`,
              })
              break
            }
            await sleep(retryDelay(0, error, { random: this.#options.random ?? Math.random }))
            signal.throwIfAborted()
            continue
          }
          if (kind === 'fatal' || attempt >= maxRetries) {
            failures.push({ model: endpoint.model, baseURL: safeURL(client.baseURL), error: `${describe(error)}${kind === 'retry' ? ` (after ${attempt + 1} tries)` : ''}` })
            break
          }
          await sleep(retryDelay(attempt, error, { random: this.#options.random ?? Math.random }))
          signal.throwIfAborted()
          attempt++
        }
      }
    }
    const lines = failures.map((f, i) => `  ${i === 0 ? what : `fallback ${i}`} ${f.model} at ${f.baseURL}: ${f.error}`)
    throw new JudgeError(`${none}:\n${lines.join('\n')}`, failures, requests)
  }

}
