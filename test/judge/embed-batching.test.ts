import { afterEach, describe, expect, test, vi } from 'vitest'
import { configure, resetConfig } from '../../src/config.js'
import { batchKey, type EmbedCall } from '../../src/judge/batcher.js'
import { post, startCoordinator, type Coordinator } from '../../src/judge/coordinator.js'
import { embeddingBatcher } from '../../src/judge/embed-batching.js'
import { useCoordinator } from '../../src/judge/runtime.js'

let coordinator: Coordinator | undefined
afterEach(async () => {
  useCoordinator(undefined)
  resetConfig()
  await coordinator?.close()
  coordinator = undefined
})

const vectorOf = (input: string) => [input.length, input.charCodeAt(0)]
const target = { model: 'text-embedding-3-small', endpoint: 'http://127.0.0.1:1/v1' }
function fakeSend() {
  return vi.fn(async (inputs: string[]): Promise<EmbedCall> => ({ vectors: inputs.map(vectorOf), model: target.model, requests: 1, usage: { prompt_tokens: 1, total_tokens: 1 }, cost: undefined, latencyMs: 1 }))
}

describe('embeddingBatcher', () => {
  test('uses the configured embedding.maxBatchSize, and one batcher per model and endpoint', async () => {
    configure({ embedding: { maxBatchSize: 2, maxWaitMs: 5 } })
    const send = fakeSend()
    const other = fakeSend()
    await Promise.all([
      ...['a', 'b', 'c'].map((t) => embeddingBatcher(target, send).embed(t)),
      embeddingBatcher({ ...target, model: 'other-model' }, other).embed('a'),
    ])
    expect(send.mock.calls.map(([inputs]) => inputs)).toEqual([['a', 'b'], ['c']])
    expect(other.mock.calls.map(([inputs]) => inputs)).toEqual([['a']])
  })

  test('two clients never share a send: each client gets its own batcher for a model and endpoint', async () => {
    configure({ embedding: { maxBatchSize: 10, maxWaitMs: 5 } })
    const first = { client: 1 }
    const second = { client: 2 }
    const send = fakeSend()
    const other = fakeSend()
    await Promise.all([embeddingBatcher(target, send, first).embed('a'), embeddingBatcher(target, other, second).embed('b'), embeddingBatcher(target, fakeSend(), first).embed('c')])
    expect(send.mock.calls.map(([inputs]) => inputs)).toEqual([['a', 'c']])
    expect(other.mock.calls.map(([inputs]) => inputs)).toEqual([['b']])
  })

  test('a new configuration takes effect for the next batches', async () => {
    configure({ embedding: { maxBatchSize: 1 } })
    const send = fakeSend()
    await Promise.all(['a', 'b'].map((t) => embeddingBatcher(target, send).embed(t)))
    configure({ embedding: { maxBatchSize: 10, maxWaitMs: 5 } })
    await Promise.all(['c', 'd'].map((t) => embeddingBatcher(target, send).embed(t)))
    expect(send.mock.calls.map(([inputs]) => inputs)).toEqual([['a'], ['b'], ['c', 'd']])
  })

  test("with the run's coordinator, batches are shared with the other workers", async () => {
    coordinator = await startCoordinator()
    useCoordinator(coordinator.url)
    configure({ embedding: { maxBatchSize: 2, maxWaitMs: 10_000 } })
    // Another worker joined first, so it is the one told to send the batch.
    const { ticket } = await post(coordinator.url, '/batch/join', { key: batchKey(target.model, target.endpoint), inputs: ['bee'], maxBatchSize: 2, maxWaitMs: 60_000 })
    const send = fakeSend()
    const result = embeddingBatcher(target, send).embed('ant')
    const task = (await post(coordinator.url, '/batch/wait', { ticket })) as { send: { batch: string; inputs: string[] } }
    expect(task.send.inputs).toEqual(['bee', 'ant'])
    await post(coordinator.url, '/batch/done', { batch: task.send.batch, call: { vectors: [vectorOf('bee'), vectorOf('ant')], model: target.model, requests: 1, usage: { prompt_tokens: 2, total_tokens: 2 }, latencyMs: 3 } })
    expect((await result).vector).toEqual(vectorOf('ant'))
    expect(send).not.toHaveBeenCalled()
  })
})
