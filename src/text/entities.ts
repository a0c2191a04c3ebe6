import { foldString, foldText, skeleton, type FoldedText } from './fold.js'
import { casingOf, truecase } from './casing.js'
import { extractNames } from './names.js'
import { extractNumbers, type NumericClaim } from './numbers.js'
import { LineIndex } from './position.js'
import { escapeRegExp } from './regex.js'

/** Where an entity was found. `line` and `column` are 1-based. */
export interface EntityLocation {
  /** The text as it appears in the searched text, e.g. `Apple’s`. */
  text: string
  index: number
  line: number
  column: number
}

/** Options for {@link findEntity}. */
export interface FindEntityOptions {
  /** @default false */
  caseSensitive?: boolean
  /**
   * Only an occurrence that starts with a capital counts: "Cook" the surname, not "cook"
   * the verb.
   * @default false
   */
  capitalized?: boolean
  /** Only an occurrence this accepts counts; the search goes on past the others. */
  accept?: (found: EntityLocation) => boolean
}

// Two code units are read so that a letter outside the BMP is still seen whole.
const ENDS_WITH_WORD_CHAR = /[\p{L}\p{N}]$/u
const STARTS_UPPER = /^\p{Lu}/u
const POSSESSIVE = "(?:'s|')?"
// An acronym also takes a plural: "CNNs" keeps "CNN".
const ACRONYM_ENDING = "(?:'s|'|s)?"
const ACRONYM = /^\p{Lu}{2,}$/u
const EXPANSION_GAP = '(?:\\s+(?:of|and|for|the|on|in|&|de|du|des|la|le|di|von|van|der))?\\s+'
const PLURAL_ACRONYM = /^\p{Lu}{2,}s$/u
const FUNCTION_WORD = "(?:and|for|the|of|on|in|with|from|into|de|du|des|la|le|di|von|van|der)(?![\\p{L}\\p{M}'’-])"
// Words of a name are apart by spaces or a line break, and a nickname in quotes is one
// of them: "Bunny Shaw" is in 'Khadija "Bunny" Shaw'.
const WORD_GAP = '["“”]?\\s+["“”]?'
// "Food & Drug Administration" is "Food and Drug Administration".
const AMPERSAND = '(?:&|and)'


// Scripts written without spaces between words: a name in them has no word boundary.
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u

// An acronym with or without full stops, and with or without a plural: "US" = "U.S.",
// "ADRs" = "ADR".
const DOTTED = /^(?:\p{Lu}\.?){2,6}s?$/u
const PLAIN_WORD = /^[A-Za-z0-9]+$/
function acronymPattern(word: string): string {
  const letters = [...word.replace(/\./g, '')]
  if (letters[letters.length - 1] === 's') letters.pop()
  return letters.map(escapeRegExp).join('\\.?') + '\\.?'
}

/** Builds the search pattern for one (already folded) entity name. */
function entityPattern(folded: string, caseSensitive: boolean): RegExp {
  const name = folded.trim()
  const words = name.split(/\s+/)
  const inner = (w: string, i: number) => (i < words.length - 1 && /s'?$/i.test(w) ? `${escapeRegExp(w.replace(/'$/, ''))}'?` : escapeRegExp(w))
  const body = words.map((w, i) => (w === '&' || /^and$/i.test(w) ? AMPERSAND : DOTTED.test(w) ? acronymPattern(w) : inner(w, i))).join(WORD_GAP)
  const end = UNSPACED.test(name.slice(-2)) ? '' : `${ACRONYM.test(words[words.length - 1]!) ? ACRONYM_ENDING : POSSESSIVE}(?![\\p{L}\\p{N}])`
  return new RegExp(body + end, caseSensitive ? 'gu' : 'giu')
}

/**
 * A text prepared once for many entity look-ups: folded for case-, width- and
 * diacritic-insensitive matching that sees through invisible characters and look-alike
 * letters, with a line index for reporting positions in the original text.
 *
 * @example
 * ```ts
 * const haystack = new EntityHaystack("Nestle's chief met\nTim Cook.")
 * haystack.find('Nestlé') // { text: "Nestle's", line: 1, column: 1, index: 0 }
 * haystack.find('Tim Cook') // { text: 'Tim Cook', line: 2, column: 1, index: 19 }
 * ```
 */
