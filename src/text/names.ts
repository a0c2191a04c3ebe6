// People, organisations and places of a text, found by the `compromise` NLP library and
// cleaned into the names a reader would say are "the entity": the library's matches carry
// titles ("President Barack Obama"), possessives ("Belgium's"), whole lists ("Paris,
// France"), common nouns ("England team") and stray words ("Latvia drew").
import { loadNlp } from '../lazy.js'
import { TextCache } from './cache.js'
import { casingOf, type Casing } from './casing.js'
import { isRegionAdjective } from './countries.js'
import { foldString } from './fold.js'
import { withoutFragments } from './fragments.js'
import { withoutLeadingRole } from './roles.js'
import { isDate, nameKindOf, unlistedNames } from './unlisted.js'
import { fastNames } from './fastNames.js'
import { FAST_PATH_LIMIT, nlpChunks } from './nlpChunks.js'

/** Kinds of name that {@link extractNames} finds. */
export type NameKind = 'person' | 'organization' | 'place'

/** A name found in a text. */
export interface ExtractedName {
  text: string
  kind: NameKind
  /**
   * For a person named with more than one word: the last name, which alone keeps the
   * person in an output ("Cook" for "Tim Cook"). Absent when two people of the text share it.
   */
  surname?: string
}

interface Term {
  text: string
  pre: string
  post: string
  tags: string[]
}

