// "an hour", "a week", "a year later": one of a unit said with the indefinite article. It
// supports a 1 that the output writes with that unit ("1 hr", "1 week") and nothing else:
// the article is never a claim of the source, so it adds no number to a source's claims or
// to a failure message, and a bare "1" or "1 day" gains nothing from "an hour".
import type { NumericClaim } from './numericClaim.js'

const UNITS: Record<string, string> = {
  hour: 'hour', hours: 'hour', hr: 'hour', hrs: 'hour',
  minute: 'minute', minutes: 'minute', min: 'minute', mins: 'minute',
  day: 'day', days: 'day',
  week: 'week', weeks: 'week', wk: 'week', wks: 'week',
  fortnight: 'fortnight', fortnights: 'fortnight',
  month: 'month', months: 'month',
  year: 'year', years: 'year', yr: 'year', yrs: 'year',
  decade: 'decade', decades: 'decade',
  century: 'century', centuries: 'century',
  mile: 'mile', miles: 'mile', mi: 'mile',
  kilometre: 'km', kilometres: 'km', kilometer: 'km', kilometers: 'km', km: 'km', kms: 'km',
  metre: 'metre', metres: 'metre', meter: 'metre', meters: 'metre',
}
const ARTICLE_UNIT = /\ban?\s+(hour|minute|day|week|fortnight|month|year|decade|century|mile|kilometre|kilometer|metre|meter)\b/gi
// "twice a day", "60 km an hour", "an hour a day" (the day is the rate, the hour the amount),
// "per year": the unit of a rate is no amount of one.
const RATE_BEFORE = /(?:\d\s*|\b(?:once|twice|thrice|times|per|every|each|km|kms|miles?|hours?|minutes?|days?|weeks?|months?|years?|mph|half|quarter)\s+)$/i

/** The units of time or distance `text` says one of with the article, each with where it says it first. */
export function articleUnits(text: string): Map<string, { text: string; index: number }> {
  const found = new Map<string, { text: string; index: number }>()
  ARTICLE_UNIT.lastIndex = 0
  for (let m = ARTICLE_UNIT.exec(text); m; m = ARTICLE_UNIT.exec(text)) {
    const unit = UNITS[m[1]!.toLowerCase()]!
    if (!found.has(unit) && !RATE_BEFORE.test(text.slice(Math.max(0, m.index - 12), m.index))) found.set(unit, { text: m[0], index: m.index })
  }
  return found
}

/**
 * The source's "an hour" that supports `claim`, a plain 1 written right before that unit in
 * any spelling ("1 hr", "1 hours"), from the units {@link articleUnits} found; else `undefined`.
 */
export function oneByArticle(claim: NumericClaim, units: ReadonlyMap<string, { text: string; index: number }>): NumericClaim | undefined {
  if (claim.value !== 1 || claim.kind !== 'number' || claim.unit !== '' || claim.bound !== undefined) return undefined
  const word = claim.nextWord
  const unit = word === undefined ? undefined : UNITS[word.toLowerCase()]
  const said = unit === undefined ? undefined : units.get(unit)
  return said && { text: said.text, index: said.index, kind: 'number', value: 1, unit: '', key: 'article 1' }
}
