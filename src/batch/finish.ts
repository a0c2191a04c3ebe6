// Finishing recorded batches: a batch whose create call was not answered is found by the run
// id in its metadata, every batch is polled with progress until it ends, and a completed
// one's answers are written into the cassettes; each batch leaves the state file once read.
import type OpenAI from 'openai'
import { formatDuration } from '../eval/progress.js'
import type { Price } from '../judge/prices.js'
import type { StoreFileSystem } from '../store/file.js'
import type { PendingRequest } from './pending.js'
import { parseResultFile, writeResults, type BadLine, type FailedRequest, type ResultLine } from './results.js'
import { recordKey, writeState, type BatchRecord } from './state.js'

/** What finishing batches adds up; runBatch's result holds the same fields. */
export interface Finished {
  discarded: { id: string; status: string; lines: number }[]
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

/**
 * Polls `records` until each has ended (or `maxPolls` runs out: `unfinished`), writes the
 * answers of the completed ones into the cassettes of `wanting` (the record's own requests,
 * with the cassettes that want them now added), and removes each from the state file once
 * read. Returns the keys each completed batch answered or failed, so they are not sent again.
 */
export async function finishBatches(records: readonly BatchRecord[], wanting: Readonly<Record<string, PendingRequest>>, ctx: FinishContext, out: Finished): Promise<{ status: 'done' | 'unfinished'; handled: Set<string> }> {
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
      out.discarded.push({ id: batch.id, status: batch.status, lines: record.lines })
      const why = batch.status === 'failed' ? ` (${batch.errors?.data?.map((e) => e.message).join('; ') ?? 'no reason given'})` : ''
      ctx.write(`assay batch: batch ${batch.id} ${batch.status}${why}: none of its ${record.lines} answers were written, and the cassettes are as they were. Run \`npx assay batch\` again to send a new batch.`)
    } else {
      const requests: Record<string, PendingRequest> = {}
      for (const [key, r] of Object.entries(record.requests)) {
        const now = wanting[key]
        const cassettes = [...r.cassettes]
        for (const c of now?.cassettes ?? []) if (!cassettes.some((o) => o.path === c.path)) cassettes.push(c)
        requests[key] = { ...r, cassettes }
        handled.add(key)
      }
      const c = ctx.client(record.baseURL)
      const lines: ResultLine[] = []
      const bad: BadLine[] = []
      for (const [id, kind] of [[batch.output_file_id, 'output'], [batch.error_file_id, 'error']] as const) {
        if (!id) continue
        const parsed = parseResultFile(await (await c.files.content(id)).text(), `${kind} file ${id}`)
        lines.push(...parsed.lines)
        bad.push(...parsed.bad)
      }
      const written = writeResults(lines, requests, ctx.fs, ctx.prices, bad)
      out.written += written.written
      out.failed.push(...written.failed)
      out.noVerdict.push(...written.noVerdict)
      out.unreadable.push(...written.unreadable)
      out.cost = written.cost === undefined || out.cost === undefined ? undefined : out.cost + written.cost
      out.standardCost = written.standardCost === undefined || out.standardCost === undefined ? undefined : out.standardCost + written.standardCost
    }
    // Read (or ended without answers): nothing more to fetch from it.
    delete ctx.state[recordKey(record)]
    writeState(ctx.dir, ctx.state, ctx.fs)
  }
  return { status: 'done', handled }
}
