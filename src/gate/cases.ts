// What `assay gate` compares: each run reduced to its cases, keyed so that the same case
// of two runs pairs up. A dataset case is its file, dataset, case id and, when the eval
// compares prompt versions, the version it ran with; a plain test is
// its file and titles, and all plain tests form one group, "tests". Skipped and todo tests
// are not cases. Both a results.json and a history entry (or a saved reference, which is
// one) reduce to the same cases.
import { testKey, type HistoryEntry } from '../report/history.js'
import { versionName } from '../prompts/order.js'
import type { EvalCaseResult, Results, TestResult } from '../report/schema.js'

/** One case of a run, as the gate compares it. */
export interface GateCase {
  /** The case's identity across runs. */
  key: string
  /** The group it is compared in: see {@link groupOf}. */
  group: string
  /** The test file that holds it. */
  file: string
  /** How lists name it. */
  label: string
  /** Trials run, 1 for a plain test. */
  trials: number
  /** Trials passed; for a plain test 1 when it passed. */
  passed: number
  /** Mean judge score over the trials (or the test's judged assertions) that have one. */
  score?: number
}

/** The group of the plain tests. */
export const PLAIN_GROUP = 'tests'

/** How a prompt version is named in keys and tables: `summarizer@v2`. */

/**
 * A dataset's group: its name (and the prompt version its cases ran with), with its file
 * when two files declare datasets of that name (see {@link groupNames}).
 */
export const groupOf = (file: string, dataset: string, version?: string) => JSON.stringify(version === undefined ? [file, dataset] : [file, dataset, version])

/** How the table names each group: the dataset's name (`name summarizer@v2` for a version), or `name (file)` where names repeat. */
export function groupNames(groups: Iterable<string>): Map<string, string> {
  const parsed = [...new Set(groups)].map((g) => [g, g === PLAIN_GROUP ? undefined : (JSON.parse(g) as [string, string, string?])] as const)
  const counts = new Map<string, Set<string>>()
  for (const [, p] of parsed) if (p) counts.set(p[1], (counts.get(p[1]) ?? new Set()).add(p[0]))
  const name = (p: [string, string, string?]) => `${p[1]}${p[2] === undefined ? '' : ` ${p[2]}`}${(counts.get(p[1])?.size ?? 0) > 1 ? ` (${p[0]})` : ''}`
  return new Map(parsed.map(([g, p]) => [g, p === undefined ? 'tests (plain)' : name(p)]))
}

const caseKey = (file: string, dataset: string, id: string, version?: string) => JSON.stringify(version === undefined ? ['case', file, dataset, id] : ['case', file, dataset, id, version])
const plainKey = (key: string) => JSON.stringify(['test', key])
const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : undefined)
const withScore = (score: number | undefined) => (score === undefined ? {} : { score })

/** A dataset case's trials, passed trials and mean score, as the gate counts them. */
export function caseFigures(t: TestResult, e: EvalCaseResult): Pick<GateCase, 'trials' | 'passed' | 'score'> {
  // A case whose task failed before any trial ran still counts, as one failed trial.
  const trials = e.trials.length || 1
  const passed = e.trials.length ? e.trials.filter((x) => x.pass).length : t.state === 'passed' ? 1 : 0
  return { trials, passed, ...withScore(mean(e.trials.flatMap((x) => (x.score === undefined ? [] : [x.score])))) }
}

/** The cases of a results.json. */
export function casesFromResults(results: Results): GateCase[] {
  const cases: GateCase[] = []
  for (const f of results.files) {
    for (const t of f.tests) {
      if (t.state === 'skipped' || t.state === 'todo') continue
      if (t.eval) {
        const e = t.eval
        const version = e.prompt && versionName(e.prompt)
        cases.push({ key: caseKey(f.path, e.dataset, e.id, version), group: groupOf(f.path, e.dataset, version), file: f.path, label: `${e.dataset}${version ? ` ${version}` : ''} #${e.id}`, ...caseFigures(t, e) })
        continue
      }
      const key = testKey(f.path, t.titles)
      const score = mean(t.assertions.flatMap((a) => (a.judge?.score === undefined ? [] : [a.judge.score])))
      cases.push({ key: plainKey(key), group: PLAIN_GROUP, file: f.path, label: key, trials: 1, passed: t.state === 'passed' ? 1 : 0, ...withScore(score) })
    }
  }
  return cases
}

