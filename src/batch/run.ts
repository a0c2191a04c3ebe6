// Sends the pending requests through the Batch API: one JSONL file and one batch per
// endpoint, polled with progress until it ends, resumed after a restart from the state
// file, its answers written into the cassettes. An expired, cancelled or failed batch
// writes nothing into them; the answers an expired or cancelled one completed are kept
// (see salvage.ts) and written by the next run that sends a batch, for the same requests.
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import type OpenAI from 'openai'
import { loadOpenAI } from '../lazy.js'
import { formatDuration } from '../eval/progress.js'
import { BATCH_DISCOUNT, type Price } from '../judge/prices.js'
import { registerSecret, redactOutput } from '../secrets.js'
import { nodeFileSystem, type StoreFileSystem } from '../store/file.js'
import { PENDING_FILE, readPending, type PendingRequest } from './pending.js'
import { adoptBatch, finishBatches, type FinishContext } from './finish.js'
import type { BadLine, FailedRequest } from './results.js'
import { sentHash, useKeptAnswers } from './salvage.js'
import { keptRequest, newRunId, readState, writeState, type BatchRecord } from './state.js'

/** Options of {@link runBatch}. */
export interface BatchRunOptions {
  /** The folder of the pending-requests and state files. */
  dir: string
  /** Where progress and the summary go, a line at a time. */
  write: (line: string) => void
  /** The key the batch is sent with. @default process.env.OPENAI_API_KEY */
  apiKey?: string | undefined
  /** Time between two polls. @default 30000 */
  pollIntervalMs?: number
  /** Polls before giving up on a batch that has not ended (it keeps running; a later run resumes it). @default unlimited */
  maxPolls?: number
  /** Lines per input file; more requests go out as several batches. @default 50000, or ASSAY_BATCH_MAX_LINES (for tests) */
  maxLines?: number
  /** Bytes per input file. @default 200 MB, or ASSAY_BATCH_MAX_BYTES (for tests) */
  maxBytes?: number
  prices?: Readonly<Record<string, Price>>
  fs?: StoreFileSystem
  /** Only finish the batches the state file records (before a collect pass); nothing new is sent. */
  recordedOnly?: boolean
  sleep?: (ms: number) => Promise<void>
}

/** How a batch run ended. */
export interface BatchRunResult {
  /** `done`: every batch ended and its answers are written; `nothing`: no request was pending; `unfinished`: maxPolls ran out. */
  status: 'done' | 'nothing' | 'unfinished'
  /** Batches that expired, were cancelled or failed, whose answers were not written; `kept`: how many went to the salvage file (see salvage.ts). */
  discarded: { id: string; status: string; lines: number; kept: number }[]
  written: number
  failed: FailedRequest[]
  noVerdict: FailedRequest[]
  /** Requests that hold a secret, so were not batched (see PendingRequest.secret): the replay pass asks them live, at the full price. */
  secret: FailedRequest[]
  cost: number | undefined
  standardCost: number | undefined
  /** Lines of the result files that could not be read and name no request. */
  unreadable: BadLine[]
}

/** The Batch API's limits on one input file: lines, and bytes. */
export const MAX_LINES = 50_000
export const MAX_BYTES = 200 * 1024 * 1024

/** A limit lowered through the environment (for tests, which cannot send 50,000 lines); an invalid value is an error naming it. */
function envLimit(name: string, fallback: number): number {
  const value = process.env[name]
  if (!value) return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} is "${value}", but it must be a whole number of at least 1 (it lowers a Batch API limit, for tests). Unset it to use the API's limit.`)
  return n
}

const lineOf = (key: string, r: PendingRequest) => `${JSON.stringify({ custom_id: key, method: 'POST', url: r.url, body: r.body })}\n`

/**
 * The pending requests as batches: one group per endpoint and base URL, cut into parts of at
 * most `maxLines` lines and `maxBytes` bytes of JSONL, in the pending file's (sorted) order so
 * that a restarted run cuts them the same way. A group's first part keeps the group's name.
 */
