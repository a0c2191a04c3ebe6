import { Cassette, cassettePath, requestKey, resolveCacheMode, CassetteMissError } from './cassette.js'
import { costOf, DEFAULT_PRICES, priceOf } from './prices.js'
import { getConfig } from '../config.js'
import { currentTest, emitRecord } from '../report/records.js'
import { nodeFileSystem } from '../store/file.js'

/** Options of {@link recordingFetch}. */
export interface RecordingFetchOptions {
  /** The fetch that reaches the network. @default globalThis.fetch */
  fetch?: typeof fetch
  /** The test file whose cassette to use, when the runner cannot say. */
  testPath?: string
}

const cassettes = new Map<string, Cassette>()

/**
 * A `fetch` for the app under test: `new OpenAI({ fetch: recordingFetch() })`. Its JSON
 * POST requests (chat completions, embeddings …) go to the running test file's cassette,
 * under the same modes as the judge, so a whole LLM feature test replays offline; their
 * tokens, latency and cost are attached to the test. Headers, and so keys, are never
 * recorded. Streaming requests pass straight through.
 *
 * @example
 * ```ts
 * import OpenAI from 'openai'
 * import { recordingFetch } from 'assay'
 * const client = new OpenAI({ fetch: recordingFetch() })
 * ```
 */
export function recordingFetch(options: RecordingFetchOptions = {}): typeof fetch {
  const network = options.fetch ?? globalThis.fetch
  const fs = nodeFileSystem()
  return async (input, init) => {
    const url = input instanceof Request ? input.url : String(input)
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase()
    const rawBody = typeof init?.body === 'string' ? init.body : undefined
    let body: Record<string, unknown> | undefined
    try {
      body = rawBody ? (JSON.parse(rawBody) as Record<string, unknown>) : undefined
    } catch {
      body = undefined
    }
    const test = currentTest()
    const testPath = options.testPath ?? test.testPath
    const mode = resolveCacheMode(getConfig().cache.mode)
    if (method !== 'POST' || !body || body.stream === true || !testPath || mode === 'off') return network(input, init)

    const path = cassettePath(testPath)
    const cassette = cassettes.get(path) ?? new Cassette(fs, path)
    cassettes.set(path, cassette)
    const { pathname } = new URL(url)
    const key = requestKey({ endpoint: pathname, ...body })
    const model = typeof body.model === 'string' ? body.model : undefined
    const record = (replayed: boolean, status: number, usage: { prompt_tokens: number; completion_tokens?: number; total_tokens: number } | undefined, latencyMs: number) => {
      const u = usage ? { prompt_tokens: usage.prompt_tokens, completion_tokens: usage.completion_tokens ?? 0, total_tokens: usage.total_tokens } : undefined
      emitRecord({ kind: 'llm-call', testPath, testName: test.testName, url: pathname, model, replayed, status, usage: u, cost: u && model ? costOf(u, priceOf(model, { ...DEFAULT_PRICES, ...getConfig().judge.prices })) : undefined, latencyMs })
    }

    if (mode !== 'refresh') {
      const hit = cassette.lookup(key)
      if (hit) {
        record(true, 200, hit.usage, hit.latencyMs)
        return new Response(JSON.stringify(hit.response), { status: 200, headers: { 'content-type': 'application/json' } })
      }
      if (mode === 'lockdown') {
        // An HTTP error the SDK passes on as it is (a thrown fetch error would become a
        // retried "Connection error." and hide the message).
        const miss = new CassetteMissError(cassette.path, key, testPath)
        return new Response(JSON.stringify({ error: { message: miss.message, type: 'assay_cassette_miss', code: 'cassette_miss', param: null } }), { status: 424, headers: { 'content-type': 'application/json' } })
      }
    }
    const started = performance.now()
    const response = await network(input, init)
    const latencyMs = performance.now() - started
    const text = await response.text()
    let json: { usage?: { prompt_tokens: number; completion_tokens?: number; total_tokens: number } } | undefined
    try {
      json = JSON.parse(text) as typeof json
    } catch {
      json = undefined
    }
    record(false, response.status, json?.usage, latencyMs)
    // Only successful answers are worth replaying; errors are passed on and not kept.
    if (response.ok && json) {
      const { messages, ...params } = body
      const usage = { prompt_tokens: json.usage?.prompt_tokens ?? 0, completion_tokens: json.usage?.completion_tokens ?? 0, total_tokens: json.usage?.total_tokens ?? 0 }
      cassette.record(key, {
        request: { model: model ?? '', messages: Array.isArray(messages) ? (messages as { role: string; content: unknown }[]) : [], params: { endpoint: pathname, ...params } },
        response: json,
        usage,
        cost: model ? costOf(usage, priceOf(model)) : undefined,
        latencyMs: Math.round(latencyMs),
        recordedAt: new Date().toISOString(),
      })
    }
    // The body was read and decoded above, so its encoding and length headers no longer apply.
    const headers = new Headers(response.headers)
    headers.delete('content-encoding')
    headers.delete('content-length')
    return new Response(text, { status: response.status, statusText: response.statusText, headers })
  }
}
