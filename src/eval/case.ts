// One case of a dataset eval, run: its trials one after another, each inside its trial
// context, scored from the records the trial left. Runner-agnostic.
import type { AssayRecord, JudgeRecord } from '../report/records.js'
import type { EvalCaseResult, EvalTrialResult } from '../report/schema.js'
import { markHandled } from '../pending.js'
import { redact } from '../secrets.js'
import { inTrial, type TrialContext } from './trial.js'
import type { DatasetCase } from './types.js'

/** What a trial's task and assertions are told besides the row. */
export interface TrialInfo {
  /** 0-based; trial 0 replays what a plain test records, trial k > 0 has its own cassette entries. */
  trial: number
  /** The case's id (see `DatasetCase.id`). */
  id: string
}

/** What a case runs, per trial. */
export interface CaseWork<Row, Output> {
  task: (input: Row, info: TrialInfo) => Output | Promise<Output>
  assert?: ((output: Output, input: Row, info: TrialInfo) => unknown) | undefined
  trials: number
}

/** How much text of an output or input results.json keeps. */
export const TEXT_LIMIT = 2000

/** A value as text for the report: a string as it is, anything else as JSON, cut to 2,000 characters. */
export function asText(value: unknown): string {
  let text: string
  if (typeof value === 'string') text = value
  else {
    try {
      text = JSON.stringify(value) ?? String(value)
    } catch {
      text = String(value)
    }
  }
  return text.length > TEXT_LIMIT ? `${text.slice(0, TEXT_LIMIT)}… (+${text.length - TEXT_LIMIT} chars)` : text
}

function messageOf(error: unknown): string {
  return redact(error instanceof Error ? error.message : String(error))
}

const round = (n: number) => Math.round(n * 1e6) / 1e6

/**
 * A trial's outcome from what it threw and the records it left. A judge failure fails the
 * trial even when the assertion code caught it: a verdict that never came is no pass.
 */
export function trialResult(trial: number, output: unknown, thrown: unknown, records: readonly AssayRecord[], latencyMs: number): EvalTrialResult {
  const judged = records.filter((r): r is JudgeRecord => r.kind === 'judge')
  const verdicts = judged.flatMap((r) => (r.verdict && r.error === undefined ? [r.verdict] : []))
  const judgeError = judged.find((r) => r.error !== undefined)?.error
  const error = thrown !== undefined ? messageOf(thrown) : judgeError
  let cost = 0
  for (const r of records) {
    if (r.kind === 'judge' && r.verdict && !r.verdict.replayed) cost += r.verdict.cost ?? 0
    if (r.kind === 'llm-call' && !r.replayed && !r.cassetteMiss) cost += r.cost ?? 0
  }
  const scale = verdicts[0]?.scale
  // Scores on different scales do not average; the first verdict's scale is the trial's.
  const same = scale ? verdicts.filter((v) => v.scale[0] === scale[0] && v.scale[1] === scale[1]) : []
  return {
    trial,
    pass: error === undefined,
    ...(same.length ? { score: round(same.reduce((s, v) => s + v.overall, 0) / same.length), scale: [scale![0], scale![1]] as [number, number] } : {}),
    output: output === undefined ? '' : asText(output),
    cost: round(cost),
    latencyMs: Math.round(latencyMs),
    ...(error === undefined ? {} : { error: asText(error) }),
  }
}

/**
 * Runs every trial of a case, one after another (so a case's trials never compete with
 * other cases for the concurrency budget, and their order is reproducible), and returns
 * the case's result. The trials' records go to the context's owner, the case's test.
 */
export async function runCase<Row, Output>(dataset: string, c: DatasetCase<Row>, work: CaseWork<Row, Output>, context: TrialContext = {}): Promise<EvalCaseResult> {
  const trials: EvalTrialResult[] = []
  for (let k = 0; k < work.trials; k++) {
    const info: TrialInfo = { trial: k, id: c.id }
    const started = performance.now()
    const { value, scope } = await inTrial(k, async () => {
      let output: Output | undefined
      try {
        output = await work.task(c.row, info)
        await work.assert?.(output, c.row, info)
        return { output, thrown: undefined as unknown }
      } catch (error) {
        // The trial's failure is its result, which the case's gates judge: not an unawaited assertion.
        markHandled(error)
        return { output, thrown: error ?? new Error(`Trial ${k} threw ${String(error)}.`) }
      }
    }, context)
    trials.push(trialResult(k, value.output, value.thrown, scope.records, performance.now() - started))
  }
  const passed = trials.filter((t) => t.pass).length
  return {
    dataset,
    id: c.id,
    input: asText(c.row),
    ...(c.expected ? { expected: c.expected } : {}),
    trials,
    passRate: passed / trials.length,
    flaky: passed > 0 && passed < trials.length,
  }
}
