import { spawn } from 'node:child_process'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { batchKey, remoteBatcher, type EmbedCall } from '../../src/judge/batcher.js'
import { post, startCoordinator, type Coordinator } from '../../src/judge/coordinator.js'

// Workers are simulated by separate remote batchers (each with its own send, as each worker
// has its own client) over real HTTP to a real coordinator on 127.0.0.1.
let coordinator: Coordinator | undefined
afterEach(async () => {
  await coordinator?.close()
  coordinator = undefined
})

const vectorOf = (input: string) => [input.length, input.charCodeAt(0)]
const MODEL = 'text-embedding-3-small'
const ENDPOINT = 'http://127.0.0.1:1/v1'

function worker(url: string, options: { maxBatchSize?: number; maxWaitMs?: number; model?: string; timeoutMs?: number; delayMs?: number; fail?: Error } = {}) {
  const calls: string[][] = []
  const send = vi.fn(async (inputs: string[]): Promise<EmbedCall> => {
    calls.push(inputs)
    if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs))
    if (options.fail) throw options.fail
    const tokens = inputs.reduce((n, t) => n + t.length, 0)
    return { vectors: inputs.map(vectorOf), model: options.model ?? MODEL, requests: 1, usage: { prompt_tokens: tokens, total_tokens: tokens }, cost: tokens / 1000, latencyMs: 5 }
  })
  const batcher = remoteBatcher(url, send, { model: options.model ?? MODEL, endpoint: ENDPOINT, maxBatchSize: options.maxBatchSize ?? 256, maxWaitMs: options.maxWaitMs ?? 50, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) })
  return { batcher, calls, send }
}

// A worker speaking the protocol by hand, to play one that dies at a chosen point.
const join = async (url: string, inputs: string[], maxBatchSize: number, maxWaitMs = 60_000) => (await post(url, '/batch/join', { key: batchKey(MODEL, ENDPOINT), inputs, maxBatchSize, maxWaitMs })).ticket as string

// A batch of two: 'bee' from a hand-driven worker that joins first (so it is told to send),
// then 'ant' from a remote batcher, which fills it.
async function beeThenAnt(url: string) {
  const ticket = await join(url, ['bee'], 2)
  const ant = worker(url, { maxBatchSize: 2 })
  return { ticket, ant, antResult: ant.batcher.embed('ant') }
}

