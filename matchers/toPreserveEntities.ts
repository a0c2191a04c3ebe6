import { z } from 'zod'
import type { MatcherContext, MatcherResult } from '../src/context.js'
import { AssayUsageError } from '../src/errors.js'
import { acronymOf, EntityHaystack, extractEntities, type EntityKind, type EntityLocation, type SourceEntity } from '../src/text/entities.js'
import { casingOf } from '../src/text/casing.js'
import { findOtherForm, type OtherFormMatch } from '../src/text/otherForms.js'
import { ClaimIndex } from '../src/text/claims.js'
import { extractNumbers } from '../src/text/numbers.js'
import { lookalikes, showHidden } from '../src/text/fold.js'
import { describeValue, parseOptions } from '../src/validate.js'
import { assertString, formatMessage, plural, reported, truncate } from './utils.js'

const name = z.string().refine((s) => s.trim() !== '', 'must not be empty or blank')
const shared = {
  caseSensitive: z.boolean().optional(),
  aliases: z.record(z.string(), z.array(name)).optional(),
}
const listSchema = z
  .object({ ...shared, mode: z.enum(['all', 'any']).optional(), min: z.number().int().positive().optional() })
  .strict()
  .refine((o) => o.mode === undefined || o.min === undefined, { message: 'use either mode or min, not both' })
const kinds = ['person', 'organization', 'place', 'date', 'amount'] as const
const fromSchema = z
  .object({
    ...shared,
    from: z.string(),
    minRatio: z.number().positive().max(1).optional(),
    kinds: z.array(z.enum(kinds)).nonempty().optional(),
  })
  .strict()

/** Options for the list form, `toPreserveEntities(['Apple', 'Tim Cook'], options)`. */
export type PreserveEntitiesOptions = z.input<typeof listSchema>
/** The source form, `toPreserveEntities({ from: article, minRatio: 0.8 })`. */
export type PreserveEntitiesFromSource = z.input<typeof fromSchema>

interface Outcome {
  entity: string
  kind?: EntityKind
  /** `via` is the alias or surname that was found instead of the entity itself. */
  found?: EntityLocation & { via?: string; by?: 'alias' | 'surname' | 'acronym' | 'expansion' | OtherFormMatch['by'] }
}

// An acronym names an organisation or place whatever kind the library gave it ("EMA" as a person).
const ACRONYM = /^\p{Lu}{2,}s?$/u

const HINT = "Example: toPreserveEntities(['Apple', 'Tim Cook'], { aliases: { 'Tim Cook': ['Cook'] } }) or toPreserveEntities({ from: article, minRatio: 0.8 })."

function checkEntity(haystack: EntityHaystack, entity: string, aliases: Record<string, string[]> | undefined, caseSensitive: boolean): Outcome {
  for (const form of [entity, ...(aliases?.[entity] ?? [])]) {
    const found = haystack.find(form, { caseSensitive })
    if (found) return { entity, found: form === entity ? found : { ...found, via: form, by: 'alias' } }
  }
  return { entity }
}

function checkSourceEntity(haystack: EntityHaystack, claims: ClaimIndex | undefined, e: SourceEntity, aliases: Record<string, string[]> | undefined, caseSensitive: boolean, outputCased: () => boolean): Outcome {
  if (!e.claim) {
    const outcome = { ...checkEntity(haystack, e.text, aliases, caseSensitive), kind: e.kind }
    if (outcome.found) return outcome
    // A person first named in full is kept by the surname alone, as prose refers to people
    // ("Cook said"); written with its capital unless the output has none to give.
    if (e.surname !== undefined) {
      const found = haystack.find(e.surname, { caseSensitive, capitalized: outputCased() })
      if (found) return { ...outcome, found: { ...found, via: e.surname, by: 'surname' } }
    }
    // An organisation or place is kept by its acronym written in capitals ("LA" for "Los
    // Angeles"), and an acronym by capitalised words with its initials.
    if (e.kind === 'organization' || e.kind === 'place' || ACRONYM.test(e.text)) {
      const acronym = acronymOf(e.text)
      const found = acronym !== undefined ? haystack.find(acronym, { caseSensitive: true }) : haystack.findExpansion(e.text)
      if (found) return { ...outcome, found: { ...found, via: acronym ?? found.text, by: acronym !== undefined ? 'acronym' : 'expansion' } }
    }
    const other = findOtherForm(haystack, e.text, e.kind, outputCased(), caseSensitive)
    if (other) return { ...outcome, found: other }
    return outcome
  }
  const match = claims!.support(e.claim)
  return match ? { entity: e.text, kind: e.kind, found: haystack.locate(match.index, match.index + match.text.length) } : { entity: e.text, kind: e.kind }
}

function describeOutcome(o: Outcome): string {
  const label = `${JSON.stringify(o.entity)}${o.kind ? ` (${o.kind})` : ''}`
  if (!o.found) return `✗ ${label}: missing`
  const via = o.found.via ? ` via ${o.found.by ?? 'alias'} ${JSON.stringify(o.found.via)}` : ''
  // Invisible characters and look-alike letters are spelled out: a name found through
  // them looks, printed plainly, like one that is not there or like the plain name.
  const spoofs = lookalikes(o.found.text)
  const note = spoofs.length > 0 ? ` (look-alike letters: ${spoofs.join(', ')})` : ''
  return `✓ ${label}: found ${showHidden(JSON.stringify(truncate(o.found.text, 60)))}${note}${via} at line ${o.found.line}, column ${o.found.column}`
}

