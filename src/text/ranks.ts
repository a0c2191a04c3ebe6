// Places a source states by the order it names finishers in, without writing them: "Kell
// won ahead of Roos, Holt and Berg" puts Holt third. Summaries of results write such
// places as "Holt (3rd)", so a place is support when it is said of the one who took it.
import { contentWords } from './qualifiers.js'

/** A place in a finishing order, and the content words (stems) of who took it. */
export interface Place {
  value: number
  name: string
  words: ReadonlySet<string>
}

const PLACE_WORDS = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth']
// What sets the finishers after it in order: "ahead of", "in front of", or a winning margin
// "by a metre from".
const ORDER = /\b(?:ahead of|in front of|by\b[^.;:,]{1,40}?\bfrom)\s+/g
const WON = /\b(?:won|wins|win|winning|victory)\b/i
const PLACE = new RegExp(`\\b(${PLACE_WORDS.join('|')}|\\d{1,2}(?:st|nd|rd|th))\\b`, 'gi')
const NAME = /\b[A-Z][\p{L}'-]*/gu
/** Finishers read after one "ahead of", at most. */
const MAX_FINISHERS = 12

function placeOf(word: string): number {
  const i = PLACE_WORDS.indexOf(word.toLowerCase())
  return i >= 0 ? i + 1 : Number.parseInt(word, 10)
}

/**
 * The places `sentence` states by order: the finishers after "ahead of" (or "in front of",
 * or a margin "by … from") follow the place the clause before it names ("won the sprint
 * for second ahead of …"), or the win.
 */
export function placesIn(sentence: string): Place[] {
  const out: Place[] = []
  ORDER.lastIndex = 0
  let clauseStart = 0
  for (let m = ORDER.exec(sentence); m; m = ORDER.exec(sentence)) {
    const before = sentence.slice(clauseStart, m.index)
    clauseStart = m.index + m[0].length
    let base = 0
    PLACE.lastIndex = 0
    for (let p = PLACE.exec(before); p; p = PLACE.exec(before)) base = placeOf(p[1]!)
    if (base === 0 && WON.test(before)) base = 1
    if (base === 0) continue
    // The finishers: a list up to the item after "and", or one name when there is no "and".
    const rest = /^[^.;:()]*/.exec(sentence.slice(clauseStart, clauseStart + 400))![0]
    const and = /\s+and\s+/.exec(rest)
    const parts = and ? [...rest.slice(0, and.index).split(/,\s*/), rest.slice(and.index + and[0].length).split(',')[0]!] : [rest.split(',')[0]!]
    for (let i = 0; i < parts.length && i < MAX_FINISHERS; i++) {
      const name = parts[i]!.match(NAME)
      // A finisher is named; "all within a second" is no finisher.
      if (!name) break
      out.push({ value: base + 1 + i, name: name.join(' '), words: contentWords(name.join(' ')) })
    }
  }
  return out
}
