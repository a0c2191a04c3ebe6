// The same quantity written another way: a scale letter that may or may not be a scale
// ("17m"), basis points and percentage points, and the first figure of a range, which
// takes the scale written once after the second ("£2.9–3.1bn").
import type { Claim } from './numericClaim.js'
import { parseWords, SCALES, SMALL } from './numberWords.js'
import { headNoun } from './qualifiers.js'
import { alternation } from './regex.js'

// A lone "m" right after a number is a million ("17m units") as often as metres or
// minutes ("a 5.68m jump"), so the claim states either.
const SCALE_LETTER = /m(?![\p{L}\p{N}])/uy
// Basis points are hundredths of a percentage point: "25bp" is 0.25 points. Reading one
// as the other is a derivation (a source reading), as a reader converts units.
const BASIS_POINTS = /[\s-]?(?:bps?|basis[\s-]+points?)(?![\p{L}\p{N}])/uy
const POINTS = /\s?(?:percentage[\s-]+)?points?(?![\p{L}\p{N}])/uy

/**
 * The other value a number without a scale states, read from `written` and the characters
 * after it (`end` in `text`): a million for "17m"; in a source (`implied`), percentage
 * points for basis points ("25bp" as 0.25) and the reverse ("0.25 points" as 25).
 * `undefined` if none.
 */
export function otherReading(text: string, end: number, value: number, unit: string, written: string, implied: boolean): number | undefined {
  const next = text.charCodeAt(end)
  if (next === 0x6d && unit === '') {
    SCALE_LETTER.lastIndex = end
    if (SCALE_LETTER.test(text)) return value * 1e6
  }
  if (!implied) return undefined
  if (unit === '%') return /points?$/i.test(written) ? value * 100 : undefined
  if (next === 0x62 || next === 0x20 || next === 0x2d) {
    BASIS_POINTS.lastIndex = end
    if (BASIS_POINTS.test(text)) return value / 100
    POINTS.lastIndex = end
    if (unit === '' && POINTS.test(text)) return value * 100
  }
  return undefined
}

const RANGE_JOIN = /^\s*(?:[-–—]|to|and)\s*$/i
const BETWEEN = /\bbetween\s+$/i
const WRITTEN_SCALE = /(?<=[\d\s-])(thousand|million|billion|trillion|mln|mn|bn|tn|k|m|b|t)(?![\p{L}])/iu

// The scale a claim was written with: "3.1bn", "95m", "ninety five million".
function scaleOf(c: Claim): number {
  if (c.alternative !== undefined && c.value !== 0 && c.alternative / c.value >= 1000) return c.alternative / c.value
  const written = WRITTEN_SCALE.exec(c.text)?.[1]?.toLowerCase()
  return written ? SCALES[written]! : 1
}

/**
 * Gives the first figure of each range whose scale is written once, after the second
 * ("£2.9–3.1bn", "92–95m", "between ninety two and ninety five million"), that scale as
 * its other reading. `claims` are sorted by index in `text`.
 */
export function linkRanges(text: string, claims: readonly Claim[]): void {
  let prev: Claim | undefined
  for (const c of claims) {
    if (c.implied) continue
    // The cheap tests first: a text of bare numbers has a claim every few characters.
    const gap = prev ? c.index - prev.index - prev.text.length : Number.POSITIVE_INFINITY
    if (prev && gap <= 9 && RANGE_JOIN.test(text.slice(c.index - gap, c.index)) && (c.kind === 'number' || c.kind === 'money')) {
      const scale = scaleOf(c)
      const between = text.slice(c.index - gap, c.index)
      const joins = !/and/i.test(between) || BETWEEN.test(text.slice(Math.max(0, prev.index - 10), prev.index))
      if (joins && scale >= 1000 && (prev.kind === 'number' || prev.kind === 'money') && prev.alternative === undefined && scaleOf(prev) === 1) prev.alternative = prev.value * scale
    }
    prev = c
  }
}

// A tally in words: "7 votes to 4", "eleven votes to one", "three nil", "nil-nil".
const SIDE = String.raw`(\d{1,3}|(?:${alternation(['twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'])})[\s-](?:${alternation(['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'])})|${alternation(Object.keys(SMALL))}|nil)`
// Found from their keyword outwards, which keeps a text of bare digits fast.
const TALLY_KEY = /\b(?:(?:votes?|seats?|goals?)\s+to\s+|nil\b)/gi
const SIDE_BEFORE = new RegExp(String.raw`\b${SIDE}[\s-]+$`, 'i')
const SIDE_AFTER = new RegExp(String.raw`${SIDE}\b`, 'iy')

