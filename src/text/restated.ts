// Figures a summary restates in other terms than its source: a ratio of risks as a percent
// higher or lower risk ("HR 1.27" → "27% higher risk"), decades and centuries as years
// ("three decades" → "30 years"). Read from a source only, as derivations.

import { SMALL } from './numberWords.js'

/**
 * A hazard, odds, risk or rate ratio and its value: "HR 1.27", "adjusted HR, 0.82",
 * "hazard ratio of 1.4", "OR = 2.1". The abbreviations must be in capitals, so that the
 * word "or" before a number is no odds ratio.
 */
export const RISK_RATIO = /(?:\b(?:a?HR|a?OR|a?RR|IRR)|\b(?:[Hh]azard|[Oo]dds|[Rr]isk|[Rr]ate) ratio|\b[Rr]elative risk)\b[\s,:=(]*(?:(?:of|was|is)\s+)?(\d\.\d{1,3})(?!\d|\.\d)/g

/**
 * The percent difference in risk a ratio states: 1.27 is 27% higher, 0.82 is 18% lower
 * (negative). Rounded to the places the ratio gives beyond two (1.185 → 18.5%); undefined
 * for a ratio of 1 or of 10 and more, which no one restates so.
 */
export function riskPercent(ratio: string): number | undefined {
  const value = Number(ratio)
  if (!(value > 0 && value < 10) || value === 1) return undefined
  const places = Math.max(0, (ratio.split('.')[1]?.length ?? 0) - 2)
  const factor = 10 ** places
  return Math.round((value - 1) * 100 * factor) / factor
}

/** A count of decades or centuries: "three decades", "a decade", "two centuries", "half a century". */
export const DECADES = /\b(?:(half)\s+a|(a|an|one|two|three|four|five|six|seven|eight|nine|ten|\d{1,2}))\s+(decades?|century|centuries)\b/gi

/** The years a {@link DECADES} match spans: 30 for "three decades", 50 for "half a century". */
export function decadeYears(m: RegExpExecArray): number | undefined {
  const per = m[3]!.toLowerCase().startsWith('decade') ? 10 : 100
  if (m[1]) return per / 2
  const word = m[2]!.toLowerCase()
  const count = word === 'a' || word === 'an' ? 1 : /^\d+$/.test(word) ? Number(word) : SMALL[word]
  return count === undefined ? undefined : count * per
}
