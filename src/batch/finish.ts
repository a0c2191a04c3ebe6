// Finishing recorded batches: a batch whose create call was not answered is found by the run
// id in its metadata, every batch is polled with progress until it ends, and a completed
// one's answers are written into the cassettes (an expired or cancelled one's are kept in
// the salvage file); each batch leaves the state file once read.
import { join } from 'node:path'
import type OpenAI from 'openai'
import { formatDuration } from '../eval/progress.js'
import type { Price } from '../judge/prices.js'
import type { StoreFileSystem } from '../store/file.js'
import type { PendingRequest } from './pending.js'
import { checkResults, parseResultFile, writeResults, type BadLine, type FailedRequest, type ResultLine } from './results.js'
import { keepAnswers, SALVAGE_FILE } from './salvage.js'
import { recordKey, writeState, type BatchRecord } from './state.js'

/** What finishing batches adds up; runBatch's result holds the same fields. */
export interface Finished {
  /** Batches that did not complete; `kept`: how many of their answers went to the salvage file. */
  discarded: { id: string; status: string; lines: number; kept: number }[]
  written: number
  failed: FailedRequest[]
  noVerdict: FailedRequest[]
  cost: number | undefined
  standardCost: number | undefined
  unreadable: BadLine[]
}

/** What finishBatches needs from runBatch. */
export interface FinishContext {
  dir: string
  state: Record<string, BatchRecord>
  client: (baseURL: string | undefined) => OpenAI
  write: (line: string) => void
  sleep: (ms: number) => Promise<void>
  pollIntervalMs: number
  maxPolls?: number | undefined
  prices?: Readonly<Record<string, Price>> | undefined
  fs: StoreFileSystem
}

const TERMINAL = ['completed', 'expired', 'cancelled', 'failed']
// Batches are listed newest first; one created more than this before its record was saved is not it.
const CLOCK_SLACK_S = 600

/**
 * Finds the batch a run stopped while creating: the one whose metadata names the record's
 * run. Returns undefined when no such batch exists (the create call never reached the API).
 */
export async function adoptBatch(record: BatchRecord, client: OpenAI): Promise<OpenAI.Batches.Batch | undefined> {
  for await (const batch of client.batches.list({ limit: 100 })) {
    if (batch.metadata?.assay_run === record.run) return batch
    if (batch.created_at < record.createdAt / 1000 - CLOCK_SLACK_S) return undefined
  }
  return undefined
}

/** The result lines of a batch's output and error files, and the lines that could not be read. */
async function resultLines(batch: OpenAI.Batches.Batch, client: OpenAI): Promise<{ lines: ResultLine[]; bad: BadLine[] }> {
  const lines: ResultLine[] = []
  const bad: BadLine[] = []
  for (const [id, kind] of [[batch.output_file_id, 'output'], [batch.error_file_id, 'error']] as const) {
    if (!id) continue
    const parsed = parseResultFile(await (await client.files.content(id)).text(), `${kind} file ${id}`)
    lines.push(...parsed.lines)
    bad.push(...parsed.bad)
  }
  return { lines, bad }
}

/**
 * Keeps the answers an expired or cancelled batch completed, and was charged for, in the
 * salvage file, checked as a completed batch's are, each with the hash of its line as sent;
 * returns how many. The cassettes are left as they were. A record an earlier assay wrote
 * holds no hashes, so no answer of it can be tied to its request: none is kept.
 */
async function keepPaid(record: BatchRecord, batch: OpenAI.Batches.Batch, ctx: FinishContext): Promise<number> {
  if (!batch.output_file_id) return 0
  const sent = record.sent
  if (!sent) {
    ctx.write(`assay batch: the answers of batch ${batch.id} cannot be kept: it was recorded by an earlier assay, which did not note what each of its lines sent.`)
    return 0
  }
  const { lines, bad } = await resultLines(batch, ctx.client(record.baseURL))
  const answers = checkResults(lines, record.requests, ctx.prices, bad).answers.filter((a) => sent[a.key] !== undefined)
  keepAnswers(ctx.dir, batch, answers.map((a) => ({ key: a.key, sent: sent[a.key]!, line: a.line })), ctx.fs)
  return answers.length
}