describe('embedding batches across workers', () => {
  test('concurrent inputs of four workers go out in one request, and each caller gets its own vector', async () => {
    coordinator = await startCoordinator()
    // Full at 37 distinct inputs, so that it leaves then, however slowly the joins arrive.
    const workers = [0, 1, 2, 3].map(() => worker(coordinator!.url, { maxBatchSize: 37, maxWaitMs: 60_000 }))
    // Each worker has 10 inputs; 'shared' is in every worker's list.
    const inputs = workers.map((_, w) => [...Array.from({ length: 9 }, (_, i) => `worker ${w} input ${i}`), 'shared'])
    const results = await Promise.all(workers.map((w, k) => Promise.all(inputs[k]!.map((t) => w.batcher.embed(t)))))
    const sent = workers.flatMap((w) => w.calls)
    expect(sent).toHaveLength(1)
    expect(sent[0]).toHaveLength(37)
    expect(new Set(sent[0])).toEqual(new Set(inputs.flat()))
    results.forEach((r, k) => expect(r.map((x) => x.vector)).toEqual(inputs[k]!.map(vectorOf)))
    // The request is counted once over every caller, and every token once.
    const shares = results.flat().map((r) => r.share)
    expect(shares.reduce((n, s) => n + s.requests, 0)).toBe(1)
    expect(shares.reduce((n, s) => n + s.usage.total_tokens, 0)).toBe(sent[0]!.reduce((n, t) => n + t.length, 0))
    expect(shares.reduce((n, s) => n + (s.cost ?? 0), 0)).toBeCloseTo(sent[0]!.reduce((n, t) => n + t.length, 0) / 1000, 10)
    expect(shares.every((s) => s.batchSize === 37 && s.model === MODEL)).toBe(true)
  })

  test('a batch across workers holds at most maxBatchSize inputs', async () => {
    coordinator = await startCoordinator()
    const workers = [0, 1, 2].map(() => worker(coordinator!.url, { maxBatchSize: 4, maxWaitMs: 1_000 }))
    const results = await Promise.all(workers.map((w, k) => Promise.all(['a', 'b', 'c'].map((t) => w.batcher.embed(`${t}${k}`)))))
    const sizes = workers.flatMap((w) => w.calls.map((c) => c.length)).sort()
    expect(sizes).toEqual([1, 4, 4])
    results.forEach((r, k) => expect(r.map((x) => x.vector)).toEqual(['a', 'b', 'c'].map((t) => vectorOf(`${t}${k}`))))
  })

  test('inputs for different models never share a request', async () => {
    coordinator = await startCoordinator()
    const a = worker(coordinator.url, { model: 'model-a' })
    const b = worker(coordinator.url, { model: 'model-b' })
    await Promise.all([a.batcher.embed('same text'), b.batcher.embed('same text')])
    expect([a.calls, b.calls]).toEqual([[['same text']], [['same text']]])
  })

  test('the sender is told the whole batch; every other worker receives the vectors of its own inputs only', async () => {
    coordinator = await startCoordinator()
    const url = coordinator.url
    const { ticket, ant, antResult } = await beeThenAnt(url)
    // The first worker to join sends the batch.
    const task = (await post(url, '/batch/wait', { ticket })) as { send: { batch: string; inputs: string[] } }
    expect(task.send.inputs).toEqual(['bee', 'ant'])
    await post(url, '/batch/done', { batch: task.send.batch, call: { vectors: [vectorOf('bee'), vectorOf('ant')], model: MODEL, requests: 1, usage: { prompt_tokens: 6, total_tokens: 6 }, cost: undefined, latencyMs: 9 } })
    expect(await antResult).toEqual({ vector: vectorOf('ant'), share: { model: MODEL, requests: 0, usage: { prompt_tokens: 3, total_tokens: 3 }, cost: undefined, latencyMs: 9, batchSize: 2 } })
    expect(await post(url, '/batch/wait', { ticket })).toEqual({ result: { vectors: [vectorOf('bee')], model: MODEL, requests: 1, usage: { prompt_tokens: 3, total_tokens: 3 }, latencyMs: 9, batchSize: 2 } })
    expect(ant.send).not.toHaveBeenCalled()
  })

  test('a batch goes to a worker that is waiting rather than to one busy sending another batch', async () => {
    coordinator = await startCoordinator()
    const url = coordinator.url
    // X's inputs fill one batch and open the next; X is told to send the first and is busy.
    const x = await join(url, ['a', 'b', 'c', 'd'], 3)
    expect(await post(url, '/batch/wait', { ticket: x })).toMatchObject({ send: { inputs: ['a', 'b', 'c'] } })
    const y = await join(url, ['e'], 3)
    const yWait = post(url, '/batch/wait', { ticket: y })
    // Time for Y's wait to arrive; the batch closes when Z's input fills it.
    await new Promise((r) => setTimeout(r, 1_000))
    await join(url, ['f'], 3)
    expect(await yWait).toMatchObject({ send: { inputs: ['d', 'e', 'f'] } })
  })

  test('a second wait on one ticket answers the first with a request to ask again, not silence', async () => {
    coordinator = await startCoordinator()
    const ticket = await join(coordinator.url, ['a'], 2)
    const waits = [post(coordinator.url, '/batch/wait', { ticket }), post(coordinator.url, '/batch/wait', { ticket })]
    expect(await Promise.race(waits)).toEqual({ again: true })
    await join(coordinator.url, ['b'], 2)
    expect((await Promise.all(waits)).filter((w) => !('again' in w))).toMatchObject([{ send: { inputs: ['a', 'b'] } }])
  })

  test('a caller that aborts while its batch is with another worker leaves at once; the others get their vectors', async () => {
    coordinator = await startCoordinator()
    const url = coordinator.url
    const ticket = await join(url, ['bee'], 3)
    const w = worker(url, { maxBatchSize: 3 })
    const controller = new AbortController()
    const [left, stays] = [w.batcher.embed('ant', controller.signal), w.batcher.embed('cat')]
    const task = (await post(url, '/batch/wait', { ticket })) as { send: { batch: string; inputs: string[] } }
    controller.abort(new Error('test timed out'))
    await expect(left).rejects.toThrow('test timed out')
    await post(url, '/batch/done', { batch: task.send.batch, call: { vectors: task.send.inputs.map(vectorOf), model: MODEL, requests: 1, usage: { prompt_tokens: 9, total_tokens: 9 }, latencyMs: 4 } })
    // The caller left carries the worker's whole part of the request.
    expect(await stays).toMatchObject({ vector: vectorOf('cat'), share: { usage: { total_tokens: 6 } } })
  })

  test("a sender's reply without usage fails the batch's callers, saying so", async () => {
    coordinator = await startCoordinator()
    const url = coordinator.url
    const { ticket, antResult } = await beeThenAnt(url)
    const task = (await post(url, '/batch/wait', { ticket })) as { send: { batch: string } }
    await post(url, '/batch/done', { batch: task.send.batch, call: { vectors: [vectorOf('bee'), vectorOf('ant')], model: MODEL } })
    await expect(antResult).rejects.toThrow(/unusable reply: its usage has no token counts/)
  })

  test('a failed request fails the callers of every worker in the batch with its error; the next batch works', async () => {
    coordinator = await startCoordinator()
    const errors = [0, 1].map((k) => Object.assign(new Error(`Embeddings endpoint answered 500 after 4 retries (worker ${k})`), { name: 'JudgeError' }))
    const workers = errors.map((fail) => worker(coordinator!.url, { fail, maxBatchSize: 3, maxWaitMs: 60_000 }))
    const outcomes = await Promise.all([
      Promise.allSettled([workers[0]!.batcher.embed('one')]),
      Promise.allSettled([workers[1]!.batcher.embed('two'), workers[1]!.batcher.embed('three')]),
    ])
    const senders = workers.flatMap((w, k) => (w.calls.length ? [k] : []))
    expect(senders).toHaveLength(1)
    const sender = senders[0]!
    expect(new Set(workers[sender]!.calls[0])).toEqual(new Set(['one', 'two', 'three']))
    // The sender's own callers get the error itself; the others a copy with its name and message.
    outcomes.forEach((settled, k) => {
      for (const o of settled) {
        expect(o.status).toBe('rejected')
        const reason = (o as PromiseRejectedResult).reason as Error
        if (k === sender) expect(reason).toBe(errors[sender])
        else expect({ name: reason.name, message: reason.message }).toEqual({ name: 'JudgeError', message: errors[sender]!.message })
      }
    })
    const healthy = worker(coordinator.url, { maxWaitMs: 1 })
    expect((await healthy.batcher.embed('later')).vector).toEqual(vectorOf('later'))
  })

  test('a sender killed after it was told to send loses the batch when its lease runs out: another worker sends it', async () => {
    coordinator = await startCoordinator({ batchLeaseMs: 300 })
    const url = coordinator.url
    const { ticket, ant, antResult } = await beeThenAnt(url)
    expect(await post(url, '/batch/wait', { ticket })).toMatchObject({ send: { inputs: ['bee', 'ant'] } })
    // …and the worker dies: no renewal, no outcome.
    expect((await antResult).vector).toEqual(vectorOf('ant'))
    expect(ant.calls).toEqual([['bee', 'ant']])
  })

  test('a sender process killed with SIGKILL while it sends: the batch goes to another worker after the lease', async () => {
    coordinator = await startCoordinator({ batchLeaseMs: 3_000 })
    // A worker process that joins, is told to send, and renews its lease until it is killed.
    const script = `
      const [url, key] = process.argv.slice(1)
      const u = new URL(url)
      const authorization = 'Bearer ' + decodeURIComponent(u.password)
      u.username = ''; u.password = ''
      const call = async (path, body) => (await fetch(u.origin + path, { method: 'POST', headers: { authorization }, body: JSON.stringify(body) })).json()
      const { ticket } = await call('/batch/join', { key, inputs: ['bee'], maxBatchSize: 2, maxWaitMs: 60000 })
      console.log('joined')
      const task = await call('/batch/wait', { ticket })
      console.log(JSON.stringify(task))
      setInterval(() => call('/batch/renew', { batch: task.send.batch }), 100)
    `
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, coordinator.url, batchKey(MODEL, ENDPOINT)], { stdio: ['ignore', 'pipe', 'inherit'] })
    try {
      let out = ''
      child.stdout.on('data', (chunk: Buffer) => (out += String(chunk)))
      const printed = async (text: string) => {
        for (let i = 0; !out.includes(text); i++) {
          if (i === 1_000) throw new Error(`The worker process did not print ${text}; it printed: ${out}`)
          await new Promise((r) => setTimeout(r, 20))
        }
      }
      await printed('joined')
      const ant = worker(coordinator.url, { maxBatchSize: 2 })
      const antResult = ant.batcher.embed('ant')
      await printed('"send"')
      // Alive and renewing, it keeps the batch past its lease.
      await new Promise((r) => setTimeout(r, 4_500))
      expect(ant.send).not.toHaveBeenCalled()
      child.kill('SIGKILL')
      expect((await antResult).vector).toEqual(vectorOf('ant'))
      expect(ant.calls).toEqual([['bee', 'ant']])
    } finally {
      child.kill('SIGKILL')
    }
  }, 60_000)

  test('a worker that died before it could pick its batch up loses it too', async () => {
    coordinator = await startCoordinator({ batchLeaseMs: 300 })
    await join(coordinator.url, ['bee'], 2)
    const ant = worker(coordinator.url, { maxBatchSize: 2 })
    expect((await ant.batcher.embed('ant')).vector).toEqual(vectorOf('ant'))
    expect(ant.calls).toEqual([['bee', 'ant']])
  })

  test('a live sender keeps its batch however long its request takes', async () => {
    // A request several leases long, with a lease long enough that a loaded machine's stalls
    // do not outlast it: only renewals keep the batch with its sender.
    coordinator = await startCoordinator({ batchLeaseMs: 2_000 })
    const a = worker(coordinator.url, { delayMs: 6_000, maxBatchSize: 2, maxWaitMs: 60_000 })
    const b = worker(coordinator.url, { delayMs: 6_000, maxBatchSize: 2, maxWaitMs: 60_000 })
    const results = await Promise.all([a.batcher.embed('from a'), b.batcher.embed('from b')])
    expect(results.map((r) => r.vector)).toEqual([vectorOf('from a'), vectorOf('from b')])
    expect(a.calls.length + b.calls.length).toBe(1)
  })

  test('when every worker of a batch stopped renewing, its waits end with an error that says so', async () => {
    coordinator = await startCoordinator({ batchLeaseMs: 150 })
    const url = coordinator.url
    const first = await join(url, ['bee'], 2)
    await join(url, ['ant'], 2)
    // The first worker is told to send, and ignores it; then the second never shows up.
    expect(await post(url, '/batch/wait', { ticket: first })).toMatchObject({ send: { inputs: ['bee', 'ant'] } })
    expect(await post(url, '/batch/wait', { ticket: first })).toEqual({
      error: { name: 'Error', message: expect.stringMatching(/^No worker sent the embedding batch of 2 inputs: each of the 2 worker\(s\) that joined it was told to and stopped renewing its lease within 150 ms/), batch: expect.any(String) },
    })
  })

  test('a wait for vectors is bounded, and its error says why', async () => {
    coordinator = await startCoordinator({ batchLeaseMs: 60_000 })
    // A worker that joined first (so it is to send) and hangs.
    await join(coordinator.url, ['bee'], 2)
    const ant = worker(coordinator.url, { maxBatchSize: 2, timeoutMs: 300 })
    await expect(ant.batcher.embed('ant')).rejects.toThrow(/^No embedding vectors for 1 input\(s\) within 300 ms: the worker sending their batch has kept it without an answer/)
  })

  test('a worker waiting on a batch when the coordinator stops gets an error naming the coordinator', async () => {
    coordinator = await startCoordinator()
    await join(coordinator.url, ['bee'], 2)
    const ant = worker(coordinator.url, { maxBatchSize: 2 })
    const result = ant.batcher.embed('ant')
    await new Promise((r) => setTimeout(r, 200))
    await coordinator.close()
    coordinator = undefined
    await expect(result).rejects.toThrow(/assay coordinator/)
  })

  test('a malformed join is refused with a message', async () => {
    coordinator = await startCoordinator()
    await expect(post(coordinator.url, '/batch/join', { key: 'k', inputs: [], maxBatchSize: 1, maxWaitMs: 0 })).rejects.toThrow(/answered 400 to \/batch\/join/)
  })
})
