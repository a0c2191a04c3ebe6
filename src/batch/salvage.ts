// The salvage file: the paid answers of batches that expired or were cancelled. Such a
// batch leaves the cassettes as they were, but the answers it completed are charged for,
// so they are kept here, checked as any batch answer is, each with the hash of the request
// its line sent. A later `npx assay batch` writes an answer into the cassettes only for a
// request with the same key that sends the very same line, and batches only the rest. It
// sits beside the state file and is written atomically through src/store.
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { requestKey } from '../judge/cassette.js'
import type { Price } from '../judge/prices.js'
import { nodeFileSystem, parseStore, serializeStore, type StoreFileSystem } from '../store/file.js'
import type { PendingRequest } from './pending.js'
import { writeResults, type ResultLine, type Written } from './results.js'

export const SALVAGE_FILE = 'batch-salvage.json'
const SALVAGE_HEADER = { assay: 'batch-salvage', version: 1, objectEntries: true } as const

/** One answer of a batch that expired or was cancelled, kept under its request's key until a run asks that request again. */
export interface KeptAnswer {
  /** The batch that answered it, and how that batch ended. */
  batch: string
  status: string
  /** The hash of the request as its batch line sent it (see sentHash). */
  sent: string
  /** Its line of the batch's output file. */
  line: ResultLine
  /** When it was kept (ISO 8601). */
  keptAt: string
}

/**
 * The hash of a request as its batch line sends it: endpoint, base URL and the whole body.
 * A key alone is not enough, since an embedding's key names its input, not the model or
 * endpoint the line asked.
 */
export const sentHash = (r: Pick<PendingRequest, 'url' | 'baseURL' | 'body'>): string => requestKey({ url: r.url, baseURL: r.baseURL ?? null, body: r.body })

/** The kept answers in `dir`, by request key. A corrupt file is an error naming it. */
export function readSalvage(dir: string, fs: StoreFileSystem = nodeFileSystem()): Record<string, KeptAnswer> {
  const path = join(dir, SALVAGE_FILE)
  return parseStore<KeptAnswer>(path, fs.read(path), SALVAGE_HEADER)
}

/** Replaces the kept answers in `dir`; none removes the file. Only the run holding the batch lock writes it. */
export function writeSalvage(dir: string, kept: Record<string, KeptAnswer>, fs: StoreFileSystem = nodeFileSystem()): void {
  const path = join(dir, SALVAGE_FILE)
  if (Object.keys(kept).length === 0) rmSync(path, { force: true })
  else fs.writeAtomic(path, serializeStore(SALVAGE_HEADER, kept))
}

/** Adds the answers of batch `batch` (which ended `status`) to the kept ones; a newer answer to the same request replaces an older one. */
export function keepAnswers(dir: string, batch: { id: string; status: string }, answers: readonly { key: string; sent: string; line: ResultLine }[], fs: StoreFileSystem = nodeFileSystem()): void {
  if (answers.length === 0) return
  const kept = readSalvage(dir, fs)
  const keptAt = new Date().toISOString()
  for (const a of answers) kept[a.key] = { batch: batch.id, status: batch.status, sent: a.sent, line: a.line, keptAt }
  writeSalvage(dir, kept, fs)
}

/** What writing kept answers did: the cassette writes, the keys they answered (not to be batched), and where they came from. */
export interface Reused {
  written: Written
  used: Set<string>
  /** Answers used, by the batch and how it ended. */
  from: Map<string, number>
  /** Keys whose kept answer was sent for another request under the same key, so it was not used. */
  changed: string[]
}

/**
 * Writes the kept answers of the requests in `pending` that send exactly what their batch
 * line sent into the cassettes that want them, checked again as any batch answer, and
 * removes them from the file once written. An answer that fails the check is removed too,
 * and its request batched. Kept answers no request asks for now stay for a later run.
 */
export function useKeptAnswers(dir: string, pending: Readonly<Record<string, PendingRequest>>, fs: StoreFileSystem, prices?: Readonly<Record<string, Price>>): Reused {
  const kept = readSalvage(dir, fs)
  const lines: ResultLine[] = []
  const wanted: Record<string, PendingRequest> = {}
  const changed: string[] = []
  for (const [key, r] of Object.entries(pending)) {
    const k = kept[key]
    if (!k || r.secret) continue
    // Never an answer to another request: the line must be the one the batch was sent.
    if (k.sent !== sentHash(r)) {
      changed.push(key)
      continue
    }
    lines.push({ ...k.line, custom_id: key })
    wanted[key] = r
  }
  const written = writeResults(lines, wanted, fs, prices)
  const refused = new Set([...written.failed, ...written.noVerdict].map((f) => f.key))
  const used = new Set(Object.keys(wanted).filter((key) => !refused.has(key)))
  const from = new Map<string, number>()
  for (const key of used) {
    const name = `${kept[key]!.batch} (${kept[key]!.status})`
    from.set(name, (from.get(name) ?? 0) + 1)
  }
  // The cassettes hold them now; a run stopped before this line leaves them kept, unused.
  for (const key of Object.keys(wanted)) delete kept[key]
  if (Object.keys(wanted).length > 0) writeSalvage(dir, kept, fs)
  return { written, used, from, changed }
}
