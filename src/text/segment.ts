// Word and sentence counts follow Unicode segmentation (UAX #29) through Intl.Segmenter,
// so CJK text, contractions and numbers with separators count the way a reader would.
//
// V8's segment iterator slows down quadratically with the length of its input (a 1 MB
// text takes minutes), so long texts are fed to it in slices cut where a boundary is
// certain: at whitespace for words, and at line breaks or after a sentence terminator
// for sentences.

const words = new Intl.Segmenter('en', { granularity: 'word' })
const sentences = new Intl.Segmenter('en', { granularity: 'sentence' })
// ICU ends a sentence after "1." at the start of a list item; the marker is not a sentence.
const LIST_MARKER_ONLY = /(?:^|\n)[ \t]*\(?(?:\d{1,9}|[a-z]|[ivxlcdm]{1,6})[.)][ \t]*$/i
const WORD_SLICE = 256
const SENTENCE_SLICE = 1024
// Whitespace, or the CJK punctuation that ends a clause, is always a word boundary.
const WORD_GAP = /\s+|[、。，！？；：]/gu
const SENTENCE_GAP = /\n+|[.!?]['")\]’”]*[ \t]+(?=[\p{Lu}\p{N}])|[。！？]/gu
// A text with no boundary for this long (a base64 blob, say) is cut regardless: a word
// split in two is a smaller error than a segmenter call that never returns.
const HARD_LIMIT = 16

/** Cuts `text` into slices of at least `size` characters, each ending at a `boundary` match. */
function* slices(text: string, size: number, boundary: RegExp): Generator<string> {
  let start = 0
  while (text.length - start > size) {
    boundary.lastIndex = start + size
    const m = boundary.exec(text)
    const end = m && m.index - start <= HARD_LIMIT * size ? m.index + m[0].length : start + HARD_LIMIT * size
    if (end >= text.length) break
    yield text.slice(start, end)
    start = end
  }
  yield text.slice(start)
}

const HAS_CONTENT = /[\p{L}\p{N}]/u
// ICU's sentence breaker has no abbreviation list in V8, so "Dr. Smith" would be two
// sentences. A segment ending in one of these titles is joined to the next.
const ABBREVIATION_END = /(?:^|[\s(])(?:Mr|Mrs|Ms|Dr|Prof|Sr|Jr|St|Mt|vs|etc|Inc|Ltd|Co|Corp|No|Fig|approx|e\.g|i\.e)\.\s*$/i

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
  let carry = ''
  for (const { segment } of sentenceSegments(text)) {
    const joined = carry + segment
    if ((ABBREVIATION_END.test(joined) || LIST_MARKER_ONLY.test(joined)) && !segment.includes('\n')) {
      carry = joined
      continue
    }
    carry = ''
    const trimmed = joined.trim()
    if (HAS_CONTENT.test(trimmed)) out.push(trimmed)
  }
  const rest = carry.trim()
  if (HAS_CONTENT.test(rest)) out.push(rest)
  return out
}

function* sentenceSegments(text: string): Generator<Intl.SegmentData> {
  for (const slice of slices(text, SENTENCE_SLICE, SENTENCE_GAP)) yield* sentences.segment(slice)
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
