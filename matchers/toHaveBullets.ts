import { z } from 'zod'
import type { MatcherContext, MatcherResult } from '../src/context.js'
import { extractListItems, type ListItem } from '../src/text/lists.js'
import { parseOptions } from '../src/validate.js'
import { assertString, formatMessage, plural, reported, truncate } from './utils.js'

const count = z.number().int().nonnegative()
const schema = z
  .object({
    min: count.optional(),
    max: count.optional(),
    exactly: count.optional(),
    maxWordsPerBullet: z.number().int().positive().optional(),
    style: z.enum(['any', 'bulleted', 'numbered']).optional(),
  })
  .strict()
  .refine((o) => o.exactly === undefined || (o.min === undefined && o.max === undefined), {
    message: 'use either exactly or min/max, not both',
  })
  .refine((o) => o.min === undefined || o.max === undefined || o.min <= o.max, { message: 'min must not be greater than max' })

/** Options for {@link toHaveBullets}. */
export type ToHaveBulletsOptions = z.input<typeof schema>

const LISTED = 50

function describeItem(item: ListItem, limit: number | undefined): string {
  const over = limit !== undefined && item.words > limit ? `  ← over ${limit}` : ''
  return `${'  '.repeat(item.depth)}${item.marker} ${JSON.stringify(truncate(item.text, 80))} (${plural(item.words, 'word')})${over}`
}

/**
 * Asserts that the text is a list: it counts bullets (`•`, `-`, `*`, …) and ordered items
 * (`1.`, `a)`, `i.`), nested ones included, ignoring code fences and horizontal rules.
 *
 * @example
 * ```ts
 * expect(summary).toHaveBullets({ max: 3, maxWordsPerBullet: 20 })
 * ```
 */
export function toHaveBullets(this: MatcherContext, received: unknown, options?: ToHaveBulletsOptions): MatcherResult {
  const text = assertString('toHaveBullets', received, toHaveBullets)
  const o = parseOptions('toHaveBullets', schema, options ?? {}, toHaveBullets, 'Example: toHaveBullets({ min: 1, max: 5, maxWordsPerBullet: 20 }).')
  const items = extractListItems(text)
  const min = o.exactly ?? o.min ?? 1
  const max = o.exactly ?? o.max
  const style = o.style ?? 'any'
  const long = o.maxWordsPerBullet === undefined ? [] : items.filter((i) => i.words > o.maxWordsPerBullet!)
  const offStyle = style === 'any' ? [] : items.filter((i) => i.kind !== style)

  const countOk = items.length >= min && (max === undefined || items.length <= max)
  const pass = countOk && long.length === 0 && offStyle.length === 0

  return reported(this, 'toHaveBullets', {
    pass,
    message: () => {
      const wanted =
        o.exactly !== undefined
          ? `exactly ${plural(o.exactly, 'list item')}`
          : max === undefined
            ? `at least ${plural(min, 'list item')}`
            : `${min === 0 ? 'at most' : `${min} to`} ${plural(max, 'list item')}`
      const extras = [
        o.maxWordsPerBullet !== undefined ? `at most ${plural(o.maxWordsPerBullet, 'word')} each` : '',
        style !== 'any' ? `all ${style}` : '',
      ].filter(Boolean)
      const requirement = [wanted, ...extras].join(', ')
      let sentence: string
      if (this.isNot) sentence = `Expected the text not to have ${requirement}, but it does.`
      else if (!countOk) sentence = `Expected ${requirement}, but found ${items.length}.`
      else if (long.length > 0) sentence = `Expected every list item to have at most ${plural(o.maxWordsPerBullet!, 'word')}, but ${plural(long.length, 'item is', 'items are')} longer.`
      else sentence = `Expected only ${style} items, but found ${plural(offStyle.length, style === 'bulleted' ? 'numbered item' : 'bulleted item')}.`
      const listed = items.slice(0, LISTED).map((i) => describeItem(i, o.maxWordsPerBullet))
      if (items.length > LISTED) listed.push(`… and ${items.length - LISTED} more`)
      const received = items.length === 0 ? `no list items in ${this.utils.printReceived(truncate(text, 120))}` : [plural(items.length, 'item'), ...listed].join('\n')
      return formatMessage(this, 'toHaveBullets', sentence, [
        ['Expected', requirement],
        ['Received', received],
      ], 'options')
    },
  }, () => ({ summary: `${plural(items.length, 'list item')}${long.length ? `, ${long.length} too long` : ''}${offStyle.length ? `, ${offStyle.length} off style` : ''}` }))
}
