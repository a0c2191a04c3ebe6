// Names the NLP library's word lists and patterns do not find: brands written
// with an inner capital ("NovaIntel", "iPhone") and runs of capitalised words in mid-sentence
// ("discussing the Steelers", "in Sycamore"). A capital in mid-sentence, after a word in
// lower case, marks a name in English prose; what the word lists know only as a common word
// ("the Evolutionary approach" aside, "in May", "a Deep dive") is left out.
import { loadNlp } from '../lazy.js'
import type { NameKind } from './names.js'

type Lexicon = Record<string, string | string[] | undefined>
let lexicon: Lexicon | undefined

function tagsOf(word: string): string[] | undefined {
  lexicon ??= (loadNlp().model() as { one: { lexicon: Lexicon } }).one.lexicon
  const tags = lexicon[word.toLowerCase()]
  return tags === undefined ? undefined : [tags].flat()
}

const PERSON_TAG = /^(?:FirstName|MaleName|FemaleName|LastName)$/
const PLACE_TAG = /^(?:Country|City|Region|Place)$/
const ORGANIZATION_TAG = /^(?:Organization|SportsTeam)$/

/** The kind of name the library's word lists know `word` as, or undefined when none. */
export function nameKindOf(word: string): NameKind | undefined {
  const tags = tagsOf(word) ?? []
  if (tags.some((t) => PLACE_TAG.test(t))) return 'place'
  if (tags.some((t) => ORGANIZATION_TAG.test(t))) return 'organization'
  return tags.some((t) => PERSON_TAG.test(t)) ? 'person' : undefined
}

const DATE_TAG = /^(?:Month|WeekDay|Date|Duration)$/

// The word lists know "March" only as a verb, and holidays not at all.
const DATE_WORD = /^(?:january|february|march|april|may|june|july|august|september|october|november|december|christmas|easter)$/i

/** Whether every word of `name` is a month, a day, a holiday or another date word ("Saturday", "November", "March", "Christmas"). */
export function isDate(name: string): boolean {
  return name.split(/[\s–-]+/).every((w) => DATE_WORD.test(w) || (tagsOf(w) ?? []).some((t) => DATE_TAG.test(t)))
}

// A legal form is part of a company's name, never a name alone.
const LEGAL_FORM = /^(?:Inc|Incorporated|Corp|Corporation|Ltd|Limited|Plc|Co|Company)$/

// Known, and only as something other than a name: "May" (a month and a verb), "Deep".
function commonWord(word: string): boolean {
  return LEGAL_FORM.test(word) || (tagsOf(word) !== undefined && nameKindOf(word) === undefined)
}

const TOKEN = /[\p{L}\p{M}\p{N}'’-]+/gu
const POSSESSIVE = /['’]s?$/
const TITLE_CASE = /^\p{Lu}\p{Ll}{2,}$/u
const LOWER_START = /^\p{Ll}/u
const WITHIN_SENTENCE = /^[ ,]+$/
// A word with a capital inside it after two lower-case letters ("NovaIntel", "YouTube"), or
// after one leading lower-case letter ("iPhone", "eBay"). Two letters, because "McDonald"
// and "PhD" are not brands.
const BRAND = /^(?:\p{Lu}\p{Ll}{2,}|\p{Ll})\p{Lu}[\p{L}\p{N}]*$/u
const TITLE = /^(?:Honorific|Actor)$/

function nameOf(run: string[]): { text: string; kind: NameKind } | undefined {
  let words = run
  // "President Zelenskyy": the title is not part of the name.
  while (words.length > 1 && (tagsOf(words[0]!) ?? []).some((t) => TITLE.test(t))) words = words.slice(1)
  if (words.every(commonWord)) return undefined
  const kinds = words.map(nameKindOf)
  const titled = words !== run
  const kind = titled || kinds.includes('person') ? 'person' : kinds.includes('place') ? 'place' : 'organization'
  return { text: words.join(' '), kind }
}

/**
 * Brands and capitalised names in mid-sentence of a text, each as often as it occurs.
 * A name the word lists cannot classify counts as an organisation: in news and business
 * text most such names are companies, products, teams and works.
 */
export function unlistedNames(text: string): { text: string; kind: NameKind }[] {
  const out: { text: string; kind: NameKind }[] = []
  let run: string[] = []
  let previousEnd = -1
  let previousLower = false
  const flush = () => {
    const name = run.length > 0 ? nameOf(run) : undefined
    if (name !== undefined) out.push(name)
    run = []
  }
  TOKEN.lastIndex = 0
  for (let m = TOKEN.exec(text); m; m = TOKEN.exec(text)) {
    const token = m[0]
    const word = token.replace(POSSESSIVE, '')
    const gap = previousEnd < 0 ? '' : text.slice(previousEnd, m.index)
    previousEnd = m.index + token.length
    if (BRAND.test(word) && word.length >= 4) {
      flush()
      out.push({ text: word, kind: 'organization' })
    } else if (TITLE_CASE.test(word) && run.length > 0 && gap === ' ') {
      run.push(word)
    } else {
      flush()
      if (TITLE_CASE.test(word) && previousLower && WITHIN_SENTENCE.test(gap)) run = [word]
    }
    // "Pandora's Cube": a possessive ends one name, and the next may follow it.
    const possessive = word !== token && run.length > 0
    if (word !== token) flush()
    previousLower = LOWER_START.test(token) || possessive
  }
  flush()
  return out
}
