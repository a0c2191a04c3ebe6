// Embedding request batching (see the README's Benchmarks section): 500 similarity-style
// embeddings, one input from each of 500 concurrent callers spread over 4 worker threads,
// against the fixture server at 50 ms latency with a limit of 3,000 requests per minute
// (OpenAI's first tier for embeddings), which every worker paces itself to through one
// coordinator, as the judge's client does, with 5 requests in flight per worker at most.
// Three ways: no batching (a request per input), batching within each worker only, and
// batching across workers through the coordinator. Reports requests, 429s and wall time.
// `node bench/batching.mjs` after `npm run build`.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'
import OpenAI from 'openai'
import { startFixtureServer } from '../dist/esm/fixtures/server/index.js'
import { localBatcher, remoteBatcher } from '../dist/esm/src/judge/batcher.js'
import { remotePacer, startCoordinator } from '../dist/esm/src/judge/coordinator.js'

const CALLERS = 500
const WORKERS = 4
const RPM = 3000
const LATENCY_MS = 50
const MODEL = 'text-embedding-3-small'
const topics = ['refund', 'delivery', 'password reset', 'invoice', 'subscription']
const input = (i) => `Ticket ${i}: the customer asks about a ${topics[i % topics.length]}; the agent answers that it is handled within ${(i % 7) + 1} days.`

if (isMainThread) {
  const server = await startFixtureServer({ latencyMs: LATENCY_MS, rateLimit: { requests: RPM / 60, windowMs: 1000 } })
  const rows = []
  let reference
  for (const mode of ['off', 'worker', 'coordinator']) {
    const coordinator = await startCoordinator()
    const workers = Array.from({ length: WORKERS }, (_, w) => new Worker(new URL(import.meta.url), { workerData: { mode, w, url: coordinator.url, baseURL: server.url } }))
    await Promise.all(workers.map((worker) => new Promise((resolve) => worker.once('message', resolve))))
    // Each worker's client made one request already, as a worker's judge client usually has;
    // those are not counted, and the server's one-second rate window they fell in is let pass.
    await new Promise((resolve) => setTimeout(resolve, 1_000))
    const before = server.requests.length
    const started = performance.now()
    for (const worker of workers) worker.postMessage('go')
    const results = await Promise.all(workers.map((worker) => new Promise((resolve, reject) => (worker.once('message', resolve), worker.once('error', reject)))))
    const seconds = (performance.now() - started) / 1000
    await Promise.all(workers.map((worker) => worker.terminate()))
    await coordinator.close()
    const sent = server.requests.slice(before).filter((r) => r.path === '/v1/embeddings')
    const vectors = Object.assign({}, ...results.map((r) => r.vectors))
    if (Object.keys(vectors).length !== CALLERS) throw new Error(`${mode}: ${Object.keys(vectors).length} of ${CALLERS} callers got a vector`)
    reference ??= vectors
    const wrong = Object.keys(vectors).filter((k) => JSON.stringify(vectors[k]) !== JSON.stringify(reference[k])).length
    if (wrong) throw new Error(`${mode}: ${wrong} callers got another vector than without batching`)
    const requests = results.reduce((n, r) => n + r.requests, 0)
    rows.push({ mode, sent: sent.length, limited: sent.filter((r) => r.status === 429).length, requests, seconds })
  }
  await server.close()
  const off = rows[0]
  const names = { off: 'no batching', worker: 'batching within each worker', coordinator: 'batching across workers (coordinator)' }
  console.log(`embedding batching: ${CALLERS} callers over ${WORKERS} workers, ${LATENCY_MS} ms latency, ${RPM} requests/min, maxBatchSize 256, maxWaitMs 10`)
  for (const r of rows) {
    const ratio = r === off ? '' : `; ${(off.sent / r.sent).toFixed(0)}× fewer requests, ${(off.seconds / r.seconds).toFixed(1)}× faster`
    console.log(`  ${names[r.mode].padEnd(40)} ${String(r.sent).padStart(3)} requests (${r.limited} answered 429; ${r.requests} counted in shares), ${r.seconds.toFixed(2)} s${ratio}`)
  }
} else {
  const { mode, w, url, baseURL } = workerData
  const client = new OpenAI({ baseURL, apiKey: 'bench-key', maxRetries: 5 })
  const pacer = remotePacer(url, { rpm: RPM })
  // The judge client's concurrency slots: at most 5 requests of this worker in flight.
  let free = 5
  const queue = []
  const slot = () => (free > 0 ? (free--, Promise.resolve()) : new Promise((resolve) => queue.push(resolve)))
  const release = () => (queue.length ? queue.shift()() : free++)
  const send = async (inputs) => {
    await slot()
    try {
      await pacer.acquire(0)
      const started = performance.now()
      const reply = await client.embeddings.create({ model: MODEL, input: inputs })
      const vectors = [...reply.data].sort((a, b) => a.index - b.index).map((d) => d.embedding)
      return { vectors, model: reply.model, requests: 1, usage: reply.usage, cost: undefined, latencyMs: performance.now() - started }
    } finally {
      release()
    }
  }
  const options = { maxBatchSize: 256, maxWaitMs: 10 }
  const embed =
    mode === 'off'
      ? async (text) => {
          const call = await send([text])
          return { vector: call.vectors[0], share: { requests: call.requests } }
        }
      : (mode === 'worker' ? localBatcher(send, options) : remoteBatcher(url, send, { ...options, model: MODEL, endpoint: baseURL })).embed
  await client.embeddings.create({ model: MODEL, input: ['warm-up'] })
  parentPort.postMessage('ready')
  parentPort.once('message', async () => {
    const mine = Array.from({ length: CALLERS / WORKERS }, (_, k) => k * WORKERS + w)
    const answers = await Promise.all(mine.map((i) => embed(input(i))))
    parentPort.postMessage({ vectors: Object.fromEntries(mine.map((i, k) => [i, answers[k].vector])), requests: answers.reduce((n, a) => n + a.share.requests, 0) })
  })
}
