// Years, quarters, spans and hours a text states in words: "the following year" after
// 1956 is 1957, "last year" in a text dated 2025 is 2024, "the July–September quarter" is
// the second quarter of a fiscal year ending in March, "three minutes and 15 seconds" is
// 3:15, "twenty twenty two" is 2022, and "thursday 4-6" names the hours 4 and 6.

import { MONTH, monthNumber, WEEKDAY } from './calendar.js'
import { datelineOf, followsAsDay } from './dates.js'
import { DAY_WORD, dayWordValue, parseWords } from './numberWords.js'
import type { NumericClaim } from './numericClaim.js'

/** What {@link impliedPeriods} finds: values read as written, and values worked out. */
export interface Periods {
  /** Another notation of what the text writes: spoken years, spans written as `m:ss`. */
  stated: NumericClaim[]
  /** Values worked out from the text: relative years, quarters of a period, hour ranges. */
  derived: NumericClaim[]
}

const COUNT_WORDS = 'a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty'
const TENS = 'twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety'
const COUNT = `(\\d{1,3}|(?:${TENS})[\\s-]+(?:one|two|three|four|five|six|seven|eight|nine)\\b|(?:${TENS})|${COUNT_WORDS})`
// A count of decades is ten years each: "a decade ago", "two decades later".
const RELATIVE_YEAR = new RegExp(
  `\\b(?:the\\s+(following|next|previous|preceding)\\s+year|the\\s+year\\s+(after|before)|${COUNT}\\s+(years?|decades?)\\s+(later|earlier)|(last|next|this)\\s+year|${COUNT}\\s+(years?|decades?)\\s+ago)\\b`,
  'gi',
)
const FISCAL_END = new RegExp(`\\b(?:fiscal|financial)\\s+year\\s+(?:ending|ended|ends|to|through)\\s+(?:on\\s+|in\\s+)?(?:\\d{1,2}(?:st|nd|rd|th)?\\s+)?(${MONTH})`, 'i')
// A quarter named by its months or its end: "the July–September quarter", "April to June",
// "between July and September", "the June quarter", "the 13 weeks to 28 June", "three months ended 30 June".
const QUARTER_SPAN = new RegExp(
  `(?:(${MONTH})\\s*(?:[-–—/]|\\bto\\b|\\bthrough\\b)\\s*(${MONTH})(?:\\s+quarter)?|\\bbetween\\s+(${MONTH})\\s+and\\s+(${MONTH})|\\b(${MONTH})\\s+quarter|` +
    `\\b(?:quarter|(?:three|3)\\s+months|(?:thirteen|13)\\s+weeks)\\s+(?:to|ended|ending|through)\\s+(?:\\d{1,2}(?:st|nd|rd|th)?\\s+)?(${MONTH}))`,
  'gi',
)
// Half-years: "the first half", "second-half profit", "the six months to 30 June".
const HALF_NAMED = /\b(first|second)[\s-]+half\b/gi
const HALF_SPAN = new RegExp(`\\b(?:six|6)\\s+months\\s+(?:to|ended|ending|through)\\s+(?:\\d{1,2}(?:st|nd|rd|th)?\\s+)?(${MONTH})`, 'gi')
const FINAL_QUARTER = /\b(?:final|closing)\s+quarter\b|\blast\s+quarter\s+of\s+the\s+year\b/gi
const QUARTER_NAMED = /\b(?:Q([1-4])|([1-4])Q|(first|second|third|fourth)[\s-]+quarter)\b(?!\s*(?:of\s+)?(?:\d{4}|'\d\d|FY))/gi
const SPOKEN_TENS = 'twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety'
const SPOKEN_UNITS = 'one|two|three|four|five|six|seven|eight|nine'
const SPOKEN_YEAR = new RegExp(
  `\\b(nineteen|twenty)[\\s-]+((?:${SPOKEN_TENS})(?:[\\s-]+(?:${SPOKEN_UNITS}))?|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|oh[\\s-]+(?:${SPOKEN_UNITS}))\\b`,
  'gi',
)
const MONTH_BEFORE = new RegExp(`(${MONTH})\\s+(?:of\\s+)?$`, 'i')
const UP_TO_59 = `(\\d{1,2}|(?:${SPOKEN_TENS})(?:[\\s-]+(?:${SPOKEN_UNITS}))?|${COUNT_WORDS})`
const SPAN = new RegExp(
  `\\b${UP_TO_59}\\s*(?:(minutes?|mins?)|(hours?|hrs?))\\s*(?:and\\s+)?${UP_TO_59}\\s*(?:(seconds?|secs?)|(minutes?|mins?))\\b`,
  'gi',
)
// Two hours after a weekday, "from" or "between": "thursday 4-6", "from 9 to 5".
const HOUR_RANGE = new RegExp(`(?:${WEEKDAY}|\\bfrom|\\bbetween)\\s+(\\d{1,2})\\s*(?:[-–]|\\bto\\b|\\band\\b)\\s*(\\d{1,2})(?![\\d:.]|\\s*(?:[ap]\\.?m\\b|%))`, 'gi')
// "Four minutes after the restart" is the 49th minute of a football match and the 44th
// of a rugby one: both halves are counted, 45 and 40 minutes.
const SECOND_HALF = new RegExp(`\\b${COUNT}\\s+minutes?\\s+(?:after\\s+(?:the\\s+)?(?:restart|interval|break|half[\\s-]?time)|into\\s+the\\s+second\\s+half)\\b`, 'gi')
const HALF_LENGTHS = [45, 40]
// "Two minutes into stoppage time", "the second minute of six added on": 90+2, or 45+2
// at the end of the first half.
const STOPPAGE = new RegExp(
  `\\b(?:${COUNT}\\s+minutes?\\s+into|(?:the\\s+)?(?:(\\d{1,2})(?:st|nd|rd|th)|(${DAY_WORD}))\\s+minute\\s+of)\\s+(?:the\\s+)?(?:${COUNT}\\s+(?:minutes?\\s+)?(?:of\\s+)?)?(?:(?:stoppage|injury|added)[\\s-]time|added[\\s-]on)\\b`,
  'gi',
)

// A time said in words: "half past six", "quarter to seven", "ten past 4", "six o'clock".
const HOURS = 'one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve'
const CLOCK_WORDS = new RegExp(`\\b(?:(quarter|half|five|ten|twenty|twenty[\\s-]five)\\s+(past|to)\\s+(${HOURS}|1[0-2]|[1-9])|(${HOURS}|1[0-2]|[1-9])\\s+o'?clock)\\b`, 'gi')
const PAST: Record<string, number> = { quarter: 15, half: 30, five: 5, ten: 10, twenty: 20 }

const YEAR_REACH = 400
const ORDINAL_QUARTERS: Record<string, number> = { first: 1, second: 2, third: 3, fourth: 4 }

function count(word: string): number {
  return /^\d/.test(word) ? Number(word) : word.toLowerCase() === 'a' ? 1 : parseWords(word)
}

function claim(text: string, index: number, kind: NumericClaim['kind'], value: number, unit = ''): NumericClaim {
  const key = kind === 'time' ? `time ${String(Math.floor(value / 60)).padStart(2, '0')}:${String(value % 60).padStart(2, '0')}` : `${unit || '#'} ${value}`
  return { text, index, kind, value, unit, key }
}

/**
 * The years, quarters, spans and hours `text` states in words, given the claims
 * `extractNumbers` found in it (sorted by index).
 */
export function impliedPeriods(text: string, claims: readonly NumericClaim[]): Periods {
  const stated: NumericClaim[] = []
  const derived: NumericClaim[] = []
  const dated = datelineOf(claims)
  const years = claims.filter((c) => c.kind === 'year' || (c.kind === 'date' && c.date?.year !== undefined))
  let at = -1
  // A year resolved from an earlier phrase is the base of the next: "the following year
  // ... three years later".
  let resolved: NumericClaim | undefined
  RELATIVE_YEAR.lastIndex = 0
  for (let m = RELATIVE_YEAR.exec(text); m; m = RELATIVE_YEAR.exec(text)) {
    while (at + 1 < years.length && years[at + 1]!.index < m.index) at++
    const written = years[at]
    const prior = resolved !== undefined && (written === undefined || resolved.index > written.index) ? resolved : written
    const near = prior !== undefined && m.index - prior.index <= YEAR_REACH && !text.slice(prior.index, m.index).includes('\n\n')
    const base = near ? (prior.kind === 'year' ? prior.value : prior.date!.year!) : undefined
    const step = m[1] ?? m[2]
    let year: number | undefined
    if (step !== undefined) year = base === undefined ? undefined : base + (/^(?:following|next|after)$/i.test(step) ? 1 : -1)
    else if (m[3] !== undefined) year = base === undefined ? undefined : base + (/^later$/i.test(m[5]!) ? 1 : -1) * count(m[3]) * (/^decade/i.test(m[4]!) ? 10 : 1)
    else if (m[6] !== undefined) year = dated === undefined ? undefined : dated.year + ({ last: -1, next: 1, this: 0 } as Record<string, number>)[m[6].toLowerCase()]!
    else year = dated === undefined ? undefined : dated.year - count(m[7]!) * (/^decade/i.test(m[8]!) ? 10 : 1)
    if (year === undefined) continue
    resolved = claim(m[0], m.index, 'year', year)
    derived.push(resolved)
  }

  // Quarters count from the month after the fiscal year's end, December unless the text
  // says otherwise ("the fiscal year ending March 2026").
  const fiscal = FISCAL_END.exec(text)
  const yearEnd = fiscal ? monthNumber(fiscal[1]!) : 12
  QUARTER_SPAN.lastIndex = 0
  for (let m = QUARTER_SPAN.exec(text); m; m = QUARTER_SPAN.exec(text)) {
    const first = m[1] ?? m[3]
    const last = monthNumber((m[2] ?? m[4] ?? m[5] ?? m[6])!)
    if (first !== undefined && (last - monthNumber(first) + 12) % 12 !== 2) continue
    if ((last - yearEnd + 12) % 3 !== 0) continue
    derived.push(claim(m[0], m.index, 'number', Math.floor(((last - yearEnd - 1 + 12) % 12) / 3) + 1, 'quarter'))
  }
  HALF_NAMED.lastIndex = 0
  for (let m = HALF_NAMED.exec(text); m; m = HALF_NAMED.exec(text)) stated.push(claim(m[0], m.index, 'number', m[1]!.toLowerCase() === 'first' ? 1 : 2, 'half'))
  HALF_SPAN.lastIndex = 0
  for (let m = HALF_SPAN.exec(text); m; m = HALF_SPAN.exec(text)) {
    const last = monthNumber(m[1]!)
    if ((last - yearEnd + 12) % 6 === 0) derived.push(claim(m[0], m.index, 'number', last === yearEnd ? 2 : 1, 'half'))
  }
  FINAL_QUARTER.lastIndex = 0
  for (let m = FINAL_QUARTER.exec(text); m; m = FINAL_QUARTER.exec(text)) derived.push(claim(m[0], m.index, 'number', 4, 'quarter'))
  // A calendar quarter named without its year, in a dated text, is the current or the last
  // completed one: "fourth-quarter revenue" reported in February 2025 is that of 2024.
  if (dated && !fiscal) {
    const current = Math.ceil(dated.month / 3)
    QUARTER_NAMED.lastIndex = 0
    for (let m = QUARTER_NAMED.exec(text); m; m = QUARTER_NAMED.exec(text)) {
      const q = Number(m[1] ?? m[2] ?? 0) || ORDINAL_QUARTERS[m[3]!.toLowerCase()]!
      if (q === current || q === current - 1) derived.push(claim(m[0], m.index, 'year', dated.year))
      else if (current === 1 && q === 4) derived.push(claim(m[0], m.index, 'year', dated.year - 1))
    }
  }

  SPOKEN_YEAR.lastIndex = 0
  for (let m = SPOKEN_YEAR.exec(text); m; m = SPOKEN_YEAR.exec(text)) {
    const year = (m[1]!.toLowerCase() === 'nineteen' ? 1900 : 2000) + parseWords(m[2]!.replace(/^oh[\s-]+/i, ''))
    stated.push(claim(m[0], m.index, 'year', year))
    const month = MONTH_BEFORE.exec(text.slice(Math.max(0, m.index - 16), m.index))
    if (month) stated.push({ ...claim(m[0], m.index, 'date', year), date: { year, month: monthNumber(month[1]!) }, key: `date ${year}-${String(monthNumber(month[1]!)).padStart(2, '0')}-**` })
  }
  SPAN.lastIndex = 0
  for (let m = SPAN.exec(text); m; m = SPAN.exec(text)) {
    // Minutes and seconds, or hours and minutes, never minutes and minutes.
    if (!((m[2] !== undefined && m[5] !== undefined) || (m[3] !== undefined && m[6] !== undefined))) continue
    const [a, b] = [count(m[1]!), count(m[4]!)]
    if (b < 60) stated.push(claim(m[0], m.index, 'time', a * 60 + b, 'duration'))
  }
  CLOCK_WORDS.lastIndex = 0
  for (let m = CLOCK_WORDS.exec(text); m; m = CLOCK_WORDS.exec(text)) {
    const hour = count(m[3] ?? m[4]!)
    const minutes = m[1] === undefined ? 0 : (PAST[m[1].toLowerCase()] ?? 25) * (m[2]!.toLowerCase() === 'to' ? -1 : 1)
    stated.push(claim(m[0], m.index, 'time', (hour * 60 + minutes + 720) % 720))
  }
  HOUR_RANGE.lastIndex = 0
  for (let m = HOUR_RANGE.exec(text); m; m = HOUR_RANGE.exec(text)) {
    const [from, to] = [Number(m[1]), Number(m[2])]
    const end = m.index + m[0].length
    if (from < 1 || to > 12 || from === to || !followsAsDay(text, end)) continue
    for (const h of [from, to]) derived.push(claim(m[0], m.index, 'time', h * 60))
  }
  SECOND_HALF.lastIndex = 0
  for (let m = SECOND_HALF.exec(text); m; m = SECOND_HALF.exec(text)) {
    for (const half of HALF_LENGTHS) derived.push(claim(m[0], m.index, 'number', half + count(m[1]!)))
  }
  STOPPAGE.lastIndex = 0
  for (let m = STOPPAGE.exec(text); m; m = STOPPAGE.exec(text)) {
    const added = m[1] !== undefined ? count(m[1]) : m[2] !== undefined ? Number(m[2]) : dayWordValue(m[3]!)
    for (const end of [90, 45]) derived.push(claim(m[0], m.index, 'number', end + added))
  }
  return { stated, derived }
}
