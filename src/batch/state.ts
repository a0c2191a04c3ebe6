// The batch-state file: which batches were created for which pending requests, so that a
// restarted `npx assay batch` polls the same batches instead of paying for new ones. It sits
// beside the pending-requests file and is written atomically through src/store.
import { createHash } from 'node:crypto'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { nodeFileSystem, parseStore, serializeStore, type StoreFileSystem } from '../store/file.js'

export const STATE_FILE = 'batch-state.json'
const STATE_HEADER = { assay: 'batch-state', version: 1, objectEntries: true } as const

/** One batch created for one group of pending requests (one endpoint at one base URL). */
export interface BatchRecord {
  id: string
  inputFileId: string
  baseURL?: string | undefined
  url: string
  /** A hash of the group's request keys: a batch is resumed only for the same requests. */
  requests: string
  lines: number
  /** When it was created (epoch ms), for the elapsed time a resumed run shows. */
  createdAt: number
}

/** The hash of a set of request keys, whatever their order. */
export function requestsHash(keys: readonly string[]): string {
  return createHash('sha256').update([...keys].sort().join('\n')).digest('hex').slice(0, 32)
}

/** The batches recorded in `dir`, by group. A corrupt file is an error naming it. */
export function readState(dir: string, fs: StoreFileSystem = nodeFileSystem()): Record<string, BatchRecord> {
  const path = join(dir, STATE_FILE)
  return parseStore<BatchRecord>(path, fs.read(path), STATE_HEADER)
}

/** Replaces the state in `dir`; an empty state removes the file. */
export function writeState(dir: string, batches: Record<string, BatchRecord>, fs: StoreFileSystem = nodeFileSystem()): void {
  const path = join(dir, STATE_FILE)
  if (Object.keys(batches).length === 0) rmSync(path, { force: true })
  else fs.writeAtomic(path, serializeStore(STATE_HEADER, batches))
}
