// `npx assay gate`: compares a run's results.json with a reference (the previous run in
// the history, or a reference file `--save` wrote) over the cases both have, and exits
// 0 when nothing got significantly worse, 1 on a regression or a breached budget, 2 on a
// usage error. Everything it reads and writes goes through `io`, so tests run it in-process.
import { appendFileSync, readFileSync } from 'node:fs'
import { basename, dirname, join, relative, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { z } from 'zod'
import { casesFromHistory, casesFromResults, narrowedSince, previousRun, runFacts, type GateCase } from '../gate/cases.js'
import { compareRuns } from '../gate/compare.js'
import { caseLists, changeText, gateMarkdown, gateRows, gateText, method } from '../gate/render.js'
import { entryProblems, problemList, resultsProblems } from '../gate/valid.js'
import { compareVersions, stepLines, versionVerdict } from '../gate/versions.js'
import { compareVersions as versionOrder, versionName } from '../prompts/order.js'
import { historyEntry, parseEntry, readHistory, type HistoryEntry } from '../report/history.js'
import { parseResults, type Results } from '../report/schema.js'
import { nodeFileSystem } from '../store/file.js'

/** Where the gate reads and writes, and its environment. */
export interface GateIo {
  cwd: string
  env: Record<string, string | undefined>
  stdout: { write(text: string): unknown }
  stderr: { write(text: string): unknown }
}

/** The help of `assay gate`. */
export const GATE_USAGE = `Usage: assay gate [--results FILE] [--against previous | FILE] [--alpha 0.05]
       assay gate --save FILE [--results FILE]
       assay gate --versions [--results FILE] [--alpha 0.05]

Compares a run with a reference over the cases both have: each dataset's pass rate
(exact McNemar with one trial per case, Wilcoxon signed-rank on per-case pass rates with
several) and mean judge score (Wilcoxon signed-rank), one-sided in the direction of the
change, Holm-adjusted over all tests. Plain tests (no dataset) are compared as one group,
"tests (plain)".

Options:
  --results FILE        The run to check. Default: assay-report/results.json (or
                        results.json in $ASSAY_REPORT_DIR when set)
  --against previous    Compare with the newest run before it in the report's history
                        that was neither filtered (-t…) nor partial (default).
  --against FILE        Compare with a reference file (from --save) or another results.json.
  --alpha N             Significance level, between 0 and 1. Default: 0.05
  --save FILE           Write the run's cases as a reference file to commit, and exit.
  --versions            Compare prompt versions within the run instead: each dataset
                        run with several versions of its prompt (describeEval's prompts
                        option), each version against the next newer one (natural order:
                        v2 < v2.1 < v10), over the case ids both ran; says whether the
                        newer one is better, worse, or no significant change.
  -h, --help            Print this message.

Exit codes:
  0  no significant drop and no breached budget ("no significant change", or improved);
     with --versions: no newer version significantly worse
  1  a significant drop in a dataset's pass rate or mean score, a breached cost or
     latency budget, a dataset of the reference that did not run, or a test file of the
     run with errors; with --versions: a newer version significantly worse
  2  a usage error: a bad option, a missing or unreadable file, no previous run, no
     cases in common, or a file holding figures no run produces (0 trials, a negative
     cost…); with --versions: no dataset ran two versions of a prompt

Documentation: "Comparing runs: assay gate" in assay's README.`

class UsageError extends Error {}

function readJson(path: string, what: string): unknown {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw new UsageError(`cannot read ${what} ${path}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}.`)
  }
  try {
    return JSON.parse(text)
  } catch (e) {
    throw new UsageError(`${what} ${path} is not JSON (${(e as Error).message}).`)
  }
}

function results(path: string, what: string): Results {
  const data = readJson(path, what)
  let parsed: Results
  try {
    parsed = parseResults(JSON.stringify(data))
  } catch (e) {
    const why = e instanceof z.ZodError ? e.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ') : (e as Error).message
    throw new UsageError(`${what} ${path} is not an assay results.json: ${why}.`)
  }
  const problems = resultsProblems(parsed)
  if (problems.length) throw new UsageError(`${what} ${path} holds figures no run produces: ${problemList(problems)}. Was it edited? Compare runs the reporters wrote.`)
  return parsed
}

function checkedEntry(entry: HistoryEntry, what: string): HistoryEntry {
  const problems = entryProblems(entry)
  if (problems.length) throw new UsageError(`${what} holds figures no run produces: ${problemList(problems)}. Was it edited? Write a reference again with: npx assay gate --save FILE`)
  return entry
}

interface Reference {
  cases: GateCase[]
  label: string
}

