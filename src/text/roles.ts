// A word before a name that says who the person is, not what they are called: an
// honorific or office ("Ms", "Judge", "Governor") or where they come from ("Dutchman",
// "the Italian Chiara Benedetti"). The NLP library often keeps it as part of the name,
// and sometimes, misled by it, reads the name as a place or a company.
import { isDemonym } from './countries.js'
import type { NameKind } from './names.js'
import { nameKindOf } from './unlisted.js'

const ROLE = /^(?:mr|mrs|ms|miss|mx|dr|prof|professor|sir|dame|cllr|councillor|judge|justice|governor|gov|mayor|senator|sen|minister|chancellor|president|inspector|detective|sergeant|sgt|constable|rev|reverend)\.?$/i
// A demonym that names a person: "Dutchman", "Ethiopians", "Frenchwoman".
const PEOPLE_NOUN = /(?:man|woman|men|women|[^s]s)$/i

/**
 * `name` without a leading role word, and the kind of what is left: a person when a role
 * was taken off. A name of two words keeps them both ("Judge Dredd", "Swiss Re"), and an
 * adjective of a country is taken off only before a person's name ("Italian Chiara
 * Benedetti", not "American Medical Association").
 *
 * @example
 * ```ts
 * withoutLeadingRole('Ms Joanna Park', 'place') // { text: 'Joanna Park', kind: 'person' }
 * ```
 */
export function withoutLeadingRole(name: string, kind: NameKind): { text: string; kind: NameKind } {
  const words = name.split(/\s+/)
  if (words.length < 3) return { text: name, kind }
  const [first, ...rest] = words
  const personName = kind === 'person' || rest.every((w) => nameKindOf(w) === 'person')
  const role = ROLE.test(first!) || (isDemonym(first!) && (PEOPLE_NOUN.test(first!) || personName))
  return role ? { text: rest.join(' '), kind: 'person' } : { text: name, kind }
}
