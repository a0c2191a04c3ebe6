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

// The class of each cardinal word in a composition: units, teens, tens, and the words that
// multiply what comes before them.
const SCALE_WORDS = new Set(['thousand', 'million', 'billion', 'trillion'])
const UNIT = 1
const TEEN = 2
const TENS_WORD = 3
function wordClass(token: string): number {
  const v = SMALL[token]
  if (v === undefined || v === 0) return 0
  return v < 10 ? UNIT : v < 20 ? TEEN : TENS_WORD
}

/**
 * How many of `tokens` (lower-case words of a cardinal run, "and" included) form one
 * cardinal as it is said: "six hundred and seventy eight million", "two thousand and
 * five", "twenty six hundred". The run stops where a second number starts: "ninety two
 * and ninety five" is two numbers, "twenty six five" and "six five" too, since a unit
 * never follows a unit and "and" only follows "hundred" or a scale.
 */
export function cardinalLength(tokens: readonly string[], from = 0): number {
  let end = from
  // `low`: 0 nothing below a hundred yet in this group, 1 a tens word that may take a
  // unit, 2 complete. `hundred`: the group has its hundreds. `top`: the last scale used.
  let low = 0
  let hundred = false
  let top = Number.POSITIVE_INFINITY
  let afterAnd = false
  let grouped = false
  let scaleEnd = from
  for (let i = from; i < tokens.length; i++) {
    const t = tokens[i]!
    const kind = wordClass(t)
    if (t === 'and') {
      if (afterAnd || !((hundred && low === 0) || (top !== Number.POSITIVE_INFINITY && !grouped))) break
      afterAnd = true
      continue
    }
    if (t === 'a') {
      if (i !== from) break
      grouped = true
      low = 2
      continue
    }
    if (kind === UNIT) {
      if (low === 2) break
      low = 2
    } else if (kind === TEEN || kind === TENS_WORD) {
      if (low !== 0) break
      low = kind === TEEN ? 2 : 1
    } else if (t === 'hundred') {
      if (hundred || afterAnd) break
      hundred = true
      low = 0
    } else if (t === 'dozen') {
      if (afterAnd || (!grouped && low === 0)) break
      return i + 1
    } else if (SCALE_WORDS.has(t)) {
      const scale = SCALES[t]!
      if (afterAnd) break
      // "two thousand three million" is two numbers: the group before a larger scale
      // starts the second.
      if (scale >= top) return (grouped ? scaleEnd : end) - from
      top = scale
      scaleEnd = i + 1
      low = 0
      hundred = false
      grouped = false
      end = i + 1
      continue
    } else {
      // "zero" alone is a number; anywhere else it starts another one.
      if (i === from && t === 'zero') return 1
      break
    }
    grouped = true
    afterAnd = false
    end = i + 1
  }
  return end - from
}

/**
 * Two spoken numbers, the first below 100 and the second from 10 to 99 ("twelve fifty",
 * "nineteen ninety-five", "twenty twenty two"): hundreds as a year is said, or a price.
 * `undefined` for any other words ("seventy five" is 75).
 */
export function spokenPair(words: string): { hundreds: number; price: number } | undefined {
  const halves = twoSmallNumbers(words)
  if (!halves) return undefined
  const [a, b] = halves
  if (a < 1 || b < 10) return undefined
  return { hundreds: a * 100 + b, price: a + b / 100 }
}

/**
 * A price said in thousands with the hundreds after it, as a dealer quotes one: "twenty
 * six five" is 26,500, "fourteen nine" 14,900. `undefined` for any other words.
 */
export function spokenThousands(words: string): number | undefined {
  const halves = twoSmallNumbers(words)
  if (!halves) return undefined
  const [a, b] = halves
  return a >= 10 && b >= 1 && b <= 9 ? a * 1000 + b * 100 : undefined
}

// Two numbers below 100 said one after the other ("twelve fifty", "twenty twenty-two").
function twoSmallNumbers(words: string): [number, number] | undefined {
  const tokens = words.trim().toLowerCase().split(/[\s-]+/)
  if (tokens.length < 2 || tokens.length > 4 || !tokens.every((t) => wordClass(t) !== 0)) return undefined
  const first = cardinalLength(tokens)
  if (first === 0 || first >= tokens.length || cardinalLength(tokens, first) !== tokens.length - first) return undefined
  return [parseWords(tokens.slice(0, first).join(' ')), parseWords(tokens.slice(first).join(' '))]
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

/** Spoken digits, "oh" among them, by the digit each stands for. */
export const DIGIT_WORDS: Record<string, string> = { zero: '0', oh: '0', one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9' }

/** One spoken digit, for decimals ("two point four") and digit sequences. */
export const DIGIT_WORD = alternation(Object.keys(DIGIT_WORDS))

/**
 * The value of cardinal words as spoken: "two point four million" is 2.4 million, and
 * three or more single digits ("four four eight two one") are read digit by digit.
 */
export function spokenValue(text: string): number {
  let lower = text.toLowerCase().trim()
  // A scale after a fraction or a decimal, or "k" after any number, multiplies all of it:
  // "twenty six and a half thousand", "four hundred k".
  let scale = 1
  const tail = /(?:\s?(k)|[\s-]+(thousand|million|billion|trillion))$/.exec(lower)
  if (tail && (tail[1] !== undefined || /(?:half|quarter)$|\spoint\s/.test(lower.slice(0, tail.index)))) {
    scale = SCALES[tail[1] ?? tail[2]!]!
    lower = lower.slice(0, tail.index)
  }
  const fraction = /\s+and\s+an?\s+(half|quarter)$/.exec(lower)
  if (fraction) return (parseWords(lower.slice(0, fraction.index)) + (fraction[1] === 'half' ? 0.5 : 0.25)) * scale
  return scale * spokenUnscaled(lower)
}

function spokenUnscaled(lower: string): number {
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
