// The run history behind the report's trend charts and per-test trends: one JSON file per
// run in `<report folder>/history/` (its totals and each test's outcome and judge scores),
// named so that names sort by start time. Only the newest
// `retain` runs are kept. A file that cannot be read is skipped with a warning and left
// in place: history is never rewritten, only added to and trimmed.
import { readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { versionName } from '../prompts/order.js'
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
  /** Each test file's source hash in that run (see `FileResult.hash`); absent in older entries. */
  hashes: z.record(z.string(), z.string()).optional(),
  /**
   * Each dataset case's outcome, present when the run had any: its test key, file,
   * dataset, case id, trials, passed trials and mean judge score (null without one), and
   * for a case run with a prompt version, that version (`summarizer@v2`).
   * What `assay gate --against previous` pairs runs by. Absent in older entries.
   */
  evals: z.array(z.tuple([z.string(), z.string(), z.string(), z.string(), z.number().int().min(0), z.number().int().min(0), z.number().nullable()]).rest(z.string())).optional(),
})

// zod checks the header and totals; the per-test rows (5,000 × 50 runs in a big suite)
// are checked by this loop, which is a few times faster than a zod tuple schema.
const headerSchema = entrySchema.extend({ tests: z.array(z.unknown()), evals: z.array(z.unknown()).optional() })
const states = new Set<unknown>(STATES)
function isRow(row: unknown): boolean {
  return Array.isArray(row) && row.length === 3 && typeof row[0] === 'string' && states.has(row[1]) && Array.isArray(row[2]) && row[2].every((n) => typeof n === 'number')
}
const isCount = (n: unknown) => Number.isInteger(n) && (n as number) >= 0
function isEvalRow(row: unknown): boolean {
  return Array.isArray(row) && (row.length === 7 || (row.length === 8 && typeof row[7] === 'string')) && row.slice(0, 4).every((v) => typeof v === 'string') && isCount(row[4]) && isCount(row[5]) && (row[6] === null || typeof row[6] === 'number')
}
/** Checks a parsed history entry (or a reference `assay gate --save` wrote); throws a ZodError when it is not one. */
export function parseEntry(data: unknown): HistoryEntry {
  const entry = headerSchema.parse(data)
  if (!entry.tests.every(isRow)) throw new z.ZodError([{ code: 'custom', path: ['tests'], message: 'not [key, state, scores] rows', input: entry.tests }])
  if (entry.evals && !entry.evals.every(isEvalRow)) throw new z.ZodError([{ code: 'custom', path: ['evals'], message: 'not [key, file, dataset, id, trials, passed, score, version?] rows', input: entry.evals }])
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

// The id after the start time: 8 hex digits in older files; now the write time in ms (12 hex
// digits) and 4 random ones, so that runs with the same start (merges of one run's shards)
// sort in the order they were written.
const NAME = /^run-[0-9TZ-]+-(?:[0-9a-f]{8}|[0-9a-f]{16})\.json$/

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
  const hashes: Record<string, string> = {}
  for (const f of results.files) if (f.hash !== undefined) hashes[f.path] = f.hash
  const evals = results.files.flatMap((f) =>
    f.tests.flatMap((t): NonNullable<HistoryEntry['evals']> => {
      if (!t.eval) return []
      const scores = t.eval.trials.flatMap((x) => (x.score === undefined ? [] : [x.score]))
      // A case whose task failed before any trial ran counts as one trial, passed as its test.
      const trials = t.eval.trials.length || 1
      const passed = t.eval.trials.length ? t.eval.trials.filter((x) => x.pass).length : Number(t.state === 'passed')
      const row: NonNullable<HistoryEntry['evals']>[number] = [testKey(f.path, t.titles), f.path, t.eval.dataset, t.eval.id, trials, passed, scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : null]
      // The version's name, as the gate keys it.
      if (t.eval.prompt) row.push(versionName(t.eval.prompt))
      return [row]
    }),
  )
  return { schema: 'assay-history', version: HISTORY_VERSION, run: results.run, totals: results.totals, tests, hashes, ...(evals.length ? { evals } : {}) }
}

