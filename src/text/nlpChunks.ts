// The NLP library slows down faster than the length of its input: a sentence of many
// thousand words (a run of numbers, a list without full stops) costs it minutes at a
// megabyte. A long text is therefore given to it in pieces of bounded size, cut where a
// sentence or a line ends, and a sentence that recurs is read once: the names of a text are
// a set, which a repeated sentence adds nothing to.

/**
 * A text whose distinct sentences come to more than this many characters is not given to
 * the NLP library at all, which reads 50–100 KB a second, but read by the linear rules of
 * fastNames.ts: a megabyte of distinct prose would cost the library 10–20 s, and this much
 * costs it a few tenths of a second. Up to it the library's answers are kept exactly (a text of
 * up to this length is read whole, see WHOLE_TEXT_LIMIT).
 */
export const FAST_PATH_LIMIT = 20_000

/** Texts up to this length are read whole, exactly as written. */
export const WHOLE_TEXT_LIMIT = 20_000
// A sentence longer than this is cut at a space: the library reads it no better whole.
const MAX_SENTENCE = 1_000
const CHUNK = 5_000
const SENTENCE_END = /[.!?]["”’)]*\s+|\n\s*/g
const LAST_SPACE = /\s(?=\S*$)/u

function sentenceEnd(text: string, from: number): number {
  // Searched in a bounded window, so that a text with no sentence end is not rescanned
  // from every position.
  const window = text.slice(from, from + MAX_SENTENCE)
  SENTENCE_END.lastIndex = 0
  const m = SENTENCE_END.exec(window)
  if (m) return from + m.index + m[0].length
  if (from + MAX_SENTENCE >= text.length) return text.length
  const space = LAST_SPACE.exec(window.slice(MAX_SENTENCE / 2))
  let end = from + (space ? MAX_SENTENCE / 2 + space.index + 1 : MAX_SENTENCE)
  // Never between the two halves of a letter outside the BMP.
  if (/[\uD800-\uDBFF]/.test(text[end - 1] ?? '')) end++
  return end
}

/**
 * The pieces in which `text` is read by the NLP library: the text itself when it is at most
 * {@link WHOLE_TEXT_LIMIT} long; otherwise its sentences, each once, in order of first
 * appearance, gathered into pieces of a few thousand characters.
 *
 * @example
 * ```ts
 * nlpChunks('Tim Cook said. '.repeat(10_000)) // ['Tim Cook said. ']
 * ```
 */
export function nlpChunks(text: string): string[] {
  if (text.length <= WHOLE_TEXT_LIMIT) return [text]
  const chunks: string[] = []
  const seen = new Set<string>()
  let chunk = ''
  for (let start = 0; start < text.length; ) {
    const end = sentenceEnd(text, start)
    const sentence = text.slice(start, end)
    start = end
    const key = sentence.trim()
    if (key === '' || seen.has(key)) continue
    seen.add(key)
    chunk += sentence
    if (chunk.length >= CHUNK) {
      chunks.push(chunk)
      chunk = ''
    }
  }
  if (chunk !== '') chunks.push(chunk)
  return chunks
}