// Punctuation after a word that ends one name and starts the next: "Riga, Latvia" is two
// places, "Tim Cook (Apple)" a person and an organisation.
const LIST_BREAK = /[,;:()[\]{}"“”/|–—]/
// The library reads "El Al. Previously, …" as one sentence ("al." abbreviates) and one
// name. A full stop after a word ends the name unless the word is an initial, a dotted
// acronym or a title ("J. K. Rowling", "U.S. Steel", "St. Louis").
const SENTENCE_END = /^[.!?]["”’)]*\s/
const NOT_AN_END = /^(?:\p{L}|.*\..*|mr|mrs|ms|dr|st|mt|ft|jr|sr|gen|sen|rep|gov|lt|col|capt|cpt|sgt|maj|adm|prof|rev|hon|pres|no|vs)$/iu
const POSSESSIVE = /['’]s?$/i
// "Apple Inc." is kept by an output that says "Apple"; "Martin Luther King Jr." by one
// that says "Martin Luther King".
// A possessive before one of these words is inside a name, not the end of one: "King's
// College", "St Thomas' Hospital", "Writers' Museum" (but "Australia's Georgia Fenn" is two).
const NAME_HEAD = /^(?:Hospital|Infirmary|College|University|School|Academy|Institute|Office|Cathedral|Church|Chapel|Abbey|Museum|Gallery|Library|Park|Gardens?|Square|Street|Road|Lane|Bridge|Town|Peak|Island|Bay|Hall|House|Market|Inn|Tavern|Carousel|Association|Society|Trust|Foundation|Centre|Center|Theatre|Theater|Stadium|Arena|Station|Airport|Harbour|Wharf|Quay)['’]?s?$/
const LEGAL_FORM = /^(?:inc|incorporated|corp|corporation|ltd|limited|llc|plc|co|gmbh|ag|sa|nv)\.?$/i
const GENERATION = /^(?:jr|sr|ii|iii|iv)\.?$/i
const ARTICLE = /^(?:the|a|an)$/i
// Where case cannot tell a name from the noun after it ("england team" in lower-case text),
// these heads are not part of the name.
const GENERIC_HEAD = /^(?:team|squad|side|company|firm)$/i
const UPPER = /\p{Lu}/u
const NUMBER = /^[\p{N}.,–-]+$/u
const DIGIT_START = /^\p{N}/u

const has = (term: Term, tag: string) => term.tags.includes(tag)

// A leading word that names a role, not the person: an honorific ("Mr", "President",
// "Sen.") or a role noun the library reads as part of the name ("Chancellor", "Executive").
function isTitle(term: Term): boolean {
  if (has(term, 'Honorific')) return true
  return has(term, 'Actor') && !has(term, 'FirstName') && !has(term, 'LastName') && !has(term, 'Place') && !has(term, 'Organization')
}

// In cased text a word without a capital (or a leading digit, as in "3M") is not part of a name.
const capitalised = (term: Term) => UPPER.test(term.text) || DIGIT_START.test(term.text)

interface Piece {
  terms: Term[]
  /** Whether the piece opens a sentence, so that its capital says nothing. */
  opensSentence: boolean
}

function splitList(terms: Term[]): Piece[] {
  const pieces: Piece[] = [{ terms: [], opensSentence: false }]
  for (const [i, term] of terms.entries()) {
    pieces[pieces.length - 1]!.terms.push(term)
    // "Linda Ochoa (FBI …)": punctuation before the next word breaks as well as after this
    // one; a possessive ends a name ("Australia's Georgia Fenn").
    const possessive = POSSESSIVE.test(term.text) && !NAME_HEAD.test(terms[i + 1]?.text ?? '')
    if (LIST_BREAK.test(term.post) || LIST_BREAK.test(terms[i + 1]?.pre ?? '') || possessive) pieces.push({ terms: [], opensSentence: false })
    else if (SENTENCE_END.test(term.post) && !NOT_AN_END.test(term.text)) pieces.push({ terms: [], opensSentence: true })
  }
  return pieces.filter((p) => p.terms.length > 0)
}


function join(terms: Term[]): string {
  let out = terms[0]!.text
  for (let i = 1; i < terms.length; i++) {
    const between = terms[i - 1]!.post + terms[i]!.pre
    // Keep what a name is spelled with ("Jean-Claude", "St. Louis"); anything else is a space.
    const sep = /^-$/.test(between) ? '-' : between.trim().startsWith('.') ? '. ' : between === '' ? '' : ' '
    out += sep + terms[i]!.text
  }
  return out
}

/** The name in one piece of a match, or undefined when nothing of a name is left. */
function cleanPiece(piece: Piece, kind: NameKind, casing: Casing): string | undefined {
  // A single word opening a sentence ("El Al. Previously, …") is a name only if known as one.
  if (piece.opensSentence && piece.terms.length === 1 && nameKindOf(piece.terms[0]!.text.replace(POSSESSIVE, '')) === undefined) return undefined
  // A possessive inside a name is part of it ("King's College"); only the last word's is dropped.
  let terms = piece.terms.map((t, i) => (i === piece.terms.length - 1 ? { ...t, text: t.text.replace(POSSESSIVE, '') } : t)).filter((t) => t.text !== '')
  const dropEnd = (drop: (t: Term) => boolean) => {
    while (terms.length > 0 && drop(terms[terms.length - 1]!)) terms = terms.slice(0, -1)
  }
  const dropStart = (drop: (t: Term) => boolean) => {
    while (terms.length > 0 && drop(terms[0]!)) terms = terms.slice(1)
  }
  dropEnd((t) => LEGAL_FORM.test(t.text) || (kind === 'person' && GENERATION.test(t.text)))
  dropStart((t) => ARTICLE.test(t.text))
  // "42 Carlton Road": a house number is not part of the street's name.
  dropStart((t) => NUMBER.test(t.text))
  dropEnd((t) => NUMBER.test(t.text))
  if (casing === 'cased') {
    dropStart((t) => !capitalised(t))
    dropEnd((t) => !capitalised(t))
  } else {
    dropEnd((t) => terms.length > 1 && GENERIC_HEAD.test(t.text))
  }
  // A title alone ("President") names no one; before a name, the name is the last word,
  // whatever the library tagged it ("mr cook").
  if (piece.terms.length === 1 && terms.length === 1 && isTitle(terms[0]!)) return undefined
  dropStart((t) => terms.length > 1 && isTitle(t))
  return terms.length > 0 ? join(terms) : undefined
}

// The library misses a company named with its legal form after a comma ("Apple, Inc.") or in
// lower case ("apple inc."). The form is found first and the name read backwards from it, a
// few words at most, so that no input makes the search quadratic.
const LEGAL_WORD = /\b(?:inc|incorporated|corp|corporation|ltd|limited|llc|plc|gmbh)\b/giu
const LOWER_CASE_FORM = /^(?:inc|corp|ltd|llc|plc|gmbh)$/
const BEFORE_FORM = /((?:\p{Lu}[\p{L}\p{M}\p{N}&'’.-]* ){0,3}\p{Lu}[\p{L}\p{M}\p{N}&'’.-]*),? $/u
const LOWER_BEFORE_FORM = /(?<![\p{L}\p{M}])(\p{Ll}[\p{L}\p{M}\p{N}&'’-]*),? $/u

function legalNames(text: string, casing: Casing): string[] {
  const names: string[] = []
  LEGAL_WORD.lastIndex = 0
  for (let m = LEGAL_WORD.exec(text); m; m = LEGAL_WORD.exec(text)) {
    const form = m[0]
    if (casing === 'cased' ? !UPPER.test(form[0]!) && form !== 'plc' : !LOWER_CASE_FORM.test(form)) continue
    const before = text.slice(Math.max(0, m.index - 120), m.index).replace(/\s+/g, ' ')
    const name = (casing === 'cased' ? BEFORE_FORM : LOWER_BEFORE_FORM).exec(before)?.[1]
    if (name !== undefined) names.push(name.replace(POSSESSIVE, ''))
  }
  return names
}

const PRIORITY: Record<NameKind, number> = { person: 0, organization: 1, place: 2 }
const key = (name: string) => foldString(name).toLowerCase()

function extract(text: string, casing: Casing): ExtractedName[] {
  const chunks = nlpChunks(text)
  if (chunks.reduce((n, c) => n + c.length, 0) > FAST_PATH_LIMIT) return withSurnames(fastNames(text, casing))
  // The word-list passes below read each distinct sentence once too: a megabyte of one
  // repeated paragraph costs them a paragraph.
  const distinct = chunks.length === 1 ? chunks[0]! : chunks.join('')
  const matches: Record<NameKind, { terms: Term[] }[]> = { person: [], organization: [], place: [] }
  for (const chunk of chunks) {
    const doc = loadNlp()(chunk)
    matches.person.push(...(doc.people().json() as { terms: Term[] }[]))
    matches.organization.push(...(doc.organizations().json() as { terms: Term[] }[]))
    matches.place.push(...(doc.places().json() as { terms: Term[] }[]))
  }
  const byName = new Map<string, ExtractedName>()
  const add = (found: string, kind: NameKind) => {
    // "OverDrive/Libby" names two; a date ("Saturday", "November") names none.
    for (const name of found.split('/')) {
      if (name.trim() === '' || isDate(name) || isRegionAdjective(name.trim())) continue
      const bare = withoutLeadingRole(name.trim(), kind)
      addOne(bare.text, bare.kind)
    }
  }
  const addOne = (name: string, kind: NameKind) => {
    const held = byName.get(key(name))
    // One name is one entity: when the library reads it as two kinds ("Chelsea" as a
    // person and a club), a place or organisation reading wins over a person.
    if (held === undefined) byName.set(key(name), { text: name, kind })
    else if (PRIORITY[kind] > PRIORITY[held.kind]) held.kind = kind
  }
  for (const kind of ['person', 'organization', 'place'] as const) {
    for (const match of matches[kind]) {
      for (const piece of splitList(match.terms)) {
        const name = cleanPiece(piece, kind, casing)
        if (name !== undefined) add(name, kind)
      }
    }
    if (kind === 'organization') for (const name of legalNames(distinct, casing)) add(name, kind)
  }
  // In lower-case text a capital in mid-sentence is rarer still, and as telling: most are
  // the ones a re-cased copy borrowed from its cased counterpart (see truecase).
  // Counted once: not again when it shares a word with a name already found ("JetBlue"
  // of "JetBlue Airways", "Chief Executive Tim Cook" for "Tim Cook").
  const words = new Set([...byName.keys()].flatMap((name) => name.split(/\s+/)))
  for (const name of unlistedNames(distinct)) if (!name.text.split(' ').some((w) => words.has(key(w)))) add(name.text, name.kind)
  return withSurnames(withoutFragments([...byName.values()], distinct))
}

const lastWord = (name: string) => name.split(/[\s-]+/).pop()!

// "Tim Cook … Cook said" is one person: the lone surname is merged into the full name, and
// the full name records its surname, unless two people share it.
export function withSurnames(names: ExtractedName[]): ExtractedName[] {
  const owners = new Map<string, ExtractedName[]>()
  // "Mary Seacole … Mary nursed": a first name alone is the one person who has it, too.
  const firstNames = new Map<string, number>()
  for (const n of names) {
    if (n.kind !== 'person' || !/\s/.test(n.text)) continue
    const surname = key(lastWord(n.text))
    owners.set(surname, [...(owners.get(surname) ?? []), n])
    const first = key(n.text.split(/\s+/)[0]!)
    firstNames.set(first, (firstNames.get(first) ?? 0) + 1)
  }
  const out: ExtractedName[] = []
  for (const n of names) {
    if (n.kind === 'person' && !/\s/.test(n.text) && (owners.get(key(n.text))?.length === 1 || firstNames.get(key(n.text)) === 1)) continue
    const surname = lastWord(n.text)
    if (n.kind === 'person' && /\s/.test(n.text) && owners.get(key(surname))?.length === 1 && surname.length > 1) out.push({ ...n, surname })
    else out.push(n)
  }
  return out
}

// Suites check many outputs against one source: each source is read by the library once.
// Up to 64 sources or 8 million characters of them are kept, the least recently used
// dropped first.
const cache = new TextCache<readonly ExtractedName[]>({ maxEntries: 64, maxChars: 8_000_000 })

/**
 * The people, organisations and places named in `text`, each once, cleaned of titles,
 * possessives, legal forms and common nouns, lists split into their names.
 *
 * `casing` says how the text uses capitals (by default, measured on `text`): in cased text
 * a word without a capital is not part of a name. Pass the casing of the original when
 * `text` is a re-cased copy of a lower-case text.
 *
 * @example
 * ```ts
 * extractNames("President Barack Obama met Belgium's king in Riga, Latvia.").map((n) => n.text)
 * // ['Barack Obama', 'Riga', 'Latvia', 'Belgium']
 * ```
 */
export function extractNames(text: string, casing: Casing = casingOf(text)): readonly ExtractedName[] {
  return cache.get(`${casing}\u0000${text}`, () => extract(text, casing))
}
