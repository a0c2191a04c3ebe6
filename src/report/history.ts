// The run history behind the report's trend charts: one small JSON file per run in
// `<report folder>/history/`, named so that names sort by start time. Only the newest
// `retain` runs are kept. A file that cannot be read is skipped with a warning and left
// in place: history is never rewritten, only added to and trimmed.
import { readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import type { StoreFileSystem } from '../store/file.js'
import { resultsSchema, type Results } from './schema.js'

/** The version of a history entry's format. */
export const HISTORY_VERSION = 1

const entrySchema = z.object({
  schema: z.literal('assay-history'),
  version: z.literal(HISTORY_VERSION),
  run: resultsSchema.shape.run,
  totals: resultsSchema.shape.totals,
})

/** One past run, as the trend charts read it. */
export type HistoryEntry = z.infer<typeof entrySchema>

/** What reading the history found. */
export interface HistoryRead {
  entries: HistoryEntry[]
  /** Files that could not be read, with why; reported, never deleted. */
  unreadable: { file: string; problem: string }[]
}

const NAME = /^run-[0-9TZ-]+-[0-9a-f]{8}\.json$/

function fileName(results: Results, id: string): string {
  return `run-${results.run.startedAt.replace(/[:.]/g, '-')}-${id}.json`
}

/** The history entry for a run. */
export function historyEntry(results: Results): HistoryEntry {
  return { schema: 'assay-history', version: HISTORY_VERSION, run: results.run, totals: results.totals }
}

/** Reads every run in `dir`, oldest first. A missing folder is an empty history. */
export function readHistory(fs: StoreFileSystem, dir: string): HistoryRead {
  let names: string[]
  try {
    names = readdirSync(dir).filter((n) => NAME.test(n)).sort()
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], unreadable: [] }
    throw e
  }
  const read: HistoryRead = { entries: [], unreadable: [] }
  for (const name of names) {
    const file = join(dir, name)
    try {
      read.entries.push(entrySchema.parse(JSON.parse(fs.read(file) ?? 'null')))
    } catch (e) {
      read.unreadable.push({ file, problem: e instanceof z.ZodError ? 'not an assay history entry of this version' : (e as Error).message })
    }
  }
  return read
}

/**
 * Adds a run to the history and removes the oldest runs beyond `retain`. `id` keeps two
 * runs started in the same millisecond apart.
 */
export function appendHistory(fs: StoreFileSystem, dir: string, results: Results, retain: number, id: string): void {
  fs.writeAtomic(join(dir, fileName(results, id)), `${JSON.stringify(historyEntry(results))}\n`)
  const names = readdirSync(dir).filter((n) => NAME.test(n)).sort()
  for (const name of names.slice(0, Math.max(0, names.length - retain))) rmSync(join(dir, name), { force: true })
}
