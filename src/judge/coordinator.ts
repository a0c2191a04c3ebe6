// One rate limiter and one single-flight table for every test worker. Vitest and Jest run
// test files in separate workers; a limiter in each would allow N times the budget. The
// coordinator is a small HTTP server on 127.0.0.1 started by global setup; workers find it
// through ASSAY_COORDINATOR (or Vitest's provide/inject) and ask it before each request.
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Pacer } from './client.js'
import { PacingQueue, RateLimiter, RateLimitHoldError, type Observation, type RateLimiterOptions } from './limiter.js'
import type { AssayRecord, JudgeRecord } from '../report/records.js'
import { registerSecret } from '../secrets.js'
import { answerBreaker, CircuitBreaker, type CircuitBreakerOptions } from './breaker.js'
import { publishProgress, type ProgressNotice } from '../eval/progress.js'
import { BatchTable } from './batch-table.js'
import { answerBatch } from './batch-routes.js'

/** Totals over every worker, for the end-of-run summary. */
export interface RunSummary {
  verdicts: number
  live: number
  replayed: number
  failures: number
  requests: number
  tokens: number
  cost: number
  appCalls: number
  obsolete: { path: string; count: number }[]
  pruned: number
  baselines: { written: number; updated: number }
  /** Similarity assertions, once the run had one. */
  embeddings?: { live: number; replayed: number; failures: number; requests: number; tokens: number; cost: number }
  /** The semantic judge cache, once it looked an output up: its embeddings, and the verdicts it reused. */
  semanticCache?: { lookups: number; requests: number; tokens: number; cost: number; reused: number; callsSaved: number }
}

/** A running coordinator. */
export interface Coordinator {
  /**
   * Its address with the run's token as the URL's password: only the workers, given it by
   * global setup, can use the coordinator; any other request gets a 401.
   */
  url: string
  /** What the workers reported so far. */
  summary(): RunSummary
  /** The folder where workers write down judged assertions that started after their file ended (see {@link noteLate}); removed on close. */
  lateDir: string
  /** The messages of the judged assertions written down in {@link lateDir}, worker by worker. */
  late(): string[]
  close(): Promise<void>
}

/**
 * Writes down, synchronously, a judged assertion that started after its file ended, for the
 * coordinator's {@link Coordinator.late}. That assertion's rejection can kill a worker
 * before its event loop turns again, so before a request to the coordinator could leave it.
 * Throws when the folder is gone: the run is over.
 */
export function noteLate(dir: string, message: string): void {
  appendFileSync(join(dir, `late-${process.pid}.jsonl`), `${JSON.stringify(message)}\n`)
}

/** The error that fails a run for judged assertions that started after their file ended (their messages). */
export function lateRunError(late: readonly string[]): Error {
  const one = late.length === 1
  const error = new Error(`assay: ${one ? 'a judged assertion' : `${late.length} judged assertions`} started after ${one ? 'its' : 'their'} test file ended, so the run cannot pass:\n${late.join('\n')}`)
  error.name = 'LateAssertionError'
  return error
}

function readLate(dir: string): string[] {
  const messages: string[] = []
  for (const name of readdirSync(dir).sort()) {
    for (const line of readFileSync(join(dir, name), 'utf8').split('\n')) {
      try {
        if (line) messages.push(String(JSON.parse(line)))
      } catch {
        // A worker killed mid-write leaves at most its last line incomplete.
      }
    }
  }
  return messages
}

