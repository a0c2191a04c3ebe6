// What judged assertions leave behind for the reporters: one record per verdict (or per
// judge failure). Each runner adapter installs a sink that attaches records to the current
// test: Vitest's task.meta, a side file per worker for Jest.
import type { Verdict } from '../judge/judge.js'

/** One judged assertion, as the reporters read it. Plain JSON. */
export interface JudgeRecord {
  kind: 'judge'
  matcher: string
  testPath?: string | undefined
  testName?: string | undefined
  pass: boolean
  threshold: number
  every: boolean
  /** Present when the judge answered. */
  verdict?: Verdict
  /** Present when it did not. */
  error?: string
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

/** Anything assay attaches to a test. */
export type AssayRecord = JudgeRecord | LlmCallRecord | StoreRecord

type Sink = (record: AssayRecord) => void
let sink: Sink | undefined

/** What the runner knows about the test running now. */
export interface TestContext {
  testPath?: string | undefined
  testName?: string | undefined
}

let testContext: () => TestContext = () => ({})

/** Installs how to ask the runner which test is running; the runner adapters call this. */
export function setTestContextProvider(provider: () => TestContext): void {
  testContext = provider
}

/** The test running now, as far as the runner says. */
export function currentTest(): TestContext {
  return testContext()
}

/** Installs where records go; the runner adapters call this. */
export function setRecordSink(next: Sink | undefined): void {
  sink = next
}

/** Hands a record to the installed sink, if any. */
export function emitRecord(record: AssayRecord): void {
  sink?.(record)
}
