// Figures no run can produce, which the format checks (types, whole numbers) let through:
// a case of 0 trials or more passed trials than trials, a negative cost or latency, a
// score that is not a finite number. Read as they are, they turn into NaN rates that test
// as "no change", or budgets that any spend fits; so `assay gate` refuses such a
// reference or run, and `assay merge` such a shard, naming the field.
import type { HistoryEntry } from '../report/history.js'
import type { Results } from '../report/schema.js'

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x)
const shown = (x: unknown) => (typeof x === 'number' ? String(x) : JSON.stringify(x) ?? String(x))

/** Checks one figure; returns the problem, or undefined. */
function check(path: string, value: unknown, rule: 'count' | 'atLeast1' | 'nonNegative' | 'finite'): string | undefined {
  if (rule === 'count' || rule === 'atLeast1') {
    const min = rule === 'count' ? 0 : 1
    if (!Number.isInteger(value) || (value as number) < min) return `${path} is ${shown(value)}, but must be a whole number of at least ${min}`
    return undefined
  }
  if (!finite(value)) return `${path} is ${shown(value)}, but must be a finite number`
  if (rule === 'nonNegative' && value < 0) return `${path} is ${shown(value)}, but cannot be negative`
  return undefined
}

const collect = (...problems: (string | undefined)[]) => problems.filter((p): p is string => p !== undefined)

/**
 * The impossible figures of a history entry or a saved reference, each as
 * `field is value, but …`; empty when there are none.
 */
export function entryProblems(entry: HistoryEntry): string[] {
  const problems: string[] = []
  entry.tests.forEach(([key, , scores], i) => scores.forEach((x, k) => problems.push(...collect(check(`tests[${i}] (${key}) score ${k}`, x, 'finite')))))
  ;(entry.evals ?? []).forEach(([, , dataset, id, trials, passed, score], i) => {
    const at = `evals[${i}] (${dataset} #${id})`
    problems.push(...collect(check(`${at} trials`, trials, 'atLeast1'), check(`${at} passed`, passed, 'count'), score === null ? undefined : check(`${at} score`, score, 'finite')))
    if (Number.isInteger(passed) && Number.isInteger(trials) && passed > trials) problems.push(`${at} passed is ${passed}, but cannot exceed its trials (${trials})`)
  })
  return problems
}

/**
 * The impossible figures of a results.json (one the schema accepts): negative costs and
 * latencies of trials, LLM calls and judge verdicts, and datasets with more passed
 * trials than trials or negative budgets' figures.
 */
export function resultsProblems(results: Results): string[] {
  const problems: string[] = []
  results.files.forEach((f, i) =>
    f.tests.forEach((t, j) => {
      const at = `files[${i}].tests[${j}]`
      t.eval?.trials.forEach((x, k) => problems.push(...collect(check(`${at}.eval.trials[${k}].cost`, x.cost, 'nonNegative'), check(`${at}.eval.trials[${k}].latencyMs`, x.latencyMs, 'nonNegative'))))
      t.llmCalls.forEach((c, k) => problems.push(...collect(c.cost === null ? undefined : check(`${at}.llmCalls[${k}].cost`, c.cost, 'nonNegative'), check(`${at}.llmCalls[${k}].latencyMs`, c.latencyMs, 'nonNegative'))))
      t.assertions.forEach((a, k) => {
        if (a.judge) problems.push(...collect(a.judge.cost === null ? undefined : check(`${at}.assertions[${k}].judge.cost`, a.judge.cost, 'nonNegative'), check(`${at}.assertions[${k}].judge.latencyMs`, a.judge.latencyMs, 'nonNegative')))
      })
    }),
  )
  ;(results.datasets ?? []).forEach((d, i) => {
    const at = `datasets[${i}] (${d.name})`
    problems.push(...collect(check(`${at}.cost`, d.cost, 'nonNegative'), d.p95LatencyMs === null ? undefined : check(`${at}.p95LatencyMs`, d.p95LatencyMs, 'nonNegative')))
    if (d.passedTrials > d.trials) problems.push(`${at}.passedTrials is ${d.passedTrials}, but cannot exceed its trials (${d.trials})`)
  })
  return problems
}

/** The problems as one sentence's end: the first few, and how many more. */
export function problemList(problems: readonly string[], shown = 3): string {
  const more = problems.length > shown ? ` (+${problems.length - shown} more)` : ''
  return `${problems.slice(0, shown).join('; ')}${more}`
}
