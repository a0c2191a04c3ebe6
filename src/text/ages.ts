// Ages set off by commas after a name ("Nadia Okafor, 34, opened …"), the way news and
// summaries of news give a person's age. Such a number is said of that person: a source
// that gives 34 as someone else's age, or as a count, does not support it. Older
// summarisers mix up exactly these ("Hale, 34" where the source has "Okafor, 34").

const LETTERS = /\p{L}+$/u
const FUNCTION_WORDS = new Set(
  ('a an the of in on at to for by with from and or but as than then that this these those it its his her their our your my ' +
    'he she they we you i who which while was were is are be been has had have also only just more less most least about ' +
    'some all both each other another there here after before since until when so such yes no not total overall').split(' '),
)
const MAX_AGE = 130
// How far a name and the number said of it may be apart in the source.
const REACH = 200

/**
 * The word an age follows when `text[start, end)` is a whole number set off by commas
 * right after a word ("Okafor, 34," → `okafor`; "o'neil, 30," → `neil`), lower-cased;
 * `undefined` for any other number. With `orClauseEnd`, the number may also end its clause
 * or sentence ("… with Owen Reyes, 31."). Every check before the last one reads a
 * character or two, so a text of many numbers costs next to nothing.
 */
export function apposedName(text: string, start: number, end: number, orClauseEnd = false): string | undefined {
  const next = text.charCodeAt(end)
  const closes = next === 0x2c || (orClauseEnd && (next === 0x2e || next === 0x3b) && !(text.charCodeAt(end + 1) >= 0x30 && text.charCodeAt(end + 1) <= 0x39))
  if (!closes || text.charCodeAt(start - 1) !== 0x20 || text.charCodeAt(start - 2) !== 0x2c) return undefined
  if (end - start > 3) return undefined
  for (let i = start; i < end; i++) if (text.charCodeAt(i) < 0x30 || text.charCodeAt(i) > 0x39) return undefined
  const age = Number(text.slice(start, end))
  if (age < 1 || age > MAX_AGE) return undefined
  const word = LETTERS.exec(text.slice(Math.max(0, start - 42), start - 2))?.[0].toLowerCase()
  return word !== undefined && word.length > 1 && !FUNCTION_WORDS.has(word) ? word : undefined
}

const SENTENCE_END = /[.!?](?=\s)|\n/g
const WORD = /\p{L}+/gu

/**
 * The words, lower-cased, that the number at `text[start, end)` of a source is said of, for
 * an age from {@link apposedName} to be looked up in. A number itself set off after a word
 * ("Victor Hale, 61," or "… Victor Hale, 61.") is said of the words between it and the
 * number before it in its sentence, so that in a list of people each age keeps its own
 * name ("Ana Cole, 49, and Tomas Rivera, 52"). Any other is said of the words back to the
 * start of the sentence before ("Tomas Rivera was elected in 2019. The 52-year-old …"),
 * and of those after it up to the next number or the end of its sentence ("the
 * 52-year-old Tomas Rivera"). Each side reads at most a few hundred characters.
 */
export function wordsBeside(text: string, start: number, end: number): Set<string> {
  const apposed = apposedName(text, start, end, true) !== undefined
  let before = text.slice(Math.max(0, start - REACH), start)
  if (apposed) before = before.slice(before.search(/\d\D*$/) + 1)
  const ends = [...before.matchAll(SENTENCE_END)]
  const cut = ends[ends.length - (apposed ? 1 : 2)]
  if (cut) before = before.slice(cut.index + 1)
  const after = apposed ? '' : /^[^\d.!?\n]*/.exec(text.slice(end, end + REACH))![0]
  return new Set(`${before} ${after}`.toLowerCase().match(WORD) ?? [])
}