function splitGroups(pending: Readonly<Record<string, PendingRequest>>, maxLines: number, maxBytes: number): Map<string, Record<string, PendingRequest>> {
  const groups = new Map<string, Record<string, PendingRequest>>()
  const sizes = new Map<string, { part: number; lines: number; bytes: number }>()
  for (const [key, r] of Object.entries(pending)) {
    const group = `${r.url} ${r.baseURL ?? ''}`
    const bytes = Buffer.byteLength(lineOf(key, r))
    let size = sizes.get(group)
    if (!size) sizes.set(group, (size = { part: 1, lines: 0, bytes: 0 }))
    // A line larger than maxBytes goes alone, and the API names it when it refuses the file.
    else if (size.lines > 0 && (size.lines + 1 > maxLines || size.bytes + bytes > maxBytes)) Object.assign(size, { part: size.part + 1, lines: 0, bytes: 0 })
    size.lines++
    size.bytes += bytes
    const name = size.part === 1 ? group : `${group} part ${size.part}`
    let part = groups.get(name)
    if (!part) groups.set(name, (part = {}))
    part[key] = r
  }
  return groups
}
const usd = (n: number) => `$${n.toFixed(n < 0.01 ? 6 : 4)}`

/**
 * Sends the requests pending in `options.dir` through the Batch API and writes the answers
 * into the cassettes. Every batch the state file records is finished first, its answers
 * written for the tests that want them; only what they did not answer is sent anew. The
 * caller holds the batch lock (see lockBatchRun), so no other run reads or writes the state.
 */
