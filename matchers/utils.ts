import { stripVTControlCharacters } from 'node:util'
import { getConfig } from '../src/config.js'
import type { MatcherContext, MatcherResult } from '../src/context.js'
import { AssayUsageError } from '../src/errors.js'
import { callSiteIn } from '../src/report/location.js'
import { emitRecord, recording, type CheckDetails, type SourceLocation } from '../src/report/records.js'
import { redact } from '../src/secrets.js'
import { describeValue } from '../src/validate.js'

/**
 * Returns `received` if it is a string, and throws a usage error naming the matcher
 * otherwise. A non-string is a mistake in the test, not a failed verdict.
 */
export function assertString(matcher: string, received: unknown, callSite: Function, what = 'received'): string {
  if (typeof received === 'string') return received
  throw new AssayUsageError(
    matcher,
    `${what} must be a string, but got ${describeValue(received)}.\n` +
      `Pass the LLM output text, e.g. expect(completion.choices[0].message.content).${matcher}(…).`,
    callSite,
  )
}

/** Cuts long text to the configured length and says how much was left out. */
export function truncate(text: string, max = getConfig().messages.maxChars): string {
  if (text.length <= max) return text
  return `${text.slice(0, max)}… (+${text.length - max} chars)`
}

/** A labelled block under the sentence: `Expected: …` or `Received: …`. */
export type Block = readonly [label: string, value: string]

/**
 * Builds a failure message in the house style: the matcher hint, a blank line, one plain
 * sentence, a blank line, then aligned labelled blocks. Continuation lines of a block are
 * indented to sit under its value. Known secrets are redacted (an output or a judge's
 * reasoning may quote a key).
 */
export function formatMessage(
  ctx: MatcherContext,
  matcher: string,
  sentence: string,
  blocks: readonly Block[],
  expectedArg = 'expected',
): string {
  const hint = ctx.utils.matcherHint(matcher, 'received', expectedArg, { isNot: ctx.isNot ?? false, promise: ctx.promise ?? '' })
  const width = Math.max(0, ...blocks.map(([label]) => label.length)) + 2
  const body = blocks
    .map(([label, value]) => {
      const [first = '', ...rest] = value.split('\n')
      const pad = ' '.repeat(width)
      return [`${`${label}:`.padEnd(width)}${first}`, ...rest.map((line) => (line ? pad + line : line))].join('\n')
    })
    .join('\n')
  return redact(`${hint}\n\n${sentence}${body ? `\n\n${body}` : ''}`)
}

/** "1 item", "3 items". */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`
}

/** What a failed assertion's record adds: its message without colours, and where the `expect` is. */
export function failureFields(ctx: MatcherContext, message: string): { message: string; location: SourceLocation | undefined } {
  return { message: stripVTControlCharacters(message), location: callSiteIn(ctx.testPath) }
}

/**
 * Leaves a record of a deterministic assertion for the reporters and returns `result`
 * unchanged. The details are built only when a reporter listens; the message and the
 * call site only when the assertion failed (after `.not`).
 */
export function reported(ctx: MatcherContext, matcher: string, result: MatcherResult, details?: () => CheckDetails): MatcherResult {
  if (!recording()) return result
  const negated = ctx.isNot ?? false
  const pass = result.pass !== negated
  emitRecord({
    kind: 'check',
    matcher,
    testPath: ctx.testPath,
    testName: ctx.currentTestName,
    pass,
    negated,
    ...(pass ? {} : failureFields(ctx, result.message())),
    details: details?.(),
  }, { task: ctx.task })
  return result
}
