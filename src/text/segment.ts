// Word and sentence counts follow Unicode segmentation (UAX #29) through Intl.Segmenter,
// so CJK text, contractions and numbers with separators count the way a reader would.

const words = new Intl.Segmenter('en', { granularity: 'word' })
const sentences = new Intl.Segmenter('en', { granularity: 'sentence' })
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
  for (const segment of words.segment(text)) if (segment.isWordLike) n++
  return n
}

/**
 * Splits `text` into sentences with `Intl.Segmenter`. A line break ends a sentence, so
 * each list item counts as one. Fragments with no letter or digit are dropped.
 */
export function splitSentences(text: string): string[] {
  const out: string[] = []
  let carry = ''
  for (const { segment } of sentences.segment(text)) {
    const joined = carry + segment
    if (ABBREVIATION_END.test(joined) && !segment.includes('\n')) {
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

/** The number of sentences {@link splitSentences} finds. */
export function countSentences(text: string): number {
  return splitSentences(text).length
}
