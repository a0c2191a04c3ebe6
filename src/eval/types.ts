// The shapes a dataset eval (`describeEval`) is declared with and leaves behind. The
// runner adapters, the aggregate and the reporters share them.
import type { DatasetResult, EvalCaseResult } from '../report/schema.js'

/**
 * Gates a dataset must pass once its cases are done. Each interval is taken at
 * `confidence`, and a gate on a rate or a mean is met when the interval's lower bound
 * reaches it: a dataset of 200 cases × 5 trials at 93% passes `passRate: 0.9` (Wilson
 * lower bound 91.2%), at 88% it fails.
 */
export interface EvalThresholds {
  /** Minimum pass rate over all trials, on the Wilson lower bound. */
  passRate?: number
  /** Minimum mean judge score, on the lower bound of its t interval. */
  meanScore?: number
  /** Confidence of every interval. @default 0.95 */
  confidence?: number
  /** Maximum $ spent live by the dataset (judge and app calls). */
  maxCost?: number
  /** Maximum 95th percentile of a trial's wall time. */
  p95LatencyMs?: number
  /**
   * Minimum agreement of the judge with the rows' human labels, on the lower bound of
   * Cohen's kappa (pass/fail labels) or, for score labels only, of Spearman's rho.
   */
  agreement?: number
}

/** A human label a row may carry (`expected` field), for judge calibration. */
export interface HumanLabel {
  pass?: boolean
  score?: number
}

/** A row of a dataset, validated, with its stable id. */
export interface DatasetCase<Row> {
  /** The row's `id` field, else its 1-based line (JSONL, CSV) or 0-based index (JSON, arrays). */
  id: string
  row: Row
  /** Where the row came from, for messages: `fixtures/news.jsonl:12`, or `data[3]`. */
  where: string
  expected?: HumanLabel
}

/** What a finished case hands the aggregate: its result as results.json has it. */
export type CaseOutcome = EvalCaseResult

/** The aggregate of one dataset, as results.json has it. */
export type DatasetSummary = DatasetResult
