// One case of a dataset eval, run: its trials one after another, each inside its trial
// context, scored from the records the trial left. Runner-agnostic. Real timers: a test
// that installed fake ones must not stop a case's timeout.
import type { AssayRecord, FaithfulnessRecord, JudgeRecord, SimilarityRecord } from '../report/records.js'
import type { EvalCaseResult, EvalTrialResult } from '../report/schema.js'
import { markHandled } from '../pending.js'
import { redact } from '../secrets.js'
import { clearTimeout, setImmediate, setTimeout } from 'node:timers'
import { openTrial, runInTrial, type TrialContext, type TrialScope } from './trial.js'
import type { Prompt } from '../prompts/types.js'
import type { DatasetCase } from './types.js'

/** What a trial's task and assertions are told besides the row. */
export interface TrialInfo {
  /** 0-based; trial 0 replays what a plain test records, trial k > 0 has its own cassette entries. */
  trial: number
  /** The case's id (see `DatasetCase.id`). */
  id: string
  /**
   * Aborted when the case runs out of time (its `timeout`), with the timeout as its reason.
   * The judge's requests and those through `recordingFetch` made in the trial are cancelled
   * with it; pass it to any other slow work the task starts (`fetch(url, { signal })`, an
   * SDK call's `{ signal }` option), so that it stops too.
   */
  signal: AbortSignal
  /**
   * The prompt version this case runs with, when describeEval has a `prompts` option:
   * render it for the task's LLM call (`prompt.render({ text })`).
   */
  prompt?: Prompt
  /** The same, by the prompt's name (`prompts.summarizer`). */
  prompts?: Readonly<Record<string, Prompt>>
}

/** What a case runs, per trial. */
export interface CaseWork<Row, Output> {
  task: (input: Row, info: TrialInfo) => Output | Promise<Output>
  assert?: ((output: Output, input: Row, info: TrialInfo) => unknown) | undefined
  trials: number
  /** The prompt version the case runs with. */
  prompt?: Prompt | undefined
}

/** How much text of an output or input results.json keeps. */
export const TEXT_LIMIT = 2000

const cutText = (text: string) => (text.length > TEXT_LIMIT ? `${text.slice(0, TEXT_LIMIT)}… (+${text.length - TEXT_LIMIT} chars)` : text)

const reason = (error: unknown) => {
  try {
    return error instanceof Error ? String(error.message) : String(error)
  } catch {
    return 'an error that cannot be shown'
  }
}

/** A value as text, or why it cannot be one (both JSON.stringify and String threw). */
function textOf(value: unknown): { text: string } | { error: string } {
  if (typeof value === 'string') return { text: cutText(value) }
  let failure = 'gave no JSON'
  try {
    const json = JSON.stringify(value)
    if (json !== undefined) return { text: cutText(json) }
  } catch (error) {
    failure = `threw (${reason(error)})`
  }
  try {
    return { text: cutText(String(value)) }
  } catch (error) {
    return { error: `The task's output cannot be turned into text for the report: JSON.stringify ${failure}, and so did String (${reason(error)}). Return a string, or plain JSON data.` }
  }
}

/** A value as text for the report: a string as it is, anything else as JSON, cut to 2,000 characters. */
export function asText(value: unknown): string {
  const shown = textOf(value)
  return 'text' in shown ? shown.text : `[a ${typeof value} that cannot be shown as text]`
}

function messageOf(error: unknown, trial: number): string {
  // A thrown plain object ({ message, code }) would read "[object Object]" through String.
  if (typeof error === 'object' && error !== null && !(error instanceof Error)) {
    try {
      const json = JSON.stringify(error)
      if (json !== undefined) return redact(`Trial ${trial} threw a value that is not an Error: ${json}`)
    } catch {
      // Not JSON (a cycle, a throwing toJSON): String may still show it.
    }
  }
  try {
    return redact(error instanceof Error ? String(error.message) : String(error))
  } catch {
    return `Trial ${trial} threw a value that cannot be shown as text.`
  }
}

const round = (n: number) => Math.round(n * 1e6) / 1e6

/**
 * A trial's outcome from what it threw and the records it left. A judge failure fails the
 * trial even when the assertion code caught it: a verdict that never came is no pass. So
 * does an output that cannot be turned into text.
 */
export function trialResult(trial: number, output: unknown, thrown: unknown, records: readonly AssayRecord[], latencyMs: number): EvalTrialResult {
  const judged = records.filter((r): r is JudgeRecord => r.kind === 'judge')
  const verdicts = judged.flatMap((r) => (r.verdict && r.error === undefined ? [r.verdict] : []))
  // A similarity that was never computed is no pass either.
  const judgeError = records.find((r): r is JudgeRecord | FaithfulnessRecord => (r.kind === 'judge' || r.kind === 'faithfulness') && r.error !== undefined)?.error ?? records.find((r): r is SimilarityRecord => r.kind === 'similarity' && r.error !== undefined)?.error
  const shown = output === undefined ? { text: '' } : textOf(output)
  const error = thrown !== undefined ? messageOf(thrown, trial) : (judgeError ?? ('error' in shown ? shown.error : undefined))
  const scale = verdicts[0]?.scale
  // Scores on different scales do not average; the first verdict's scale is the trial's.
  const same = scale ? verdicts.filter((v) => v.scale[0] === scale[0] && v.scale[1] === scale[1]) : []
  return {
    trial,
    pass: error === undefined,
    ...(same.length ? { score: round(same.reduce((s, v) => s + v.overall, 0) / same.length), scale: [scale![0], scale![1]] as [number, number] } : {}),
    output: 'text' in shown ? shown.text : '',
    cost: costOf(records),
    latencyMs: Math.round(latencyMs),
    ...(error === undefined ? {} : { error: asText(error) }),
  }
}