/** The end-of-run summary block, or undefined when nothing LLM-related happened. */
export function formatSummary(s: RunSummary): string | undefined {
  if (s.verdicts + s.failures + s.appCalls + (s.embeddings ? 1 : 0) + s.obsolete.length + s.pruned + s.baselines.written + s.baselines.updated === 0) return undefined
  const lines: string[] = []
  if (s.verdicts + s.failures > 0) lines.push(
    `assay: ${s.verdicts} judge verdict${s.verdicts === 1 ? '' : 's'} (${s.live} live, ${s.replayed} replayed)${s.failures ? `, ${s.failures} without a verdict` : ''}; ${s.requests} request${s.requests === 1 ? '' : 's'}, ${s.tokens} tokens, $${s.cost.toFixed(4)}`,
  )
  const c = s.semanticCache
  if (c) lines.push(`assay: semantic cache ${c.lookups} look-up${c.lookups === 1 ? '' : 's'}, ${c.requests} embedding request${c.requests === 1 ? '' : 's'}, ${c.tokens} tokens, $${c.cost.toFixed(4)}; ${c.reused} verdict${c.reused === 1 ? '' : 's'} reused, ${c.callsSaved} judge call${c.callsSaved === 1 ? '' : 's'} saved`)
  const e = s.embeddings
  if (e) lines.push(`assay: ${e.live + e.replayed} similarit${e.live + e.replayed === 1 ? 'y' : 'ies'} (${e.live} live, ${e.replayed} replayed)${e.failures ? `, ${e.failures} without a similarity` : ''}; ${e.requests} embedding request${e.requests === 1 ? '' : 's'}, ${e.tokens} tokens, $${e.cost.toFixed(4)}`)
  if (s.appCalls) lines.push(`assay: ${s.appCalls} app LLM call${s.appCalls === 1 ? '' : 's'} through recordingFetch`)
  if (s.baselines.written + s.baselines.updated > 0) lines.push(`assay: structural baselines: ${s.baselines.written} written, ${s.baselines.updated} updated`)
  for (const o of s.obsolete) lines.push(`assay: ${o.count} obsolete entr${o.count === 1 ? 'y' : 'ies'} in ${o.path}; run with -u or ASSAY_UPDATE=1 to remove`)
  if (s.pruned) lines.push(`assay: removed ${s.pruned} obsolete entr${s.pruned === 1 ? 'y' : 'ies'}`)
  return lines.join('\n')
}

interface Flight {
  done: Promise<unknown>
  finish(result: unknown): void
  lease: NodeJS.Timeout
}

// What followers of a flight whose leader stopped renewing receive: the flight is gone, and
// the first of them to ask again leads it.
const EXPIRED = Symbol('expired')

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {}
}

