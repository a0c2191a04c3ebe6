// The dates a text implies without writing them whole: "Tuesday the 25th" in a note dated
// Monday 3 November is 25 November, "Friday 17th" before "Saturday 18 October" is 17
// October, "Tuesday 21 to Thursday 23 October" holds 21 and 22 October, and "in July"
// after "in 1898" is July 1898. Each day is resolved against the nearest full date written
// before it (its anchor), and a weekday, when the text names one, must agree with the
// anchor's: a weekday that does not fit resolves to nothing.

import { civilDate, dayNumber, daysInMonth, MONTH, monthNumber, WEEKDAY, weekdayNumber, weekdayOf } from './calendar.js'
import { DAY_WORD, dayWordValue } from './numberWords.js'
import type { NumericClaim } from './numericClaim.js'

type Parts = NonNullable<NumericClaim['date']>

/** A date written whole in the text, against which partial dates are resolved. */
interface Anchor {
  index: number
  year: number | undefined
  month: number
  day: number
  /** Its weekday (0 Monday), named beside it or computed from a year written with it. */
  weekday: number | undefined
}

// Words that may follow a day of the month; any other word makes "the 18th" a rank ("the
// 18th hole", "the 5th floor").
const FOLLOW = new Set(
  'and or to at from until till through is was will would so when we i you they he she for please by as in with the of but then if it which that because after before on'.split(' '),
)
const WEEKDAY_BEFORE = new RegExp(`(${WEEKDAY}),?\\s+(?:the\\s+)?$`, 'i')
const MONTH_AFTER = new RegExp(`^(?:st|nd|rd|th)?\\s*(?:of\\s+)?${MONTH}`, 'i')
const NOT_A_DAY_AFTER = /^(?:st|nd|rd|th)?(?:[:.,]\d|-[a-z]|\s*(?:[ap]\.?m\b|%|[-–—]\s*\d))/i
const THE_BEFORE = /\bthe\s+$/i
const WORD_AFTER = /^(?:st|nd|rd|th)?[ \t]+([A-Za-z]+)/

/**
 * Whether the number at `[start, end)` of `text` reads as a day of the month: after a
 * weekday ("Wed 22", "Friday 17th", "Tuesday the 25th"), or a digit ordinal after "the"
 * ("by the 19th"), and not followed by a noun ("the 18th hole") or a clock time.
 */
export function isDayOfMonth(text: string, start: number, end: number): boolean {
  // Most numbers follow no space, or no weekday or "the": rule them out before reading on.
  if (text.charCodeAt(start - 1) !== 0x20) return false
  const last = text.charCodeAt(start - 2)
  const letter = (last | 0x20) >= 0x61 && (last | 0x20) <= 0x7a
  if (!letter && last !== 0x2e && last !== 0x2c) return false
  const before = text.slice(Math.max(0, start - 14), start)
  const weekday = WEEKDAY_BEFORE.test(before)
  if (!weekday && !THE_BEFORE.test(before)) return false
  const after = text.slice(end, end + 24)
  if (!weekday && !/^(?:st|nd|rd|th)\b/i.test(after)) return false
  if (NOT_A_DAY_AFTER.test(after) || MONTH_AFTER.test(after)) return false
  const word = WORD_AFTER.exec(after)?.[1]
  return word === undefined || FOLLOW.has(word.toLowerCase())
}

// A day written without its month: after a weekday ("Sat 20", "friday the 7th", "wednesday
// the twelfth") or as an ordinal after "the" ("by the 19th", "closing date the twenty
// eighth"); "the first", "the second" and "the third" are too often ranks to count alone.
const DAY_REF = new RegExp(`(?:(${WEEKDAY}),?\\s+(?:the\\s+)?|\\bthe\\s+)(?:(\\d{1,2})(?:st|nd|rd|th)?|(${DAY_WORD}))\\b`, 'gi')
// A weekday alone, said relative to the text's date: "on Wednesday", "by next Friday".
const WEEKDAY_REF = new RegExp(`\\b(next|last|this|coming|on|by|until|till|from|before|after)\\s+(?:(next|last)\\s+)?(${WEEKDAY})(?!,?\\s+(?:the\\s+)?(?:\\d|${DAY_WORD}))`, 'gi')
// The first day of a range whose month is written after the second: "21 to 23 October".
const RANGE_BEFORE = new RegExp(`(?:^|[^\\d])(\\d{1,2})(?:st|nd|rd|th)?\\s*(?:[-–—]|\\bto\\b|\\buntil\\b|\\btill\\b|\\bthrough\\b)\\s*(?:${WEEKDAY},?\\s+)?(?:the\\s+)?$`, 'i')
// A month named alone after a word that makes it a time ("in July", "that December").
const BARE_MONTH = new RegExp(`\\b(in|by|from|until|till|since|that|this|next|last|early|late|mid|end\\s+of|during|through|before|after)[\\s-]+(${MONTH})(?!\\.?\\s*(?:\\d|${DAY_WORD}\\b))`, 'gi')

