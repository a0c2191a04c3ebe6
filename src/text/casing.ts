// Whether a text uses capitals the way English prose does, and a way to give a text
// written in lower case (as older summarisation corpora and some pipelines produce) the
// capitals another text uses for the same words. Name extraction leans on capitals: in
// lower-case text it misses names it cannot recognise from its word lists.

/**
 * How a text uses capitals: `'cased'` when a fair share of its words start with one (as
 * prose does, with sentence starts and names), `'lower'` when it has letters with case but
 * almost no capitals, `'uncased'` when its letters have no case (Chinese, Arabic…).
 */
export type Casing = 'cased' | 'lower' | 'uncased'

// A word's first letter, where the letter has an upper- and lower-case form.
const WORD_START = /(?<![\p{L}\p{M}\p{N}'’])[\p{Lu}\p{Ll}]/gu
const UPPER = /\p{Lu}/u
// Prose capitalises at least every sentence start, about one word in twenty; a text under
// one in fifty is lower case with a stray acronym or two.
const MIN_CAPITAL_SHARE = 0.02

/** How `text` uses capitals; see {@link Casing}. */
export function casingOf(text: string): Casing {
  let upper = 0
  let total = 0
  WORD_START.lastIndex = 0
  for (let m = WORD_START.exec(text); m; m = WORD_START.exec(text)) {
    total++
    if (UPPER.test(m[0])) upper++
  }
  if (total === 0) return 'uncased'
  return upper / total < MIN_CAPITAL_SHARE ? 'lower' : 'cased'
}

const WORD = /[\p{L}\p{M}]+/gu
// Between two words of one sentence: spaces, commas, quotes, hyphens inside a phrase. A
// full stop, a line break or a list marker starts a sentence, whose capital says nothing.
const SAME_SENTENCE = /^[ \t,;"'“”‘’()&%$€£\p{N}-]*$/u

/**
 * The words `donor` capitalises in mid-sentence, by their lower-case form: the names it
 * writes (`Merkel`, `BBC`), without the sentence starts that are capitalised anyway.
 */
function namesWrittenIn(donor: string): Map<string, string> {
  const forms = new Map<string, string>()
  let previousEnd = -1
  WORD.lastIndex = 0
  for (let m = WORD.exec(donor); m; m = WORD.exec(donor)) {
    const word = m[0]
    const midSentence = previousEnd >= 0 && SAME_SENTENCE.test(donor.slice(previousEnd, m.index))
    previousEnd = m.index + word.length
    if (!midSentence || word.length < 2 || !UPPER.test(word[0]!)) continue
    const lower = word.toLowerCase()
    if (!forms.has(lower)) forms.set(lower, word)
  }
  return forms
}

/**
 * `text` with each word that `donor` writes with capitals in mid-sentence written as the
 * donor writes it, when `text` is in lower case and `donor` is not; otherwise `text` as is.
 * Positions are unchanged: only the case of letters changes.
 *
 * @example
 * ```ts
 * truecase('angela merkel met the bbc.', 'Talks with Merkel, said the BBC.')
 * // 'angela Merkel met the BBC.'
 * ```
 */
export function truecase(text: string, donor: string): string {
  if (casingOf(text) !== 'lower' || casingOf(donor) !== 'cased') return text
  const forms = namesWrittenIn(donor)
  if (forms.size === 0) return text
  return text.replace(WORD, (word) => {
    const form = forms.get(word)
    // Only a word of the same length keeps positions (a few letters change length with case).
    return form !== undefined && form.length === word.length ? form : word
  })
}
