// Where a worker gets its embedding batcher: across workers through the run's coordinator
// when the global setup started one, else within the worker, with the configured batch size
// and wait. One batcher per model and endpoint, so that only inputs one request can carry
// are batched together; a new configuration starts new batchers.
import { configGeneration, getConfig } from '../config.js'
import { localBatcher, remoteBatcher, type EmbedBatcher, type SendBatch } from './batcher.js'
import { coordinatorURL } from './runtime.js'

let batchers: { generation: number; coordinator: string | undefined; byTarget: Map<string, EmbedBatcher> } | undefined

/**
 * The batcher for embeddings of `target.model` at `target.endpoint`, sending through `send`.
 * Within one configuration the first `send` given for a model and endpoint is kept: pass the
 * same client's for both.
 *
 * @example
 * ```ts
 * const { vector, share } = await embeddingBatcher({ model, endpoint: baseURL }, (inputs) => sendInputs(inputs)).embed(output)
 * ```
 */
export function embeddingBatcher(target: { model: string; endpoint: string }, send: SendBatch): EmbedBatcher {
  const coordinator = coordinatorURL()
  if (!batchers || batchers.generation !== configGeneration() || batchers.coordinator !== coordinator) batchers = { generation: configGeneration(), coordinator, byTarget: new Map() }
  const key = `${target.model}\n${target.endpoint}`
  let batcher = batchers.byTarget.get(key)
  if (!batcher) {
    const { maxBatchSize, maxWaitMs } = getConfig().embedding
    batcher = coordinator ? remoteBatcher(coordinator, send, { ...target, maxBatchSize, maxWaitMs }) : localBatcher(send, { maxBatchSize, maxWaitMs })
    batchers.byTarget.set(key, batcher)
  }
  return batcher
}
