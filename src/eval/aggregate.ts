// The aggregate of one dataset eval: its cases' trials summed up, the intervals its gates
// compare, the judge's agreement with human labels, and the message a failed dataset throws.
// Pure: the runner adapters hand in the finished cases and store what comes out.
import { percentile } from '../report/build.js'
import type { EvalTrialResult, GateResult } from '../report/schema.js'
import { cohenKappa, ranks, spearman } from '../stats/agreement.js'
import { redact } from '../secrets.js'
import { clusteredWilson } from '../stats/cluster.js'
import { meanInterval } from '../stats/intervals.js'
import { budgetDollars, budgetGate, dollars, gatePct, lowerBoundGate, millis, missingGate, pct, PERCENT, PLAIN, validateThresholds } from './gates.js'
import { versionName } from '../prompts/order.js'
import type { PromptRef } from '../prompts/types.js'
import type { CaseOutcome, DatasetSummary, EvalThresholds } from './types.js'

export { validateThresholds } from './gates.js'

/** What {@link summarizeDataset} needs to know of a dataset. */
export interface DatasetInput {
  name: string
  /** The test file that declared the dataset, as in `files[].path`. */
  file: string
  /** The data file, relative to the project root, when the data came from one. */
  source?: string | undefined
  /** The prompt version the cases ran with, for a dataset run with several. */
  prompt?: PromptRef | undefined
  cases: readonly CaseOutcome[]
  thresholds: EvalThresholds | undefined
}

/** The judge's scale when a verdict does not say (the judge's default). */
const DEFAULT_SCALE: [number, number] = [1, 10]

/** Scores put on one scale: their own when all share one, else each normalised to 0–1. */
interface Scoring {
  scale: [number, number]
  /** The distinct scales, when there were several. */
  mixed?: string[]
  value(trial: EvalTrialResult): number | undefined
}

const scaleKey = (s: readonly [number, number]) => `${s[0]}–${s[1]}`

function scoringOf(trials: readonly EvalTrialResult[]): Scoring {
  const scales = new Map<string, [number, number]>()
  for (const t of trials) if (t.score !== undefined) scales.set(scaleKey(t.scale ?? DEFAULT_SCALE), t.scale ?? DEFAULT_SCALE)
  if (scales.size <= 1) {
    return { scale: [...scales.values()][0] ?? DEFAULT_SCALE, value: (t) => t.score }
  }
  return {
    scale: [0, 1],
    mixed: [...scales.keys()].sort(),
    value: (t) => {
      if (t.score === undefined) return undefined
      const [lo, hi] = t.scale ?? DEFAULT_SCALE
      return (t.score - lo) / (hi - lo)
    },
  }
}

const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length

/** Per case: passed trials, whether the majority passed (a tie fails) and its mean score. */
interface CaseStats {
  outcome: CaseOutcome
  passed: number
  trials: number
  majority: boolean
  score: number | undefined
}

function caseStats(outcome: CaseOutcome, scoring: Scoring): CaseStats {
  const passed = outcome.trials.filter((t) => t.pass).length
  const scores = outcome.trials.map((t) => scoring.value(t)).filter((s): s is number => s !== undefined)
  return { outcome, passed, trials: outcome.trials.length, majority: passed * 2 > outcome.trials.length, score: scores.length ? mean(scores) : undefined }
}

/** The judge's agreement with the rows' human labels; undefined when no row has one. */
function agreementOf(stats: readonly CaseStats[], confidence: number): DatasetSummary['agreement'] {
  const ran = stats.filter((s) => s.trials > 0 && s.outcome.expected)
  if (!stats.some((s) => s.outcome.expected && (s.outcome.expected.pass !== undefined || s.outcome.expected.score !== undefined))) return undefined
  const pairs = ran.filter((s) => s.outcome.expected!.pass !== undefined)
  const scored = ran.filter((s) => s.outcome.expected!.score !== undefined && s.score !== undefined)
  const kappa = cohenKappa(pairs.map((s) => [s.outcome.expected!.pass!, s.majority] as [boolean, boolean]), confidence)
  const human = scored.map((s) => s.outcome.expected!.score!)
  const judge = scored.map((s) => s.score!)
  const rho = spearman(human, judge, confidence)

  // Worst first: a pass/fail mismatch (the further the judge's pass rate from the label,
  // the worse), then the largest gap between a case's human and judge rank.
  const mismatches = pairs
    .filter((s) => s.majority !== s.outcome.expected!.pass)
    .map((s) => ({ s, gap: (s.outcome.expected!.pass ? s.trials - s.passed : s.passed) / s.trials }))
    .sort((a, b) => b.gap - a.gap)
  const humanRanks = ranks(human)
  const judgeRanks = ranks(judge)
  const gaps = scored
    .map((s, i) => ({ s, gap: Math.abs(humanRanks[i]! - judgeRanks[i]!) }))
    .filter((g) => g.gap > 0)
    .sort((a, b) => b.gap - a.gap)
  const seen = new Set<string>()
  const disagreements = [...mismatches, ...gaps]
    .filter(({ s }) => !seen.has(s.outcome.id) && seen.add(s.outcome.id))
    .slice(0, 10)
    .map(({ s }) => ({ id: s.outcome.id, expected: s.outcome.expected!, pass: s.majority, ...(s.score === undefined ? {} : { score: s.score }) }))
  return { kappa, rho, disagreements }
}