function costOf(records: readonly AssayRecord[]): number {
  let cost = 0
  for (const r of records) {
    if ((r.kind === 'judge' || r.kind === 'faithfulness') && r.verdict && !r.verdict.replayed) cost += r.verdict.cost ?? 0
    if (r.kind === 'llm-call' && !r.replayed && !r.cassetteMiss) cost += r.cost ?? 0
    if (r.kind === 'similarity' && !r.replayed) cost += r.cost ?? 0
  }
  return round(cost)
}

/** The test a case runs in, and its own timeout. */
export interface CaseContext extends TrialContext {
  /** Time for all of the case's trials, in ms from the call; none when undefined. */
  timeout?: number | undefined
}

/** The error of a case that ran past its timeout, and of each of its trials that did not finish. */
export function timeoutMessage(dataset: string, id: string, timeout: number, trials: number): string {
  return `describeEval: case "${id}" of dataset "${dataset}" took more than its timeout of ${timeout} ms for ${trials} trial(s). Raise the timeout option of describeEval.`
}

const STOPPED = Symbol('stopped')

/** The case's timeout: `over` once it passed, `expired` resolving then, and `signal` aborted with `reason()`. */
function caseClock(timeout: number | undefined, reason: () => Error) {
  let timer: NodeJS.Timeout | undefined
  const stop = new AbortController()
  const clock = { over: false, expired: new Promise<typeof STOPPED>(() => {}), signal: stop.signal, clear: () => clearTimeout(timer) }
  if (timeout !== undefined) {
    clock.expired = new Promise((resolve) => {
      timer = setTimeout(() => {
        clock.over = true
        stop.abort(reason())
        resolve(STOPPED)
      }, timeout)
    })
  }
  return clock
}

function notAwaited(scope: TrialScope): Error {
  const matchers = [...new Set([...scope.judging].map((j) => j.matcher))].join(', ')
  const n = scope.judging.size
  return new Error(
    `${n === 1 ? `${matchers} was` : `${n} judged assertions (${matchers}) were`} not awaited in trial ${scope.trial}: the trial ended before ${n === 1 ? 'its verdict' : 'their verdicts'} arrived, so it cannot pass. Write \`await expect(output).${[...scope.judging][0]!.matcher}(…)\` in assert; a judged assertion is a promise.`,
  )
}

/** One trial: the task, then, unless the case's time ran out meanwhile, the assertions. */
async function oneTrial<Row, Output>(c: DatasetCase<Row>, work: CaseWork<Row, Output>, k: number, signal: AbortSignal, over: () => boolean): Promise<{ output: Output | undefined; thrown: unknown }> {
  const info: TrialInfo = { trial: k, id: c.id, signal, ...(work.prompt ? { prompt: work.prompt, prompts: { [work.prompt.name]: work.prompt } } : {}) }
  let output: Output | undefined
  try {
    output = await work.task(c.row, info)
    // The case's test has failed and may have ended: assertions now would belong to no test.
    if (over()) return { output, thrown: undefined }
    await work.assert?.(output, c.row, info)
    return { output, thrown: undefined }
  } catch (error) {
    // The trial's failure is its result, which the case's gates judge: not an unawaited assertion.
    markHandled(error)
    return { output, thrown: error ?? new Error(`Trial ${k} threw ${String(error)}.`) }
  }
}

/**
 * Runs every trial of a case, one after another (so a case's trials never compete with
 * other cases for the concurrency budget, and their order is reproducible), and returns
 * the case's result. The trials' records go to the context's owner, the case's test.
 * Once the case's `timeout` passes, no trial starts and no assertion runs, and the running
 * trial's signal aborts (cancelling its judge and `recordingFetch` requests): the trial then
 * running and those not started are failed as unfinished, with a latency of at least the
 * timeout. Between trials the loop yields to the event loop, so the timeout fires even
 * when a task never waits on a timer.
 */
export async function runCase<Row, Output>(dataset: string, c: DatasetCase<Row>, work: CaseWork<Row, Output>, context: CaseContext = {}): Promise<EvalCaseResult> {
  const trials: EvalTrialResult[] = []
  const clock = caseClock(context.timeout, () => new Error(timeoutMessage(dataset, c.id, context.timeout ?? 0, work.trials)))
  let current: { scope: TrialScope; started: number } | undefined
  try {
    for (let k = 0; k < work.trials; k++) {
      if (k > 0) await new Promise<void>((resolve) => setImmediate(resolve))
      if (clock.over) break
      const scope = openTrial(k, { ...context, signal: clock.signal })
      current = { scope, started: performance.now() }
      const done = await Promise.race([runInTrial(scope, () => oneTrial(c, work, k, clock.signal, () => clock.over)), clock.expired])
      if (done === STOPPED) break
      const thrown = done.thrown ?? (scope.judging.size ? notAwaited(scope) : undefined)
      trials.push(trialResult(k, done.output, thrown, scope.records, performance.now() - current.started))
      current = undefined
    }
  } finally {
    clock.clear()
  }
  if (trials.length < work.trials) {
    const timeout = context.timeout ?? 0
    const error = timeoutMessage(dataset, c.id, timeout, work.trials)
    for (let k = trials.length; k < work.trials; k++) {
      const running = current?.scope.trial === k ? current : undefined
      const latency = Math.max(timeout, running ? performance.now() - running.started : 0)
      trials.push({ trial: k, pass: false, output: '', cost: running ? costOf(running.scope.records) : 0, latencyMs: Math.round(latency), error, unfinished: true })
    }
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
    ...(work.prompt ? { prompt: { name: work.prompt.name, version: work.prompt.version, hash: work.prompt.hash } } : {}),
  }
}
