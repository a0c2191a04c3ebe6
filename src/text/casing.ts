// Whether a text uses capitals the way English prose does, and a way to give a text
// written in lower case (as older summarisation corpora and some pipelines produce) the
// capitals another text uses for the same words. Name extraction leans on capitals: in
// lower-case text it misses names it cannot recognise from its word lists.

/**
 * How a text uses capitals: `'cased'` when it writes names with them, as prose does;
 * `'lower'` when it has letters with case but capitalises names rarely or never (all lower
 * case, or capitals only at sentence starts, as some corpora and pipelines write);
 * `'uncased'` when its letters have no case (Chinese, Arabic…).
 */
export type Casing = 'cased' | 'lower' | 'uncased'

const WORD = /[\p{L}\p{M}]+/gu
const UPPER = /\p{Lu}/u
// Between two words of one sentence: spaces, commas, quotes, hyphens inside a phrase,
// numbers. A full stop, a line break or a list marker starts a sentence, whose capital says
// nothing about names.
const SAME_SENTENCE = /^[ \t,;"'“”‘’()&%$€£\p{N}-]*$/u
// Prose capitalises at least every sentence start, about one word in twenty; a text under
// one in fifty is lower case with a stray acronym or two.
const MIN_CAPITAL_SHARE = 0.02
// Inside sentences, news prose capitalises a name every few dozen words at the least; a
// text of some length that capitalises fewer than one word in a hundred there writes its
// names in lower case.
const MIN_NAME_SHARE = 0.01
const MIN_WORDS_FOR_NAME_SHARE = 40

/** How `text` uses capitals; see {@link Casing}. */
export function casingOf(text: string): Casing {
  let words = 0
  let capitals = 0
  let inner = 0
  let innerCapitals = 0
  let previousEnd = -1
  WORD.lastIndex = 0
  for (let m = WORD.exec(text); m; m = WORD.exec(text)) {
    const word = m[0]
    const midSentence = previousEnd >= 0 && SAME_SENTENCE.test(text.slice(previousEnd, m.index))
    previousEnd = m.index + word.length
    const first = word[0]!
    if (first.toLowerCase() === first.toUpperCase()) continue
    const upper = UPPER.test(first)
    words++
    if (upper) capitals++
    // "I" is capitalised whatever the text does with names.
    if (!midSentence || word.length < 2) continue
    inner++
    if (upper) innerCapitals++
  }
  if (words === 0) return 'uncased'
  if (capitals / words < MIN_CAPITAL_SHARE) return 'lower'
  return inner >= MIN_WORDS_FOR_NAME_SHARE && innerCapitals / inner < MIN_NAME_SHARE ? 'lower' : 'cased'
}

const FUNCTION_WORD = /^(?:the|a|an|in|on|at|for|by|from|with|of|to|and|but|or|as|after|before|since|when|while|during|under|over|this|that|these|those|its|his|her|their|our|my|your)$/i

/**
 * The words `donor` capitalises in mid-sentence more often than not, by their lower-case
 * form: the names it writes (`Merkel`, `BBC`). A run of capitalised words counts only after
 * a word in lower case in the same sentence, so that sentence starts and title-case
 * headings ("Pigeons In Society") say nothing.
 */
function namesWrittenIn(donor: string): Map<string, string> {
  const forms = new Map<string, { form: string; capitalised: number; lower: number }>()
  let previousEnd = -1
  let afterLower = false
  let inName = false
  WORD.lastIndex = 0
  for (let m = WORD.exec(donor); m; m = WORD.exec(donor)) {
    const word = m[0]
    const sameSentence = previousEnd >= 0 && SAME_SENTENCE.test(donor.slice(previousEnd, m.index))
    previousEnd = m.index + word.length
    const upper = UPPER.test(word[0]!)
    inName = upper && sameSentence && (afterLower || inName)
    // "The European Central Bank …": a function word opening a sentence is capitalised only
    // because it opens it.
    afterLower = !upper || (!sameSentence && FUNCTION_WORD.test(word))
    if (!sameSentence || word.length < 2 || (upper && !inName)) continue
    const lower = word.toLowerCase()
    let seen = forms.get(lower)
    if (seen === undefined) forms.set(lower, (seen = { form: word, capitalised: 0, lower: 0 }))
    if (!upper) seen.lower++
    else if (seen.capitalised++ === 0) seen.form = word
  }
  const names = new Map<string, string>()
  for (const [lower, seen] of forms) if (seen.capitalised > seen.lower) names.set(lower, seen.form)
  return names
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
