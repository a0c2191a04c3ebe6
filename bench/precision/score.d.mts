/** Labels of one summary; null where the corpus does not label that kind of error. */
export interface Labels {
  number: boolean | null
  entityInvented: boolean | null
  entityDropped: boolean | null
  [more: string]: unknown
}

/** One summary of the evaluation set, with its source text and final labels. */
export interface BenchRecord {
  id: string
  slice: string
  sourceId: string
  source: string
  summary: string
  seed?: string
  labels: Labels
  checked: boolean
  corrected: boolean
  [more: string]: unknown
}

/** A hand check: why the label is what it is, and any labels it changed. */
export interface Check {
  note: string
  class?: string
  number?: boolean
  entityInvented?: boolean
  entityDropped?: boolean
}

export interface Score {
  n: number
  tp: number
  fp: number
  fn: number
  tn: number
  precision: number | null
  recall: number | null
  f1: number | null
}

export function loadSet(summaries: string, sources: string, checked?: Record<string, Check>): BenchRecord[]
export function score(flags: readonly boolean[], truth: readonly (boolean | null | undefined)[]): Score
export function pct(x: number | null | undefined): string