/**
 * Polls `records` until each has ended (or `maxPolls` runs out: `unfinished`), writes the
 * answers of the completed ones into the cassettes of `wanting` (the record's own requests,
 * with the cassettes that want them now added), and removes each from the state file once
 * read. An expired or cancelled batch's answers are kept in the salvage file instead (see
 * keepPaid); `sendsNext` says whether this run goes on to send the requests still missing,
 * which is when the kept ones are written. Returns the keys each completed batch answered or
 * failed, so they are not sent again.
 */
export async function finishBatches(records: readonly BatchRecord[], wanting: Readonly<Record<string, PendingRequest>>, ctx: FinishContext, out: Finished, sendsNext = false): Promise<{ status: 'done' | 'unfinished'; handled: Set<string> }> {
  const handled = new Set<string>()
  const done = new Map<string, OpenAI.Batches.Batch>()
  for (let polls = 0; done.size < records.length; polls++) {
    if (ctx.maxPolls !== undefined && polls >= ctx.maxPolls) {
      ctx.write(`assay batch: stopped polling after ${polls} polls; the batch keeps running, and the next \`npx assay batch\` resumes it.`)
      return { status: 'unfinished', handled }
    }
    if (polls > 0) await ctx.sleep(ctx.pollIntervalMs)
    for (const record of records) {
      if (done.has(record.id!)) continue
      const batch = await ctx.client(record.baseURL).batches.retrieve(record.id!)
      const counts = batch.request_counts ?? { total: record.lines, completed: 0, failed: 0 }
      ctx.write(`assay batch: ${batch.id} ${batch.status}: ${counts.completed}/${counts.total || record.lines} done, ${counts.failed} failed, ${formatDuration(Date.now() - record.createdAt)} elapsed`)
      if (TERMINAL.includes(batch.status)) done.set(record.id!, batch)
    }
  }

  for (const record of records) {
    const batch = done.get(record.id!)!
    if (batch.status !== 'completed') {
      const kept = batch.status === 'failed' ? 0 : await keepPaid(record, batch, ctx)
      out.discarded.push({ id: batch.id, status: batch.status, lines: record.lines, kept })
      const why = batch.status === 'failed' ? ` (${batch.errors?.data?.map((e) => e.message).join('; ') ?? 'no reason given'})` : ''
      const rest = record.lines - kept
      if (kept === 0) ctx.write(`assay batch: batch ${batch.id} ${batch.status}${why}: none of its ${record.lines} answers were written, and the cassettes are as they were. Run \`npx assay batch\` again to send a new batch.`)
      else if (sendsNext) ctx.write(`assay batch: batch ${batch.id} ${batch.status}: ${kept} of its ${record.lines} answers were kept in ${join(ctx.dir, SALVAGE_FILE)}, and the cassettes are as they were. They are written into the cassettes for the requests still missing, and only the other ${rest} request(s) are sent again.`)
      else ctx.write(`assay batch: batch ${batch.id} ${batch.status}: ${kept} of its ${record.lines} answers were kept in ${join(ctx.dir, SALVAGE_FILE)}, and the cassettes are as they were. The next \`npx assay batch\` writes them into the cassettes and sends only the other ${rest} request(s) in a new batch.`)
    } else {
      const requests: Record<string, PendingRequest> = {}
      for (const [key, r] of Object.entries(record.requests)) {
        const now = wanting[key]
        const cassettes = [...r.cassettes]
        for (const c of now?.cassettes ?? []) if (!cassettes.some((o) => o.path === c.path)) cassettes.push(c)
        requests[key] = { ...r, cassettes }
        handled.add(key)
      }
      const { lines, bad } = await resultLines(batch, ctx.client(record.baseURL))
      const written = writeResults(lines, requests, ctx.fs, ctx.prices, bad)
      out.written += written.written
      out.failed.push(...written.failed)
      out.noVerdict.push(...written.noVerdict)
      out.unreadable.push(...written.unreadable)
      out.cost = written.cost === undefined || out.cost === undefined ? undefined : out.cost + written.cost
      out.standardCost = written.standardCost === undefined || out.standardCost === undefined ? undefined : out.standardCost + written.standardCost
    }
    // Read (or ended without answers): nothing more to fetch from it. Its paid answers are
    // kept by now, so a run stopped before this line only reads the batch again.
    delete ctx.state[recordKey(record)]
    writeState(ctx.dir, ctx.state, ctx.fs)
  }
  return { status: 'done', handled }
}
