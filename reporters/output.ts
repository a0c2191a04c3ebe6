// What both reporters do once they hold results.json: write it, add the run to the
// history, render index.html, print the terminal summary and, on GitHub Actions, write
// the step summary and the `::error` annotations.
import { appendFileSync, existsSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { join, relative, resolve } from 'node:path'
import { z } from 'zod'
import { AssayUsageError } from '../src/errors.js'
import { appendHistory, partialOf, readHistory, type HistoryRead } from '../src/report/history.js'
import type { Results } from '../src/report/schema.js'
import { holdsSecrets, redact, redactDeep } from '../src/secrets.js'
import { githubAnnotations, githubStepSummary, terminalSummary } from '../src/report/summary.js'
import { nodeFileSystem, StoreWriteError } from '../src/store/file.js'
import { renderHtml } from './html/render.js'

const optionsSchema = z.strictObject({
  outputDir: z.string().min(1).optional(),
  history: z.union([z.number().int().min(0), z.literal(false)]).optional(),
  html: z.boolean().optional(),
  summary: z.boolean().optional(),
  progress: z.boolean().optional(),
})

/** Options of both reporters, `assay/reporter` (Vitest) and `assay/reporter/jest`. */
export interface ReporterOptions {
  /**
   * Where results.json, index.html and history/ go, relative to the project root.
   * ASSAY_REPORT_DIR overrides it.
   * @default 'assay-report'
   */
  outputDir?: string
  /**
   * How many runs the history keeps for the trend charts; `0` or `false` keeps none.
   * @default 50
   */
  history?: number | false
  /** Write index.html. @default true */
  html?: boolean
  /** Print the summary block after the run. @default true */
  summary?: boolean
  /**
   * Show the progress of dataset evals in runs longer than 3 s (`ASSAY_PROGRESS=0` also turns it off).
   * @default true
   */
  progress?: boolean
}

/** Checks reporter options, with a usage error that names the bad option. */
export function parseReporterOptions(options: unknown): ReporterOptions {
  const parsed = optionsSchema.safeParse(options ?? {})
  if (parsed.success) return parsed.data
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`).join('; ')
  throw new AssayUsageError('assay reporter', `invalid options (${issues}).\nExpected { outputDir?: string, history?: number | false, html?: boolean, summary?: boolean, progress?: boolean }, e.g. { outputDir: 'reports/assay', history: 20 }.`)
}

/** Where the report of a project goes. */
export function reportDir(root: string, options: ReporterOptions): string {
  return resolve(root, process.env.ASSAY_REPORT_DIR || options.outputDir || 'assay-report')
}

/** A history entry's id: its write time, then random digits (see `NAME` in history.ts). */
function historyId(): string {
  return Date.now().toString(16).padStart(12, '0') + randomBytes(2).toString('hex')
}

/** Which files a report wrote. */
export interface WrittenReport {
  /** Where results.json and index.html went: the report folder, or its `partial/` for a partial run. */
  dir: string
  results: string
  html: string | undefined
}

/**
 * Writes every output of a run and returns where they are, with known secrets redacted from
 * all of them. `base` is the report folder, by default the one the options and
 * ASSAY_REPORT_DIR name (`assay merge` passes its `--out`).
 */
export function writeReport(results: Results, root: string, options: ReporterOptions, log: (text: string) => void = console.log, base = reportDir(root, options)): WrittenReport {
  try {
    return writeOutputs(results, root, base, options, log)
  } catch (e) {
    // A report that could not be written (a full disk…) fails the run, and says that it is
    // the report, not a test, that failed.
    if (!(e instanceof StoreWriteError)) throw e
    throw new Error(`assay could not write its report, so the run fails although the tests finished (their outcome is above).\n${e.message}`, { cause: e })
  }
}

function writeOutputs(raw: Results, root: string, base: string, options: ReporterOptions, log: (text: string) => void): WrittenReport {
  const say = (text: string) => log(redact(text))
  const fs = nodeFileSystem()
  const retain = options.history === false ? 0 : (options.history ?? 50)
  const historyDir = join(base, 'history')
  const history: HistoryRead = retain > 0 ? readHistory(fs, historyDir) : { entries: [], unreadable: [] }
  for (const u of history.unreadable) say(`assay: skipped unreadable history file ${u.file} (${u.problem}); delete it if it is not needed`)
  // A shard covers some of the files by design; its report goes where CI collects it.
  const partial = raw.run.shard ? undefined : partialOf(history.entries, raw.run.scope ?? raw.files.map((f) => f.path), (f) => existsSync(resolve(root, f)))
  if (partial !== undefined) raw.run.partialOf = partial
  const dir = partial === undefined ? base : join(base, 'partial')

  // Records were redacted in the workers; the runner's own errors (an SDK error quoting a
  // key an endpoint echoed) and test titles were not. One scan of the JSON written anyway
  // decides whether the results need the (slower) walk.
  let json = `${JSON.stringify(raw, null, 2)}\n`
  let results = raw
  if (holdsSecrets(json)) {
    results = redactDeep(raw)
    json = `${JSON.stringify(results, null, 2)}\n`
  }
  const resultsPath = join(dir, 'results.json')
  fs.writeAtomic(resultsPath, json)
  let entries = history.entries
  if (retain > 0) {
    entries = [...entries, appendHistory(fs, historyDir, results, retain, historyId())].slice(-retain)
  }

  let html: string | undefined
  const shown = (path: string) => relative(process.cwd(), path) || path
  if (options.html !== false) {
    html = join(dir, 'index.html')
    fs.writeAtomic(html, redact(renderHtml(results, entries, { root, page: dir, ...(partial === undefined ? {} : { fullReport: join(base, 'index.html') }) })))
  }

  if (options.summary !== false) {
    const where = shown(html ?? resultsPath)
    const block = terminalSummary(results, partial === undefined ? where : `${where} (partial run: ${results.files.length} of ${partial} files; the full run's report stays in ${shown(base)})`)
    if (block) say(block)
  }
  if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, redact(githubStepSummary(results)))
  if (process.env.GITHUB_ACTIONS === 'true' || process.env.GITHUB_STEP_SUMMARY) for (const line of githubAnnotations(results)) say(line)
  return { dir, results: resultsPath, html }
}
