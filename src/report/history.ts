// The run history behind the report's trend charts and per-test trends: one JSON file per
// run in `<report folder>/history/` (its totals and each test's outcome and judge scores),
// named so that names sort by start time. Only the newest
// `retain` runs are kept. A file that cannot be read is skipped with a warning and left
// in place: history is never rewritten, only added to and trimmed.
import { readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import type { StoreFileSystem } from '../store/file.js'
import { resultsSchema, type Results } from './schema.js'

/** The version of a history entry's format. */
export const HISTORY_VERSION = 1

const STATES = ['passed', 'failed', 'skipped', 'todo'] as const

const entrySchema = z.object({
  schema: z.literal('assay-history'),
  version: z.literal(HISTORY_VERSION),
  run: resultsSchema.shape.run,
  totals: resultsSchema.shape.totals,
  /**
   * Each test's outcome, compactly: its key (see {@link testKey}), its state, and the
   * overall scores of its judged assertions. What per-test trends and flakiness read.
   */
  tests: z.array(z.tuple([z.string(), z.enum(STATES), z.array(z.number())])),
})

// zod checks the header and totals; the per-test rows (5,000 × 50 runs in a big suite)
// are checked by this loop, which is a few times faster than a zod tuple schema.
const headerSchema = entrySchema.extend({ tests: z.array(z.unknown()) })
const states = new Set<unknown>(STATES)
function isRow(row: unknown): boolean {
  return Array.isArray(row) && row.length === 3 && typeof row[0] === 'string' && states.has(row[1]) && Array.isArray(row[2]) && row[2].every((n) => typeof n === 'number')
}
function parseEntry(data: unknown): HistoryEntry {
  const entry = headerSchema.parse(data)
  if (!entry.tests.every(isRow)) throw new z.ZodError([{ code: 'custom', path: ['tests'], message: 'not [key, state, scores] rows', input: entry.tests }])
  return entry as HistoryEntry
}

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

/** A test's identity across runs: its file and titles. */
export function testKey(file: string, titles: readonly string[]): string {
  return [file, ...titles].join(' › ')
}

/** The history entry for a run. */
export function historyEntry(results: Results): HistoryEntry {
  const tests = results.files.flatMap((f) =>
    f.tests.map((t): HistoryEntry['tests'][number] => [testKey(f.path, t.titles), t.state, t.assertions.flatMap((a) => (a.judge?.score === undefined ? [] : [a.judge.score]))]),
  )
  return { schema: 'assay-history', version: HISTORY_VERSION, run: results.run, totals: results.totals, tests }
}

/**
 * Each current test's outcomes over the history, oldest first, one letter per run it ran
 * in (p passed, f failed, s skipped, t todo); tests with no earlier run are left out.
 */
export function testTrends(history: readonly HistoryEntry[]): Record<string, string> {
  const trends: Record<string, string> = {}
  for (const entry of history) for (const [key, state] of entry.tests) trends[key] = (trends[key] ?? '') + state[0]
  return trends
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
      read.entries.push(parseEntry(JSON.parse(fs.read(file) ?? 'null')))
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