/** The longest range whose inner days count as stated: two weeks, not a season. */
const MAX_RANGE = 13
// A year is only borrowed from a year written close by, in the same paragraph.
const YEAR_REACH = 400

function dateClaim(text: string, index: number, date: Parts): NumericClaim {
  const pad = (n: number | undefined, w: number) => (n === undefined ? '*'.repeat(w) : String(n).padStart(w, '0'))
  return { text, index, kind: 'date', value: date.year ?? Number.NaN, unit: '', date, key: `date ${pad(date.year, 4)}-${pad(date.month, 2)}-${pad(date.day, 2)}` }
}

function anchorsOf(text: string, claims: readonly NumericClaim[]): Anchor[] {
  const anchors: Anchor[] = []
  let dated: { year: number; month: number } | undefined
  for (const c of claims) {
    if (c.kind !== 'date' || c.date?.month === undefined) continue
    const { year, month, day } = c.date
    if (year !== undefined) dated = { year, month }
    if (day === undefined) continue
    // A date without a year takes that of the last dated one, a year on when it falls
    // well before it ("5 January" in a note of 20 December).
    const inherited = year ?? (dated === undefined ? undefined : month < dated.month - 2 ? dated.year + 1 : dated.year)
    const named = WEEKDAY_BEFORE.exec(text.slice(Math.max(0, c.index - 14), c.index))
    const weekday = named ? weekdayNumber(named[1]!) : inherited !== undefined ? weekdayOf(dayNumber(inherited, month, day)) : undefined
    anchors.push({ index: c.index, year: inherited, month, day, weekday })
  }
  return anchors
}

// A year for month lengths when the anchor has none; any common year will do, since the
// weekday then comes from the text.
const SOME_YEAR = 2023

function shift(anchor: Anchor, date: { year: number; month: number; day: number }): Parts {
  return anchor.year === undefined ? { month: date.month, day: date.day } : date
}

/** The dates within a few months of `anchor` that fall on day `day` and, if given, on `weekday`. */
function daysNear(anchor: Anchor, day: number, weekday: number): Parts[] {
  const year = anchor.year ?? SOME_YEAR
  const base = dayNumber(year, anchor.month, anchor.day)
  const found: { delta: number; date: { year: number; month: number; day: number } }[] = []
  for (let offset = -2; offset <= 3; offset++) {
    const m0 = anchor.month - 1 + offset
    const y = year + Math.floor(m0 / 12)
    const m = (((m0 % 12) + 12) % 12) + 1
    if (day > daysInMonth(y, m)) continue
    found.push({ delta: dayNumber(y, m, day) - base, date: { year: y, month: m, day } })
  }
  if (weekday >= 0 && anchor.weekday !== undefined) {
    return found.filter((f) => f.delta >= -45 && f.delta <= 80 && (((anchor.weekday! + f.delta) % 7) + 7) % 7 === weekday).map((f) => shift(anchor, f.date))
  }
  // Without a weekday, the nearest such day either side of the anchor.
  const after = found.filter((f) => f.delta >= 0).sort((a, b) => a.delta - b.delta)[0]
  const before = found.filter((f) => f.delta < 0).sort((a, b) => b.delta - a.delta)[0]
  return [after, before].filter((f) => f !== undefined).map((f) => shift(anchor, f.date))
}

/**
 * The dates `text` implies from the full dates it writes (`claims`, sorted by index, as
 * `extractNumbers` returns them): days named by weekday or ordinal, weekdays said alone,
 * the days of a short range, and months named alone in a year the text has just given.
 */
