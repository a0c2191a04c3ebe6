import { cassetteEntry, cassettePath, CassetteMissError, normaliseUsage, openCassette, requestKey, resolveCacheMode, type CassetteEntry } from './cassette.js'
import { costOf, priceOf } from './prices.js'
import { getConfig } from '../config.js'
import { currentTest, emitRecord } from '../report/records.js'
import { nodeFileSystem } from '../store/file.js'
import { registerHeaderSecrets } from '../secrets.js'
import { currentTrial, trialKeyMaterial } from '../eval/trial.js'
import { batchMode } from '../batch/pending.js'
import { collectApp } from '../batch/collect.js'

/** Options of {@link recordingFetch}. */
export interface RecordingFetchOptions {
  /** The fetch that reaches the network. @default globalThis.fetch */
  fetch?: typeof fetch
  /** The test file whose cassette to use, when the runner cannot say. */
  testPath?: string
}

/**
 * `init` with the running trial's signal (see `TrialScope.signal`) joined to the request's
 * own: a dataset case that ran out of time cancels its trial's requests, so that they are
 * neither waited for nor recorded.
 */
function withTrialSignal(input: Parameters<typeof fetch>[0], init: RequestInit | undefined): RequestInit | undefined {
  const stop = currentTrial()?.signal
  if (!stop) return init
  const own = init?.signal ?? (input instanceof Request ? input.signal : undefined)
  return { ...init, signal: own ? AbortSignal.any([stop, own]) : stop }
}

/**
 * A `fetch` for the app under test: `new OpenAI({ fetch: recordingFetch() })`. Its JSON
 * POST requests (chat completions, embeddings …) go to the running test file's cassette,
 * under the same modes as the judge, so a whole LLM feature test replays offline; their
 * tokens, latency and cost are attached to the test. Headers are never recorded, and the
 * keys they carry (`authorization`, `api-key`, `x-api-key`) are redacted wherever a reply
 * echoes them. Streaming requests pass straight through.
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
  return async (input, given) => {
    const init = withTrialSignal(input, given)
    // Even a request that is not recorded registers its key: its reply may reach a message.
    if (input instanceof Request) registerHeaderSecrets(input.headers)
    registerHeaderSecrets(new Headers(init?.headers))
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

    // The same object the judge uses for this file, so the end-of-file check sees these keys as used.
    const cassette = openCassette(cassettePath(testPath), fs)
    const { pathname } = new URL(url)
    // Each trial of a dataset case (after the first) has its own answers.
    const key = requestKey({ endpoint: pathname, ...body, ...trialKeyMaterial() })
    const model = typeof body.model === 'string' ? body.model : undefined
    const prices = getConfig().judge.prices
    const costFor = (usage: CassetteEntry['usage'] | undefined) => (usage && model ? costOf(usage, priceOf(model, prices)) : undefined)
    const record = (replayed: boolean, status: number, usage: CassetteEntry['usage'] | undefined, latencyMs: number) =>
      emitRecord({ kind: 'llm-call', testPath, testName: test.testName, url: pathname, model, replayed, status, usage, cost: costFor(usage), latencyMs })

    if (mode !== 'refresh') {
      const hit = cassette.lookup(key)
      if (hit) {
        record(true, 200, hit.usage, hit.latencyMs)
        return new Response(JSON.stringify(hit.response), { status: 200, headers: { 'content-type': 'application/json' } })
      }
    }
    // A collect pass sends nothing the Batch API can answer: the request waits for the batch.
    const collected = batchMode() === 'collect' ? collectApp(key, new URL(url), body, cassette.path) : undefined
    if (collected) {
      emitRecord({ kind: 'llm-call', testPath, testName: test.testName, url: pathname, model, replayed: false, status: 424, usage: undefined, cost: undefined, latencyMs: 0, cassetteMiss: true })
      return new Response(JSON.stringify({ error: { message: collected.message, type: 'assay_batch_collected', code: 'batch_collected', param: null } }), { status: 424, headers: { 'content-type': 'application/json' } })
    }
    if (mode === 'lockdown') {
      // An HTTP error the SDK passes on as it is (a thrown fetch error would become a
      // retried "Connection error." and hide the message).
      const miss = new CassetteMissError(cassette.path, key, testPath)
      emitRecord({ kind: 'llm-call', testPath, testName: test.testName, url: pathname, model, replayed: false, status: 424, usage: undefined, cost: undefined, latencyMs: 0, cassetteMiss: true })
      return new Response(JSON.stringify({ error: { message: miss.message, type: 'assay_cassette_miss', code: 'cassette_miss', param: null } }), { status: 424, headers: { 'content-type': 'application/json' } })
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
    record(false, response.status, json?.usage ? normaliseUsage(json.usage) : undefined, latencyMs)
    // Only successful answers are worth replaying; errors are passed on and not kept.
    if (response.ok && json) {
      const usage = normaliseUsage(json.usage)
      cassette.record(key, cassetteEntry(model ?? '', { endpoint: pathname, ...body }, { response: json, usage, cost: costFor(usage), latencyMs }))
    }
    // The body was read and decoded above, so its encoding and length headers no longer apply.
    const headers = new Headers(response.headers)
    headers.delete('content-encoding')
    headers.delete('content-length')
    return new Response(text, { status: response.status, statusText: response.statusText, headers })
  }
}
