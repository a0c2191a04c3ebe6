// What assay's assertions leave behind for the reporters: one record per assertion (a
// verdict or judge failure for judged ones), per app LLM call and per store at a file's end. Each runner adapter installs a sink that attaches records to the current
// test: Vitest's task.meta, a side file per worker for Jest.
import type { EvalThresholds } from '../eval/types.js'
import type { Verdict } from '../judge/judge.js'
import type { Faithfulness } from '../judge/faithfulness.js'
import type { EvalCaseResult } from './schema.js'
import { redactDeep } from '../secrets.js'
import { currentTrial } from '../eval/trial.js'

/** Where an assertion sits in its test file (1-based). */
export interface SourceLocation {
  line: number
  column: number
}

/** What every assertion record says, judged or not. */
export interface AssertionBase {
  matcher: string
  testPath?: string | undefined
  testName?: string | undefined
  /** The assertion's outcome, after `.not`. */
  pass: boolean
  /** True under `.not`. */
  negated: boolean
  /** The failure message (failed assertions only). */
  message?: string | undefined
  /** The `expect(…)` call in the test file (failed assertions only). */
  location?: SourceLocation | undefined
}

/** What a deterministic matcher found, for the report; each matcher fills the parts it has. */
export interface CheckDetails {
  /** One line on what was measured, e.g. "4 items (allowed 1–3)". */
  summary?: string | undefined
  /** toPreserveEntities. */
  entities?: { kept: string[]; missing: string[] } | undefined
  /** toHaveNoInventedNumbers: claims the source does not support, and how many were checked. */
  numbers?: { invented: string[]; checked: number } | undefined
  /** toMatchStructuralBaseline. */
  drift?: { baseline: string; changes: string[]; diff?: string | undefined; status: 'matched' | 'written' | 'updated' | 'drifted' | 'missing' } | undefined
}

/** One assertion by a deterministic matcher. Plain JSON. */
export interface CheckRecord extends AssertionBase {
  kind: 'check'
  details?: CheckDetails | undefined
}

/** One judged assertion, as the reporters read it. Plain JSON. */
export interface JudgeRecord extends AssertionBase {
  kind: 'judge'
  threshold: number
  every: boolean
  /** Present when the judge answered. */
  verdict?: Verdict
  /** Present when it did not. */
  error?: string
  /** HTTP requests sent before the judge gave up (failures only; a verdict has its own count). */
  requests?: number
  /** What the semantic cache's look-up cost before the judge gave up (failures only; a verdict has its own). */
  semanticCache?: Verdict['semanticCache']
  /** True when the judge gave no verdict because the cassette had no answer under lockdown. */
  cassetteMiss?: boolean
}

/** One faithfulness assertion (`toBeFaithfulTo`), as the reporters read it. Plain JSON. */
export interface FaithfulnessRecord extends AssertionBase {
  kind: 'faithfulness'
  /** Present when the judge checked the claims. */
  verdict?: Faithfulness
  /** Present when it did not. */
  error?: string
  /** HTTP requests sent before the judge gave up (failures only; a verdict has its own count). */
  requests?: number
  /** True when the judge gave no verdict because the cassette had no answer under lockdown. */
  cassetteMiss?: boolean
}

/** One `toBeSemanticallySimilarTo` assertion. Plain JSON. */
export interface SimilarityRecord extends AssertionBase {
  kind: 'similarity'
  threshold: number
  /** The embedding model asked. */
  model: string
  /** The cosine similarity; present when it was computed. */
  similarity?: number
  /** True when both vectors came from the cassette. */
  replayed?: boolean
  /** HTTP requests sent, failed ones included (0 when replayed). */
  requests: number
  /** Tokens and $ spent live; replays cost nothing. */
  tokens?: number
  cost?: number | undefined
  latencyMs?: number
  /** Why no similarity was computed. */
  error?: string
  /** True when it was not, because the cassette had no vector under lockdown. */
  cassetteMiss?: boolean
}

