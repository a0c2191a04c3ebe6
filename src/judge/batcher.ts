// Embedding inputs arrive one assertion at a time, yet the endpoint takes up to thousands in
// one request: coalescing them trades a few milliseconds of wait for far fewer requests
// against a requests-per-minute budget. Callers hand the batcher one input each; it sends
// batches through one function, so the client's pacing, retries and cassettes stay in one place.
import { createHash } from 'node:crypto'
import { clearInterval, clearTimeout, setInterval, setTimeout } from 'node:timers'
import { callProblem, inputWeight, splitCost, unusableReply } from './batch-shares.js'
import type { BatchAnswer as CoordinatorAnswer } from './batch-table.js'
import { post } from './coordinator.js'
import { redact } from '../secrets.js'
import type { EmbedCall } from './embed-reply.js'

export type { EmbedCall }

/** Sends one batch of inputs to the embeddings endpoint. */
export type SendBatch = (inputs: string[]) => Promise<EmbedCall>

/** This caller's share of the batch request: requests counted once (by one caller), cost and tokens split pro rata. */
export interface EmbedShare {
  model: string
  requests: number
  usage: { prompt_tokens: number; total_tokens: number }
  cost: number | undefined
  latencyMs: number
  /** How many distinct inputs the request carried. */
  batchSize: number
}

/** Coalesces single embedding inputs into batch requests. */
export interface EmbedBatcher {
  /**
   * The embedding of `input`, from a request it shares with the inputs of concurrent
   * callers. Rejects with the request's error when it fails, and with the signal's reason
   * when `signal` aborts first (leaving the batch, which is not sent if no caller is left).
   */
  embed(input: string, signal?: AbortSignal): Promise<{ vector: number[]; share: EmbedShare }>
}

/** Timers the batcher waits with; tests pass fakeable ones. */
export interface BatchTimers {
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: never): void
}

/** Options of {@link localBatcher}. */
export interface BatcherOptions {
  /** Most distinct inputs in one request; a batch that holds this many leaves at once. @default 256 (`embedding.maxBatchSize`) */
  maxBatchSize: number
  /** Longest wait for more inputs after a batch's first, in ms; 0 still gathers the inputs of the same tick. @default 10 (`embedding.maxWaitMs`) */
  maxWaitMs: number
  /**
   * The timers the wait uses. By default `node:timers`, which a test's fake timers leave
   * alone, so that a test that fakes the clock does not hold its own embeddings back.
   */
  timers?: BatchTimers
}

/** A {@link SendBatch} answer that may say how big the request it came from was (when it was part of a larger one). */
type BatchAnswer = EmbedCall & { batchSize?: number }

interface Caller {
  input: string
  resolve(value: { vector: number[]; share: EmbedShare }): void
  reject(error: unknown): void
  /** Set once the caller has its answer or has left. */
  settled: boolean
}

interface Batch {
  /** Distinct inputs in arrival order, each with its callers. */
  readonly callers: Map<string, Caller[]>
  timer: unknown
}

const nodeTimers: BatchTimers = { setTimeout: (f, ms) => setTimeout(f, ms), clearTimeout: (h) => clearTimeout(h) }

/** Throws a RangeError that names the option when `maxBatchSize` or `maxWaitMs` is out of range. */
export function checkBatchOptions(o: { maxBatchSize: number; maxWaitMs: number }): void {
  if (!Number.isInteger(o.maxBatchSize) || o.maxBatchSize < 1) throw new RangeError(`Embedding batcher: maxBatchSize must be a whole number of at least 1, got ${String(o.maxBatchSize)}. Set embedding.maxBatchSize in configure(), e.g. 256.`)
  if (typeof o.maxWaitMs !== 'number' || !(o.maxWaitMs >= 0) || !Number.isFinite(o.maxWaitMs)) throw new RangeError(`Embedding batcher: maxWaitMs must be a number of at least 0, got ${String(o.maxWaitMs)}. Set embedding.maxWaitMs in configure(), e.g. 10.`)
}

