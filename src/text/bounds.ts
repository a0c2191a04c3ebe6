// A bound said of several things: "petrol and diesel rose by more than 5p" is not
// supported by "petrol rose 4.4p and diesel 5.2p", though 5.2p alone meets the bound.
import type { NumericClaim } from './numbers.js'
import { type Bound, contentWords } from './qualifiers.js'

/** How far, in characters, a figure's sentence is read on either side of it. */
const REACH = 300
/** How many figures on either side of a supporting one are asked whether they break the bound. */
const MAX_SIBLINGS = 4
const SENTENCE_END = /[.!?](?=\s)|\n/
// Up to the last sentence end or digit: the start of what a figure is said of.
const LAST_CUT = /[\s\S]*(?:[.!?](?=\s)|[\n\d])/

/**
 * The content words, as stems, that a figure is said of: those between the last figure
 * or sentence end before it and the figure itself ("Average petrol prices rose by" for
 * the 4.4p of "Average petrol prices rose by 4.4p to 116.7p").
 */
export function leadWords(text: string, start: number): Set<string> {
  let lead = text.slice(Math.max(0, start - REACH), start)
  const cut = LAST_CUT.exec(lead)
  if (cut) lead = lead.slice(cut[0].length)
  return contentWords(lead)
}

/** Whether `value` lies on the wrong side of `claimed` for `bound`. */
function breaks(bound: Bound, claimed: number, value: number): boolean {
  const c = Math.abs(claimed)
  const v = Math.abs(value)
  if (v < c / 2 || v > 2 * c) return false
  switch (bound) {
    case 'above':
      return v <= c
    case 'atLeast':
      return v < c
    case 'below':
      return v >= c
    case 'atMost':
      return v > c
    case 'about':
      return false
  }
}

/** The source figures in text order around the one that meets a bound, as {@link boundBrokenBySibling} reads them. */
export interface Siblings {
  text: string
  /** The source's claims in text order. */
  byIndex: readonly NumericClaim[]
  /** The position of the supporting figure in `byIndex`. */
  at: number
  /** The lead words of the claim at a position in `byIndex` (see {@link leadWords}). */
  wordsOf: (i: number) => ReadonlySet<string>
}

/**
 * Whether a bound the output states ("more than 5p") and the source figure that meets it
 * (5.2p) are undone by another figure of the same kind and unit in the same source
 * sentence that breaks the bound (4.4p), when the output's sentence names what that other
 * figure is said of ("petrol") before its bound, and the meeting figure is not. "Sales rose more than 5%"
 * stays supported by "sales rose 5.2% and costs 4.4%". An approximation ("about 5p") has
 * no side to break: it is never undone, and neither `said` nor `siblings` is asked for.
 *
 * @param said what the output's bound is said of (see {@link leadWords})
 * @param siblings the source figures around the supporting one, or undefined when it has none
 */
export function boundBrokenBySibling(bound: Bound, claimed: number, said: () => ReadonlySet<string>, siblings: () => Siblings | undefined): boolean {
  if (bound === 'about') return false
  const words = said()
  if (words.size === 0) return false
  const around = siblings()
  if (!around) return false
  const { text, byIndex, at, wordsOf } = around
  const support = byIndex[at]!
  for (const step of [-1, 1]) {
    for (let k = 1; k <= MAX_SIBLINGS; k++) {
      const i = at + step * k
      const other = byIndex[i]
      if (!other || Math.abs(other.index - support.index) > REACH) break
      const [first, second] = step < 0 ? [other, support] : [support, other]
      if (SENTENCE_END.test(text.slice(first.index + first.text.length, second.index))) break
      if (other.kind !== support.kind || other.unit !== support.unit || other.implied || other.bound !== undefined) continue
      if (!breaks(bound, claimed, other.value)) continue
      const supportWords = wordsOf(at)
      for (const w of wordsOf(i)) if (!supportWords.has(w) && words.has(w)) return true
    }
  }
  return false
}
