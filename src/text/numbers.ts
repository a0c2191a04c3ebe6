import { MONTH, monthNumber } from './calendar.js'
import { isDayOfMonth } from './dates.js'
import { foldText } from './fold.js'
import { CARDINAL_WORD, DAY_WORD, DIGIT_WORD, dayWordValue, IMPLIED, impliedValue, SCALES } from './numberWords.js'
import { inName, namesWord } from './numberNames.js'
import { Claim, type ClaimKind, type NumericClaim } from './numericClaim.js'
import { countsOne, inheritScales, linkRanges, ONE_COUNT, otherReading, tallies, tallySide } from './numberForms.js'
import { joinsSign } from './sign.js'
import { FRACTION_WORDS, fractionWordValue, readSpoken } from './spoken.js'
import { FRACTION_PHRASE, fractionReadings } from './fractions.js'
import { DECADES, decadeYears, RISK_RATIO, riskPercent } from './restated.js'

// Numeric claims in free text, normalised so that "$10M", "$10 million", "ten million
// dollars" and "10,000,000 dollars" are one value with one unit. The parser is a handful
// of regular expressions run once over the folded text (fold.ts: digits of any script,
// fullwidth forms, no invisible characters), which keeps a 1 MB input well under the time
// of a single LLM call.

export type { ClaimKind, NumericClaim } from './numericClaim.js'

/** Options for {@link extractNumbers}. */
export interface ExtractOptions {
  /**
   * Also return the numbers stated by ordinal words ("sixth", "twenty-first"; "first" and
   * "second" are left out), multipliers ("twice", "both", "trio"), spoken prices and a
   * bare "one" in a tally, marked `implied`, and give a bare number the scale of a
   * like-sized figure just before it as its `alternative` ("thirty million, below the
   * thirty four we guided"): what a source supports, not what an output claims.
   * @default false
   */
  implied?: boolean
}

