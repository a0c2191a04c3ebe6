import { z } from 'zod'
import type { MatcherContext, MatcherResult } from '../src/context.js'
import { AssayUsageError } from '../src/errors.js'
import { countSentences, countWords } from '../src/text/segment.js'
import { parseOptions } from '../src/validate.js'
import { assertString, formatMessage, plural, reported, truncate } from './utils.js'

const limit = z.number().int().nonnegative()
const schema = z
  .object({
    maxWords: limit.optional(),
    maxChars: limit.optional(),
    maxSentences: limit.optional(),
    maxRatio: z.number().positive().optional(),
    of: z.string().optional(),
  })
  .strict()
  .refine((o) => o.maxWords !== undefined || o.maxChars !== undefined || o.maxSentences !== undefined || o.maxRatio !== undefined, {
    message: 'give at least one of maxWords, maxChars, maxSentences or maxRatio',
  })
  .refine((o) => (o.maxRatio === undefined) === (o.of === undefined), {
    message: 'maxRatio and of go together: maxRatio is measured against the word count of the text given as of',
  })

/** Options for {@link toBeConcise}. At least one limit is required. */
export type ToBeConciseOptions = z.input<typeof schema>

function codePoints(text: string): number {
  let n = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 0xdc00 || c > 0xdfff) n++
  }
  return n
}

/**
 * Asserts that the text is short enough. Words and sentences are counted with
 * `Intl.Segmenter`, characters as Unicode code points, and `maxRatio` compares the
 * word count with that of `of`: `{ of: article, maxRatio: 0.2 }` asks for at least an
 * 80% reduction.
 *
 * @example
 * ```ts
 * expect(summary).toBeConcise({ maxWords: 120, maxSentences: 5 })
 * expect(summary).toBeConcise({ of: article, maxRatio: 0.2 })
 * ```
 */
export function toBeConcise(this: MatcherContext, received: unknown, options: ToBeConciseOptions): MatcherResult {
  const text = assertString('toBeConcise', received, toBeConcise)
  const o = parseOptions('toBeConcise', schema, options, toBeConcise, 'Example: toBeConcise({ maxWords: 120 }) or toBeConcise({ of: article, maxRatio: 0.2 }).')
  // Counting words costs as much as everything else together on CJK text: only when asked.
  const words = o.maxWords !== undefined || o.maxRatio !== undefined ? countWords(text) : 0
  const checks: { name: string; value: number; max: number; shown: string }[] = []
  if (o.maxWords !== undefined) checks.push({ name: 'words', value: words, max: o.maxWords, shown: `${words}` })
  if (o.maxChars !== undefined) {
    const chars = codePoints(text)
    checks.push({ name: 'characters', value: chars, max: o.maxChars, shown: `${chars}` })
  }
  if (o.maxSentences !== undefined) {
    const sentences = countSentences(text)
    checks.push({ name: 'sentences', value: sentences, max: o.maxSentences, shown: `${sentences}` })
  }
  if (o.maxRatio !== undefined) {
    const sourceWords = countWords(o.of!)
    if (sourceWords === 0) {
      throw new AssayUsageError('toBeConcise', 'options.of has no words, so a length ratio cannot be measured against it.\nPass the source text the output was made from.', toBeConcise)
    }
    const ratio = words / sourceWords
    checks.push({ name: 'length ratio', value: ratio, max: o.maxRatio, shown: `${ratio.toFixed(3)} (${words} of the source's ${plural(sourceWords, 'word')})` })
  }
  const over = checks.filter((c) => c.value > c.max)

  return reported(this, 'toBeConcise', {
    pass: over.length === 0,
    message: () => {
      const limits = checks.map((c) => `${c.name} ≤ ${c.max}`).join(', ')
      const sentence = this.isNot
        ? `Expected the text to exceed a limit (${limits}), but it is within all of them.`
        : `Expected the text to be concise (${limits}), but it exceeds ${over.map((c) => `${c.name}: ${c.shown} > ${c.max}`).join('; ')}.`
      return formatMessage(this, 'toBeConcise', sentence, [
        ['Expected', limits],
        ['Received', [...checks.map((c) => `${c.value > c.max ? '✗' : '✓'} ${c.name}: ${c.shown}`), this.utils.printReceived(truncate(text))].join('\n')],
      ], 'options')
    },
  }, () => ({ summary: checks.map((c) => `${c.name} ${c.shown} (max ${c.max})`).join(', ') }))
}
