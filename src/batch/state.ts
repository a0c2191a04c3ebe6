// The batch-state file: every batch created and not yet read, with the requests it answers,
// so that a restarted `npx assay batch` finishes each of them instead of paying for its
// requests again, whatever is missing by then. A batch being created is recorded first
// under its run id, which the batch carries in its metadata, so a run stopped while waiting
// for the create response finds the batch again. It sits beside the pending-requests file
// and is written atomically through src/store.
import { randomBytes } from 'node:crypto'
import { readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { nodeFileSystem, parseStore, serializeStore, type StoreFileSystem } from '../store/file.js'
import { lockStore } from '../store/lock.js'
import type { PendingRequest } from './pending.js'

export const STATE_FILE = 'batch-state.json'
const STATE_HEADER = { assay: 'batch-state', version: 2, objectEntries: true } as const

/** One batch created (or being created) for some pending requests of one endpoint at one base URL. */
export interface BatchRecord {
  /** The batch id; undefined while the create call has not answered (see `run`). */
  id?: string | undefined
  /** The id this record was saved under before the create call, sent as the batch's `metadata.assay_run`. */
  run: string
  inputFileId?: string | undefined
  baseURL?: string | undefined
  url: string
  /** The requests it answers, by key, with the cassettes that want them (the chat bodies are left out: the batch holds them). */
  requests: Record<string, PendingRequest>
  lines: number
  /**
   * The hash of each request's line as sent (see sentHash), by key: what lets the answers of
   * a batch that expired or was cancelled be kept for exactly these requests. Absent in a
   * record an earlier assay wrote.
   */
  sent?: Record<string, string> | undefined
  /** When it was created (epoch ms), for the elapsed time a resumed run shows. */
  createdAt: number
}

/** A new run id, for a batch about to be created. */
export const newRunId = (): string => `assay_${Date.now().toString(36)}_${randomBytes(6).toString('hex')}`

/** The record's key in the state file: its batch id, or its run id while it has none. */
export const recordKey = (r: BatchRecord): string => r.id ?? r.run

/** The request as the state keeps it: an embedding's body names the model the answer is checked against. */
export const keptRequest = (r: PendingRequest): PendingRequest => (r.kind === 'embedding' ? r : { ...r, body: {} })

/** The batches recorded in `dir`, by batch id (or run id). A corrupt file is an error naming it. */
export function readState(dir: string, fs: StoreFileSystem = nodeFileSystem()): Record<string, BatchRecord> {
  const path = join(dir, STATE_FILE)
  return parseStore<BatchRecord>(path, fs.read(path), STATE_HEADER)
}

/** Replaces the state in `dir`; an empty state removes the file. Only the run holding the batch lock writes it. */
export function writeState(dir: string, batches: Record<string, BatchRecord>, fs: StoreFileSystem = nodeFileSystem()): void {
  const path = join(dir, STATE_FILE)
  if (Object.keys(batches).length === 0) rmSync(path, { force: true })
  else fs.writeAtomic(path, serializeStore(STATE_HEADER, batches))
}

/** Another `assay batch` run holds the batch lock of the same folder. */
export class BatchRunLockedError extends Error {}

/**
 * Takes the batch lock of `dir` for a whole `assay batch` run (collect pass, batches,
 * replay), so that two runs never delete each other's pending requests or overwrite each
 * other's batches; returns the function that releases it. A lock whose process is dead is
 * taken over; a live one is a BatchRunLockedError naming it.
 */
export function lockBatchRun(dir: string): () => void {
  const path = join(dir, 'batch-run')
  try {
    // Never stale by age: a run polls a batch for up to a day.
    return lockStore(path, { timeoutMs: 1000, staleMs: Number.MAX_SAFE_INTEGER })
  } catch (error) {
    if (!/^Timed out/.test((error as Error).message)) throw error
    let owner = 'unknown'
    try {
      owner = readdirSync(`${path}.lock`)[0]?.split('.')[0] ?? owner
    } catch {
      // Released in the meantime: the message still holds.
    }
    throw new BatchRunLockedError(`another \`assay batch\` run (process ${owner}) holds ${path}.lock: it is collecting, sending or polling batches for the requests in ${dir}, and a second run would take its pending requests and batches. Wait for it to end, or, if no assay batch is running, delete ${path}.lock.`)
  }
}