function agreementGate(threshold: number, agreement: DatasetSummary['agreement'], hasPassLabels: boolean, judged: boolean): GateResult {
  if (!agreement) {
    return missingGate('agreement', threshold, `no case carries a human label, so the judge's agreement cannot be checked against the gate ${threshold}: give rows an expected: { pass } or { score } field (in CSV, expected.pass / expected.score columns)`)
  }
  const [coefficient, figure, label] = hasPassLabels
    ? [agreement.kappa, "Cohen's kappa", "human pass labels and the judge's majority"]
    : [agreement.rho, "Spearman's rho", "human scores and the judge's mean score"]
  // Score labels are compared with judge scores: without any, rho has nothing to rank.
  if (!coefficient && !hasPassLabels && !judged) {
    return missingGate('agreement', threshold, `no trial has a judge score, so ${figure} between ${label} cannot be computed, nor checked against the gate ${threshold}: add a judged assertion (toScoreAtLeast) to assert, or label rows with expected: { pass }`)
  }
  if (!coefficient) {
    return missingGate('agreement', threshold, `${figure} between ${label} is undefined (fewer than 3 labelled cases that ran, or one side gives every case the same answer), so it cannot be checked against the gate ${threshold}: label more cases, with both outcomes`)
  }
  return lowerBoundGate('agreement', threshold, coefficient, `${figure} ${coefficient.value.toFixed(2)} between ${label} (${coefficient.n} cases)`, PLAIN)
}

// datasetFailure(summary) finds the cases of a summary built here without the runner
// having to carry them; a summary read back from results.json passes them explicitly.
const casesOf = new WeakMap<DatasetSummary, readonly CaseOutcome[]>()

/**
 * Sums up a dataset's finished cases and checks its gates: the pass rate over all trials
 * with its Wilson interval at their effective number (trials of a case are alike), the mean
 * judge score with its t interval over the cases' means, the live cost, the
 * p95 trial latency, the flaky cases and the judge's agreement with human labels.
 *
 * @throws AssayUsageError when a threshold is out of range.
 *
 * @example
 * ```ts
 * const summary = summarizeDataset({ name: 'summariser', file: 'test/sum.test.ts', cases, thresholds: { passRate: 0.9 } })
 * const failure = datasetFailure(summary)
 * if (failure) throw new Error(failure)
 * ```
 */