function reply(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

// A worker's /acquire is answered when its request may start, or after this long with
// `go: false` so that it asks again (HTTP clients give up on a silent response).
const HOLD_MS = 20_000

/**
 * Starts the coordinator. `/acquire` and `/observe` drive one shared {@link PacingQueue}:
 * a worker's request waits in the coordinator until its start, so that a 429 seen meanwhile
 * holds back every worker's waiting requests. `/flight` lets the first worker with a request
 * lead it while the others with the identical request wait for its answer. `/secrets`
 * registers the keys a worker learnt in this process, for the reporters' redaction.
 */
export async function startCoordinator(options: RateLimiterOptions & { flightLeaseMs?: number; batchLeaseMs?: number; breaker?: CircuitBreakerOptions } = {}): Promise<Coordinator> {
  // A leader renews its flight every third of this; a worker that dies stops renewing.
  const leaseMs = options.flightLeaseMs ?? 15_000
  const expire = (key: string, flight: Flight) => {
    if (flights.get(key) !== flight) return
    flights.delete(key)
    flight.finish(EXPIRED)
  }
  const limiter = new RateLimiter(options)
  const queue = new PacingQueue(limiter, options.now ? { now: options.now } : {})
  const flights = new Map<string, Flight>()
  // Embedding batches across workers (see batch-table.ts); a sender renews as a flight's leader does.
  const batches = new BatchTable({ leaseMs: options.batchLeaseMs ?? leaseMs })
  // One circuit per endpoint for the whole run: a dead endpoint is learnt once, not per worker.
  const breaker = new CircuitBreaker(options.breaker)
  const summary: RunSummary = { verdicts: 0, live: 0, replayed: 0, failures: 0, requests: 0, tokens: 0, cost: 0, appCalls: 0, obsolete: [], pruned: 0, baselines: { written: 0, updated: 0 } }
  const tally = (record: AssayRecord) => {
    // A faithfulness check is a judge verdict too, without a score.
    if (record.kind === 'judge' || record.kind === 'faithfulness') {
      if (record.kind === 'judge') tallyLookup(record)
      if (!record.verdict) {
        summary.failures++
        summary.requests += record.requests ?? 0
        return
      }
      summary.verdicts++
      summary[record.verdict.replayed ? 'replayed' : 'live']++
      summary.requests += record.verdict.requests
      if (!record.verdict.replayed) {
        summary.tokens += record.verdict.usage.total_tokens
        summary.cost += record.verdict.cost ?? 0
      }
    } else if (record.kind === 'similarity') {
      const e = (summary.embeddings ??= { live: 0, replayed: 0, failures: 0, requests: 0, tokens: 0, cost: 0 })
      e.requests += record.requests
      if (record.similarity === undefined) e.failures++
      else if (record.replayed) e.replayed++
      else {
        e.live++
        e.tokens += record.tokens ?? 0
        e.cost += record.cost ?? 0
      }
    } else if (record.kind === 'llm-call') summary.appCalls++
    else if (record.kind === 'cassette' || record.kind === 'baseline') {
      if (record.obsolete.length) summary.obsolete.push({ path: record.path, count: record.obsolete.length })
      summary.pruned += record.pruned
      summary.baselines.written += record.written ?? 0
      summary.baselines.updated += record.updated ?? 0
    }
  }
  const tallyLookup = (record: JudgeRecord) => {
    const lookup = record.verdict?.semanticCache ?? record.semanticCache
    const reused = record.verdict?.reusedFrom
    if (!lookup && !reused) return
    const c = (summary.semanticCache ??= { lookups: 0, requests: 0, tokens: 0, cost: 0, reused: 0, callsSaved: 0 })
    if (lookup) {
      c.lookups++
      c.requests += lookup.requests
      c.tokens += lookup.replayed ? 0 : lookup.tokens
      c.cost += lookup.replayed ? 0 : (lookup.cost ?? 0)
    }
    if (reused) {
      c.reused++
      c.callsSaved += reused.calls ?? 1
    }
  }
  const token = randomBytes(24).toString('hex')
  const expected = Buffer.from(`Bearer ${token}`)
  const authorized = (req: IncomingMessage) => {
    const given = Buffer.from(req.headers.authorization ?? '')
    return given.length === expected.length && timingSafeEqual(given, expected)
  }
  const server = createServer((req, res) => {
    // Any process on the machine can reach 127.0.0.1; only the run's workers know the token.
    if (!authorized(req)) {
      req.resume()
      res.writeHead(401).end()
      return
    }
    void (async () => {
      const body = await readJson(req)
      switch (req.url) {
        case '/acquire': {
          // Workers send the budgets they were configured with; all run the same setup.
          if ('rpm' in body || 'tpm' in body) limiter.setLimits((body.rpm as number | undefined) ?? options.requestsPerMinute, (body.tpm as number | undefined) ?? options.tokensPerMinute)
          const place = queue.enter(Number(body.tokens) || 0, typeof body.maxWaitMs === 'number' ? body.maxWaitMs : undefined, typeof body.testLeftMs === 'number' ? body.testLeftMs : undefined)
          let timer: NodeJS.Timeout | undefined
          const held = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), HOLD_MS)))
          // A worker that went away gives its place up rather than wasting a start.
          res.on('close', () => {
            if (!res.writableEnded) place.cancel()
          })
          const go = await Promise.race([place.ready.then(() => true, (error: unknown) => error as RateLimitHoldError), held])
          clearTimeout(timer)
          if (go instanceof RateLimitHoldError) return reply(res, { go: false, hold: { ms: go.holdMs, source: go.source, maxWaitMs: body.maxWaitMs, testLeftMs: go.testLeftMs } })
          if (!go) place.cancel()
          return reply(res, { go })
        }
        case '/observe':
          if (typeof body.sentAt === 'number') queue.observe(body as unknown as Observation)
          return reply(res, {})
        case '/report':
          for (const record of (body.records as AssayRecord[] | undefined) ?? []) tally(record)
          return reply(res, {})
        case '/progress':
          // Dataset evals' progress, for the reporters of this process (see eval/progress.ts).
          publishProgress(Array.isArray(body.notices) ? (body.notices as ProgressNotice[]) : [])
          return reply(res, {})
        case '/secrets':
          // Keys a worker learnt, kept in this process's memory, where the reporters redact.
          for (const key of Array.isArray(body.keys) ? (body.keys as unknown[]) : []) if (typeof key === 'string') registerSecret(key)
          return reply(res, {})
        case '/flight/begin': {
          const key = String(body.key)
          for (;;) {
            const flight = flights.get(key)
            if (!flight) break
            const result = await flight.done
            if (result !== EXPIRED) return reply(res, { lead: false, result })
          }
          let finish!: (result: unknown) => void
          const done = new Promise<unknown>((resolve) => (finish = resolve))
          const flight: Flight = { done, finish, lease: setTimeout(() => expire(key, flight), leaseMs) }
          flights.set(key, flight)
          return reply(res, { lead: true, renewMs: Math.max(1, Math.floor(leaseMs / 3)) })
        }
        case '/flight/renew': {
          const flight = flights.get(String(body.key))
          flight?.lease.refresh()
          return reply(res, { held: flight !== undefined })
        }
        case '/flight/end': {
          const key = String(body.key)
          const flight = flights.get(key)
          if (flight) clearTimeout(flight.lease)
          flight?.finish(body.result ?? null)
          flights.delete(key)
          return reply(res, {})
        }
        case '/batch/join':
        case '/batch/wait':
        case '/batch/renew':
        case '/batch/done':
          return answerBatch(batches, req.url, body, res)
        case '/breaker/refusal':
        case '/breaker/failed':
        case '/breaker/answered': {
          const answer = answerBreaker(breaker, req.url, body)
          return answer ? reply(res, answer) : void res.writeHead(400).end()
        }
        default:
          res.writeHead(404).end()
      }
    })().catch(() => {
      if (!res.headersSent) res.writeHead(400)
      res.end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const lateDir = mkdtempSync(join(tmpdir(), 'assay-late-'))
  return {
    url: `http://assay:${token}@127.0.0.1:${port}`,
    summary: () => summary,
    lateDir,
    late: () => readLate(lateDir),
    close: () =>
      new Promise<void>((resolve) => {
        rmSync(lateDir, { recursive: true, force: true })
        for (const flight of flights.values()) {
          clearTimeout(flight.lease)
          flight.finish(null)
        }
        batches.close()
        // A hold after a 429 can be a minute long: its timer must not keep the runner alive.
        queue.close()
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** A coordinator's address split into where to send requests and the token they carry. */
function address(url: string): { base: string; authorization: string | undefined } {
  const u = new URL(url)
  const token = decodeURIComponent(u.password)
  u.username = ''
  u.password = ''
  return { base: u.toString().replace(/\/$/, ''), authorization: token ? `Bearer ${token}` : undefined }
}

// A worker asks the coordinator several times for each judge request (its start, the
// single flight, the circuit): node:http over kept-alive sockets costs a fraction of the CPU
// of fetch's for each. Idle kept-alive sockets do not keep a worker alive.
const agent = new Agent({ keepAlive: true })

/** Sends `body` to the coordinator at `url` (its address with the run token) and returns its JSON answer, with an error that says what to do when it cannot. */
export async function post(url: string, path: string, body: unknown): Promise<Record<string, unknown>> {
  const { base, authorization } = address(url)
  const data = JSON.stringify(body)
  const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), ...(authorization ? { authorization } : {}) }
  const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(`${base}${path}`, { method: 'POST', headers, agent }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }))
      res.on('error', reject)
    })
    req.on('error', (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          `The assay coordinator at ${base} is not running (${error.code ?? error.message}): a stale ASSAY_COORDINATOR from an earlier run? unset it or use the global setup ` +
            `(the assay() Vitest plugin, or globalSetup: 'assay/jest/global-setup' for Jest), which starts one for each run.`,
          { cause: error },
        ),
      ),
    )
    req.end(data)
  })
  if (status === 401) throw new Error(`The assay coordinator at ${base} refused the request (401): its address lacks this run's token. Unset ASSAY_COORDINATOR and let the global setup pass the address.`)
  if (status < 200 || status >= 300) throw new Error(`The assay coordinator at ${base} answered ${status} to ${path}.`)
  return JSON.parse(text) as Record<string, unknown>
}

