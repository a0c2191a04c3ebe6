import { foldString, foldText, skeleton, type FoldedText } from './fold.js'
import { loadNlp } from '../lazy.js'
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
}

// Two code units are read so that a letter outside the BMP is still seen whole.
const ENDS_WITH_WORD_CHAR = /[\p{L}\p{N}]$/u
const POSSESSIVE = "(?:'s|')?"


// Scripts written without spaces between words: a name in them has no word boundary.
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u

/** Builds the search pattern for one (already folded) entity name. */
function entityPattern(folded: string, caseSensitive: boolean): RegExp {
  const name = folded.trim()
  const body = name.split(/\s+/).map(escapeRegExp).join('\\s+')
  const end = UNSPACED.test(name.slice(-2)) ? '' : `${POSSESSIVE}(?![\\p{L}\\p{N}])`
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
  #lines: LineIndex | undefined

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
    const pattern = entityPattern(folded, options.caseSensitive ?? false)
    const leftBoundary = !UNSPACED.test(String.fromCodePoint(folded.trim().codePointAt(0)!))
    const haystack = !this.#folded.ascii && skeleton(folded) === folded ? (this.#skeleton ??= skeleton(this.#folded.folded)) : this.#folded.folded
    // The left boundary is checked by hand: a leading lookbehind would stop V8 from
    // skipping ahead to the first literal, which is most of the speed on large texts.
    for (let m = pattern.exec(haystack); m; m = pattern.exec(haystack)) {
      if (!leftBoundary || !ENDS_WITH_WORD_CHAR.test(haystack.slice(Math.max(0, m.index - 2), m.index))) return this.#locate(m.index, m.index + m[0].length)
      pattern.lastIndex = m.index + 1
    }
    return undefined
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

/** Kinds of named entity that {@link extractEntities} can pull out of a source text. */
export type EntityKind = 'person' | 'organization' | 'place' | 'date' | 'amount'

/** A named entity found in a source text. */
export interface SourceEntity {
  text: string
  kind: EntityKind
  /** For dates and amounts: the parsed claim, compared by value rather than by spelling. */
  claim?: NumericClaim
}

// "Apple Inc." is kept by a summary that says "Apple", so organisations are matched
// without their legal form.
const LEGAL_SUFFIX = /,?\s+(?:Inc|Incorporated|Corp|Corporation|Ltd|Limited|LLC|plc|PLC|Co|GmbH|AG|SA|NV)\.?$/

// Quotes, brackets and list markers that the NLP library keeps around a name.
const TRAILING_PUNCTUATION = /^[\s"'“”‘’([{•*–-]+|[\s"'“”‘’.,;:!?)\]}]+$/g

/**
 * Extracts the named entities of a source text: people, organisations and places (with
 * the `compromise` NLP library), and dates and amounts (with assay's number parser, so
 * that "$10M" and "ten million dollars" are one entity).
 *
 * @example
 * ```ts
 * extractEntities('Tim Cook said Apple earned $94.9 billion.').map((e) => e.text)
 * // ['Tim Cook', '$94.9 billion', …]
 * ```
 */
export function extractEntities(source: string, kinds: readonly EntityKind[] = ['person', 'organization', 'place', 'date', 'amount']): SourceEntity[] {
  const out: SourceEntity[] = []
  const seen = new Set<string>()
  const add = (text: string, kind: EntityKind, claim?: NumericClaim) => {
    const clean = text.replace(TRAILING_PUNCTUATION, '')
    const key = claim ? `${kind}:${claim.key}` : `${kind}:${foldString(clean).toLowerCase()}`
    if (clean === '' || seen.has(key)) return
    seen.add(key)
    out.push(claim ? { text: clean, kind, claim } : { text: clean, kind })
  }
  const wanted = new Set(kinds)
  if (wanted.has('person') || wanted.has('organization') || wanted.has('place')) {
    const doc = loadNlp()(source)
    if (wanted.has('person')) for (const t of doc.people().out('array') as string[]) add(t, 'person')
    if (wanted.has('organization')) for (const t of doc.organizations().out('array') as string[]) add(t.replace(LEGAL_SUFFIX, ''), 'organization')
    if (wanted.has('place')) for (const t of doc.places().out('array') as string[]) add(t, 'place')
  }
  if (wanted.has('date') || wanted.has('amount')) {
    for (const claim of extractNumbers(source)) {
      if (claim.kind === 'date' && wanted.has('date')) add(claim.text, 'date', claim)
      else if ((claim.kind === 'money' || claim.kind === 'percent') && wanted.has('amount')) add(claim.text, 'amount', claim)
    }
  }
  return out
}
