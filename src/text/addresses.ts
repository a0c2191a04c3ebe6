// A company is often named in an email only by its address ("orders@westcountryproduce.co.uk")
// or its web domain: the words of its name run together, in lower case, as a label of the
// domain.
import type { EntityHaystack, EntityLocation } from './entities.js'
import { foldString } from './fold.js'
import { escapeRegExp } from './regex.js'

// Shorter run-together names are too often a part of some other domain ("abc").
const MIN_LENGTH = 5

/**
 * Finds `name` written as a label of an email address's or a web address's domain, its
 * words run together ("West Country Produce" in "orders@westcountryproduce.co.uk",
 * "Nordvik" in "https://www.nordvik.no/press"), ignoring case and diacritics. A label
 * that only begins with the name does not count ("westcountry" is not in
 * "westcountryproduce").
 *
 * @example
 * ```ts
 * findInAddress(new EntityHaystack('To: orders@westcountryproduce.co.uk'), 'West Country Produce')?.text
 * // 'westcountryproduce'
 * ```
 */
export function findInAddress(haystack: EntityHaystack, name: string): EntityLocation | undefined {
  const joined = foldString(name).toLowerCase().replace(/['’]s$/, '').replace(/[^\p{L}\p{N}]/gu, '')
  if ([...joined].length < MIN_LENGTH) return undefined
  // Right after "@", "//" or a dot of the host, and followed by a dot and more of the host.
  const pattern = new RegExp(`(?<=@|//|[\\p{L}\\p{N}-]\\.)${escapeRegExp(joined)}(?=\\.[a-z]{2,})`, 'iu')
  const m = pattern.exec(haystack.original)
  return m ? haystack.locate(m.index, m.index + m[0].length) : undefined
}
