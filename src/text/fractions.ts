// Fractions in words: "a tenth", "a third", "two thirds", "three quarters". A source that
// says one supports the decimal a summary writes for it ("0.1", "0.33", "0.75"); a third
// has no exact decimal, so it supports the readings a summary rounds it to.

import { SMALL } from './numberWords.js'

const DENOMINATORS: Record<string, number> = { third: 3, quarter: 4, fifth: 5, sixth: 6, eighth: 8, tenth: 10 }

/** A fraction said in words; the numerator must be a word, so "the third quarter" is none. */
export const FRACTION_PHRASE = /\b(a|one|two|three|four|five|six|seven|eight|nine)[\s-]+(third|quarter|fifth|sixth|eighth|tenth)s?\b/gi

/**
 * The decimals a {@link FRACTION_PHRASE} match supports: its exact value when that has at
 * most three decimals, else the value rounded to two and to three ("0.33", "0.333"; a
 * coarser "0.3" is as likely three tenths). Empty when the numerator is not below the
 * denominator ("five quarters" is no share of a whole).
 */
export function fractionReadings(m: RegExpExecArray): number[] {
  const word = m[1]!.toLowerCase()
  const numerator = word === 'a' ? 1 : SMALL[word]!
  const denominator = DENOMINATORS[m[2]!.toLowerCase()]!
  if (numerator >= denominator) return []
  const value = numerator / denominator
  if (Math.round(value * 1000) / 1000 === value) return [value]
  return [Math.round(value * 100) / 100, Math.round(value * 1000) / 1000]
}
