// What the batch of an `assay batch` run saved, handed from the command to the replay pass's
// reporter through the environment, so that results.json and the HTML report of the run that
// replayed the batch's answers show it (see totals.batch).

/** The environment variable `assay batch` sets for its replay pass. */
export const BATCH_SAVING_ENV = 'ASSAY_BATCH_SAVING'

/** The batch whose answers a run replayed: its answers, and their cost at the batch and the live price. */
export interface BatchSaving {
  /** Answers the batch wrote into the cassettes. */
  requests: number
  /** Dollars at the batch price; null when a model has no price. */
  cost: number | null
  /** What the same tokens cost at the live price; null when a model has no price. */
  liveCost: number | null
  /** liveCost − cost; null when either is. */
  saved: number | null
}

const round = (n: number) => Math.round(n * 1e9) / 1e9

/** The figures of a batch run, as the replay pass's environment carries them. */
export function batchSaving(requests: number, cost: number | undefined, liveCost: number | undefined): BatchSaving {
  const priced = cost !== undefined && liveCost !== undefined
  return { requests, cost: priced ? round(cost) : null, liveCost: priced ? round(liveCost) : null, saved: priced ? round(liveCost - cost) : null }
}

const money = (v: unknown): v is number | null => v === null || (typeof v === 'number' && Number.isFinite(v) && v >= 0)

/** The batch saving `env` carries, or undefined when it carries none (or something else, which no report should show). */
export function batchSavingOf(env: Readonly<Record<string, string | undefined>> = process.env): BatchSaving | undefined {
  const text = env[BATCH_SAVING_ENV]
  if (!text) return undefined
  let value: Partial<BatchSaving>
  try {
    value = JSON.parse(text) as Partial<BatchSaving>
  } catch {
    return undefined
  }
  if (!value || !Number.isInteger(value.requests) || value.requests! < 0 || !money(value.cost) || !money(value.liveCost) || !(value.saved === null || (typeof value.saved === 'number' && Number.isFinite(value.saved)))) return undefined
  return { requests: value.requests!, cost: value.cost, liveCost: value.liveCost, saved: value.saved }
}