function referenceFile(path: string, shown: string): Reference {
  const data = readJson(path, 'the reference') as { schema?: unknown }
  if (data?.schema === 'assay-results') {
    const r = results(path, 'the reference')
    return { cases: casesFromResults(r), label: `${shown} (run of ${r.run.startedAt})` }
  }
  let entry: HistoryEntry
  try {
    entry = parseEntry(data)
  } catch {
    throw new UsageError(`the reference ${path} is neither a reference written by \`assay gate --save\` nor a results.json (of this version). Write one with: npx assay gate --save ${shown}`)
  }
  checkedEntry(entry, `the reference ${path}`)
  return { cases: casesFromHistory(entry), label: `${shown} (run of ${entry.run.startedAt})` }
}

function previousReference(resultsPath: string, current: Results, io: GateIo): Reference {
  // A partial run's results.json sits in the report's partial/ folder; the history is the report's.
  const folder = dirname(resultsPath)
  const dir = join(basename(folder) === 'partial' ? dirname(folder) : folder, 'history')
  const read = readHistory(nodeFileSystem(), dir)
  for (const u of read.unreadable) io.stderr.write(`assay gate: skipped unreadable history file ${u.file} (${u.problem})\n`)
  const previous = previousRun(read.entries, current.run.startedAt)
  const skipped = narrowedSince(read.entries, current.run.startedAt, previous)
  const passedOver = skipped ? `, passing over ${skipped} newer filtered or partial ${skipped === 1 ? 'run' : 'runs'}` : ''
  if (!previous) {
    throw new UsageError(
      `no unfiltered run before ${current.run.startedAt} in the history ${dir} (${read.entries.length} ${read.entries.length === 1 ? 'run' : 'runs'} there${passedOver}; a run filtered by a test name pattern, or over fewer files than the last full run, is no reference). Keep the report folder between runs (its history/ holds the previous run), or compare with a saved reference: npx assay gate --against FILE, written by npx assay gate --save FILE.`,
    )
  }
  checkedEntry(previous, `the previous run (${previous.run.startedAt}) in the history ${dir}`)
  return { cases: casesFromHistory(previous), label: `the previous run (${previous.run.startedAt}${passedOver})` }
}

function parseAlpha(text: string | undefined): number {
  if (text === undefined) return 0.05
  const alpha = Number(text)
  if (!(alpha > 0 && alpha < 1)) throw new UsageError(`--alpha must be a number between 0 and 1, e.g. 0.05, but got "${text}".`)
  return alpha
}

