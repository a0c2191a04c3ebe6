// Word and sentence counts follow Unicode segmentation (UAX #29) through Intl.Segmenter,
// so CJK text, contractions and numbers with separators count the way a reader would.
//
// V8's segment iterator slows down quadratically with the length of its input (a 1 MB
// text takes minutes), and costs microseconds per segment, so it sees as little text as
// possible: words in ASCII text are counted by a scanner that follows the same rules
// (wordScan.ts), sentences are split at line breaks first, and what remains is fed to
// the segmenter in slices cut where a boundary is certain.

import { countAsciiWords, isCertainBreak, standsAlone } from './wordScan.js'

const words = new Intl.Segmenter('en', { granularity: 'word' })
const sentences = new Intl.Segmenter('en', { granularity: 'sentence' })
// ICU ends a sentence after "1." at the start of a list item; the marker is not a sentence.
const LIST_MARKER_ONLY = /(?:^|\n)[ \t]*\(?(?:\d{1,9}|[a-z]|[ivxlcdm]{1,6})[.)][ \t]*$/i
const WORD_SLICE = 256
const SENTENCE_SLICE = 1024
// Whitespace, or the CJK punctuation that ends a clause, is always a word boundary.
const WORD_GAP = /\s+|[、。，！？；：]/gu
const SENTENCE_GAP = /[.!?]['")\]’”]*[ \t]+(?=[\p{Lu}\p{N}])|[。！？]/gu
// A text with no boundary for this long (a base64 blob, say) is cut regardless: a word
// split in two is a smaller error than a segmenter call that never returns.
const HARD_LIMIT = 16

/**
 * Cuts `text` into slices of at least `size` characters, each ending at a `boundary` match.
 * The search for a boundary stops at the hard limit, so a text without one stays linear.
 */
function* slices(text: string, size: number, boundary: RegExp): Generator<string> {
  let start = 0
  while (text.length - start > size) {
    const window = text.slice(start + size, start + HARD_LIMIT * size)
    boundary.lastIndex = 0
    const m = boundary.exec(window)
    const end = m ? start + size + m.index + m[0].length : start + HARD_LIMIT * size
    if (end >= text.length) break
    yield text.slice(start, end)
    start = end
  }
  yield text.slice(start)
}

const HAS_CONTENT = /[\p{L}\p{N}]/u
// An ASCII line without a terminator (".", "!", "?") or a carriage return inside it is a
// single sentence to the segmenter, so it need not be asked.
const PLAIN_LINE = /^[^\n\r!.?\u0080-\uFFFF]*\r?\n?$/
// ICU's sentence breaker has no abbreviation list in V8, so "Dr. Smith" would be two
// sentences. A segment ending in one of these titles is joined to the next.
const ABBREVIATION_END = /(?:^|[\s(])(?:Mr|Mrs|Ms|Dr|Prof|Sr|Jr|St|Mt|vs|etc|Inc|Ltd|Co|Corp|No|Fig|approx|e\.g|i\.e)\.\s*$/i
// Enough of the carried text to hold an abbreviation, its dot and the character before it.
const ABBREVIATION_REACH = 16

/**
 * Counts the words in `text` with `Intl.Segmenter`. Punctuation and spaces are not words.
 *
 * @example
 * ```ts
 * countWords("Apple's revenue rose 8%.") // 4
 * ```
 */
export function countWords(text: string): number {
  let n = 0
  let counted = 0
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) < 128) continue
    // Only the stretch around a non-ASCII character, between two certain boundaries,
    // needs the segmenter; the ASCII text on either side is scanned.
    let from = i
    while (from > counted && !isCertainBreak(text, from)) from--
    let to = i + 1
    while (to < text.length && !isCertainBreak(text, to)) to++
    n += countAsciiWords(text, counted, from)
    if (to - from > 1 || !standsAlone(text, from)) n += segmentWords(text.slice(from, to))
    counted = to
    i = to - 1
  }
  return n + countAsciiWords(text, counted, text.length)
}

function segmentWords(text: string): number {
  let n = 0
  for (const slice of slices(text, WORD_SLICE, WORD_GAP)) {
    for (const segment of words.segment(slice)) if (segment.isWordLike) n++
  }
  return n
}

/**
 * Splits `text` into sentences with `Intl.Segmenter`. A line break ends a sentence, so
 * each list item counts as one. Fragments with no letter or digit are dropped.
 *
 * @example
 * ```ts
 * splitSentences('Dr. Smith left. Sales rose!\n1. Next item') // ['Dr. Smith left.', 'Sales rose!', '1. Next item']
 * ```
 */
export function splitSentences(text: string): string[] {
  const out: string[] = []
  // The segmenter always ends a sentence at a line break, so lines are split apart first,
  // and a line with no letter or digit (blank lines, rules) never reaches it.
  let start = 0
  while (start < text.length) {
    const lineBreak = text.indexOf('\n', start)
    const end = lineBreak === -1 ? text.length : lineBreak + 1
    const line = text.slice(start, end)
    if (PLAIN_LINE.test(line)) push(line, out)
    else if (HAS_CONTENT.test(line)) splitLine(line, out)
    start = end
  }
  return out
}

function splitLine(line: string, out: string[]): void {
  // The text carried over an abbreviation is kept in parts and joined once: testing it
  // whole each time it grows made a run of "Dr. Dr. …" quadratic.
  let carry: string[] = []
  // The last characters of the carried text, and whether it ends in an abbreviation.
  let tail = ''
  let tailCut = false
  let abbreviated = false
  for (const { segment } of sentenceSegments(line)) {
    let abbreviation: boolean
    let marker: boolean
    if (segment.trim() === '') {
      // Blank space after the carried text changes neither match ("\s*$" takes it).
      abbreviation = abbreviated
      marker = carry.length > 0 && LIST_MARKER_ONLY.test(carry.join('') + segment)
    } else {
      abbreviation = ABBREVIATION_END.test(`${tailCut ? 'x' : ''}${tail}${segment}`)
      // A marker is all its text has, so it can only start a carry.
      marker = carry.length === 0 && LIST_MARKER_ONLY.test(segment)
    }
    if (!segment.includes('\n') && (abbreviation || marker)) {
      carry.push(segment)
      const joined = tail + segment
      tailCut ||= joined.length > ABBREVIATION_REACH
      tail = joined.slice(-ABBREVIATION_REACH)
      abbreviated = abbreviation
      continue
    }
    push(carry.join('') + segment, out)
    carry = []
    tail = ''
    tailCut = false
    abbreviated = false
  }
  push(carry.join(''), out)
}

function push(text: string, out: string[]): void {
  const trimmed = text.trim()
  if (HAS_CONTENT.test(trimmed)) out.push(trimmed)
}

function* sentenceSegments(line: string): Generator<Intl.SegmentData> {
  for (const slice of slices(line, SENTENCE_SLICE, SENTENCE_GAP)) yield* sentences.segment(slice)
}

/**
 * The number of sentences {@link splitSentences} finds.
 *
 * @example
 * ```ts
 * countSentences('One. Two.') // 2
 * ```
 */
export function countSentences(text: string): number {
  return splitSentences(text).length
}
