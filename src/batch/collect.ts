// What the judge and recordingFetch do with a cassette miss in a collect pass: note the
// request in the pending-requests file (see pending.ts) and fail, never send.
import { getConfig } from '../config.js'
import { embeddingKey } from '../judge/embed-cassette.js'
import { currentTest } from '../report/records.js'
import { currentTrial } from '../eval/trial.js'
import { BatchCollectedError, collectRequest, markCollected, type PendingQuestion } from './pending.js'

/** The test that owns a recording made now, as Cassette.record names it. */
function owner(): string | undefined {
  const running = currentTest()
  return currentTrial()?.owner?.testName ?? (running.concurrent ? undefined : running.testName)
}

/**
 * Collects a judge request for the batch and returns the error its verdict fails with.
 * `body` is the request without the model, as the judge's cassette entry records it.
 */
export function collectJudge(key: string, model: string, body: Record<string, unknown>, cassette: string, question: PendingQuestion): BatchCollectedError {
  collectRequest(key, {
    kind: 'judge',
    url: '/v1/chat/completions',
    baseURL: getConfig().judge.baseURL,
    body: { ...body, model },
    entry: { model, body },
    question,
    cassettes: [{ path: cassette, test: owner() }],
  })
  return new BatchCollectedError(key, 'this judge request')
}

/**
 * Collects an app request made through recordingFetch, when its endpoint is one the Batch
 * API serves; returns the error to answer it with, or undefined when it cannot be batched
 * (and so is sent as usual).
 */
export function collectApp(key: string, url: URL, body: Record<string, unknown>, cassette: string): BatchCollectedError | undefined {
  const match = /^(.*)\/(chat\/completions|embeddings)$/.exec(url.pathname)
  if (!match) return undefined
  const model = typeof body.model === 'string' ? body.model : ''
  collectRequest(key, {
    kind: 'app',
    url: match[2] === 'embeddings' ? '/v1/embeddings' : '/v1/chat/completions',
    baseURL: `${url.origin}${match[1]}`,
    body,
    entry: { model, body: { endpoint: url.pathname, ...body } },
    cassettes: [{ path: cassette, test: owner() }],
  })
  markCollected(owner())
  return new BatchCollectedError(key, `this request to ${url.pathname}`)
}

/**
 * Collects the embeddings of `inputs` (those missing from the cassette) for the batch, one
 * line per input under its cassette key (see embeddingKey), and returns the error the
 * assertion fails with. `target` is where a live run would send them (see embeddingTarget).
 */
export function collectEmbeddings(model: string, inputs: readonly string[], target: { model: string; endpoint: string }, cassette: string): BatchCollectedError {
  const keys = inputs.map((input) => embeddingKey(model, input))
  inputs.forEach((input, i) =>
    collectRequest(keys[i]!, {
      kind: 'embedding',
      url: '/v1/embeddings',
      baseURL: target.endpoint,
      // One input a line, asked as a live run asks for it.
      body: { model: target.model, input: [input], encoding_format: 'base64' },
      entry: { model, body: { input } },
      cassettes: [{ path: cassette, test: owner() }],
    }),
  )
  return new BatchCollectedError(keys[0]!, `this embedding request for ${inputs.length} input${inputs.length === 1 ? '' : 's'}`, keys.length - 1)
}