/**
 * Coalesces concurrent `embed` calls of one worker into `send` calls of up to
 * `maxBatchSize` distinct inputs: a batch leaves when it is full, or `maxWaitMs` after its
 * first input. Identical inputs in a batch are sent once. Each caller gets its own vector
 * and its {@link EmbedShare}; a failed request fails every caller still waiting on it.
 *
 * @example
 * ```ts
 * const batcher = localBatcher((inputs) => client.embed(inputs), { maxBatchSize: 256, maxWaitMs: 10 })
 * const [a, b] = await Promise.all([batcher.embed('refund approved'), batcher.embed('refund granted')])
 * ```
 */
export function localBatcher(send: SendBatch, o: BatcherOptions): EmbedBatcher {
  checkBatchOptions(o)
  const timers = o.timers ?? nodeTimers
  // Invariant: `open` is unsent and holds fewer than maxBatchSize distinct inputs.
  let open: Batch | undefined

  const flush = (batch: Batch) => {
    timers.clearTimeout(batch.timer as never)
    if (open === batch) open = undefined
    if (batch.callers.size === 0) return
    const inputs = [...batch.callers.keys()]
    const fail = (error: unknown) => {
      for (const callers of batch.callers.values()) for (const c of callers) settle(c, () => c.reject(error))
    }
    void (async () => (await send(inputs)) as BatchAnswer)().then((call) => {
      const problem = callProblem(call, inputs.length)
      if (problem) return fail(unusableReply(problem))
      deliver(batch, inputs, call)
    }, fail)
  }

  const deliver = (batch: Batch, inputs: string[], call: BatchAnswer) => {
    const waiting = inputs.flatMap((input, i) => (batch.callers.get(input) ?? []).filter((c) => !c.settled).map((c) => ({ c, i })))
    // Callers that share an input share its weight; callers that left take no part.
    const sharing = new Map<number, number>()
    for (const { i } of waiting) sharing.set(i, (sharing.get(i) ?? 0) + 1)
    const costs = splitCost(call, waiting.map(({ i }) => inputWeight(inputs[i]!) / sharing.get(i)!))
    waiting.forEach(({ c, i }, k) => {
      const share: EmbedShare = { model: call.model, ...costs[k]!, latencyMs: call.latencyMs, batchSize: call.batchSize ?? inputs.length }
      settle(c, () => c.resolve({ vector: call.vectors[i]!, share }))
    })
  }

  return {
    embed(input, signal) {
      return new Promise((resolve, reject) => {
        if (typeof input !== 'string') throw new TypeError(`Embedding batcher: embed() takes one string input, got ${input === null ? 'null' : typeof input}.`)
        signal?.throwIfAborted()
        const batch = (open ??= { callers: new Map(), timer: undefined })
        const onAbort = () => leave(batch, caller, signal!.reason)
        const caller: Caller = {
          input,
          resolve: (value) => {
            signal?.removeEventListener('abort', onAbort)
            resolve(value)
          },
          reject: (error) => {
            signal?.removeEventListener('abort', onAbort)
            reject(error)
          },
          settled: false,
        }
        signal?.addEventListener('abort', onAbort, { once: true })
        const callers = batch.callers.get(input)
        if (callers) callers.push(caller)
        else batch.callers.set(input, [caller])
        if (batch.callers.size >= o.maxBatchSize) flush(batch)
        else if (batch.timer === undefined) batch.timer = timers.setTimeout(() => flush(batch), o.maxWaitMs)
      })
    },
  }

  function leave(batch: Batch, caller: Caller, reason: unknown) {
    settle(caller, () => caller.reject(reason))
    // Only an unsent batch can still drop the input; a sent one answers the others as usual.
    if (open !== batch) return
    const callers = batch.callers.get(caller.input)?.filter((c) => c !== caller) ?? []
    if (callers.length) batch.callers.set(caller.input, callers)
    else batch.callers.delete(caller.input)
    if (batch.callers.size === 0) {
      timers.clearTimeout(batch.timer as never)
      open = undefined
    }
  }
}

function settle(caller: Caller, act: () => void): void {
  if (caller.settled) return
  caller.settled = true
  act()
}

/** Options of {@link remoteBatcher}. */
export interface RemoteBatcherOptions extends BatcherOptions {
  /** The embedding model: only inputs for the same model and endpoint share a request. */
  model: string
  /** The endpoint's base URL (never the key, which stays in the worker). */
  endpoint: string
  /**
   * Longest wait for the vectors of a batch another worker sends, in ms; the wait then fails
   * saying so. A send this worker makes is bounded by its client's own timeouts.
   * @default 600000
   */
  timeoutMs?: number
}