/** The spans of the sides of each tally in words in `text` ({@link tallySide} reads them). */
export function tallies(text: string): [number, number][][] {
  const out: [number, number][][] = []
  TALLY_KEY.lastIndex = 0
  for (let k = TALLY_KEY.exec(text); k; k = TALLY_KEY.exec(text)) {
    const nil = k[0].length === 3
    const from = Math.max(0, k.index - 24)
    const before = SIDE_BEFORE.exec(text.slice(from, k.index))
    // "votes to" needs a space before it, "nil" a space or a hyphen.
    if (!before || (!nil && !/\s$/.test(before[0]))) continue
    const first: [number, number] = [from + before.index, from + before.index + before[1]!.length]
    if (nil) {
      out.push([first, [k.index, k.index + 3]])
      continue
    }
    SIDE_AFTER.lastIndex = k.index + k[0].length
    const after = SIDE_AFTER.exec(text)
    if (after) out.push([first, [after.index, after.index + after[1]!.length]])
  }
  return out
}

/** The value of one side of a tally. */
export function tallySide(side: string): number {
  const lower = side.toLowerCase()
  return lower === 'nil' ? 0 : /^\d+$/.test(lower) ? Number(lower) : parseWords(lower)
}

const SENTENCE_END = /[.!?](?:\s|$)|\n/

/** How far after a figure with a scale a bare number may take that scale, in characters. */
export const ELIDED_SCALE_REACH = 400

/**
 * Gives a bare number of a source the scale of the figure with a scale before it, when the
 * number has no noun of its own and a like size: speech and prose write the scale once
 * ("about thirty million, lower than the thirty four we guided", "two point four million,
 * up from two point one"). `claims` are sorted by index in `text`.
 */
export function inheritScales(text: string, claims: readonly Claim[]): void {
  // The last few figures with a scale, latest first: a bare number takes the scale of the
  // nearest one of a like size ("two point three" after "310 thousand" and "2.4 million").
  const recent: { at: number; mantissa: number; scale: number }[] = []
  let points: Claim | undefined
  for (const c of claims) {
    if (c.implied) continue
    // A figure in percentage points lends its unit to a bare figure of its sentence.
    if (c.unit === '%' && /points?$/i.test(c.text)) points = c
    if (c.kind !== 'number' && c.kind !== 'money') continue
    const own = scaleOf(c)
    if (own >= 1000) {
      recent.unshift({ at: c.index, mantissa: Math.abs(c.value / own), scale: own })
      recent.length = Math.min(recent.length, 3)
      continue
    }
    if (c.kind !== 'number' || c.unit !== '' || c.joined || c.tally || c.ordinal || c.alternative !== undefined || c.value === 0) continue
    const v = Math.abs(c.value)
    const like = recent.find((r) => c.index - r.at <= ELIDED_SCALE_REACH && v <= r.mantissa * 10 && v >= r.mantissa / 10)
    if (headNoun(text, c.index + c.text.length) !== '') continue
    if (like) c.alternative = c.value * like.scale
    else if (points && c.index - points.index <= ELIDED_SCALE_REACH && v <= Math.abs(points.value) * 10 && v >= Math.abs(points.value) / 10 && !SENTENCE_END.test(text.slice(points.index, c.index))) {
      c.alternative = c.value
      c.alternativeUnit = '%'
    }
  }
}

// "one" or "a single" before the noun it counts ("one objector", "a single episode"), but
// not the pronoun ("one of them", "the one that", "one another") nor an idiom ("one day").
export const ONE_COUNT = /\b((?:a|one)\s+single|one)\s+(?!(?:of|another|or|and|by|to|in|on|at|for|day|time|way|thing|more|less|which|that|who|is|was|has|had|would|will|can|could|should|must|too|else)\b)[a-z]{3,}\b/gi
const DETERMINER_BEFORE = /\b(?:the|this|that|each|every|any|no|which|another|someone|anyone|everyone|last|next|little|big|new|old|right|wrong|same|other)\s+$/i

/** Whether the {@link ONE_COUNT} match at `i` counts something, rather than standing for a noun. */
export function countsOne(text: string, i: number): boolean {
  return /^(?:a|one)\s+single/i.test(text.slice(i, i + 11)) || !DETERMINER_BEFORE.test(text.slice(Math.max(0, i - 12), i))
}