/** The cases of a history entry or a saved reference. */
export function casesFromHistory(entry: HistoryEntry): GateCase[] {
  const evals = new Map((entry.evals ?? []).map((row) => [row[0], row]))
  const cases: GateCase[] = []
  for (const [key, state, scores] of entry.tests) {
    if (state === 'skipped' || state === 'todo') continue
    const row = evals.get(key)
    if (row) {
      const [, file, dataset, id, trials, passed, score, version] = row
      cases.push({ key: caseKey(file, dataset, id, version), group: groupOf(file, dataset, version), file, label: `${dataset}${version ? ` ${version}` : ''} #${id}`, trials, passed, ...withScore(score ?? undefined) })
      continue
    }
    cases.push({ key: plainKey(key), group: PLAIN_GROUP, file: key.split(' › ')[0]!, label: key, trials: 1, passed: state === 'passed' ? 1 : 0, ...withScore(mean(scores)) })
  }
  return cases
}

/** A run that ran only some of the suite's tests: filtered (`-t`, `.only`…) or partial (fewer files than the last full run). */
const narrowed = (e: HistoryEntry) => e.run.filtered !== undefined || e.run.partialOf !== undefined

/**
 * The run a run is compared with by default: the newest in `history` started before it
 * (the history holds the run itself too once its reporter wrote it) that was neither
 * filtered nor partial: a run of a few cases picked by a name pattern or a file would
 * otherwise be all a later full run is paired with.
 */
export function previousRun(history: readonly HistoryEntry[], startedAt: string): HistoryEntry | undefined {
  return history.filter((e) => e.run.startedAt < startedAt && !narrowed(e)).at(-1)
}

/** The filtered and partial runs in `history` newer than the one {@link previousRun} picks, which it passed over. */
export function narrowedSince(history: readonly HistoryEntry[], startedAt: string, previous: HistoryEntry | undefined): number {
  return history.filter((e) => e.run.startedAt < startedAt && narrowed(e) && (!previous || e.run.startedAt > previous.run.startedAt)).length
}

/** A budget gate (cost or latency) of a dataset that the run failed. */
export interface BudgetBreach {
  dataset: string
  file: string
  gate: 'maxCost' | 'p95LatencyMs'
  message: string
}

/** The budget gates the run failed: these fail the gate whatever the comparison says. */
export function budgetBreaches(results: Results): BudgetBreach[] {
  return (results.datasets ?? []).flatMap((d) =>
    d.gates.flatMap((g) => ((g.name === 'maxCost' || g.name === 'p95LatencyMs') && !g.pass ? [{ dataset: d.prompt ? `${d.name} ${versionName(d.prompt)}` : d.name, file: d.file, gate: g.name, message: g.message }] : [])),
  )
}

/** What of the checked run, besides its cases, the comparison weighs: its breached budgets, its test files with errors, and which files it was expected to cover. */
export function runFacts(results: Results): { budgets: BudgetBreach[]; fileErrors: { file: string; error: string }[]; inScope: (file: string) => boolean } {
  // A partial run covers some files by design: the datasets of the others are not expected.
  const scope = new Set(results.run.scope ?? results.files.map((f) => f.path))
  return {
    budgets: budgetBreaches(results),
    fileErrors: results.files.flatMap((f) => (f.errors.length ? [{ file: f.path, error: f.errors[0]! }] : [])),
    inScope: results.run.partialOf === undefined ? () => true : (file) => scope.has(file),
  }
}