/** A {@link Pacer} that asks the coordinator, so that all workers share one budget. */
export function remotePacer(url: string, limits: { rpm?: number | undefined; tpm?: number | undefined } = {}): Pacer {
  return {
    acquire: async (tokens, maxWaitMs, testLeftMs) => {
      // The test's time left is sent afresh with every ask: an ask repeated after a long
      // wait in the coordinator has less left.
      const deadline = testLeftMs === undefined ? undefined : Date.now() + testLeftMs
      for (;;) {
        const left = deadline === undefined ? undefined : Math.max(0, deadline - Date.now())
        const answer = await post(url, '/acquire', { tokens, maxWaitMs, testLeftMs: left, ...limits })
        if (answer.go) return
        const hold = answer.hold as { ms: number; source?: string; maxWaitMs: number; testLeftMs?: number } | undefined
        if (hold) throw new RateLimitHoldError(hold.ms, hold.source, hold.maxWaitMs, hold.testLeftMs)
      }
    },
    observe: (observation) => post(url, '/observe', observation).then(
      () => {},
      () => {},
    ),
  }
}

/** Cross-worker single-flight: the first caller leads; the others get its result. */
export interface FlightControl {
  begin(key: string): Promise<{ lead: true } | { lead: false; result: unknown }>
  end(key: string, result: unknown): Promise<void>
}

