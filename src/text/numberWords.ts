// Numbers written as words: cardinals ("twenty-five"), and the ordinals ("sixth") and
// multipliers ("twice", "both") that state a number without writing it.
import { alternation } from './regex.js'

export const SMALL: Record<string, number> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19,
  twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90,
}

export const SCALES: Record<string, number> = { k: 1e3, thousand: 1e3, m: 1e6, mm: 1e6, mn: 1e6, mln: 1e6, million: 1e6, b: 1e9, bn: 1e9, billion: 1e9, t: 1e12, tn: 1e12, trillion: 1e12 }

/** One word of a cardinal number, as a regex alternation. */
export const CARDINAL_WORD = alternation([...Object.keys(SMALL), 'hundred', 'thousand', 'million', 'billion', 'trillion', 'dozen'])

/** The value of a cardinal written in words: "one hundred and twenty" → 120. */
export function parseWords(text: string): number {
  let total = 0
  let current = 0
  for (const token of text.toLowerCase().split(/[\s-]+/)) {
    if (token === 'and') continue
    if (token === 'a') current = 1
    else if (token === 'hundred') current = (current || 1) * 100
    else if (token === 'dozen') current = (current || 1) * 12
    else if (token in SCALES) {
      total += (current || 1) * SCALES[token]!
      current = 0
    } else current += SMALL[token] ?? 0
  }
  return total + current
}

/**
 * Two spoken number words, the first below 100 and the second from 10 to 99 ("twelve
 * fifty", "nineteen ninety-five"): hundreds as a year is said, or a price. `undefined` for
 * any other words ("seventy five" is 75).
 */
export function spokenPair(words: string): { hundreds: number; price: number } | undefined {
  const groups = words.trim().toLowerCase().split(/\s+/)
  if (groups.length !== 2 || groups.some((g) => !g.split('-').every((t) => t in SMALL))) return undefined
  const [a, b] = groups.map(parseWords) as [number, number]
  if (a < 1 || a > 99 || b < 10 || b > 99) return undefined
  return { hundreds: a * 100 + b, price: a + b / 100 }
}

const DAY_UNITS: Record<string, number> = { first: 1, second: 2, third: 3, fourth: 4, fifth: 5, sixth: 6, seventh: 7, eighth: 8, ninth: 9 }
const DAY_TEENS: Record<string, number> = {
  tenth: 10, eleventh: 11, twelfth: 12, thirteenth: 13, fourteenth: 14, fifteenth: 15, sixteenth: 16, seventeenth: 17, eighteenth: 18,
  nineteenth: 19, twentieth: 20, thirtieth: 30,
}

/** A day of the month as an ordinal word: "fourth", "twenty first", "thirty-first". */
export const DAY_WORD = `(?:(?:twenty[\\s-]+|thirty[\\s-]+(?=first))?${alternation(Object.keys(DAY_UNITS))}|${alternation(Object.keys(DAY_TEENS))})`

/** The day a {@link DAY_WORD} names. */
export function dayWordValue(text: string): number {
  let day = 0
  for (const token of text.toLowerCase().split(/[\s-]+/)) day += DAY_UNITS[token] ?? DAY_TEENS[token] ?? SMALL[token] ?? 0
  return day
}

const DIGIT_WORDS: Record<string, string> = { zero: '0', oh: '0', one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9' }

/** One spoken digit, for decimals ("two point four") and digit sequences. */
export const DIGIT_WORD = alternation(Object.keys(DIGIT_WORDS))

/**
 * The value of cardinal words as spoken: "two point four million" is 2.4 million, and
 * three or more single digits ("four four eight two one") are read digit by digit.
 */
export function spokenValue(text: string): number {
  const lower = text.toLowerCase().trim()
  const point = /\s+point\s+/.exec(lower)
  if (point) {
    const tokens = lower.slice(point.index + point[0].length).split(/\s+/)
    const digits = tokens.filter((t) => t in DIGIT_WORDS).map((t) => DIGIT_WORDS[t]).join('')
    const scale = SCALES[tokens[tokens.length - 1]!] ?? 1
    return (parseWords(lower.slice(0, point.index)) + Number(`0.${digits}`)) * scale
  }
  const tokens = lower.split(/\s+/)
  if (tokens.length >= 3 && tokens.every((t) => t in DIGIT_WORDS)) return Number(tokens.map((t) => DIGIT_WORDS[t]).join(''))
  return parseWords(lower)
}

// "first" and "second" are left out: "second" is as often a unit of time, and both would
// make 1 and 2, the commonest numbers, supported by nearly any text. "third" is as often a
// fraction ("a third") or a party.
const ORDINAL_UNITS: Record<string, number> = {
  fourth: 4, fifth: 5, sixth: 6, seventh: 7, eighth: 8, ninth: 9, tenth: 10, eleventh: 11, twelfth: 12,
  thirteenth: 13, fourteenth: 14, fifteenth: 15, sixteenth: 16, seventeenth: 17, eighteenth: 18, nineteenth: 19,
  twentieth: 20, thirtieth: 30, fortieth: 40, fiftieth: 50, sixtieth: 60, seventieth: 70, eightieth: 80, ninetieth: 90, hundredth: 100,
}
// After a tens word ("twenty-first") every unit ordinal counts, "first" and "second" too.
const ORDINAL_AFTER_TENS: Record<string, number> = { first: 1, second: 2, third: 3, fourth: 4, fifth: 5, sixth: 6, seventh: 7, eighth: 8, ninth: 9 }
const TENS = ['twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety']

const MULTIPLIERS: Record<string, number> = {
  twice: 2, both: 2, double: 2, doubled: 2, pair: 2, duo: 2, thrice: 3, triple: 3, tripled: 3, treble: 3, trebled: 3, trio: 3,
  quadruple: 4, quadrupled: 4, quartet: 4, quintet: 5,
}

/** Ordinal and multiplier words, each a number the source states without writing it. */
export const IMPLIED = new RegExp(
  `\\b(?:(${alternation(TENS)})[\\s-]+(${alternation(Object.keys(ORDINAL_AFTER_TENS))})|(${alternation(Object.keys(ORDINAL_UNITS))})|(${alternation(Object.keys(MULTIPLIERS))}))\\b`,
  'gi',
)

/** The value and form of an {@link IMPLIED} match. */
export function impliedValue(m: RegExpExecArray): { value: number; form: 'ordinal' | 'multiplier' } {
  if (m[1]) return { value: SMALL[m[1].toLowerCase()]! + ORDINAL_AFTER_TENS[m[2]!.toLowerCase()]!, form: 'ordinal' }
  if (m[3]) return { value: ORDINAL_UNITS[m[3].toLowerCase()]!, form: 'ordinal' }
  return { value: MULTIPLIERS[m[4]!.toLowerCase()]!, form: 'multiplier' }
}
