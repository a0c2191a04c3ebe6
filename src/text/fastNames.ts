// People, organisations and places of a long text, found in one pass over its words: the
// NLP library reads 50–100 KB a second, too slow for a source of a megabyte. A name is a
// run of capitalised words inside a sentence; the library's word lists, the text's own use
// of capitals and a few lists of titles and heads of names say what kind of name it is and
// where it starts and ends. See FAST_PATH_LIMIT in nlpChunks.ts for when it is used.
import { loadNlp } from '../lazy.js'
import { MONTH } from './calendar.js'
import type { Casing } from './casing.js'
import { foldString } from './fold.js'
import type { ExtractedName, NameKind } from './names.js'

type Lexicon = Record<string, string | string[] | undefined>
let lexicon: Lexicon | undefined
// A long text asks for the same few thousand words again and again.
const tagCache = new Map<string, readonly string[]>()
const NO_TAGS: readonly string[] = []

function tagsOf(word: string): readonly string[] {
  let tags = tagCache.get(word)
  if (tags === undefined) {
    lexicon ??= (loadNlp().model() as { one: { lexicon: Lexicon } }).one.lexicon
    const held = lexicon[word.toLowerCase()]
    tags = held === undefined ? NO_TAGS : [held].flat()
    // Bounded: a text of random words must not grow it without end.
    if (tagCache.size >= 50_000) tagCache.clear()
    tagCache.set(word, tags)
  }
  return tags
}

const PERSON_TAG = /^(?:FirstName|MaleName|FemaleName|LastName)$/
const FIRST_NAME_TAG = /^(?:FirstName|MaleName|FemaleName)$/
const PLACE_TAG = /^(?:Country|City|Region|Place)$/
const ORGANIZATION_TAG = /^(?:Organization|SportsTeam)$/
const DATE_TAG = /^(?:Month|WeekDay|Date|Duration)$/
const TITLE_TAG = /^(?:Honorific|Actor)$/
const NAME_TAG = /^(?:FirstName|MaleName|FemaleName|LastName|Country|City|Region|Place|Organization|SportsTeam|ProperNoun)$/

// Roles written before a name that the word lists do not know as titles.
const TITLE_WORD = /^(?:chief|executive|senior|deputy|acting|vice|senator|sen|rep|representative|congressman|congresswoman|minister|secretary|governor|gov|mayor|president|chancellor|chairman|chairwoman|chair|director|manager|judge|justice|professor|prof|dr|mr|mrs|ms|mx|sir|dame|lord|lady|general|gen|colonel|col|captain|capt|lieutenant|lt|sergeant|sgt|officer|detective|inspector|coach|striker|midfielder|defender|goalkeeper|head|founder|spokesman|spokeswoman|spokesperson|analyst|economist|prime|foreign|finance|health|state)$/i
// Last words that make a run an organisation ("Harbor Bank", "Vantage Airlines").
const ORGANIZATION_HEAD = /^(?:bank|group|holdings|airlines|airways|motors|energy|foods|capital|media|telecom|pharmaceuticals|mining|logistics|insurance|partners|technologies|systems|labs|industries|corporation|company|university|college|institute|school|academy|ministry|department|agency|council|committee|commission|authority|board|bureau|office|court|party|union|association|federation|league|club|fc|society|foundation|trust|fund|museum|hospital|church|parliament|senate|congress|police|army|navy|reserve|exchange|times|post|news|network|studios|records|press)$/i
// Heads of organisation names that take "of": "Ministry of Health", "Bank of England".
const OF_HEAD = /^(?:bank|university|college|institute|school|academy|ministry|department|agency|council|committee|commission|authority|board|bureau|office|court|federation|league|society|museum|church|house|city|state|republic|kingdom|united|federal|national)s?$/i
// Words that make a run a place ("Douro River", "Mount Inari", "Princes Street").
const PLACE_HEAD = /^(?:river|sea|ocean|lake|bay|gulf|strait|island|islands|peninsula|coast|valley|mountain|mountains|hill|hills|park|street|road|avenue|lane|square|bridge|tower|palace|airport|station|stadium|arena|centre|center|village|town|county|province|district|region|mount|mt)$/i
// Weekdays only in full: "Sun" and "Wed" abbreviated can be names.
const MONTH_OR_DAY = new RegExp(`^(?:${MONTH}|(?:mon|tues|wednes|thurs|fri|satur|sun)day)$`, 'i')
const LEGAL_FORM = /^(?:inc|incorporated|corp|corporation|ltd|limited|llc|plc|co|gmbh|ag|sa|nv)$/i
const GENERATION = /^(?:jr|sr|ii|iii|iv)$/i
const ARTICLE = /^(?:the|a|an)$/i
// After these a full stop does not end the sentence: initials, dotted acronyms, titles.
const NOT_AN_END = /^(?:\p{L}|.*\..*|mr|mrs|ms|dr|st|mt|ft|jr|sr|gen|sen|rep|gov|lt|col|capt|cpt|sgt|maj|adm|prof|rev|hon|pres|no|vs)$/iu