export class EntityHaystack {
  readonly original: string
  readonly #folded: FoldedText
  #skeleton: string | undefined
  #hasCapitals: boolean | undefined
  #lines: LineIndex | undefined
  #lower: string | undefined

  constructor(text: string) {
    this.original = text
    this.#folded = foldText(text)
  }

  /**
   * Finds the first occurrence of `entity` as a whole word or phrase: "Apple" matches
   * "Apple's" and "APPLE" but not "Pineapple"; "Tim Cook" matches across a line break.
   * A name with no Cyrillic, Greek or other look-alike letter also matches when some of
   * its letters are written with look-alikes ("Аpple" with a Cyrillic А); a name that has
   * such letters, as a Russian or Greek name does, matches only as written.
   */
  find(entity: string, options: FindEntityOptions = {}): EntityLocation | undefined {
    const folded = foldString(entity)
    if (folded.trim() === '') return undefined
    // In an ASCII text a plain ASCII word matches only as itself in some case: a text without
    // it is answered without compiling a pattern, which a long source's thousands of names
    // would otherwise each cost.
    const first = folded.trim().split(/\s+/, 1)[0]!
    if (this.#folded.ascii && PLAIN_WORD.test(first) && !DOTTED.test(first) && !/^and$/i.test(first)) {
      this.#lower ??= this.#folded.folded.toLowerCase()
      if (!this.#lower.includes(first.toLowerCase())) return undefined
    }
    // An acronym is found in capitals ("US", not the pronoun "us"), unless the text has none.
    const acronym = DOTTED.test(folded.trim()) && !options.caseSensitive
    const pattern = entityPattern(folded, options.caseSensitive ?? false)
    const leftBoundary = !UNSPACED.test(String.fromCodePoint(folded.trim().codePointAt(0)!))
    const haystack = !this.#folded.ascii && skeleton(folded) === folded ? (this.#skeleton ??= skeleton(this.#folded.folded)) : this.#folded.folded
    // The left boundary is checked by hand: a leading lookbehind would stop V8 from
    // skipping ahead to the first literal, which is most of the speed on large texts.
    for (let m = pattern.exec(haystack); m; m = pattern.exec(haystack)) {
      const whole = !leftBoundary || !ENDS_WITH_WORD_CHAR.test(haystack.slice(Math.max(0, m.index - 2), m.index))
      if (whole && (!options.capitalized || STARTS_UPPER.test(m[0])) && (!acronym || this.#asAcronym(m[0]))) {
        const found = this.#locate(m.index, m.index + m[0].length)
        if (options.accept === undefined || options.accept(found)) return found
      }
      pattern.lastIndex = m.index + 1
    }
    return undefined
  }

  /**
   * Finds words written with capitals whose initials spell `acronym`, one short function
   * word allowed between two of them: "Food and Drug Administration" for "FDA". A plural
   * acronym is spelled out as its singular is ("ADRs"); one of three letters or more also
   * with words in lower case after the first ("American depositary receipts"), each of
   * three letters at least and none a function word, so that "a", "of" or "and" spell nothing.
   */
  findExpansion(acronym: string): EntityLocation | undefined {
    const letters = ACRONYM.test(acronym) ? acronym : PLURAL_ACRONYM.test(acronym) ? acronym.slice(0, -1) : undefined
    if (letters === undefined) return undefined
    const word = (letter: string, i: number) =>
      i > 0 && letters.length >= 3 ? `(?:${escapeRegExp(letter)}[\\p{L}\\p{M}'’.-]*|(?!${FUNCTION_WORD})${escapeRegExp(letter.toLowerCase())}[\\p{L}\\p{M}'’-]{2,})` : `${escapeRegExp(letter)}[\\p{L}\\p{M}'’.-]*`
    const pattern = new RegExp([...letters].map(word).join(EXPANSION_GAP), 'gu')
    const haystack = this.#folded.folded
    for (let m = pattern.exec(haystack); m; m = pattern.exec(haystack)) {
      if (!ENDS_WITH_WORD_CHAR.test(haystack.slice(Math.max(0, m.index - 2), m.index))) return this.#locate(m.index, m.index + m[0].length)
      pattern.lastIndex = m.index + 1
    }
    return undefined
  }

  #asAcronym(found: string): boolean {
    this.#hasCapitals ??= /\p{Lu}/u.test(this.#folded.folded)
    return !this.#hasCapitals || !/\p{Ll}/u.test(found.replace(/(?:'s|'|s)$/, ''))
  }

  #locate(start: number, end: number): EntityLocation {
    return this.locate(this.#folded.toOriginal(start), this.#folded.toOriginal(end))
  }

  /** Describes the span `[from, to)` of the original text with its line and column. */
  locate(from: number, to: number): EntityLocation {
    this.#lines ??= new LineIndex(this.original)
    return { text: this.original.slice(from, to), index: from, ...this.#lines.at(from) }
  }
}

const CAPITALISED_WORD = /^\p{Lu}[\p{L}\p{M}'’-]*$/u

/**
 * The acronym of a name of two or more capitalised words, from their initials ("LA" for
 * "Los Angeles", "FDA" for "Food and Drug Administration"); undefined for other names.
 */
export function acronymOf(name: string): string | undefined {
  const words = name.split(/\s+/).filter((w) => CAPITALISED_WORD.test(w))
  return words.length >= 2 ? words.map((w) => w[0]).join('') : undefined
}

/** Kinds of named entity that {@link extractEntities} can pull out of a source text. */
export type EntityKind = 'person' | 'organization' | 'place' | 'date' | 'amount'

/** A named entity found in a source text. */
export interface SourceEntity {
  text: string
  kind: EntityKind
  /** For dates and amounts: the parsed claim, compared by value rather than by spelling. */
  claim?: NumericClaim
  /** For a person named in full: the surname, which alone keeps the person ("Cook" for "Tim Cook"). */
  surname?: string
}

/** Options for {@link extractEntities}. */
export interface ExtractEntitiesOptions {
  /**
   * A text in ordinary case about the same matter (the output checked against a source).
   * When the source is written in lower case, the words this text capitalises in
   * mid-sentence are read as capitalised in the source too, so that names the NLP library
   * recognises only by their capitals are found.
   */
  casedText?: string
}

// Quotes, brackets and list markers that the NLP library keeps around a name.
const TRAILING_PUNCTUATION = /^[\s"'“”‘’([{•*–-]+|[\s"'“”‘’.,;:!?)\]}]+$/g

/**
 * Extracts the named entities of a source text: people, organisations and places (with
 * the `compromise` NLP library), and dates and amounts (with assay's number parser, so
 * that "$10M" and "ten million dollars" are one entity).
 *
 * Names are cleaned as a reader would name the entity: without titles ("President Barack
 * Obama" is "Barack Obama"), possessives ("Belgium's" is "Belgium"), legal forms ("Apple
 * Inc." is "Apple") or common nouns ("the England team" is "England"); a list ("Riga,
 * Latvia") is one entity per name; a surname used alone after the full name is that
 * person. Each source's names are extracted once and cached.
 *
 * @example
 * ```ts
 * extractEntities('Tim Cook said Apple earned $94.9 billion.').map((e) => e.text)
 * // ['Tim Cook', '$94.9 billion', …]
 * ```
 */
export function extractEntities(source: string, kinds: readonly EntityKind[] = ['person', 'organization', 'place', 'date', 'amount'], options: ExtractEntitiesOptions = {}): SourceEntity[] {
  const out: SourceEntity[] = []
  const seen = new Set<string>()
  const add = (text: string, kind: EntityKind, claim?: NumericClaim, surname?: string) => {
    const clean = text.replace(TRAILING_PUNCTUATION, '')
    const key = claim ? `${kind}:${claim.key}` : `${kind}:${foldString(clean).toLowerCase()}`
    if (clean === '' || seen.has(key)) return
    seen.add(key)
    out.push(claim ? { text: clean, kind, claim } : surname ? { text: clean, kind, surname } : { text: clean, kind })
  }
  const wanted = new Set(kinds)
  if (wanted.has('person') || wanted.has('organization') || wanted.has('place')) {
    const casing = casingOf(source)
    const names = extractNames(options.casedText === undefined ? source : truecase(source, options.casedText), casing)
    for (const kind of ['person', 'organization', 'place'] as const) {
      if (wanted.has(kind)) for (const n of names) if (n.kind === kind) add(n.text, kind, undefined, n.surname)
    }
  }
  if (wanted.has('date') || wanted.has('amount')) {
    for (const claim of extractNumbers(source)) {
      if (claim.kind === 'date' && wanted.has('date')) add(claim.text, 'date', claim)
      else if ((claim.kind === 'money' || claim.kind === 'percent') && wanted.has('amount')) add(claim.text, 'amount', claim)
    }
  }
  return out
}
