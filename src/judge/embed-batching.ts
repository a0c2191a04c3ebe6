// Where a worker gets its embedding batcher: across workers through the run's coordinator
// when the global setup started one, else within the worker, with the configured batch size
// and wait. One batcher per client, model and endpoint, so that only inputs one request can
// carry are batched together; a new configuration starts new batchers.
import { configGeneration, getConfig } from '../config.js'
import { localBatcher, remoteBatcher, type EmbedBatcher, type SendBatch } from './batcher.js'
import { coordinatorURL } from './coordinator-url.js'

// Batchers by the client that sends their batches, then by model and endpoint: two clients
// (judge runtimes of different judge models, say) never send each other's batches.
let batchers: { generation: number; coordinator: string | undefined; byClient: WeakMap<object, Map<string, EmbedBatcher>> } | undefined

// The owner of batchers asked for without a client.
const defaultClient = {}

/**
 * The batcher for embeddings of `target.model` at `target.endpoint` by `client`, sending
 * through `send`. Within one configuration the first `send` given for a client, model and
 * endpoint is kept: pass one that sends through `client`.
 *
 * @example
 * ```ts
 * const { vector, share } = await embeddingBatcher({ model, endpoint: baseURL }, (inputs) => client.embed(inputs), client).embed(output)
 * ```
 */
export function embeddingBatcher(target: { model: string; endpoint: string }, send: SendBatch, client: object = defaultClient): EmbedBatcher {
  const coordinator = coordinatorURL()
  if (!batchers || batchers.generation !== configGeneration() || batchers.coordinator !== coordinator) batchers = { generation: configGeneration(), coordinator, byClient: new WeakMap() }
  let byTarget = batchers.byClient.get(client)
  if (!byTarget) batchers.byClient.set(client, (byTarget = new Map()))
  const key = `${target.model}\n${target.endpoint}`
  let batcher = byTarget.get(key)
  if (!batcher) {
    const { maxBatchSize, maxWaitMs } = getConfig().embedding
    batcher = coordinator ? remoteBatcher(coordinator, send, { ...target, maxBatchSize, maxWaitMs }) : localBatcher(send, { maxBatchSize, maxWaitMs })
    byTarget.set(key, batcher)
  }
  return batcher
}