export function summarizeDataset(input: DatasetInput): DatasetSummary {
  const thresholds = validateThresholds(input.thresholds)
  const confidence = thresholds.confidence ?? 0.95
  const trials = input.cases.flatMap((c) => c.trials)
  const scoring = scoringOf(trials)
  const stats = input.cases.map((c) => caseStats(c, scoring))
  const passedTrials = stats.reduce((n, s) => n + s.passed, 0)
  // Trials of one case are alike: the cases, not the trials, are the sample (see clusteredWilson).
  const clustered = clusteredWilson(stats.map((s) => ({ successes: s.passed, n: s.trials })), confidence)
  const passRate = clustered ? { value: clustered.value, lower: clustered.lower, upper: clustered.upper, confidence, effectiveN: clustered.effectiveN } : { value: 0, lower: 0, upper: 1, confidence }
  const scores = trials.map((t) => scoring.value(t)).filter((s): s is number => s !== undefined)
  const caseScores = stats.map((s) => s.score).filter((s): s is number => s !== undefined)
  const scoreInterval = meanInterval(caseScores, confidence)
  const cost = trials.reduce((s, t) => s + t.cost, 0)
  const p95LatencyMs = percentile(trials.map((t) => t.latencyMs).sort((a, b) => a - b), 95)
  const agreement = agreementOf(stats, confidence)
  const hasPassLabels = input.cases.some((c) => c.expected?.pass !== undefined)
  const unfinished = trials.filter((t) => t.unfinished).length

  let gates: GateResult[] = []
  if (thresholds.passRate !== undefined) {
    const clusters = repeated(trials.length, stats, clustered?.effectiveN)
    const stopped = unfinished ? (clusters ? `; ${unfinished} trial${unfinished === 1 ? '' : 's'} stopped by the case timeout` : `, ${unfinished} of them stopped by the case timeout`) : ''
    gates.push(
      trials.length === 0
        ? missingGate('passRate', thresholds.passRate, `no trial ran (0 trials), so the pass rate cannot be checked against the gate ${gatePct(thresholds.passRate)}`)
        : lowerBoundGate('passRate', thresholds.passRate, passRate, `pass rate ${pct(passRate.value)} (${passedTrials}/${trials.length} trials${clusters}${stopped})`, PERCENT),
    )
  }
  if (thresholds.meanScore !== undefined) {
    const gate = thresholds.meanScore
    const on = `on ${scaleKey(scoring.scale)}${scoring.mixed ? ` (scores on different scales (${scoring.mixed.join(', ')}) normalised to 0–1)` : ''}`
    const hint = scoring.mixed && gate > 1 ? '; give meanScore as a fraction of the scale (0–1) when judges use different scales' : ''
    if (scores.length === 0) {
      gates.push(missingGate('meanScore', gate, `no trial has a judge score, so the mean score cannot be checked against the gate ${gate}: add a judged assertion (toScoreAtLeast) to assert, or remove meanScore`))
    } else if (!scoreInterval) {
      gates.push(missingGate('meanScore', gate, `only 1 case has a judge score (${scores.length} scored trial${scores.length === 1 ? '' : 's'}): an interval needs at least 2 cases, so the mean score cannot be checked against the gate ${gate}`))
    } else {
      const over = `${scores.length} scored trials${caseScores.length === scores.length ? '' : ` of ${caseScores.length} cases`}`
      const g = lowerBoundGate('meanScore', gate, scoreInterval, `mean score ${scoreInterval.value.toFixed(2)} ${on} (${over})`, PLAIN)
      gates.push({ ...g, message: g.message + hint })
    }
  }
  if (thresholds.maxCost !== undefined) gates.push(budgetGate('maxCost', thresholds.maxCost, cost, `live cost ${dollars(cost)}`, budgetDollars(thresholds.maxCost)))
  if (thresholds.p95LatencyMs !== undefined) {
    gates.push(
      p95LatencyMs === null
        ? missingGate('p95LatencyMs', thresholds.p95LatencyMs, `no trial ran (0 trials), so the p95 latency cannot be checked against the budget ${millis(thresholds.p95LatencyMs)}`)
        : budgetGate('p95LatencyMs', thresholds.p95LatencyMs, p95LatencyMs, `p95 trial latency ${millis(p95LatencyMs)}`, millis(thresholds.p95LatencyMs)),
    )
  }
  if (thresholds.agreement !== undefined) gates.push(agreementGate(thresholds.agreement, agreement, hasPassLabels, scores.length > 0))
  // Figures from trials that were all cut short measure the timeout, not the task.
  const noneFinished = trials.length > 0 && unfinished === trials.length
  // Only a passRate gate lets a trial fail: without one, a failed trial fails its case's test,
  // and the dataset's status follows its cases.
  const failedUngated = thresholds.passRate === undefined && passedTrials < trials.length
  if (noneFinished) gates = gates.map((g) => missingGate(g.name, g.threshold, `${NONE_FINISHED(trials.length, input.cases.length)}, so the ${g.name} gate cannot be checked: raise the timeout option of describeEval, or find why the task does not finish`))

  const summary: DatasetSummary = {
    name: input.name,
    file: input.file,
    ...(input.source === undefined ? {} : { source: input.source }),
    ...(input.prompt === undefined ? {} : { prompt: { name: input.prompt.name, version: input.prompt.version, hash: input.prompt.hash } }),
    cases: input.cases.length,
    trials: trials.length,
    passedTrials,
    passRate,
    meanScore: scoreInterval ? { ...scoreInterval, scale: scoring.scale, n: caseScores.length } : null,
    cost,
    p95LatencyMs,
    flaky: stats.filter((s) => s.passed > 0 && s.passed < s.trials).map((s) => s.outcome.id),
    ...(agreement ? { agreement } : {}),
    gates,
    status: !noneFinished && gates.every((g) => g.pass) && !failedUngated ? 'passed' : 'failed',
  }
  casesOf.set(summary, input.cases)
  return summary
}