/**
 * Asserts that named entities survive into the output. Matching ignores case, Unicode
 * width forms and diacritics, invisible characters (zero-width spaces, soft hyphens…) and
 * look-alike letters from other scripts in a Latin name, tolerates line breaks inside a
 * name and possessives, and respects word boundaries: "Apple" matches "Apple's" but not
 * "Pineapple". The `.not` form is therefore a sound redaction check.
 *
 * @example
 * ```ts
 * expect(summary).toPreserveEntities(['Apple', 'Tim Cook'])
 * expect(summary).toPreserveEntities(['Apple', 'Tim Cook'], { aliases: { 'Tim Cook': ['Cook'] } })
 * expect(summary).toPreserveEntities({ from: article, minRatio: 0.8 })
 * ```
 */
export function toPreserveEntities(
  this: MatcherContext,
  received: unknown,
  entities: readonly string[] | PreserveEntitiesFromSource,
  options?: PreserveEntitiesOptions,
): MatcherResult {
  const text = assertString('toPreserveEntities', received, toPreserveEntities)
  const haystack = new EntityHaystack(text)
  let outcomes: Outcome[]
  let required: number
  let requirement: string

  if (Array.isArray(entities)) {
    const list = parseOptions('toPreserveEntities', z.array(name).nonempty('must list at least one entity'), entities, toPreserveEntities, HINT, 'entities')
    const o = parseOptions('toPreserveEntities', listSchema, options ?? {}, toPreserveEntities, HINT)
    if (o.min !== undefined && o.min > list.length) {
      throw new AssayUsageError('toPreserveEntities', `options.min is ${o.min}, but only ${plural(list.length, 'entity was', 'entities were')} given.\nLower min to at most ${list.length}, or list more entities.`, toPreserveEntities)
    }
    outcomes = list.map((e) => checkEntity(haystack, e, o.aliases, o.caseSensitive ?? false))
    required = o.min ?? (o.mode === 'any' ? 1 : list.length)
    requirement =
      o.min !== undefined
        ? `at least ${o.min} of ${plural(list.length, 'entity', 'entities')}`
        : list.length === 1
          ? `the entity ${JSON.stringify(list[0])}`
          : o.mode === 'any'
            ? `at least one of ${plural(list.length, 'entity', 'entities')}`
            : `all ${plural(list.length, 'entity', 'entities')}`
  } else if (entities !== null && typeof entities === 'object') {
    if (options !== undefined) {
      throw new AssayUsageError('toPreserveEntities', 'the { from } form takes all its options in its first argument, but a second argument was given.\nWrite toPreserveEntities({ from: source, minRatio: 0.8, aliases: { … } }).', toPreserveEntities)
    }
    const o = parseOptions('toPreserveEntities', fromSchema, entities, toPreserveEntities, HINT)
    const found = extractEntities(o.from, o.kinds ?? kinds, { casedText: text })
    if (found.length === 0) {
      throw new AssayUsageError('toPreserveEntities', `found no ${(o.kinds ?? kinds).join(', ')} entities in options.from (${describeValue(o.from)}), so there is nothing to preserve.\nList the entities explicitly: toPreserveEntities(['Apple', 'Tim Cook']).`, toPreserveEntities)
    }
    const claims = found.some((e) => e.claim) ? new ClaimIndex(extractNumbers(text)) : undefined
    let cased: boolean | undefined
    const outputCased = () => (cased ??= casingOf(text) === 'cased')
    outcomes = found.map((e) => checkSourceEntity(haystack, claims, e, o.aliases, o.caseSensitive ?? false, outputCased))
    const ratio = o.minRatio ?? 1
    required = Math.ceil(ratio * found.length - 1e-9)
    requirement = `at least ${required} of the source's ${plural(found.length, 'entity', 'entities')} (minRatio ${ratio})`
  } else {
    throw new AssayUsageError('toPreserveEntities', `expected an array of entity names or { from: sourceText }, but got ${describeValue(entities)}.\n${HINT}`, toPreserveEntities)
  }

  const kept = outcomes.filter((o) => o.found).length
  const missing = outcomes.filter((o) => !o.found)
  return reported(this, 'toPreserveEntities', {
    pass: kept >= required,
    message: () => {
      const sentence = this.isNot
        ? `Expected the text not to preserve ${requirement}, but ${plural(kept, 'entity was', 'entities were')} kept.`
        : `Expected ${requirement} to be preserved, but ${plural(missing.length, 'is', 'are')} missing: ${missing
            .slice(0, 10)
            .map((m) => JSON.stringify(m.entity))
            .join(', ')}${missing.length > 10 ? ', …' : ''}.`
      return formatMessage(this, 'toPreserveEntities', sentence, [
        ['Expected', requirement],
        ['Received', [`${kept} of ${outcomes.length} kept in ${showHidden(this.utils.printReceived(truncate(text, 120)))}`, ...outcomes.map(describeOutcome)].join('\n')],
      ], 'entities')
    },
  }, () => ({
    summary: `${kept} of ${outcomes.length} kept; required ${requirement}`,
    entities: { kept: outcomes.filter((o) => o.found).map((o) => o.entity), missing: missing.map((o) => o.entity) },
  }))
}
