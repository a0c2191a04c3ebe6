// A country is named in many ways: "Uganda", "Ugandan", "UGA"; "the US", "U.S.", "USA",
// "American". Summaries and their sources often pick different ones (a results list writes
// "(NED)" where the report says "Dutch"), so a country the output names is kept when the
// source names the same country in any of its forms.
import { COUNTRIES, OTHER_NAMES, REGIONS } from './countryData.js'
import type { EntityHaystack, EntityLocation } from './entities.js'
import { foldString } from './fold.js'

/** The ways of naming one country or region. */
export interface PlaceForms {
  /** Names and short forms: "United States", "US". */
  readonly names: readonly string[]
  /** Adjectives and people nouns, singular: "American", "Dane". */
  readonly demonyms: readonly string[]
  /** ISO and IOC codes, in capitals: "USA", "DEN". */
  readonly codes: readonly string[]
}

/** How {@link findPlace} found a place: by which form, and which. */
export type PlaceMatch = EntityLocation & { via: string; by: 'demonym' | 'code' | 'other name' }

const byName = new Map<string, PlaceForms[]>()
const byDemonym = new Map<string, PlaceForms[]>()
const byCode = new Map<string, PlaceForms[]>()

const list = (field: string | undefined) => (field ?? '').split(/[|]/).map((s) => s.trim()).filter((s) => s !== '')
const push = (map: Map<string, PlaceForms[]>, key: string, place: PlaceForms) => map.set(key, [...(map.get(key) ?? []), place])

// A people noun takes -s ("Ugandans", "Danes"); an adjective in -sh, -ch, -ese or -ss does not.
const pluralOf = (demonym: string) => (/(?:sh|ch|ese|ss|men|women|x)$/i.test(demonym) ? undefined : `${demonym}s`)

const regionWords = new Set<string>()

for (const entry of [...COUNTRIES, ...REGIONS, ...OTHER_NAMES]) {
  const [names, demonyms, codes] = entry.split(' / ')
  const place: PlaceForms = { names: list(names), demonyms: list(demonyms), codes: (codes ?? '').split(/\s+/).filter((c) => c !== '') }
  for (const n of place.names) push(byName, key(n), place)
  for (const d of place.demonyms) {
    const plural = pluralOf(d)
    for (const form of plural === undefined ? [d] : [d, plural]) {
      push(byDemonym, key(form), place)
      if (REGIONS.includes(entry)) regionWords.add(key(form))
    }
  }
  for (const c of place.codes) push(byCode, c, place)
}

function key(name: string): string {
  return foldString(name).toLowerCase().replace(/^the\s+/, '').replace(/['’]s?$/, '').replace(/\s+/g, ' ').trim()
}

const CODE = /^[A-Z]{2,3}$/

/**
 * The countries or regions `name` denotes, by name, short form, demonym ("Ugandan",
 * "Ugandans") or, written in capitals, code ("NED", "U.S."); empty when none. A demonym
 * shared by two countries ("Dominican") denotes both.
 *
 * @example
 * ```ts
 * placesNamedBy('Dutch')[0]?.names // ['Netherlands', 'Holland']
 * ```
 */
export function placesNamedBy(name: string): readonly PlaceForms[] {
  const k = key(name)
  const code = name.replace(/\./g, '').replace(/['’]s?$/, '')
  return byName.get(k) ?? byDemonym.get(k) ?? (CODE.test(code) ? byCode.get(code) : undefined) ?? []
}

/** Whether `word` is a demonym or a region's adjective ("Polish", "Dutchman", "Nordic"). */
export function isDemonym(word: string): boolean {
  return byDemonym.has(key(word))
}

/**
 * Whether `word` is the adjective or people noun of a group of countries ("Scandinavian",
 * "Europeans"): it describes, as "Nordic design" does, and names no one place.
 */
export function isRegionAdjective(word: string): boolean {
  // "the Nordics" is the plural of an adjective and the name of the region.
  return regionWords.has(key(word)) && !byName.has(key(word))
}

// Two-letter codes that are also English words: in a source, "IT" and "NO" name no country.
const WORD_CODES = new Set(['AD', 'AM', 'AS', 'AT', 'BE', 'BY', 'DO', 'GO', 'HI', 'IN', 'IS', 'IT', 'ME', 'MY', 'NO', 'SO', 'TO'])

/**
 * Finds, in `haystack`, a form of the country or region that `name` denotes other than
 * `name` itself: another name ("United States" for "USA"), a demonym ("Ugandan" for
 * "Uganda") or a code ("NED" for "Netherlands"). What would name something else is not
 * read as the country: a demonym in a compound ("American-accented" speaks of an accent), a
 * demonym without its capital in a text that writes capitals, a code on a line in capitals
 * (a heading's "CAN" is a word), or a two-letter code that is a word ("IT").
 */
export function findPlace(haystack: EntityHaystack, name: string, cased: boolean): PlaceMatch | undefined {
  const lineHasLowerCase = (found: EntityLocation) => {
    const text = haystack.original
    const start = text.lastIndexOf('\n', found.index) + 1
    const end = text.indexOf('\n', found.index)
    return /\p{Ll}/u.test(text.slice(start, end < 0 ? text.length : end))
  }
  const notCompound = (found: EntityLocation) => !/^-\p{L}/u.test(haystack.original.slice(found.index + found.text.length, found.index + found.text.length + 2))
  const own = key(name)
  for (const place of placesNamedBy(name)) {
    for (const n of place.names) {
      if (key(n) === own) continue
      const found = haystack.find(n)
      if (found) return { ...found, via: n, by: 'other name' }
    }
    for (const d of place.demonyms.flatMap((d) => [d, pluralOf(d) ?? []].flat())) {
      const found = haystack.find(d, { capitalized: cased, accept: notCompound })
      if (found) return { ...found, via: d, by: 'demonym' }
    }
    for (const c of place.codes) {
      if (c.length === 2 && WORD_CODES.has(c)) continue
      const found = haystack.find(c, { caseSensitive: true, accept: lineHasLowerCase })
      if (found) return { ...found, via: c, by: 'code' }
    }
  }
  return undefined
}