const WORD = /[\p{L}\p{M}\p{N}]+(?:[-'’.&][\p{L}\p{M}\p{N}]+)*/gu
const POSSESSIVE = /['’]s?$/
const UPPER_START = /^\p{Lu}/u
const LOWER_START = /^\p{Ll}/u
const ACRONYM = /^(?:\p{Lu}\.?){2,6}s?$/u
const PLACE_ACRONYM = /^(?:U\.?S\.?(?:A\.?)?|U\.?K\.?|UAE)$/
// "NovaIntel", "iPhone", "eBay": a capital inside a word marks a brand.
const BRAND = /^(?:\p{Lu}\p{Ll}{2,}|\p{Ll})\p{Lu}[\p{L}\p{N}]*$/u
// Gaps inside a name: one space, or a full stop after an initial or title ("J. K. Rowling").
const NAME_GAP = /^ $/
const INITIAL_GAP = /^\. ?$/
const AMPERSAND_GAP = /^ & $/
const SENTENCE_GAP = /[.!?]["”’)]*\s|\n/
// After a colon, a quote, a bracket or a dash a capital may be the start of a quoted
// sentence or a list item, not a name.
const WEAK_GAP = /[:"“‘(\[•*—–-]\s*$/
const CONNECTOR = /^(?:of|de|du|des|la|le|di|da|von|van|der|del|bin|al)$/

// Codes and model numbers ("HS-44718", "A18") and contractions of "I" are no names.
const NOT_A_NAME_WORD = /\p{N}|^I['’]/u
const DOTTED = /^(?:\p{Lu}\.)+\p{Lu}$/u
// A name runs to a few words ("Royal College of Nursing"); a longer run is a heading.
const MAX_NAME_WORDS = 8
const PRIORITY: Record<NameKind, number> = { person: 0, organization: 1, place: 2 }

interface Word {
  text: string
  /**
   * Whether the word opens a sentence, or a heading, quote or bracket, so that its capital
   * says little.
   */
  opens: 'no' | 'sentence' | 'other'
  /** What joins it to the word before in the name: a space, or a full stop after an initial. */
  sep?: string
}

const key = (word: string) => foldString(word).toLowerCase()

/**
 * How often each word (by its lower-case form) is written with a capital in mid-sentence
 * and in lower case: a capitalised word opening a sentence is a name when the text writes it
 * so elsewhere too.
 */
type Evidence = Map<string, { capital: number; lower: number }>

function count(evidence: Evidence, word: string, opens: boolean): void {
  const lower = LOWER_START.test(word)
  if (opens && !lower) return
  const k = word.toLowerCase()
  let c = evidence.get(k)
  if (c === undefined) evidence.set(k, (c = { capital: 0, lower: 0 }))
  if (lower) c.lower++
  else if (UPPER_START.test(word)) c.capital++
}

const isTitle = (w: string) => TITLE_WORD.test(w) || tagsOf(w).some((t) => TITLE_TAG.test(t))
const isDateWord = (w: string) => MONTH_OR_DAY.test(w) || tagsOf(w).some((t) => DATE_TAG.test(t))
// Known to the word lists, and only as something other than a name.
const commonWord = (w: string) => {
  const tags = tagsOf(w)
  return tags.length > 0 && !tags.some((t) => NAME_TAG.test(t))
}

const TITLE_CASE = /^\p{Lu}\p{Ll}+(?:[-'’]\p{Lu}?\p{Ll}+)*$/u

function kindOf(words: readonly string[], titled: boolean, organizationForm: boolean, loneWords: ReadonlySet<string>): NameKind {
  const last = words[words.length - 1]!
  if (words.length === 1 && PLACE_ACRONYM.test(last)) return 'place'
  const whole = tagsOf(words.join(' '))
  if (whole.some((x) => PLACE_TAG.test(x))) return 'place'
  if (whole.some((x) => ORGANIZATION_TAG.test(x))) return 'organization'
  if (organizationForm || ORGANIZATION_HEAD.test(last)) return 'organization'
  if (PLACE_HEAD.test(last) || (words.length > 1 && PLACE_HEAD.test(words[0]!))) return 'place'
  if (words.some((w) => CONNECTOR.test(w))) return 'organization'
  if (titled) return 'person'
  const tags = words.map(tagsOf)
  if (tags.some((t) => t.some((x) => ORGANIZATION_TAG.test(x)))) return 'organization'
  if (words.length >= 2 && tags[0]!.some((x) => FIRST_NAME_TAG.test(x))) return 'person'
  if (tags.some((t) => t.some((x) => PLACE_TAG.test(x)))) return 'place'
  if (tags.some((t) => t.some((x) => PERSON_TAG.test(x)))) return 'person'
  // Two or three plain capitalised words whose last is also written alone, as a surname
  // is ("Ronan Kelleher … Kelleher said"), are a person.
  if (words.length >= 2 && words.length <= 3 && words.every((w) => TITLE_CASE.test(w)) && loneWords.has(key(last))) return 'person'
  return 'organization'
}

/** The name a run of capitalised words stands for, cleaned as names.ts cleans the library's. */
function nameOf(run: readonly Word[], evidence: Evidence, loneWords: ReadonlySet<string>): { text: string; kind: NameKind } | undefined {
  let words = run
  const first = () => words[0]!.text
  const last = () => words[words.length - 1]!.text
  // A word opening a sentence, a heading or a quote is capitalised for that alone, unless
  // the text capitalises it elsewhere or the word lists know it as a name.
  if (run[0]!.opens !== 'no') {
    const seen = evidence.get(first().toLowerCase())
    const named = tagsOf(first()).some((t) => NAME_TAG.test(t))
    const common = seen !== undefined && seen.lower + seen.capital > 0 ? seen.lower >= seen.capital : !named && (commonWord(first()) || (run[0]!.opens === 'sentence' && words.length === 1))
    if (common && !isTitle(first())) words = words.slice(1)
  }
  while (words.length > 0 && (ARTICLE.test(first()) || isDateWord(first()))) words = words.slice(1)
  let titled = false
  while (words.length > 1 && isTitle(first())) {
    words = words.slice(1)
    titled = true
  }
  let organizationForm = false
  while (words.length > 1 && (LEGAL_FORM.test(last()) || GENERATION.test(last()))) {
    organizationForm ||= LEGAL_FORM.test(last())
    words = words.slice(0, -1)
  }
  while (words.length > 0 && CONNECTOR.test(last())) words = words.slice(0, -1)
  if (words.length === 0) return undefined
  const texts = words.map((w) => w.text)
  if (texts.length === 1 && (isTitle(texts[0]!) || LEGAL_FORM.test(texts[0]!) || [...texts[0]!].length < 2)) return undefined
  if (texts.every((w) => !ACRONYM.test(w) && (isDateWord(w) || commonWord(w)))) return undefined
  const text = words.map((w, i) => (i === 0 ? '' : (w.sep ?? ' ')) + w.text).join('')
  return { text, kind: kindOf(texts, titled, organizationForm, loneWords) }
}

/**
 * The people, organisations and places named in `text`, found without the NLP library's
 * tagger, in time linear in the length of the text: runs of capitalised words (and, in a
 * lower-case text, words the word lists know only as names) inside sentences.
 *
 * @example
 * ```ts
 * fastNames('Dr. Maria Okafor of Harbor Bank spoke in Lisbon.', 'cased')
 * // [{ text: 'Maria Okafor', kind: 'person' }, { text: 'Harbor Bank', kind: 'organization' }, { text: 'Lisbon', kind: 'place' }]
 * ```
 */
export function fastNames(text: string, casing: Casing): ExtractedName[] {
  if (casing === 'uncased') return []
  const evidence: Evidence = new Map()
  const byName = new Map<string, ExtractedName>()
  const add = (name: { text: string; kind: NameKind } | undefined) => {
    if (name === undefined) return
    const k = key(name.text)
    const held = byName.get(k)
    // As in names.ts: a place reading of one name wins over an organisation, both over a person.
    if (held === undefined) byName.set(k, { text: name.text, kind: name.kind })
    else if (PRIORITY[name.kind] > PRIORITY[held.kind]) held.kind = name.kind
  }
  const isNameWord = (w: string) =>
    (UPPER_START.test(w) || BRAND.test(w) || (casing === 'lower' && tagsOf(w).length > 0 && tagsOf(w).every((t) => NAME_TAG.test(t)))) && !NOT_A_NAME_WORD.test(w)
  // The runs are gathered first: whether a run is a person depends on whether its last word
  // is written alone anywhere in the text.
  const runs: Word[][] = []
  let run: Word[] = []
  let pendingConnector: string | undefined
  const flush = () => {
    if (run.length > 0 && run.length <= MAX_NAME_WORDS) runs.push(run)
    run = []
    pendingConnector = undefined
  }
  let previousEnd = -1
  let previous = ''
  WORD.lastIndex = 0
  for (let m = WORD.exec(text); m; m = WORD.exec(text)) {
    const token = m[0]
    // Most gaps are one space: not sliced out of the text, which on a long text is most of
    // the garbage made.
    const gap = previousEnd < 0 ? '\n' : m.index === previousEnd + 1 && text.charCodeAt(previousEnd) === 32 ? ' ' : text.slice(previousEnd, m.index)
    previousEnd = m.index + token.length
    const initialGap = INITIAL_GAP.test(gap) && NOT_AN_END.test(previous)
    const opens = initialGap ? 'no' : SENTENCE_GAP.test(gap) ? 'sentence' : WEAK_GAP.test(gap) ? 'other' : 'no'
    previous = token
    let word = token.replace(POSSESSIVE, '')
    count(evidence, word, opens !== 'no')
    // "U.S.": the full stop after a dotted acronym is part of it.
    if (DOTTED.test(word) && text[previousEnd] === '.') word += '.'
    const joins = NAME_GAP.test(gap) || initialGap || AMPERSAND_GAP.test(gap)
    // A longer run is a title-case heading, not a name: skipped to its end, never held whole.
    if (run.length > MAX_NAME_WORDS && joins && isNameWord(word) && opens === 'no') continue
    if (run.length > 0 && joins && isNameWord(word) && opens === 'no') {
      if (pendingConnector !== undefined) run.push({ text: pendingConnector, opens: 'no' })
      if (AMPERSAND_GAP.test(gap)) run.push({ text: '&', opens: 'no' })
      pendingConnector = undefined
      run.push({ text: word, opens: 'no', sep: initialGap ? '. ' : ' ' })
    } else if (run.length > 0 && pendingConnector === undefined && NAME_GAP.test(gap) && CONNECTOR.test(token) && OF_HEAD.test(run[run.length - 1]!.text)) {
      pendingConnector = token
      continue
    } else {
      flush()
      if (isNameWord(word)) run = [{ text: word, opens }]
    }
    // "Australia's Georgia Fenn": a possessive ends a name.
    if (word !== token) flush()
  }
  flush()
  const loneWords = new Set(runs.filter((r) => r.length === 1 && r[0]!.opens === 'no').map((r) => key(r[0]!.text)))
  const read = new Set<string>()
  for (const r of runs) {
    const k = r.map((w) => `${w.opens}:${w.text}`).join(' ')
    if (read.has(k)) continue
    read.add(k)
    add(nameOf(r, evidence, loneWords))
  }
  // A word written alone that is the last name of a person named in full is that person
  // ("Watkins" after "Ollie Watkins"), whatever else it looked like alone.
  const surnames = new Set([...byName.values()].filter((n) => n.kind === 'person' && / /.test(n.text)).map((n) => key(n.text.split(' ').pop()!)))
  for (const n of byName.values()) if (!/ /.test(n.text) && surnames.has(key(n.text))) n.kind = 'person'
  return [...byName.values()]
}
