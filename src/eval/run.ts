// describeEval, runner-agnostic: a dataset becomes a describe block with one test per case,
// run up to `concurrency` at a time, and an afterAll that checks the dataset's gates. The
// runner adapters (runners/vitest.ts, runners/jest.ts) supply the runner's functions.
import { relative, resolve, sep } from 'node:path'
import type { ZodType } from 'zod'
import { AssayUsageError } from '../errors.js'
import { keepRunnerConcurrency, raiseJudgeConcurrency } from '../judge/runtime.js'
import { currentTest, emitRecord, type RecordOwner } from '../report/records.js'
import { datasetFailure, summarizeDataset, validateThresholds } from './aggregate.js'
import { redact } from '../secrets.js'
import { runCase, type TrialInfo } from './case.js'
import { loadDataset } from './dataset.js'
import { promptVariants, type PromptsOption, type PromptVariant } from './prompts.js'
import { flushProgress, noteProgress } from './progress-notice.js'
import type { CaseOutcome, EvalThresholds } from './types.js'

export type { TrialInfo } from './case.js'

/**
 * The options of {@link DescribeEval}: a dataset, what to run on each row and what to check.
 *
 * @example
 * ```ts
 * describeEval('summariser', {
 *   data: 'fixtures/datasets/news.jsonl',
 *   schema: z.object({ id: z.string(), article: z.string() }),
 *   task: (input) => summarize(input.article),
 *   assert: async (output, input) => {
 *     expect(output).toHaveBullets({ max: 3 })
 *     await expect(output).toScoreAtLeast(7, { source: input.article })
 *   },
 *   trials: 3,
 *   thresholds: { passRate: 0.9, meanScore: 7 },
 * })
 * ```
 */
export interface EvalOptions<Row, Output = unknown> {
  /**
   * The rows: a JSONL, JSON or CSV file (relative to the project root: Vitest's `root`, for
   * Jest the directory it runs in), an
   * array, or a function returning one. Each row is checked against `schema`.
   */
  data: string | readonly unknown[] | (() => readonly unknown[])
  /** The zod schema every row must satisfy; a bad row fails the run naming its file and line. */
  schema: ZodType<Row>
  /** Runs the system under test on one row. Its LLM calls through `recordingFetch` are recorded per trial. */
  task: (input: Row, info: TrialInfo) => Output | Promise<Output>
  /**
   * Prompt versions to run every case with, compared case by case: a prompt's name and its
   * versions or labels, e.g. `{ summarizer: ['v1', 'v2'] }` or `['production', 'latest']`.
   * Each version is a describe block `summarizer@v2` holding its own test per case, its
   * own cassette entries and its own dataset entry and gates in results.json; the task gets
   * the version as `info.prompt`. Compare them with `npx assay gate --versions`.
   */
  prompts?: PromptsOption
  /** Checks the task's output; a trial passes when neither `task` nor `assert` throws. */
  assert?: (output: Output, input: Row, info: TrialInfo) => unknown
  /** How many times each case runs, one trial after another; at most 10,000. @default 1 */
  trials?: number
  /**
   * How many cases of this dataset run at once in the file; at most 1,000. The runner's own limit
   * (`maxConcurrency`, 5 by default) is raised to it where it is lower. @default the runner's `maxConcurrency`
   */
  concurrency?: number
  /** The dataset's gates, checked once its cases are done; a failed gate fails the run. */
  thresholds?: EvalThresholds
  /**
   * Time allowed for all trials of one case, in ms, counted from when the case gets its
   * concurrency slot; at most 2^31 − 1 (Node's longest timer). Once it passes, no further
   * trial starts, the running trial's judge and `recordingFetch` requests are cancelled (and
   * its `info.signal` aborts), and the trials that did not finish fail and count in the dataset.
   * @default the runner's test timeout (none when that is 0)
   */
  timeout?: number
}

/**
 * Declares a dataset eval: a describe block named `name` with one test per row, named by
 * the row's id (so `-t <id>` runs one case), and the dataset's gates checked at its end.
 * `.only` and `.skip` do what they do on `describe`.
 */
export interface DescribeEval {
  <Row, Output = unknown>(name: string, options: EvalOptions<Row, Output>): void
  only<Row, Output = unknown>(name: string, options: EvalOptions<Row, Output>): void
  skip<Row, Output = unknown>(name: string, options: EvalOptions<Row, Output>): void
}