async function run(argv: string[], io: GateIo): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({ args: argv, strict: true, allowPositionals: false, options: { results: { type: 'string' }, against: { type: 'string' }, alpha: { type: 'string' }, save: { type: 'string' }, versions: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } })
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n\n${GATE_USAGE}`)
  }
  const o = parsed.values
  if (o.help) {
    io.stdout.write(`${GATE_USAGE}\n`)
    return 0
  }
  const shown = (path: string) => relative(io.cwd, path) || path
  // The reporters' own override of the report folder is honoured, so one setting moves both.
  const resultsPath = resolve(io.cwd, o.results ?? join(io.env.ASSAY_REPORT_DIR || 'assay-report', 'results.json'))
  if (o.save !== undefined && (o.against !== undefined || o.alpha !== undefined)) throw new UsageError('--save writes a reference and compares nothing: use it without --against and --alpha.')
  if (o.versions && (o.save !== undefined || o.against !== undefined)) throw new UsageError('--versions compares the prompt versions within one run: use it without --against and --save.')
  const alpha = parseAlpha(o.alpha)
  const current = results(resultsPath, 'the results')
  if (o.versions) return versions(current, `${shown(resultsPath)} (run of ${current.run.startedAt})`, alpha, io)
  if (o.save !== undefined) {
    const target = resolve(io.cwd, o.save)
    try {
      nodeFileSystem().writeAtomic(target, `${JSON.stringify(historyEntry(current))}\n`)
    } catch (e) {
      throw new UsageError(`cannot write the reference ${target}: ${(e as Error).message}`)
    }
    // Not refused (a reference of one dataset is a fair choice), but said: later runs are judged on these cases only.
    const narrowed = current.run.filtered ? `filtered (${current.run.filtered.join('; ')})` : current.run.partialOf !== undefined ? `partial (${current.files.length} of ${current.run.partialOf} files)` : undefined
    if (narrowed) io.stderr.write(`assay gate: warning: the run is ${narrowed}: the reference holds only the cases it ran, and later runs are compared over those alone.\n`)
    io.stdout.write(`assay gate: saved the ${casesFromResults(current).length} cases of ${shown(resultsPath)} as the reference ${shown(target)}. Commit it, and compare later runs with: npx assay gate --against ${shown(target)}\n`)
    return 0
  }
  const reference = o.against === undefined || o.against === 'previous' ? previousReference(resultsPath, current, io) : referenceFile(resolve(io.cwd, o.against), o.against)
  const comparison = compareRuns(reference.cases, casesFromResults(current), { alpha, ...runFacts(current) })
  // No case in common is two different suites, unless test files of the run failed: then its datasets did not run, which is a verdict.
  if (comparison.paired === 0 && !comparison.fileErrors.length) {
    throw new UsageError(`${shown(resultsPath)} and ${reference.label} have no cases in common (${comparison.added} in the run, ${comparison.removed} in the reference), so there is nothing to compare. Compare runs of the same suite.`)
  }
  const notes = current.run.filtered ? [`The checked run was filtered (${current.run.filtered.join('; ')}): only the cases it ran are compared, and a dataset of the reference it did not run fails the gate.`] : []
  const sides = { current: `${shown(resultsPath)} (run of ${current.run.startedAt})`, reference: reference.label, notes }
  io.stdout.write(gateText(comparison, sides))
  const summary = io.env.GITHUB_STEP_SUMMARY
  if (summary) {
    // The summary is a copy of what was printed: failing to write it changes no verdict.
    try {
      appendFileSync(summary, gateMarkdown(comparison, sides))
    } catch (e) {
      io.stderr.write(`assay gate: warning: could not write the step summary to GITHUB_STEP_SUMMARY=${summary} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); the verdict above stands.\n`)
    }
  }
  return comparison.outcome === 'fail' ? 1 : 0
}

function versions(current: Results, shown: string, alpha: number, io: GateIo): number {
  const found = compareVersions(current, versionOrder, { alpha })
  const c = found.comparison
  if (found.steps.length === 0) {
    const single = found.single.map((d) => `"${d.dataset}" ran only ${versionName(d.prompt)}`)
    throw new UsageError(
      `${shown} has no dataset run with two or more versions of a prompt${single.length ? ` (${single.join('; ')})` : ''}, so there are no versions to compare. Declare them with describeEval's prompts option, e.g. prompts: { summarizer: ['v1', 'v2'] }.`,
    )
  }
  if (c.paired === 0) throw new UsageError(`${shown}: the versions of each prompt ran no case ids in common, so there is nothing to compare. Run every version over the same dataset.`)
  const table = gateRows(c).map((row, i) => (i === 0 ? row : row.map((x, j) => (j === row.length - 1 ? (x === 'no common cases' ? x : versionVerdict(x as 'regressed')) : x))))
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)))
  const lines = [`assay gate --versions: ${shown}, each prompt version against the next newer one`, method(c), '', ...table.map((r) => r.map((x, i) => x.padEnd(widths[i]!)).join('  ').trimEnd()), '', ...stepLines(found)]
  for (const g of c.groups) {
    for (const [title, list] of caseLists(g)) {
      if (list.length) lines.push('', `${title === 'Regressed' ? 'Worse' : title === 'Improved' ? 'Better' : title} in ${g.name} (${list.length}):`, ...list.slice(0, 20).map((x) => `  ${x.label}: ${changeText(x)}`), ...(list.length > 20 ? [`  … and ${list.length - 20} more`] : []))
    }
  }
  const worse = found.steps.filter((s) => c.groups.find((g) => g.group === s.group)!.verdict === 'regressed')
  lines.push('', `assay gate: ${worse.length ? `FAIL: newer version significantly worse: ${worse.map((s) => `${s.dataset} ${s.prompt} ${s.older.version} → ${s.newer.version}`).join('; ')}` : 'PASS: no newer version is significantly worse'}`)
  io.stdout.write(`${lines.join('\n')}\n`)
  if (io.env.GITHUB_STEP_SUMMARY) appendFileSync(io.env.GITHUB_STEP_SUMMARY, gateMarkdown(c, { current: `${shown}: newer prompt versions`, reference: 'the version before each' }))
  return c.outcome === 'fail' ? 1 : 0
}

/**
 * Runs `assay gate` with `argv` (the arguments after `gate`); resolves to the exit code.
 *
 * @example
 * ```ts
 * const code = await main(['--against', 'previous'], { cwd: process.cwd(), env: process.env, stdout: process.stdout, stderr: process.stderr })
 * process.exitCode = code
 * ```
 */
export async function main(argv: string[], io: GateIo): Promise<number> {
  try {
    return await run(argv, io)
  } catch (e) {
    if (!(e instanceof UsageError)) throw e
    io.stderr.write(`assay gate: ${e.message}\n`)
    return 2
  }
}
