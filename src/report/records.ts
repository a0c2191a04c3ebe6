// What judged assertions leave behind for the reporters: one record per verdict (or per
// judge failure). Each runner adapter installs a sink that attaches records to the current
// test: Vitest's task.meta, a side file per worker for Jest.

/** One judged assertion, as the reporters read it. Plain JSON. */
export interface JudgeRecord {
  matcher: string
  testPath?: string | undefined
  testName?: string | undefined
  pass: boolean
  threshold: number
  every: boolean
  /** Present when the judge answered. */
  verdict?: {
    overall: number
    criteria: Record<string, { description: string; score: number; reasoning: string }>
    scale: readonly [number, number]
    samples: number[]
    spread: number
    model: string
    judge: number
    replayed: boolean
    requests: number
    weighted: boolean
    usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number }
    cost: number | undefined
    latencyMs: number
  }
  /** Present when it did not. */
  error?: string
}

type Sink = (record: JudgeRecord) => void
let sink: Sink | undefined

/** Installs where records go; the runner adapters call this. */
export function setRecordSink(next: Sink | undefined): void {
  sink = next
}

/** Hands a record to the installed sink, if any. */
export function emitRecord(record: JudgeRecord): void {
  sink?.(record)
}