/** What describeEval needs from a runner. */
export interface EvalRunner {
  describe(name: string, body: () => void, mode: 'run' | 'only' | 'skip'): void
  /** Declares a test; `body` gets the owner its records belong to. Concurrent when `concurrent`. */
  test(name: string, body: (owner: RecordOwner | undefined) => Promise<void>, options: { concurrent: boolean; timeout: number }): void
  afterAll(fn: () => void | Promise<void>): void
  /** The test file being declared. */
  testPath(): string | undefined
  /** The project root, which data files are relative to. */
  root(): string
  /** The runner's limit on concurrent tests and its test timeout, as configured. */
  maxConcurrency(): number | undefined
  testTimeout(): number | undefined
  /** Raises the runner's limit on concurrent tests to at least `n`. */
  raiseConcurrency(n: number): void
}

/** A limit on how many cases run at once. */
export class Slots {
  #free: number
  readonly #waiting: (() => void)[] = []
  constructor(size: number) {
    this.#free = size
  }
  async use<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free--
    else await new Promise<void>((r) => this.#waiting.push(r))
    try {
      return await fn()
    } finally {
      // Invariant: a slot is handed straight to the next waiter, or freed when none waits.
      const next = this.#waiting.shift()
      if (next) next()
      else this.#free++
    }
  }
}

// The runner's timeout wraps the whole test, waiting for a slot included: the case's own
// timeout starts once it has a slot, and the runner's is set out of its way.
const NO_RUNNER_TIMEOUT = 2 ** 31 - 1

function checkOptions(name: string, o: EvalOptions<unknown>): void {
  const fail = (message: string) => {
    throw new AssayUsageError('describeEval', `dataset "${name}": ${message}`)
  }
  if (typeof name !== 'string' || name === '') fail('the name must be a non-empty string.')
  if (!o || typeof o !== 'object') fail('options must be an object with data, schema and task.')
  if (typeof o.task !== 'function') fail(`task must be a function (input, { trial, id }) => output, but got ${typeof o.task}.`)
  if (o.assert !== undefined && typeof o.assert !== 'function') fail(`assert must be a function (output, input, { trial, id }), but got ${typeof o.assert}.`)
  const whole = (key: 'trials' | 'concurrency' | 'timeout', max?: [number, string]) => {
    const v = o[key]
    if (v !== undefined && !(Number.isInteger(v) && v >= 1)) fail(`${key} must be a whole number of at least 1, but got ${shown(v)}.`)
    if (v !== undefined && max && v > max[0]) fail(`${key} must be at most ${max[0].toLocaleString('en-US')}, but got ${String(v)}: ${max[1]}.`)
  }
  whole('trials', [MAX_TRIALS, 'each trial runs the task and its assertions again, one after another; for more samples, add rows'])
  whole('concurrency', [MAX_CONCURRENCY, 'cases running at once share one worker, its sockets and its judge; for more throughput, run more workers or shards'])
  whole('timeout', [MAX_TIMEOUT, "the longest timer Node can set (about 24.8 days); longer ones fire at once"])
}

// A string "5" prints as 5: its quotes and type say why it was refused.
const shown = (v: unknown) => (typeof v === 'string' ? `${JSON.stringify(v)} (a string)` : typeof v === 'number' || typeof v === 'boolean' || v == null ? String(v) : typeof v === 'object' ? 'an object' : `a ${typeof v}`)

/** The most trials a case may have. */
const MAX_TRIALS = 10_000
/** The most cases of one dataset that may run at once in a worker. */
const MAX_CONCURRENCY = 1000
/** Node's longest timer: a longer one fires after 1 ms. */
const MAX_TIMEOUT = 2 ** 31 - 1

/**
 * A case's timeout: its own, else the runner's test timeout, which 0 (or a value Node
 * cannot time) turns off, as the runners do.
 */
function caseTimeout(own: number | undefined, runner: number | undefined): number | undefined {
  if (own !== undefined) return own
  if (runner === undefined) return 5000
  return runner >= 1 && runner <= MAX_TIMEOUT ? runner : undefined
}