export function impliedDates(text: string, claims: readonly NumericClaim[]): NumericClaim[] {
  const out: NumericClaim[] = []
  const anchors = anchorsOf(text, claims)
  let at = 0
  const anchorAt = (index: number): Anchor | undefined => {
    while (at + 1 < anchors.length && anchors[at + 1]!.index < index) at++
    return anchors[at]
  }
  if (anchors.length > 0) {
    DAY_REF.lastIndex = 0
    for (let m = DAY_REF.exec(text); m; m = DAY_REF.exec(text)) {
      const weekday = m[1] ? weekdayNumber(m[1]) : -1
      const numeral = m[2] !== undefined
      if (!m[1] && (numeral ? !/(?:st|nd|rd|th)$/i.test(m[0]) : /^(?:first|second|third)$/i.test(m[3]!))) continue
      const day = numeral ? Number(m[2]) : dayWordValue(m[3]!)
      const end = m.index + m[0].length
      const rest = text.slice(end, end + 24)
      if (day < 1 || day > 31 || MONTH_AFTER.test(rest) || NOT_A_DAY_AFTER.test(rest) || !followsAsDay(text, end)) continue
      for (const date of daysNear(anchorAt(m.index)!, day, weekday)) out.push(dateClaim(m[0], m.index, date))
    }
    at = 0
    WEEKDAY_REF.lastIndex = 0
    for (let m = WEEKDAY_REF.exec(text); m; m = WEEKDAY_REF.exec(text)) {
      const anchor = anchorAt(m.index)!
      if (anchor.weekday === undefined) continue
      const which = (m[2] ?? m[1]!).toLowerCase()
      const [from, to] = which === 'next' ? [1, 14] : which === 'last' ? [-14, -1] : [-7, 7]
      const base = dayNumber(anchor.year ?? SOME_YEAR, anchor.month, anchor.day)
      for (let delta = from; delta <= to; delta++) {
        if ((((anchor.weekday + delta) % 7) + 7) % 7 !== weekdayNumber(m[3]!)) continue
        out.push(dateClaim(m[0], m.index, shift(anchor, civilDate(base + delta))))
      }
    }
  }
  for (const c of claims) {
    const { year, month, day } = c.date ?? {}
    if (c.kind !== 'date' || month === undefined || day === undefined) continue
    const range = RANGE_BEFORE.exec(text.slice(Math.max(0, c.index - 40), c.index))
    if (!range) continue
    const first = Number(range[1])
    if (first < 1 || first >= day || day - first > MAX_RANGE) continue
    for (let d = first; d < day; d++) out.push(dateClaim(range[0].trim(), c.index - range[0].length, year === undefined ? { month, day: d } : { year, month, day: d }))
  }
  out.push(...monthsInYear(text, claims))
  return out
}

/** Whether what follows `end` in `text` ends the phrase: punctuation, or a function word rather than a noun. */
export function followsAsDay(text: string, end: number): boolean {
  const word = WORD_AFTER.exec(text.slice(end, end + 24))?.[1]
  return word === undefined || FOLLOW.has(word.toLowerCase())
}

/** The date a text is written on: a full date with its year near its start ("OSLO, 6 February 2025"). */
export function datelineOf(claims: readonly NumericClaim[]): { year: number; month: number } | undefined {
  const first = claims.find((c) => c.kind === 'date' && c.date?.year !== undefined && c.date.month !== undefined)
  return first && first.index < YEAR_REACH ? { year: first.date!.year!, month: first.date!.month! } : undefined
}

// "in July" after "in 1898" is July 1898: the year is the last one written before the
// month in the same paragraph. "next March" and "last March" count from the text's date.
function monthsInYear(text: string, claims: readonly NumericClaim[]): NumericClaim[] {
  const out: NumericClaim[] = []
  const dated = datelineOf(claims)
  const years = claims.filter((c) => c.kind === 'year' || (c.kind === 'date' && c.date?.year !== undefined))
  let at = -1
  BARE_MONTH.lastIndex = 0
  for (let m = BARE_MONTH.exec(text); m; m = BARE_MONTH.exec(text)) {
    while (at + 1 < years.length && years[at + 1]!.index < m.index) at++
    const monthName = m[2]!
    // "that may", "this may": an uncapitalised "may" is a verb more often than a month.
    if (monthName === 'may') continue
    const month = monthNumber(monthName)
    const relative = m[1]!.toLowerCase()
    if (relative === 'next' || relative === 'last') {
      if (dated === undefined) continue
      const year = relative === 'next' ? (month > dated.month ? dated.year : dated.year + 1) : month < dated.month ? dated.year : dated.year - 1
      out.push(dateClaim(m[0], m.index, { year, month }))
      continue
    }
    const prior = years[at]
    if (prior === undefined || m.index - prior.index > YEAR_REACH || text.slice(prior.index, m.index).includes('\n\n')) continue
    const year = prior.kind === 'year' ? prior.value : prior.date!.year!
    out.push(dateClaim(m[0], m.index, { year, month }))
  }
  return out
}