/** Which coordinator batches a worker's inputs may join: those of the same model at the same endpoint. */
export const batchKey = (model: string, endpoint: string): string => createHash('sha256').update(`${model}\n${endpoint}`).digest('hex')

// A wait in the coordinator is answered within this; the worker then asks again.
const HOLD_MS = 20_000

/**
 * Coalesces embedding inputs across test workers through the coordinator at
 * `coordinatorURL`: each worker gathers its inputs of one tick, joins them to the open batch
 * of its model and endpoint, and one of the batch's workers is told to `send` the whole
 * batch (keys stay in workers) while the others wait for its vectors. Each worker receives
 * the vectors of its own inputs only. A sender that dies stops renewing its lease, and the
 * batch goes to another of its workers. A caller that aborts leaves at once; its input stays
 * in the coordinator's batch if it had already joined it.
 *
 * @example
 * ```ts
 * const batcher = remoteBatcher(process.env.ASSAY_COORDINATOR!, (inputs) => client.embed(inputs), {
 *   model: 'text-embedding-3-small', endpoint: 'https://api.openai.com/v1', maxBatchSize: 256, maxWaitMs: 10,
 * })
 * const { vector } = await batcher.embed('refund approved')
 * ```
 */
export function remoteBatcher(coordinatorURL: string, send: SendBatch, o: RemoteBatcherOptions): EmbedBatcher {
  checkBatchOptions(o)
  const key = batchKey(o.model, o.endpoint)
  const timeoutMs = o.timeoutMs ?? 600_000

  // Sends a batch this worker was told to send, renewing its lease meanwhile, and hands the
  // coordinator the outcome; keeps its own error, which is richer than the copy others get.
  const sendFor = async (task: { batch: string; inputs: string[]; renewMs: number }, ownErrors: Map<string, unknown>) => {
    const renew = setInterval(() => void post(coordinatorURL, '/batch/renew', { batch: task.batch }).catch(() => {}), task.renewMs)
    renew.unref()
    try {
      let outcome: { call: EmbedCall } | { error: { name: string; message: string } }
      try {
        outcome = { call: await send(task.inputs) }
      } catch (error) {
        ownErrors.set(task.batch, error)
        outcome = { error: { name: error instanceof Error ? error.name : 'Error', message: redact(error instanceof Error ? error.message : String(error)) } }
      }
      await post(coordinatorURL, '/batch/done', { batch: task.batch, ...outcome })
    } finally {
      clearInterval(renew)
    }
  }

  const viaCoordinator: SendBatch = async (inputs) => {
    const deadline = Date.now() + timeoutMs
    const { ticket } = await post(coordinatorURL, '/batch/join', { key, inputs, maxBatchSize: o.maxBatchSize, maxWaitMs: o.maxWaitMs })
    const ownErrors = new Map<string, unknown>()
    for (;;) {
      const left = deadline - Date.now()
      const answer = (await post(coordinatorURL, '/batch/wait', { ticket, holdMs: Math.max(0, Math.min(HOLD_MS, left)) })) as CoordinatorAnswer
      if ('result' in answer) return answer.result
      if ('send' in answer) await sendFor(answer.send, ownErrors)
      else if ('error' in answer) throw ownErrors.get(answer.error.batch) ?? Object.assign(new Error(answer.error.message), { name: answer.error.name })
      else if ('unknown' in answer) throw new Error(`The assay coordinator no longer knows this worker's embedding batch of ${inputs.length} input(s): the run ended or its coordinator restarted. Run the tests again.`)
      else if (left <= 0)
        throw new Error(
          `No embedding vectors for ${inputs.length} input(s) within ${timeoutMs} ms: the worker sending their batch has kept it without an answer. ` +
            `Its request may be waiting out a rate limit or retrying; lower judge.maxRateLimitWaitMs, judge.timeoutMs or judge.maxRetries so that it gives up sooner.`,
        )
    }
  }
  // Within the worker, only the inputs of one tick are gathered: the batch's wait happens once, in the coordinator.
  return localBatcher(viaCoordinator, { maxBatchSize: o.maxBatchSize, maxWaitMs: 0, ...(o.timers ? { timers: o.timers } : {}) })
}