/** The coordinator's single-flight table, seen from a worker, which renews the flights it leads. */
export function remoteFlights(url: string): FlightControl {
  const renewing = new Map<string, NodeJS.Timeout>()
  return {
    begin: async (key) => {
      const answer = (await post(url, '/flight/begin', { key })) as { lead: true; renewMs?: number } | { lead: false; result: unknown }
      if (!answer.lead) return answer
      const timer = setInterval(() => void post(url, '/flight/renew', { key }).catch(() => {}), answer.renewMs ?? 5_000)
      // Renewal must not keep a finished worker alive.
      timer.unref()
      renewing.set(key, timer)
      return { lead: true }
    },
    end: async (key, result) => {
      clearInterval(renewing.get(key))
      renewing.delete(key)
      await post(url, '/flight/end', { key, result })
    },
  }
}

// Records are sent in one batch per test file (at its end), not one request each: a
// replayed verdict costs microseconds, and a request per record would dominate it.
const buffered = new Map<string, AssayRecord[]>()

/** Queues a record for the coordinator's run summary; {@link flushReports} sends the queue. */
export function reportTo(url: string, record: AssayRecord): void {
  const queue = buffered.get(url) ?? []
  queue.push(record)
  buffered.set(url, queue)
}

/** Sends every queued record and waits until they have arrived. */
export async function flushReports(): Promise<void> {
  const batches = [...buffered]
  buffered.clear()
  await Promise.all(batches.map(([url, records]) => post(url, '/report', { records }).catch(() => {})))
}