const ISO_REST = /-(\d{1,2})-(\d{1,2})(?![\d-])/y
const QUARTER_DIGIT = /^[1-4]$/
const REGULATION = new Set(['45', '90', '105', '120'])
const STOPPAGE = /\+(\d{1,2})(?:['’′]|\s?min\b)/y
const FISCAL_YEAR = /(?:\bFY'?\s?|\b(?:fiscal|financial)\s+(?:year\s+)?)$/i
// Dates are found from their month name outwards: "5 March 2024", "March 5, 2024",
// "March 2024". Scanning for the name first lets V8 skip most of the text. Names count in
// any case, but an uncapitalised "may" or "march" can be a verb, so "30 may" needs a year
// after it ("about 30 may attend" is no date).
const MONTH_SCAN = new RegExp(`${MONTH}\\.?`, 'gi')
const AMBIGUOUS_MONTH = /^(?:may|mar|march)$/i
// A day before or after the month, in digits or as an ordinal word: "5 March", "the
// fourth of march", "March 5th", "March the third".
const DAY_BEFORE = new RegExp(String.raw`(?:(?<!\d)(\d{1,2})(?:st|nd|rd|th)?|\b(${DAY_WORD}))\s+(?:of\s+)?$`, 'i')
const DAY_AFTER = new RegExp(String.raw`\s+(?:the\s+)?(?:(\d{1,2})(?:st|nd|rd|th)?|(${DAY_WORD})\b)(?:,?\s+(\d{4}))?(?![\d,.]\d)(?![\dA-Za-z])`, 'iy')
const YEAR_AFTER = /,?\s+(\d{4})(?!\d)/y

const CURRENCY_SYMBOLS: Record<string, string> = { $: 'USD', 'US$': 'USD', A$: 'AUD', C$: 'CAD', NZ$: 'NZD', HK$: 'HKD', '€': 'EUR', '£': 'GBP', '¥': 'JPY', '₹': 'INR', '₩': 'KRW' }
// Clock times: "03:30", "3:30 pm", "5 a.m.". One claim, so that "03:30" supports neither
// "three" nor "30". A colon ending the sentence ("at 14:44: all clear") is punctuation; only
// digits after it make seconds.
const TIME = /(?<![\d.,:])(\d{1,2})(?::([0-5]\d)(?!\d|:\d)(?:\s?([AaPp])\.?[Mm]\b\.?)?|\s?([AaPp])\.?[Mm]\b\.?)/g
// The first figure of a range of hours, whose meridiem is written once, after the second: "1–5pm".
const HOUR_RANGE_START = /(?<![\d.,:])(\d{1,2})(?::([0-5]\d))?\s?(?:[-–]|to)\s?$/
// The two sides of a score or ratio: "2-7", "4–1", "3:1" (not "5-8%", "2023-24" or "2.5-3").
const PAIR = /(?<![\d.,:\-–])(\d{1,3})[-–:](\d{1,3})(?![\d%]|[.,:]\d|[-–]\d)/g
const CURRENCY_WORDS: Record<string, string> = { dollar: 'USD', buck: 'USD', euro: 'EUR', pound: 'GBP', yen: 'JPY', yuan: 'CNY', rupee: 'INR' }
const CODES = 'USD|EUR|GBP|JPY|CNY|INR|CAD|AUD|CHF|KRW|NZD|HKD'
const PERCENT = String.raw`(\s?(?:%|percent\b|per\s?cent\b|pct\b|percentage\s+points?\b))`
const CURRENCY_AFTER = String.raw`([\s-]?(?:(?:dollars?|bucks?|euros?|pounds?(?:\s+sterling)?|yen|yuan|rupees?)\b|(?:${CODES})\b))`

// Numbers are found in two steps: a plain digit scan, which V8 runs fast, then a look at
// the few characters either side for a currency, scale or percent. One regex doing all of
// it was several times slower on large texts.
// An exponent ("1e6", "2.5E-3") is part of the number: read alone, "1e6" would be 1.
const NUMBER = /(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][+-]?\d{1,3}(?![\dA-Za-z]))?|\.\d+/g
// "10⁶" is a power of ten; after any other number a superscript is a footnote ("2024²").
const POWER = /[⁰¹²³⁴⁵⁶⁷⁸⁹]+/y
const SUPERSCRIPT_DIGITS = '⁰¹²³⁴⁵⁶⁷⁸⁹'
// "minus 40" and "negative 5%" are signed as "-40" is.
const SPOKEN_SIGN = /\b(?:minus|negative)\s+$/i
const ORDINAL_SUFFIX = /(?:st|nd|rd|th)(?![A-Za-z\d])/y
// Vulgar fractions, alone or after a whole number ("½", "2¾"); NFKC spells each as "1⁄2".
const FRACTION = /[¼½¾⅐-⅞↉]/g
const PREFIX = new RegExp(`(?:(?:(?:US|A|C|NZ|HK)?\\$|[€£¥₹₩]) ?|(?<![A-Za-z])(?:${CODES}) ?)$`)
// A lone "m" is a million only after a currency ("$2.6 m", "£3m"); elsewhere it may be
// metres or minutes ("a 5.68m jump"), so a million is only its other reading
// (numberForms.ts). "M", "mn" and the words stay scales anywhere, after a hyphen too.
const suffix = (letters: string, space: string) =>
  new RegExp(String.raw`(?:(${space}(?:mln|mn|bn|tn|MM|${letters})|\s(?:mln|mn|bn|tn))(?![\p{L}\p{N}])|[\s-]?(thousand|million|billion|trillion)\b)?` + `(?:${PERCENT}|${CURRENCY_AFTER})?`, 'uy')
const SUFFIX = suffix('[kKMbBT]', '')
const MONEY_SUFFIX = suffix('[kKmMbBT]', String.raw`\s?`)
const CURRENCY_SIGNS = new Set([0x24, 0x20ac, 0xa3, 0xa5, 0x20b9, 0x20a9])

// A run of number words, then "and a half", spoken decimals and a scale after them
// ("twenty six and a half thousand", "one point one billion", "four hundred k"), read
// by spoken.ts. "oh" is a digit between digits ("one oh six").
const WORDS = new RegExp(
  String.raw`\b(?:a(?=\s+(?:hundred|thousand|million|billion|trillion|dozen)\b)|${CARDINAL_WORD})(?:(?:\s+and\s+|[\s-]+)(?:${CARDINAL_WORD}|oh(?=[\s-]+${DIGIT_WORD}\b)))*` +
    String.raw`(?:\s+and\s+an?\s+(?:half|quarter)\b)?(?:\s+point(?:\s+${DIGIT_WORD}\b)+)?(?:[\s-]+(?:thousand|million|billion|trillion)\b|\s?k\b)?\b` +
    `(?:${PERCENT}|${CURRENCY_AFTER})?`,
  'gi',
)
// Fiscal quarters: "Q3", "3Q" and "third quarter" are one claim with the unit "quarter".
// "twenty" in "twenty-first" is part of an ordinal, not the number 20.
const ORDINAL_TAIL = /^[\s-]+(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)\b/i
const QUARTER_WORD = /\b[Qq]uarter\b/g
const ORDINAL_BEFORE = /\b(first|second|third|fourth|1st|2nd|3rd|4th)[\s-]+$/i
const ORDINALS: Record<string, number> = { first: 1, second: 2, third: 3, fourth: 4 }
// "1." or "2)" opening a line (optionally after a heading mark) is a list marker, not a
// claim; in CJK text ("1.売上", "1、收入") no space follows it.
const LIST_MARKER = /^[ \t]*(?:#{1,6}[ \t]+)?\(?(\d{1,9})(?:[.)](?=[ \t]|[^\x00-\x7F])|、)/gm

const CODE_SET = new Set(CODES.split('|'))

function unitOf(cur: string | undefined, pct: string | undefined, word: string | undefined): string {
  if (pct) return '%'
  const symbol = cur?.trim()
  if (symbol) return CURRENCY_SYMBOLS[symbol] ?? symbol.toUpperCase()
  const w = word?.replace(/^[\s-]+|\s+$/g, '')
  if (!w) return ''
  if (CODE_SET.has(w)) return w
  return CURRENCY_WORDS[w.toLowerCase().replace(/s?(\s+sterling)?$/, '')] ?? ''
}

/**
 * Finds every numeric claim in a text: integers, decimals, money with currency and scale,
 * percentages, years, dates and number words, in the digits of any script. A minus sign
 * (`-` or `−`) right before a number, and not after a letter or digit, makes it negative:
 * `-8%` is, `5-8%` and `COVID-19` are not. List markers such as `1.` are skipped, and so
 * is a bare "one", which in prose is nearly always a pronoun. Each claim's `text` and
 * `index` are those of the text as given, before folding.
 *
 * @example
 * ```ts
 * extractNumbers('Revenue rose 25% to $10M.').map((c) => c.key) // ['% 25', 'USD 10000000']
 * ```
 */
export function extractNumbers(original: string, options: ExtractOptions = {}): NumericClaim[] {
  const folded = foldText(original)
  const text = folded.folded
  const claims: Claim[] = []
  // Claims are read in the folded text and described in the original one.
  const claim = (written: string, index: number, kind: ClaimKind, value: number, unit: string, date?: NumericClaim['date'], joined?: boolean, implied?: Claim['implied'], ordinal?: boolean) => {
    const end = index + written.length
    const start = folded.ascii ? index : folded.toOriginal(index)
    const made = new Claim(folded.ascii ? written : original.slice(start, folded.toOriginal(end)), start, kind, value, unit, date, text, index, end, joined, implied, ordinal)
    claims.push(made)
    return made
  }
  // One byte per character marks text already claimed, so that later passes skip it in
  // time proportional to the span rather than to the number of claims so far.
  const taken = new Uint8Array(text.length)
  const overlaps = (start: number, end: number) => {
    for (let i = start; i < end; i++) if (taken[i]) return true
    return false
  }
  const take = (start: number, end: number) => taken.fill(1, start, end)

  const addDate = (start: number, end: number, date: NonNullable<NumericClaim['date']>) => {
    if ((date.month ?? 1) > 12 || (date.month ?? 1) < 1 || (date.day ?? 1) < 1 || (date.day ?? 1) > 31) return
    take(start, end)
    claim(text.slice(start, end), start, 'date', date.year ?? Number.NaN, '', date)
  }
  MONTH_SCAN.lastIndex = 0
  for (let m = MONTH_SCAN.exec(text); m; m = MONTH_SCAN.exec(text)) {
    const month = monthNumber(m[0])
    const name = m[0].replace(/\.$/, '')
    const nameEnd = m.index + name.length
    let after = m.index + m[0].length
    const before = DAY_BEFORE.exec(text.slice(Math.max(0, m.index - 24), m.index))
    if (before) {
      YEAR_AFTER.lastIndex = after
      const year = YEAR_AFTER.exec(text)
      // "30 may" can be "30 may attend"; "30th of may" and "the thirtieth of may" cannot.
      const plain = before[1] !== undefined && /^\d+\s+$/.test(before[0])
      if (!year && plain && AMBIGUOUS_MONTH.test(name) && !/^[A-Z][a-z]/.test(name)) continue
      const start = m.index - before[0].length
      const dayOf = before[1] !== undefined ? Number(before[1]) : dayWordValue(before[2]!)
      if (!overlaps(start, year ? YEAR_AFTER.lastIndex : nameEnd)) {
        addDate(start, year ? YEAR_AFTER.lastIndex : nameEnd, year ? { day: dayOf, month, year: Number(year[1]) } : { day: dayOf, month })
      }
      continue
    }
    DAY_AFTER.lastIndex = after
    const day = DAY_AFTER.exec(text)
    if (day) after = DAY_AFTER.lastIndex
    else {
      YEAR_AFTER.lastIndex = after
      if (!YEAR_AFTER.exec(text)) continue
      after = YEAR_AFTER.lastIndex
    }
    if (overlaps(m.index, after)) continue
    const year = day ? day[3] : text.slice(after - 4, after)
    const date: NonNullable<NumericClaim['date']> = day ? { month, day: day[1] !== undefined ? Number(day[1]) : dayWordValue(day[2]!) } : { month }
    if (year !== undefined) date.year = Number(year)
    addDate(m.index, after, date)
  }

  QUARTER_WORD.lastIndex = 0
  for (let m = QUARTER_WORD.exec(text); m; m = QUARTER_WORD.exec(text)) {
    const before = ORDINAL_BEFORE.exec(text.slice(Math.max(0, m.index - 8), m.index))
    if (!before) continue
    const start = m.index - before[0].length
    const end = m.index + m[0].length
    if (overlaps(start, end)) continue
    take(start, end)
    claim(text.slice(start, end), start, 'number', ORDINALS[before[1]!.toLowerCase()] ?? Number(before[1]![0]), 'quarter')
  }

  // "1–5pm" is 1pm to 5pm, and "11–1pm" 11am to 1pm: a start later on the clock than the
  // end is before noon. Without this, the "1" would be a bare number.
  const rangeStart = (timeAt: number, meridiem: string, endHour: number) => {
    const before = HOUR_RANGE_START.exec(text.slice(Math.max(0, timeAt - 12), timeAt))
    if (!before) return
    const hour = Number(before[1])
    const start = timeAt - before[0].length
    const written = before[0].replace(/\s?(?:[-–]|to)\s?$/, '')
    if (hour < 1 || hour > 12 || overlaps(start, start + written.length)) return
    const pm = meridiem === 'p' ? hour % 12 <= endHour % 12 : hour % 12 > endHour % 12
    take(start, start + written.length)
    claim(written, start, 'time', ((hour % 12) + (pm ? 12 : 0)) * 60 + Number(before[2] ?? 0), '')
  }
  TIME.lastIndex = 0
  for (let m = TIME.exec(text); m; m = TIME.exec(text)) {
    const end = m.index + m[0].trimEnd().length
    const meridiem = (m[3] ?? m[4])?.toLowerCase()
    let hours = Number(m[1])
    if (meridiem ? hours < 1 || hours > 12 : hours > 24) continue
    if (meridiem) hours = (hours % 12) + (meridiem === 'p' ? 12 : 0)
    if (overlaps(m.index, end)) continue
    take(m.index, end)
    claim(text.slice(m.index, end), m.index, 'time', (hours % 24) * 60 + Number(m[2] ?? 0), '')
    if (meridiem) rangeStart(m.index, meridiem, Number(m[1]))
  }

  const joinedAt = new Set<number>()
  PAIR.lastIndex = 0
  for (let m = PAIR.exec(text); m; m = PAIR.exec(text)) {
    if (taken[m.index]) continue
    joinedAt.add(m.index)
    joinedAt.add(m.index + m[0].length - m[2]!.length)
  }

  const markers = new Set<number>()
  LIST_MARKER.lastIndex = 0
  for (let m = LIST_MARKER.exec(text); m; m = LIST_MARKER.exec(text)) markers.add(m.index + m[0].indexOf(m[1]!))

  FRACTION.lastIndex = 0
  for (let m = FRACTION.exec(text); m; m = FRACTION.exec(text)) {
    // The whole part is read backwards, a few digits at most, so a long digit run costs
    // nothing per fraction.
    let start = m.index
    while (start > m.index - 6 && start > 0 && isDigit(text.charCodeAt(start - 1))) start--
    const end = m.index + 1
    if (overlaps(start, end) || isDigit(text.charCodeAt(start - 1)) || text[start - 1] === '.' || text[start - 1] === ',') continue
    const [top, bottom] = m[0].normalize('NFKC').split('\u2044').map(Number)
    take(start, end)
    claim(text.slice(start, end), start, 'number', Number(text.slice(start, m.index) || 0) + top! / bottom!, '')
  }

  for (const sides of tallies(text)) {
    if (sides.some(([from, to]) => overlaps(from, to))) continue
    for (const [from, to] of sides) {
      take(from, to)
      // A bare "one" is claimed by no output (it is nearly always a pronoun there), but in
      // a source's tally it states the count.
      const side = text.slice(from, to)
      const one = /^one$/i.test(side)
      if (!one || options.implied) claim(side, from, 'number', tallySide(side), '', undefined, false, one ? 'one' : undefined).tally = true
    }
  }

  NUMBER.lastIndex = 0
  for (let m = NUMBER.exec(text); m; m = NUMBER.exec(text)) {
    if (markers.has(m.index)) continue
    const numEnd = m.index + m[0].length
    if (m[0].length === 4 && text.charCodeAt(numEnd) === 0x2d && text.charCodeAt(m.index - 1) !== 0x2d) {
      ISO_REST.lastIndex = numEnd
      const rest = ISO_REST.exec(text)
      if (rest) {
        addDate(m.index, ISO_REST.lastIndex, { year: Number(m[0]), month: Number(rest[1]), day: Number(rest[2]) })
        NUMBER.lastIndex = ISO_REST.lastIndex
        continue
      }
    }
    if (QUARTER_DIGIT.test(m[0])) {
      // "Q3" and "3Q" are fiscal quarters, "H1" and "1H" half-years.
      const period = (code: number) => code === 0x51 || (code === 0x48 && m[0] <= '2')
      const q = period(text.charCodeAt(m.index - 1)) && !isWordChar(text.charCodeAt(m.index - 2)) && !isWordChar(text.charCodeAt(numEnd))
      const q2 = !q && period(text.charCodeAt(numEnd)) && !isWordChar(text.charCodeAt(m.index - 1)) && !isWordChar(text.charCodeAt(numEnd + 1))
      const unit = text.charCodeAt(q ? m.index - 1 : numEnd) === 0x48 ? 'half' : 'quarter'
      if (q || q2) {
        const start = q ? m.index - 1 : m.index
        const end = q ? numEnd : numEnd + 1
        if (!overlaps(start, end)) {
          take(start, end)
          claim(text.slice(start, end), start, 'number', Number(m[0]), unit)
        }
        NUMBER.lastIndex = end
        continue
      }
    }
    // "90+2'" is one match minute, the 92nd: 90 is where stoppage time starts, no claim.
    if (text.charCodeAt(numEnd) === 0x2b && REGULATION.has(m[0])) {
      STOPPAGE.lastIndex = numEnd
      const added = STOPPAGE.exec(text)
      if (added && !overlaps(m.index, STOPPAGE.lastIndex)) {
        take(m.index, STOPPAGE.lastIndex)
        claim(text.slice(m.index, STOPPAGE.lastIndex), m.index, 'number', Number(m[0]) + Number(added[1]), '')
        NUMBER.lastIndex = STOPPAGE.lastIndex
        continue
      }
    }
    // Most numbers follow a space or a letter; only look for a currency where one can be.
    const prev = text.charCodeAt(m.index - 1)
    const prefixed = prev === 0x20 ? isUpper(text.charCodeAt(m.index - 2)) || CURRENCY_SIGNS.has(text.charCodeAt(m.index - 2)) : prev > 0x7e || prev === 0x24 || isUpper(prev)
    const cur = prefixed ? (PREFIX.exec(text.slice(Math.max(0, m.index - 6), m.index))?.[0] ?? '') : ''
    if (cur === '' && inName(text, m.index)) continue
    let digits = m[0]
    let base = Number(digits.includes(',') ? digits.replace(/,/g, '') : digits)
    // "FY26", "FY2026" and "fiscal 2026" are the fiscal year 2026, which a calendar year
    // supports only by derivation.
    const fiscalYear = cur === '' && (digits.length === 2 || digits.length === 4) && mayFollowFiscal(text, m.index) && FISCAL_YEAR.test(text.slice(Math.max(0, m.index - 16), m.index))
    if (fiscalYear && digits.length === 2) base += 2000
    POWER.lastIndex = m.index + digits.length
    const power = digits === '10' ? POWER.exec(text) : null
    if (power) {
      digits += power[0]
      base = 10 ** Number([...power[0]].map((ch) => SUPERSCRIPT_DIGITS.indexOf(ch)).join(''))
    }
    const end = m.index + digits.length
    ORDINAL_SUFFIX.lastIndex = end
    const ordinal = cur === '' && !power && /^\d+$/.test(digits) && ORDINAL_SUFFIX.test(text)
    let suffix: RegExpExecArray | undefined
    if (mayStartSuffix(text, end)) {
      const scan = cur ? MONEY_SUFFIX : SUFFIX
      scan.lastIndex = end
      suffix = scan.exec(text) ?? undefined
    }
    const signAt = m.index - cur.length
    const spoken = text.charCodeAt(signAt - 1) === 0x20 ? SPOKEN_SIGN.exec(text.slice(Math.max(0, signAt - 10), signAt)) : null
    const negative = spoken !== null || (text.charCodeAt(signAt - 1) === 0x2d && !joinsSign(text, signAt - 2))
    const start = signAt - (spoken ? spoken[0].length : negative ? 1 : 0)
    const plain = !suffix?.[0] && cur === '' ? digits : (cur + digits + (suffix?.[0] ?? '')).trimEnd()
    const signed = spoken ? `${spoken[0]}${plain}` : negative ? `-${plain}` : plain
    const written = ordinal && !suffix?.[0] ? `${signed}${text.slice(end, ORDINAL_SUFFIX.lastIndex)}` : signed
    if (overlaps(start, start + written.length)) continue
    const scale = suffix?.[1]?.trim() ?? suffix?.[2]
    const value = base * (scale ? SCALES[scale.toLowerCase()]! : 1) * (negative ? -1 : 1)
    const unit = unitOf(cur, suffix?.[3], suffix?.[4])
    const kind: ClaimKind = unit === '%' ? 'percent' : unit ? 'money' : fiscalYear || (!scale && !negative && /^[12]\d{3}$/.test(digits)) ? 'year' : 'number'
    // "Wed 22", "Friday 17th", "by the 18th": a day of the month, which a date supports.
    if (kind === 'number' && !scale && !negative && !power && base >= 1 && base <= 31 && /^\d{1,2}$/.test(digits) && isDayOfMonth(text, m.index, end)) {
      take(start, start + written.length)
      claim(written, start, 'date', Number.NaN, '', { day: base }, false, undefined, ordinal)
      NUMBER.lastIndex = Math.max(NUMBER.lastIndex, start + written.length)
      continue
    }
    take(start, start + written.length)
    const made = claim(written, start, kind, value, fiscalYear ? 'FY' : unit, undefined, joinedAt.has(m.index) && !unit && !scale, undefined, ordinal)
    if (!scale && !power && !fiscalYear) made.alternative = otherReading(text, start + written.length, value, unit, written, options.implied === true)
    NUMBER.lastIndex = Math.max(NUMBER.lastIndex, start + written.length)
  }

  FRACTION_WORDS.lastIndex = 0
  for (let m = FRACTION_WORDS.exec(text); m; m = FRACTION_WORDS.exec(text)) {
    const end = m.index + m[0].length
    if (overlaps(m.index, end)) continue
    const { value, unit } = fractionWordValue(m)
    take(m.index, end)
    const made = claim(m[0], m.index, unit === '%' ? 'percent' : 'number', value, unit)
    // "a quarter-point cut" is a 25bp cut, as "25bp" is a quarter point.
    if (options.implied && /point$/i.test(m[0])) made.alternative = value * 100
  }

  WORDS.lastIndex = 0
  for (let m = WORDS.exec(text); m; m = WORDS.exec(text)) {
    if (overlaps(m.index, m.index + m[0].length)) continue
    if (/^one$/i.test(m[0].trim()) || namesWord(text, m.index, m.index + m[0].length) || ORDINAL_TAIL.test(text.slice(m.index + m[0].length, m.index + m[0].length + 9))) continue
    readSpoken(text, m.index, m[0], m[1]?.length ?? m[2]?.length ?? 0, unitOf(undefined, m[1], m[2]), options.implied === true, (written, index, kind, value, unit, implied) =>
      claim(written, index, kind, value, unit, undefined, false, implied),
    )
  }

  if (options.implied) {
    ONE_COUNT.lastIndex = 0
    for (let m = ONE_COUNT.exec(text); m; m = ONE_COUNT.exec(text)) {
      const end = m.index + m[1]!.length
      if (!overlaps(m.index, end) && countsOne(text, m.index)) claim(m[1]!, m.index, 'number', 1, '', undefined, false, 'one')
    }
    // The numerator ("two" in "two thirds") stays a claim of its own: the fraction only adds.
    FRACTION_PHRASE.lastIndex = 0
    for (let m = FRACTION_PHRASE.exec(text); m; m = FRACTION_PHRASE.exec(text)) {
      if (overlaps(m.index + m[0].length - m[2]!.length, m.index + m[0].length)) continue
      for (const value of fractionReadings(m)) claim(m[0], m.index, 'number', value, '', undefined, false, 'spoken')
    }
    // The ratio stays a claim of its own; its percent only adds. Decades are words no pass above reads.
    RISK_RATIO.lastIndex = 0
    for (let m = RISK_RATIO.exec(text); m; m = RISK_RATIO.exec(text)) {
      const percent = riskPercent(m[1]!)
      if (percent !== undefined) claim(m[1]!, m.index + m[0].length - m[1]!.length, 'percent', percent, '%', undefined, false, 'restated')
    }
    DECADES.lastIndex = 0
    for (let m = DECADES.exec(text); m; m = DECADES.exec(text)) {
      const years = decadeYears(m)
      if (years !== undefined && !overlaps(m.index + m[0].length - m[3]!.length, m.index + m[0].length)) claim(m[0], m.index, 'number', years, '', undefined, false, 'restated')
    }
    IMPLIED.lastIndex = 0
    for (let m = IMPLIED.exec(text); m; m = IMPLIED.exec(text)) {
      if (overlaps(m.index, m.index + m[0].length) || namesWord(text, m.index, m.index + m[0].length)) continue
      const { value, form } = impliedValue(m)
      claim(m[0], m.index, 'number', value, '', undefined, false, form)
    }
  }

  claims.sort((a, b) => a.index - b.index)
  linkRanges(original, claims)
  if (options.implied) inheritScales(original, claims)
  return claims
}

// Characters that can begin a scale, percent or currency right after a number; anything
// else means there is no suffix, and the sticky suffix regex need not run.
const SUFFIX_START = new Uint8Array(128)
for (const ch of 'kKmMbBTtp%deyrUEGJCIAHN') SUFFIX_START[ch.charCodeAt(0)] = 1

function mayStartSuffix(text: string, i: number): boolean {
  let code = text.charCodeAt(i)
  if (code === 0x20 || code === 0xa0 || code === 0x2d) code = text.charCodeAt(i + 1)
  return code < 128 && SUFFIX_START[code] === 1
}

// "FY26", "FY'26", "FY 2026", "fiscal 2026", "financial year 2026": a Y, an apostrophe,
// or a space after an l, r or Y comes right before the number.
function mayFollowFiscal(text: string, i: number): boolean {
  const code = text.charCodeAt(i - 1)
  const prev = code | 0x20
  if (prev === 0x79 || code === 0x27 || code === 0x2019) return true
  const word = text.charCodeAt(i - 2) | 0x20
  return prev === 0x20 && (word === 0x6c || word === 0x72 || word === 0x79)
}

function isWordChar(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a)
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39
}

function isUpper(code: number): boolean {
  return code >= 0x41 && code <= 0x5a
}