export async function runBatch(options: BatchRunOptions): Promise<BatchRunResult> {
  const fs = options.fs ?? nodeFileSystem()
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)))
  const { dir } = options
  // A server's words reach these lines (a failed line's error, a failed batch's reasons), and
  // a gateway may echo the key in them.
  registerSecret(options.apiKey)
  const write = (line: string) => options.write(redactOutput(line))
  const pending = readPending(dir, fs)
  const state = readState(dir, fs)
  const result: BatchRunResult = { status: 'nothing', discarded: [], written: 0, failed: [], noVerdict: [], secret: [], cost: 0, standardCost: 0, unreadable: [] }
  if (Object.keys(state).length === 0 && (options.recordedOnly || Object.keys(pending).length === 0)) {
    if (!options.recordedOnly) write('assay batch: no request is missing from the cassettes; nothing to send.')
    return result
  }

  const clients = new Map<string, OpenAI>()
  const client = (baseURL: string | undefined) => {
    let c = clients.get(baseURL ?? '')
    if (!c) {
      const { OpenAI } = loadOpenAI()
      const url = baseURL ?? process.env.OPENAI_BASE_URL
      const apiKey = options.apiKey ?? process.env.OPENAI_API_KEY
      // The SDK would send a placeholder key to api.openai.com and fail after every retry.
      if (!apiKey && !url) throw new Error('No API key for the Batch API: OPENAI_API_KEY is not set, so nothing was sent. Set OPENAI_API_KEY, or OPENAI_BASE_URL for a local server that needs no key.')
      // Local servers accept any key; the SDK insists on one.
      c = new OpenAI({ apiKey: apiKey ?? 'no-key', ...(url ? { baseURL: url } : {}), maxRetries: 4 })
      clients.set(baseURL ?? '', c)
    }
    return c
  }
  const ctx: FinishContext = { dir, state, client, write, sleep, pollIntervalMs: options.pollIntervalMs ?? 30_000, maxPolls: options.maxPolls, prices: options.prices, fs }

  // The batches of earlier runs, whatever is missing now: a batch whose create call went
  // unanswered is looked up by its run id, then each is finished.
  const recorded: BatchRecord[] = []
  for (const record of Object.values(state)) {
    if (record.id === undefined) {
      const found = await adoptBatch(record, client(record.baseURL))
      delete state[record.run]
      if (!found) {
        write(`assay batch: no batch was created for run ${record.run} (stopped before the Batch API answered); its requests are sent again if still missing.`)
        writeState(dir, state, fs)
        continue
      }
      Object.assign(record, { id: found.id, inputFileId: found.input_file_id })
      state[found.id] = record
      writeState(dir, state, fs)
      write(`assay batch: found batch ${found.id}, created by a run stopped while waiting for its creation.`)
    }
    write(`assay batch: resuming batch ${record.id} (${record.lines} requests to ${record.url}), created ${formatDuration(Date.now() - record.createdAt)} ago.`)
    recorded.push(record)
  }
  result.status = 'done'
  // Whether this run sends what is missing next or a collect pass comes first (recordedOnly), the kept answers are written then.
  const earlier = await finishBatches(recorded, pending, ctx, result, true)
  if (earlier.status === 'unfinished') return { ...result, status: 'unfinished' }
  if (options.recordedOnly) {
    summarise(result, write)
    return result
  }

  const batchable: Record<string, PendingRequest> = {}
  for (const [key, r] of Object.entries(pending)) {
    if (earlier.handled.has(key)) continue
    if (r.secret) result.secret.push({ key, tests: r.cassettes.map((c) => c.test ?? '(a concurrent test)'), reason: 'it holds a secret' })
    else batchable[key] = r
  }
  // Answers paid for in a batch that expired or was cancelled are written, and not bought again.
  const reused = useKeptAnswers(dir, batchable, fs, options.prices)
  for (const key of reused.changed) write(`assay batch: the answer kept for request ${key} was not used: its request sends another line now than the batch was sent (a different model, endpoint or body under the same key), so it is batched again.`)
  for (const [from, n] of reused.from) write(`assay batch: wrote ${n} answers kept from batch ${from} into the cassettes; they are not sent again.`)
  for (const key of reused.used) delete batchable[key]
  result.written += reused.written.written
  result.cost = result.cost === undefined || reused.written.cost === undefined ? undefined : result.cost + reused.written.cost
  result.standardCost = result.standardCost === undefined || reused.written.standardCost === undefined ? undefined : result.standardCost + reused.written.standardCost
  const groups = splitGroups(batchable, options.maxLines ?? envLimit('ASSAY_BATCH_MAX_LINES', MAX_LINES), options.maxBytes ?? envLimit('ASSAY_BATCH_MAX_BYTES', MAX_BYTES))
  const created: BatchRecord[] = []
  for (const requests of groups.values()) {
    const first = Object.values(requests)[0]!
    const kept: Record<string, PendingRequest> = {}
    for (const [key, r] of Object.entries(requests)) kept[key] = keptRequest(r)
    const sent = Object.fromEntries(Object.entries(requests).map(([key, r]) => [key, sentHash(r)]))
    const record: BatchRecord = { run: newRunId(), baseURL: first.baseURL, url: first.url, requests: kept, lines: Object.keys(requests).length, sent, createdAt: Date.now() }
    // Saved before the create call, whose batch carries the run id: a run stopped while
    // waiting for the answer finds the batch by it (see adoptBatch). The call is not
    // retried, since a retry after a lost response would create a second paid batch.
    state[record.run] = record
    writeState(dir, state, fs)
    const jsonl = Object.entries(requests).map(([key, r]) => lineOf(key, r)).join('')
    const c = client(first.baseURL)
    const { toFile } = loadOpenAI()
    const file = await c.files.create({ file: await toFile(Buffer.from(jsonl), 'assay-batch.jsonl'), purpose: 'batch' })
    const batch = await c.batches.create({ input_file_id: file.id, endpoint: first.url, completion_window: '24h', metadata: { created_by: 'assay', assay_run: record.run } }, { maxRetries: 0 })
    delete state[record.run]
    Object.assign(record, { id: batch.id, inputFileId: file.id })
    state[batch.id] = record
    writeState(dir, state, fs)
    created.push(record)
    write(`assay batch: created batch ${batch.id} with ${record.lines} requests to ${first.url} (results within 24h, at ${BATCH_DISCOUNT * 100}% off).`)
  }
  const now = await finishBatches(created, pending, ctx, result)
  if (now.status === 'unfinished') return { ...result, status: 'unfinished' }
  rmSync(join(dir, PENDING_FILE), { force: true })
  summarise(result, write)
  return result
}

function summarise(r: BatchRunResult, write: (line: string) => void): void {
  const priced = r.cost !== undefined && r.standardCost !== undefined
  const saving = priced ? ` Cost ${usd(r.cost!)} at the batch price instead of ${usd(r.standardCost!)}: ${usd(r.standardCost! - r.cost!)} saved.` : ' (A model without a price: no cost figures.)'
  if (r.written > 0) write(`assay batch: wrote ${r.written} answers into the cassettes.${saving}`)
  for (const f of r.failed) write(`assay batch: failed request ${f.key} (${f.tests.join(', ')}): ${f.reason}`)
  for (const b of r.unreadable) write(`assay batch: line ${b.line} of ${b.file} is unreadable (${b.problem}) and names no request; a request it may have answered is among the failed ones, if any.`)
  for (const f of r.secret) write(`assay batch: request ${f.key} (${f.tests.join(', ')}) holds a secret, so it was not batched: a batch file would carry the secret, or a redacted text whose answer is not this request's. The replay pass asks it live, at the full price.`)
  for (const f of r.noVerdict) write(`assay batch: answer ${f.key} (${f.tests.join(', ')}) holds no verdict (${f.reason}); it was not recorded.`)
}