function slash(root: string, path: string): string {
  const r = relative(root, path)
  return (r.startsWith('..') ? path : r).split(sep).join('/')
}

/**
 * The datasets each test file declared, by name, with where. Two of one name would be one
 * dataset to the reporters, the progress line and `assay gate`, which key a dataset by file
 * and name. A file's entry starts anew once its cases run: a runner that keeps modules
 * between runs (Vitest's `isolate: false`, watch mode) declares the file again.
 */
const declaredIn = new Map<string, { names: Map<string, string | undefined>; running: boolean }>()

/** Where in `file` the declaration being made is (`line 12`), from the call stack. */
function callSite(file: string): string | undefined {
  const frame = new Error().stack?.split('\n').find((l) => l.includes(file))
  const at = frame === undefined ? null : /:(\d+):\d+\)?\s*$/.exec(frame)
  return at ? `line ${at[1]}` : undefined
}

function checkUnique(runner: EvalRunner, name: string, root: string): { running: boolean } | undefined {
  const file = runner.testPath()
  if (file === undefined) return undefined
  let entry = declaredIn.get(file)
  if (!entry || entry.running) declaredIn.set(file, (entry = { names: new Map(), running: false }))
  const here = callSite(file)
  if (entry.names.has(name)) {
    const first = entry.names.get(name)
    const places = first && here ? `, at ${first} and at ${here}` : ''
    throw new AssayUsageError('describeEval', `dataset "${name}" is declared twice in ${slash(root, file)}${places}: results, gates, progress and \`assay gate\` know a dataset by its file and name, so the two would be merged into one. Give each describeEval its own name.`)
  }
  entry.names.set(name, here)
  return entry
}

/** Declares a dataset eval with `runner` (see {@link DescribeEval}). */
export function defineEval<Row, Output>(runner: EvalRunner, name: string, options: EvalOptions<Row, Output>, mode: 'run' | 'only' | 'skip'): void {
  checkOptions(name, options as EvalOptions<unknown>)
  const root = runner.root()
  const cases = loadDataset<Row>(options.data, options.schema, { root })
  const source = typeof options.data === 'string' ? resolve(root, options.data) : undefined
  const thresholds = validateThresholds(options.thresholds)
  const declaration = checkUnique(runner, name, root)
  const trials = options.trials ?? 1
  const configured = runner.maxConcurrency()
  const concurrency = options.concurrency ?? configured ?? 5
  if (concurrency > (configured ?? 5)) {
    keepRunnerConcurrency(configured)
    runner.raiseConcurrency(concurrency)
  }
  const variants = promptVariants(options.prompts, name)
  const slots = new Slots(concurrency)
  // The reporters' progress line counts this dataset's cases from here (a skipped one has none to run).
  const key = `${runner.testPath() ?? ''}\u0000${name}`
  if (mode !== 'skip') noteProgress({ type: 'declared', key, cases: cases.length * (variants?.length ?? 1), trials })
  // A case's first attempt is its only one: a runner's retry (Jest's retryTimes, a describe
  // retry) would run its trials again and keep only the last attempt's, hiding the failed
  // trials and their cost from the dataset. Repetition is what `trials` is for.
  const attempts = new Map<string, { failure: unknown } | undefined>()

  // The cases, with one prompt version or none; each version's outcomes and gates are its own.
  const declareCases = (variant: PromptVariant | undefined) => {
    const outcomes = new Map<string, CaseOutcome>()
    for (const c of cases) {
      const done = variant ? `${variant.title}\u0000${c.id}` : c.id
      runner.test(
        c.id,
        (owner) => {
          if (declaration) declaration.running = true
          if (attempts.has(done)) return Promise.resolve().then(() => again(name, c.id, attempts.get(done)))
          attempts.set(done, undefined)
          return slots.use(async () => {
            const timeout = caseTimeout(options.timeout, runner.testTimeout())
            let progress = { trials: 0, cost: 0 }
            const lowerJudgeConcurrency = raiseJudgeConcurrency(concurrency)
            try {
              const prompt = await variant?.load()
              // A case that runs out of time still counts: its unfinished trials fail.
              const context = { owner, timeout, deadline: timeout === undefined ? undefined : Date.now() + timeout, ...(variant ? { prompt: variant.title } : {}) }
              const result = await runCase(name, c, { task: options.task, assert: options.assert, trials, prompt }, context)
              outcomes.set(c.id, result)
              progress = { trials: result.trials.length, cost: result.trials.reduce((sum, t) => sum + t.cost, 0) }
              emitRecord({ kind: 'eval-case', testPath: runner.testPath(), testName: currentTest().testName, ...(source ? { source } : {}), thresholds, case: result }, owner)
              const verdict = caseVerdict(result, thresholds)
              if (verdict) throw new Error(verdict)
            } catch (error) {
              attempts.set(done, { failure: error })
              throw error
            } finally {
              lowerJudgeConcurrency()
              noteProgress({ type: 'case', key, ...progress })
            }
          })
        },
        { concurrent: concurrency > 1, timeout: NO_RUNNER_TIMEOUT },
      )
    }
    // The gates of the cases declared here, checked once they are done.
    return () => {
      if (outcomes.size === 0) return
      const file = runner.testPath()
      const summary = summarizeDataset({ name, file: file ? slash(root, file) : '', ...(source ? { source: slash(root, source) } : {}), prompt: variant?.ref, cases: [...outcomes.values()], thresholds })
      const failure = datasetFailure(summary)
      if (failure) throw new Error(failure)
    }
  }
  const settle = async () => {
    noteProgress({ type: 'settled', key, ran: attempts.size })
    await flushProgress()
  }

  runner.describe(
    name,
    () => {
      if (!variants) {
        const check = declareCases(undefined)
        runner.afterAll(async () => {
          await settle()
          check()
        })
        return
      }
      // Each version's gates fail its own describe block; the dataset settles after them all.
      for (const v of variants) runner.describe(v.title, () => runner.afterAll(declareCases(v)), 'run')
      runner.afterAll(settle)
    },
    mode,
  )
}