/** One LLM call the app under test made through `recordingFetch`. Plain JSON. */
export interface LlmCallRecord {
  kind: 'llm-call'
  testPath?: string | undefined
  testName?: string | undefined
  url: string
  model: string | undefined
  replayed: boolean
  status: number
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number } | undefined
  cost: number | undefined
  latencyMs: number
  /** Under lockdown the cassette had no answer: the app got HTTP 424. */
  cassetteMiss?: boolean | undefined
}

/** What happened to a test file's cassette or baselines at its end (Vitest also puts it in the file's meta). */
export interface StoreRecord {
  kind: 'cassette' | 'baseline'
  testPath: string
  path: string
  obsolete: string[]
  pruned: number
  /** Baselines only: entries written for the first time, and rewritten. */
  written?: number
  updated?: number
}

/**
 * A finished case of a dataset eval (`describeEval`), attached to the case's test after its
 * last trial. The reporters put `case` in results.json as the test's `eval` and aggregate
 * the cases of each dataset with its `thresholds`. Plain JSON.
 */
export interface EvalCaseRecord {
  kind: 'eval-case'
  testPath?: string | undefined
  testName?: string | undefined
  /** The data file, absolute, when the rows came from one. */
  source?: string | undefined
  thresholds: EvalThresholds
  case: EvalCaseResult
}

/** Anything assay attaches to a test. */
export type AssayRecord = CheckRecord | JudgeRecord | FaithfulnessRecord | SimilarityRecord | LlmCallRecord | StoreRecord | EvalCaseRecord

/**
 * Which test a record belongs to, as the runner knows it: Vitest hands each matcher the
 * test its `expect` is bound to (`this.task`), which stays right under `test.concurrent`,
 * where the runner's "current test" does not.
 */
export interface RecordOwner {
  task?: unknown
  /**
   * The test's full name as the runner's failed-test list gives it: a dataset case's test
   * passes it to its trials, whose cassette entries it then names for sure.
   */
  testName?: string | undefined
}

type Sink = (record: AssayRecord, owner?: RecordOwner) => void
let sink: Sink | undefined

/** What the runner knows about the test running now. */
export interface TestContext {
  testPath?: string | undefined
  testName?: string | undefined
  /** The running test is concurrent, so `testName` may be another test's. */
  concurrent?: boolean | undefined
  /**
   * When the running test times out, in epoch ms (its start plus its timeout); undefined
   * when it has no timeout. A judge call fails at once on a 429 asking for a longer wait.
   */
  deadline?: number | undefined
}

/** A test's deadline from its start and timeout (epoch ms); none for a missing, zero or infinite timeout. */
export function deadlineOf(startedAt: number | null | undefined, timeoutMs: number | null | undefined): number | undefined {
  if (typeof startedAt !== 'number' || typeof timeoutMs !== 'number' || !(timeoutMs > 0) || !Number.isFinite(timeoutMs)) return undefined
  return startedAt + timeoutMs
}

let testContext: () => TestContext = () => ({})

/** Installs how to ask the runner which test is running; the runner adapters call this. */
export function setTestContextProvider(provider: () => TestContext): void {
  testContext = provider
}

/** The test running now, as far as the runner says. */
export function currentTest(): TestContext {
  const test = testContext()
  // A dataset case times out on its own clock, started when it got its concurrency slot.
  const deadline = currentTrial()?.deadline
  return deadline === undefined ? test : { ...test, deadline }
}

/** Installs where records go; the runner adapters call this. */
export function setRecordSink(next: Sink | undefined): void {
  sink = next
}

/** Whether a sink is installed, so callers can skip building records nobody reads. */
export function recording(): boolean {
  return sink !== undefined || currentTrial() !== undefined
}

/** Hands a record to the installed sink, if any, with known secrets redacted from it. */
export function emitRecord(record: AssayRecord, owner?: RecordOwner): void {
  const redacted = redactDeep(record)
  // A dataset case's trial scores itself from the verdicts and calls it made, and knows
  // its test for sure.
  const trial = currentTrial()
  trial?.records.push(redacted)
  if (sink) sink(redacted, trial?.owner ?? owner)
}