/** How the trials count when cases ran several: " of 200 cases, effective n 1000". */
function repeated(trials: number, stats: readonly CaseStats[], effectiveN: number | undefined): string {
  const cases = stats.filter((s) => s.trials > 0).length
  if (effectiveN === undefined || cases === trials) return ''
  return ` of ${cases} case${cases === 1 ? '' : 's'}, effective n ${Number(effectiveN.toFixed(1))}`
}

const NONE_FINISHED = (trials: number, cases: number) => `no trial finished: all ${trials} trial(s) of ${cases} case(s) were stopped by the case timeout`

const cut = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max)}… (+${text.length - max} chars)`)

/** The trial that shows best what went wrong: the first failed one, else the lowest scored. */
function telling(outcome: CaseOutcome): EvalTrialResult | undefined {
  return outcome.trials.find((t) => !t.pass) ?? [...outcome.trials].sort((a, b) => (a.score ?? Infinity) - (b.score ?? Infinity))[0]
}

/**
 * The message a failed dataset throws: the dataset, each failed gate's message, and its
 * worst cases (lowest pass rate, then lowest score; at most 5) with their output, redacted
 * of every known secret. `undefined` when every gate passed and some trial finished.
 *
 * @param cases - The dataset's cases; by default those {@link summarizeDataset} was given
 *   for this summary. Without them the message has no worst cases.
 */
export function datasetFailure(summary: DatasetSummary, cases: readonly CaseOutcome[] | undefined = casesOf.get(summary)): string | undefined {
  const failed = summary.gates.filter((g) => !g.pass)
  if (failed.length === 0 && summary.status !== 'failed') return undefined
  // Failed by its cases alone, the dataset adds nothing to their tests' own messages.
  const noneFinished = summary.trials > 0 && (cases ?? []).every((c) => c.trials.every((t) => t.unfinished))
  if (failed.length === 0 && !noneFinished) return undefined
  const prompt = summary.prompt ? `, prompt ${versionName(summary.prompt)}` : ''
  const dataset = `Dataset "${summary.name}"${summary.source || prompt ? ` (${[summary.source, prompt.slice(2)].filter(Boolean).join(', ')})` : ''}`
  const lines = failed.length
    ? [`${dataset} failed ${failed.length} of ${summary.gates.length} gates:`, ...failed.map((g) => `  - ${g.name}: ${g.message}`)]
    : [`${dataset} failed: ${NONE_FINISHED(summary.trials, summary.cases)}.`]
  const scoring = scoringOf((cases ?? []).flatMap((c) => c.trials))
  const stats = (cases ?? []).filter((c) => c.trials.length > 0).map((c) => caseStats(c, scoring))
  const failing = stats.filter((s) => s.passed < s.trials)
  // Without a failed trial, the lowest scores are what a mean-score gate is about.
  const pool = failing.length ? failing : stats.filter((s) => s.score !== undefined)
  const worst = [...pool].sort((a, b) => a.passed / a.trials - b.passed / b.trials || (a.score ?? Infinity) - (b.score ?? Infinity)).slice(0, 5)
  if (worst.length) {
    lines.push(failing.length ? `Worst cases (${worst.length} of ${failing.length} that failed a trial):` : `Lowest-scoring cases (${worst.length} of ${pool.length}):`)
    for (const s of worst) {
      const flaky = s.passed > 0 && s.passed < s.trials ? ` (${pct(s.passed / s.trials, 0)})` : ''
      const score = s.score === undefined ? '' : `, mean score ${s.score.toFixed(2)}`
      lines.push(`  - ${s.outcome.id}: passed ${s.passed}/${s.trials} trials${flaky}${score}`)
      const trial = telling(s.outcome)
      if (trial) {
        lines.push(`    output: ${JSON.stringify(cut(trial.output, 300))}`)
        // A matcher's first line is its hint; the sentence that says what failed comes after.
        if (trial.error) lines.push(`    error: ${cut(trial.error, 300).split('\n').filter((l) => l.trim()).join('\n      ')}`)
      }
    }
  }
  // Redacted here, for every runner: outputs and errors are the app's text, which may echo a key.
  return redact(lines.join('\n'))
}
