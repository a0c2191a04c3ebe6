// Numbers in words as speech-to-text writes them: one run of number words can hold one
// number ("six hundred and seventy eight million"), two said back to back ("ninety two and
// ninety five million", "twenty six five"), a year or price said in pairs ("twenty twenty
// two", "twelve fifty"), or digits one by one ("one oh six").
import { CARDINAL_WORD, cardinalLength, DIGIT_WORDS, parseWords, spokenPair, spokenThousands, spokenValue } from './numberWords.js'
import type { ClaimKind, Implied } from './numericClaim.js'

/** Makes one claim: its text and offset in the scanned text, kind, value, unit and form. */
export type EmitSpoken = (written: string, index: number, kind: ClaimKind, value: number, unit: string, implied?: Implied) => unknown

// What follows the run of cardinal words: "and a half", a spoken decimal, "k".
const AFTER_RUN = /\s+and\s+an?\s+(?:half|quarter)\b|\s+point\s|\s?k$/i
const TOKEN = /[^\s-]+/g

// "eight pounds seventy five": the subunit after an amount in words.
const SUBUNIT = new RegExp(String.raw`\s+(?:and\s+)?(${CARDINAL_WORD}(?:[\s-]+${CARDINAL_WORD})?)(?:\s+(?:pence|p|cents?))?\b`, 'iy')

// "seventy thirty", "fifty-fifty": two shares of a whole, said as tens that make a hundred,
// are two numbers. "twenty" is left out as a first word, as "twenty eighty" is a year.
const SPLIT_SIDES: Record<string, number> = { ten: 10, twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90 }
function isSplit(first: string, second: string): boolean {
  const a = SPLIT_SIDES[first]
  const b = SPLIT_SIDES[second]
  return a !== undefined && b !== undefined && a >= 30 && a + b === 100
}

/**
 * Claims the numbers in the number words `matched` found at `index` of `text`, whose last
 * `suffix` characters state `unit` (a percent or currency, already read), which belongs to
 * the last of them. Each number is read once, so a run of any length costs its length.
 */
export function readSpoken(text: string, index: number, matched: string, suffix: number, unit: string, implied: boolean, emit: EmitSpoken): void {
  const kind: ClaimKind = unit === '%' ? 'percent' : unit ? 'money' : 'number'
  const words = matched.slice(0, matched.length - suffix)
  const after = AFTER_RUN.exec(words)
  const run = after ? words.slice(0, after.index) : words.trimEnd()
  const tokens: string[] = []
  const starts: number[] = []
  const ends: number[] = []
  TOKEN.lastIndex = 0
  for (let t = TOKEN.exec(run); t; t = TOKEN.exec(run)) {
    tokens.push(t[0].toLowerCase())
    starts.push(t.index)
    ends.push(t.index + t[0].length)
  }
  if (!after && suffix === 0 && tokens.length === 2 && isSplit(tokens[0]!, tokens[1]!)) {
    for (let i = 0; i < 2; i++) emit(text.slice(index + starts[i]!, index + ends[i]!), index + starts[i]!, 'number', SPLIT_SIDES[tokens[i]!]!, '')
    return
  }
  const short = !after && tokens.length <= 4
  const pair = short ? spokenPair(run) : undefined
  const whole = pair !== undefined || (!after && tokens.length >= 3 && tokens.every((t) => t in DIGIT_WORDS))
  let from = 0
  // Every number but the last ends inside the run; the last takes what follows the run.
  for (; !whole && from < tokens.length; ) {
    const length = cardinalLength(tokens, from)
    if (length === 0) {
      from++
      continue
    }
    if (from + length === tokens.length) break
    const piece = text.slice(index + starts[from]!, index + ends[from + length - 1]!)
    if (!/^one$/i.test(piece)) emit(piece, index + starts[from]!, 'number', parseWords(piece), '')
    from += length
  }
  if (from > 0) {
    const thousands = implied && short ? spokenThousands(run) : undefined
    if (thousands !== undefined) emit(matched.trimEnd(), index, kind, thousands, unit, 'spoken')
    if (from >= tokens.length) return
    const at = index + starts[from]!
    const last = text.slice(at, index + matched.trimEnd().length)
    if (!/^one$/i.test(last)) emit(last, at, kind, spokenValue(last.slice(0, last.length - suffix)), unit)
    return
  }
  const written = matched.trimEnd()
  const value = pair?.hundreds ?? spokenValue(words)
  emit(written, index, kind, value, unit)
  if (pair && implied) {
    emit(written, index, kind, pair.price, unit, 'spoken')
    // "three fifteen" is also a clock time.
    const [hours, minutes] = [Math.floor(pair.hundreds / 100), pair.hundreds % 100]
    if (!unit && hours <= 24 && minutes < 60) emit(written, index, 'time', (hours % 24) * 60 + minutes, '', 'spoken')
  }
  // "eight pounds seventy five" is £8.75.
  if (implied && kind === 'money') {
    SUBUNIT.lastIndex = index + matched.length
    const cents = SUBUNIT.exec(text)
    const n = cents ? spokenValue(cents[1]!) : 0
    if (n >= 1 && n <= 99) emit(text.slice(index, SUBUNIT.lastIndex), index, kind, value + n / 100, unit, 'spoken')
  }
}

// "half a million", "a quarter of a percentage point", "a quarter-point cut", "half a
// dozen": fractions of a scale or of a point, stated in words.
export const FRACTION_WORDS = /\b(half|quarter)(?:\s+of)?\s+an?\s+(thousand|million|billion|trillion|dozen|percentage\s+point|point)\b|\b(half|quarter)[\s-](percentage[\s-])?point\b/gi

/** The value and unit of a {@link FRACTION_WORDS} match. */
export function fractionWordValue(m: RegExpExecArray): { value: number; unit: string } {
  const part = (m[1] ?? m[3])!.toLowerCase() === 'half' ? 0.5 : 0.25
  const of = m[2]?.toLowerCase()
  if (of === undefined) return { value: part, unit: m[4] ? '%' : '' }
  if (of.startsWith('percentage')) return { value: part, unit: '%' }
  if (of === 'point') return { value: part, unit: '' }
  return { value: part * (of === 'dozen' ? 12 : parseWords(of)), unit: '' }
}
