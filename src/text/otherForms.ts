// Forms a reader takes for a name that the name's own spelling does not match: the other
// names of a country ("Uganda" for "Ugandan"), the people of a place ("New Yorkers" for
// "New York"), a company's web or email address, a name after a demonym ("Polish
// Greenpoint" for "Greenpoint, historically Polish").
import { findInAddress } from './addresses.js'
import { findPlace, isDemonym, type PlaceMatch } from './countries.js'
import type { EntityHaystack, EntityLocation } from './entities.js'
import type { EntityKind } from './entities.js'

/** How {@link findOtherForm} found a name. */
export type OtherFormMatch = EntityLocation & { via: string; by: PlaceMatch['by'] | 'inhabitants' | 'address' }

/**
 * Finds `name`, of kind `kind`, in `haystack` by a form other than its own spelling; see the
 * module comment. `cased` says whether the haystack writes names with capitals, so that a
 * demonym or inhabitants' noun without one ("polish") is not read as a name.
 *
 * @example
 * ```ts
 * findOtherForm(new EntityHaystack('Many New Yorkers agree.'), 'New York', 'place', true)?.by // 'inhabitants'
 * ```
 */
export function findOtherForm(haystack: EntityHaystack, name: string, kind: EntityKind, cased: boolean, caseSensitive = false): OtherFormMatch | undefined {
  const place = findPlace(haystack, name, cased)
  if (place) return place
  if (kind === 'place') {
    // "Londoners", "New Yorkers", "Berliner": the people of a place name it.
    for (const form of [`${name}er`, `${name}ers`]) {
      const found = haystack.find(form, { caseSensitive, capitalized: cased })
      if (found) return { ...found, via: form, by: 'inhabitants' }
    }
  }
  if (kind !== 'person') {
    const found = findInAddress(haystack, name)
    if (found) return { ...found, via: found.text, by: 'address' }
  }
  // "Polish Greenpoint", "Dutchman Bram Kooistra": the name and the country, each in any form.
  const [first, ...rest] = name.split(/\s+/)
  if (rest.length > 0 && isDemonym(first!)) {
    const named = haystack.find(rest.join(' '), { caseSensitive })
    if (named && (haystack.find(first!, { caseSensitive, capitalized: cased }) ?? findPlace(haystack, first!, cased))) return { ...named, via: first!, by: 'demonym' }
  }
  return undefined
}
