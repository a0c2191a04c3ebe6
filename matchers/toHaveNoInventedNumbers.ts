import { z } from 'zod'
import type { MatcherContext, MatcherResult } from '../src/context.js'
import { ClaimIndex } from '../src/text/claims.js'
import { extractNumbers, type NumericClaim } from '../src/text/numbers.js'
import { LineIndex } from '../src/text/position.js'
import { parseOptions } from '../src/validate.js'
import { assertString, formatMessage, plural, reported, truncate } from './utils.js'

const schema = z
  .object({
    tolerance: z.number().min(0).lt(1).optional(),
    approximate: z.number().min(0).lt(1).optional(),
    derived: z.boolean().optional(),
    context: z.boolean().optional(),
  })
  .strict()

/** Options for {@link toHaveNoInventedNumbers}. */
export type NoInventedNumbersOptions = z.input<typeof schema>

const LISTED = 20

function label(c: NumericClaim): string {
  return JSON.stringify(truncate(c.text, 40))
}

/**
 * Asserts that every numeric claim in the text is supported by the source: integers,
 * decimals, money, percentages, years, dates and number words, in the digits of any
 * script, compared after normalisation, so `$10M`, `$10 million`, `ten million dollars`,
 * `10,000,000 dollars` and `＄１０Ｍ` are the same claim. A minus sign counts: `-8%` needs
 * `-8%` or a word of decrease (`fell 8%`) in the source. List markers such as `1.` are not
 * claims, nor are numbers inside names (`Catch-22`, `Eighty Mile Beach`). A bound or an
 * approximation is read as stated ("more than 100" is supported by 116, "about 90%" by
 * 88.6%), and values the source implies count as support unless `derived: false`: counts
 * of the items it lists, sums and percent changes within a sentence, ordinal or
 * multiplier words ("his sixth", "twice", "both"), and the dates, years and quarters it
 * implies ("Tuesday the 25th" in a note dated Monday 3 November is 25 November).
 *
 * @example
 * ```ts
 * expect(summary).toHaveNoInventedNumbers(article)
 * expect(summary).toHaveNoInventedNumbers(article, { tolerance: 0.01 }) // allow 1% rounding
 * expect(summary).toHaveNoInventedNumbers(article, { derived: false, context: true }) // strict
 * ```
 */
export function toHaveNoInventedNumbers(this: MatcherContext, received: unknown, source: unknown, options?: NoInventedNumbersOptions): MatcherResult {
  const text = assertString('toHaveNoInventedNumbers', received, toHaveNoInventedNumbers)
  const src = assertString('toHaveNoInventedNumbers', source, toHaveNoInventedNumbers, 'the source (first argument)')
  const o = parseOptions('toHaveNoInventedNumbers', schema, options ?? {}, toHaveNoInventedNumbers, 'Example: toHaveNoInventedNumbers(article, { tolerance: 0.01, approximate: 0.05, derived: false, context: true }).')
  const tolerance = o.tolerance ?? 0
  const derived = o.derived ?? true
  const claims = extractNumbers(text)
  const index = new ClaimIndex(extractNumbers(src, { implied: derived }), { text: src, derived })
  const support = { tolerance, approximate: o.approximate, context: o.context }
  // No object per claim: a megabyte of digits holds half a million claims.
  const invented = claims.filter((claim) => index.support(claim, support) === undefined)

  return reported(this, 'toHaveNoInventedNumbers', {
    pass: invented.length === 0,
    message: () => {
      const tol = tolerance > 0 ? ` within ${tolerance * 100}%` : ''
      const sentence = this.isNot
        ? claims.length === 0
          ? 'Expected the text to contain a number the source does not support, but the text has no numeric claims.'
          : `Expected the text to contain a number the source does not support, but all ${plural(claims.length, 'numeric claim')} are supported.`
        : `Expected every number in the text to appear in the source${tol}, but ${plural(invented.length, 'claim is', 'claims are')} not supported.`
      const shown = this.isNot ? claims : invented
      const where = new LineIndex(text)
      const lines = shown.slice(0, LISTED).map((claim) => {
        const found = this.isNot ? index.support(claim, support) : undefined
        if (found) return `✓ ${label(claim)}: in the source as ${label(found)}`
        const near = index.closest(claim).map(label)
        const other = index.withOtherSign(claim, tolerance)
        const sign = other ? `; the source has ${label(other)} ${other.value < 0 ? 'with a' : 'without the'} minus sign` : ''
        return `✗ ${label(claim)} (${claim.key}) at line ${where.at(claim.index).line}: closest in the source: ${near.length ? near.join(', ') : 'none, the source has no numbers'}${sign}`
      })
      if (shown.length > LISTED) lines.push(`… and ${shown.length - LISTED} more`)
      return formatMessage(this, 'toHaveNoInventedNumbers', sentence, [
        ['Expected', `numbers supported by the source (${plural(index.claims.length, 'numeric claim')} there)${tol}`],
        ['Received', [`${plural(claims.length, 'numeric claim')}, ${invented.length} unsupported`, ...lines].join('\n')],
      ], 'source')
    },
  }, () => ({
    summary: `${plural(claims.length, 'numeric claim')}, ${invented.length} not in the source`,
    numbers: { invented: invented.map((claim) => claim.text), checked: claims.length },
  }))
}