/**
 * What a case's test does when the runner runs it again: not the case, which would replace
 * its trials; the first attempt's verdict stands, a failure failing again with its message.
 */
function again(dataset: string, id: string, first: { failure: unknown } | undefined): void {
  if (!first) return
  const message = first.failure instanceof Error ? first.failure.message : String(first.failure)
  throw new Error(`${message}\n\nCase "${id}" of dataset "${dataset}" is not run again on a retry: its first attempt's trials are its result, so that a retry cannot hide a failed trial or its cost. For more samples, raise trials.`)
}

/**
 * Why a case's test fails, or undefined when it passes. With a `passRate` gate, a case
 * fails when its own pass rate is below it; without one, when any trial failed. The
 * dataset's gates, checked once all its cases are done, are the eval's verdict.
 */
export function caseVerdict(result: CaseOutcome, thresholds: EvalThresholds): string | undefined {
  const failed = result.trials.filter((t) => !t.pass)
  if (failed.length === 0) return undefined
  // Redacted here: outputs and errors are the app's text, which may echo a key.
  const unfinished = result.trials.find((t) => t.unfinished)
  if (unfinished) {
    const finished = result.trials.filter((t) => !t.unfinished)
    return redact(`${unfinished.error ?? 'The case did not finish.'}\nTrials that finished before: ${finished.length} of ${result.trials.length} (${finished.filter((t) => t.pass).length} passed); the others count as failed.`)
  }
  const gate = thresholds.passRate
  if (gate !== undefined && result.passRate >= gate) return undefined
  const rule = gate === undefined ? 'every trial must pass (no passRate threshold)' : `its pass rate ${result.passRate.toFixed(2)} is below passRate ${gate}`
  const first = failed[0]!
  return redact(`Case "${result.id}" of dataset "${result.dataset}" failed ${failed.length} of ${result.trials.length} trial(s): ${rule}.\nTrial ${first.trial}: ${first.error ?? 'failed'}\nOutput: ${first.output}`)
}

/** describeEval bound to a runner, with `.only` and `.skip`. */
export function describeEvalFor(runner: () => EvalRunner): DescribeEval {
  const declare = (mode: 'run' | 'only' | 'skip') => <Row, Output>(name: string, options: EvalOptions<Row, Output>) => defineEval(runner(), name, options, mode)
  return Object.assign(declare('run'), { only: declare('only'), skip: declare('skip') }) as DescribeEval
}