/**
 * Each test's outcomes over the history, oldest first: one letter per run it ran in (p
 * passed, f failed, s skipped, t todo), with a `|` where its test file's source changed
 * between two of those runs. `files` maps each test key to its file; tests not in it are
 * left out.
 */
export function testTrends(history: readonly HistoryEntry[], files?: ReadonlyMap<string, string>): Record<string, string> {
  const trends: Record<string, string> = {}
  const last = new Map<string, string>()
  for (const entry of history) {
    for (const [key, state] of entry.tests) {
      const file = files ? files.get(key) : undefined
      if (files && file === undefined) continue
      const hash = file === undefined ? undefined : entry.hashes?.[file]
      const before = last.get(key)
      // An entry without hashes (written before they were kept) is taken as unchanged.
      const changed = hash !== undefined && before !== undefined && before !== hash
      if (hash !== undefined) last.set(key, hash)
      trends[key] = (trends[key] ?? '') + (changed ? '|' : '') + state[0]
    }
  }
  return trends
}

/**
 * How often a test's outcome flipped since its inputs last changed, from its trend (see
 * {@link testTrends}): skipped and todo runs are ignored, runs before the last `|` too.
 * A test is flaky when this is 2 or more: pass-fail-pass and fail-pass-fail are flaky; a
 * test that failed and was then fixed (one flip) is not.
 */
export function outcomeFlips(trend: string): number {
  const since = trend.slice(trend.lastIndexOf('|') + 1).replace(/[st]/g, '')
  let flips = 0
  for (let i = 1; i < since.length; i++) if (since[i] !== since[i - 1]) flips++
  return flips
}

/** A run's files: its recorded scope, or for entries written before scopes were, the files of its tests. */
export function scopeOf(run: { run: { scope?: string[] | undefined }; tests?: readonly (readonly [string, ...unknown[]])[] }): string[] {
  if (run.run.scope) return run.run.scope
  return [...new Set((run.tests ?? []).map(([key]) => key.split(' › ')[0]!))].sort()
}

const sameFiles = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i])

/** The runs that covered exactly the same test files as `scope`: the ones a trend chart may compare. */
export function comparableRuns(history: readonly HistoryEntry[], scope: readonly string[]): HistoryEntry[] {
  return history.filter((e) => sameFiles(scopeOf(e), scope))
}

/**
 * Whether a run over `scope` is partial: its files are a strict subset of the files of the
 * last full run in `history` that still exist. Returns that run's number of such files, or
 * undefined for a full run. A run is full when it is the first, or not partial itself; a
 * shard (`run.shard`) covers some of the files by design, so it is never the full run
 * others are measured against (the merge of its shards is).
 */
export function partialOf(history: readonly HistoryEntry[], scope: readonly string[], exists: (file: string) => boolean = () => true): number | undefined {
  let full: string[] | undefined
  for (let i = history.length - 1; i >= 0 && !full; i--) if (history[i]!.run.partialOf === undefined && history[i]!.run.shard === undefined) full = scopeOf(history[i]!)
  if (!full) return undefined
  const reference = full.filter(exists)
  const inside = new Set(reference)
  return scope.length < reference.length && scope.every((f) => inside.has(f)) ? reference.length : undefined
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
 * runs started in the same millisecond apart. Returns the entry written.
 */
export function appendHistory(fs: StoreFileSystem, dir: string, results: Results, retain: number, id: string): HistoryEntry {
  const entry = historyEntry(results)
  fs.writeAtomic(join(dir, fileName(results, id)), `${JSON.stringify(entry)}\n`)
  const names = readdirSync(dir).filter((n) => NAME.test(n)).sort()
  for (const name of names.slice(0, Math.max(0, names.length - retain))) rmSync(join(dir, name), { force: true })
  return entry
}
