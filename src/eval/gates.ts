// A dataset's gates: its thresholds checked, and each gate's verdict in one sentence that
// shows the figure, its interval and which side of the gate the compared bound is on.
import { AssayUsageError } from '../errors.js'
import type { GateResult, Interval } from '../report/schema.js'
import { describeValue } from '../validate.js'
import type { EvalThresholds } from './types.js'

type Rule = readonly [check: (v: number) => boolean, expected: string]

const RULES: Record<keyof EvalThresholds, Rule> = {
  passRate: [(v) => v >= 0 && v <= 1, 'a number from 0 to 1 (a fraction of trials: 0.9 for 90%)'],
  meanScore: [(v) => Number.isFinite(v), "a finite number on the judge's scale, such as 7.5"],
  confidence: [(v) => v > 0 && v < 1, 'a number between 0 and 1 (exclusive), such as 0.95'],
  maxCost: [(v) => v >= 0 && Number.isFinite(v), 'a number ≥ 0 ($)'],
  p95LatencyMs: [(v) => v >= 0 && Number.isFinite(v), 'a number ≥ 0 (milliseconds)'],
  agreement: [(v) => v >= -1 && v <= 1, 'a number from −1 to 1 (the lower bound of kappa or rho)'],
}

/**
 * Checks `describeEval`'s thresholds, throwing a usage error that names the bad one.
 * `undefined` is no gates.
 *
 * @example
 * ```ts
 * validateThresholds({ passRate: 0.9, confidence: 0.95 })
 * ```
 */
export function validateThresholds(thresholds: unknown): EvalThresholds {
  if (thresholds === undefined) return {}
  if (thresholds === null || typeof thresholds !== 'object' || Array.isArray(thresholds)) {
    throw new AssayUsageError('describeEval', `thresholds must be an object such as { passRate: 0.9 }, but got ${describeValue(thresholds)}.`, validateThresholds)
  }
  const out: EvalThresholds = {}
  for (const [key, value] of Object.entries(thresholds)) {
    if (value === undefined) continue
    const rule = RULES[key as keyof EvalThresholds] as Rule | undefined
    if (!rule) {
      throw new AssayUsageError('describeEval', `unknown threshold "${key}"; the thresholds are ${Object.keys(RULES).join(', ')}.`, validateThresholds)
    }
    if (typeof value !== 'number' || !rule[0](value)) {
      throw new AssayUsageError('describeEval', `thresholds.${key} must be ${rule[1]}, but got ${describeValue(value)}.`, validateThresholds)
    }
    out[key as keyof EvalThresholds] = value
  }
  return out
}

/** A fraction as a percentage, 1 decimal: `0.912` → `91.2%`. */
export const pct = (x: number, digits = 1) => `${(x * 100).toFixed(digits)}%`

/** A threshold as given, without padding: `0.9` → `90%`, `0.925` → `92.5%`. */
export const gatePct = (x: number) => `${Number((x * 100).toFixed(4))}%`

/** How a figure is shown: percentages (factor 100, unit %) or plain numbers. */
export interface Figure {
  factor: number
  digits: number
  unit: string
}
export const PERCENT: Figure = { factor: 100, digits: 1, unit: '%' }
export const PLAIN: Figure = { factor: 1, digits: 2, unit: '' }

const show = (x: number, f: Figure, digits = f.digits) => `${(x * f.factor).toFixed(digits)}${f.unit}`

/**
 * Digits enough to tell a bound from the gate: a bound of 0.89996 shown as "90.0%" beside
 * a failed gate of 90% would read as a contradiction.
 */
function digitsFor(bound: number, gate: number, f: Figure): number {
  const target = Number((gate * f.factor).toFixed(8))
  let d = f.digits
  while (d < f.digits + 4 && Number((bound * f.factor).toFixed(d)) >= target !== bound >= gate) d++
  return d
}

/**
 * A gate on an interval's lower bound. `describe` names the figure, e.g. "pass rate 93.0%
 * (930/1000 trials)"; the message goes on with the interval and the verdict.
 */
export function lowerBoundGate(name: GateResult['name'], threshold: number, interval: Interval, describe: string, f: Figure): GateResult {
  const d = digitsFor(interval.lower, threshold, f)
  const lower = show(interval.lower, f, d)
  const gate = f === PERCENT ? gatePct(threshold) : String(threshold)
  const pass = interval.lower >= threshold
  const range = `${(interval.lower * f.factor).toFixed(d)}–${show(interval.upper, f, d)}`
  return {
    name,
    threshold,
    actual: interval.lower,
    pass,
    message: `${describe}, ${gatePct(interval.confidence)} interval ${range}: ${pass ? `the lower bound ${lower} reaches the gate ${gate}` : `the lower bound is below the gate ${gate}`}`,
  }
}

/** A gate that could not be computed: it fails, and its message says why and what to do. */
export function missingGate(name: GateResult['name'], threshold: number, message: string): GateResult {
  return { name, threshold, actual: null, pass: false, message }
}

/** A budget: met when the figure is at most the threshold. */
export function budgetGate(name: 'maxCost' | 'p95LatencyMs', threshold: number, actual: number, figure: string, budget: string): GateResult {
  const pass = actual <= threshold
  return { name, threshold, actual, pass, message: `${figure} ${pass ? 'is within' : 'exceeds'} the budget ${budget}` }
}

/** Dollars: the budget as given with at least cents, a spend to 4 decimals. */
export const dollars = (x: number, digits = 4) => `$${x.toFixed(digits)}`
export const budgetDollars = (x: number) => `$${x.toFixed(Math.max(2, (String(x).split('.')[1] ?? '').length))}`
export const millis = (x: number) => `${Math.round(x).toLocaleString('en-US')} ms`
