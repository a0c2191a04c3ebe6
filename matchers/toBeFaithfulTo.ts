import { z } from 'zod'
import type { MatcherContext, MatcherResult } from '../src/context.js'
import { AssayUsageError } from '../src/errors.js'
import type { Claim } from '../src/judge/claims.js'
import { runFaithfulness, type Faithfulness } from '../src/judge/faithfulness.js'
import { judgeRuntime } from '../src/judge/runtime.js'
import { afterMacrotask, trackAsync } from '../src/pending.js'
import { judgedInTrial } from '../src/eval/trial.js'
import { emitRecord, recording } from '../src/report/records.js'
import { describeValue, parseOptions } from '../src/validate.js'
import { describeCall, noVerdict } from './toScoreAtLeast.js'
import { assertString, failureFields, formatMessage, plural, truncate } from './utils.js'

const schema = z.strictObject({
  model: z.string().min(1).optional(),
})

/** Options for {@link toBeFaithfulTo}. */
export type ToBeFaithfulToOptions = z.input<typeof schema>

const EXAMPLE = 'Example: await expect(summary).toBeFaithfulTo(article, { model: "gpt-4o" }).'

const line = (c: Claim) => `${c.verdict === 'supported' ? '✓' : '✗'} ${c.verdict}: ${JSON.stringify(truncate(c.claim, 200))} (${truncate(c.reason, 300)})`

/** "1 contradicted and 2 unsupported": the claims the source does not support, by verdict. */
function notSupported(claims: readonly Claim[]): string {
  const count = (v: Claim['verdict']) => claims.filter((c) => c.verdict === v).length
  return [`${count('contradicted')} contradicted`, `${count('unsupported')} unsupported`].filter((s) => !s.startsWith('0 ')).join(' and ')
}

/**
 * Asks an eval LLM to split the output into claims and check each against `source`, and
 * asserts that the source supports every one. The failure lists each unsupported or
 * contradicted claim with the judge's reason. One request per assertion, recorded to and
 * replayed from a cassette beside the test file. Must be awaited. A judge that gives no
 * verdict fails the test, even under `.not`.
 *
 * @example
 * ```ts
 * await expect(summary).toBeFaithfulTo(article)
 * await expect('Revenue fell 40%.').not.toBeFaithfulTo(article, { model: 'gpt-4o' })
 * ```
 */
export function toBeFaithfulTo(this: MatcherContext, received: unknown, source: unknown, options?: ToBeFaithfulToOptions): Promise<MatcherResult> {
  // Tracked until it settles: a test that ends without awaiting it fails (see src/pending.ts).
  return trackAsync('toBeFaithfulTo', this, () => judgedInTrial('toBeFaithfulTo', () => faithfulTo.call(this, received, source, options)))
}

async function faithfulTo(this: MatcherContext, received: unknown, source: unknown, options?: ToBeFaithfulToOptions): Promise<MatcherResult> {
  const output = assertString('toBeFaithfulTo', received, toBeFaithfulTo)
  if (typeof source !== 'string' || !source.trim()) {
    throw new AssayUsageError('toBeFaithfulTo', `the source must be the non-empty text the output must be faithful to, but got ${typeof source === 'string' ? 'an empty string' : describeValue(source)}.\n${EXAMPLE}`, toBeFaithfulTo)
  }
  // A blank output states nothing, so every claim of it is trivially supported: a pass would hide an app that returned nothing.
  if (!output.trim()) throw new AssayUsageError('toBeFaithfulTo', `received is ${output ? 'only whitespace' : 'an empty string'}, so it makes no claims to check against the source.\nCheck that the output is not empty first, e.g. expect(output.trim()).not.toBe('').`, toBeFaithfulTo)
  const o = parseOptions('toBeFaithfulTo', schema, options ?? {}, toBeFaithfulTo, EXAMPLE)
  const negated = this.isNot ?? false
  const base = { kind: 'faithfulness' as const, matcher: 'toBeFaithfulTo', testPath: this.testPath, testName: this.currentTestName, negated }

  let verdict: Faithfulness
  try {
    await afterMacrotask()
    verdict = await runFaithfulness({ output, source, testPath: this.testPath }, judgeRuntime(o.model))
  } catch (error) {
    noVerdict<Faithfulness>(this, base, error, (v) => `The judge found ${v.claims.some((c) => c.verdict !== 'supported') ? notSupported(v.claims) : 'every claim supported'} (of ${plural(v.claims.length, 'claim')})`)
  }

  const failing = verdict.claims.filter((c) => c.verdict !== 'supported')
  const pass = failing.length === 0
  const result: MatcherResult = {
    pass,
    message: () => {
      const total = plural(verdict.claims.length, 'claim')
      const sentence = negated
        ? `Expected the judge to find a claim the source does not support, but it found ${verdict.claims.length === 1 ? 'the one claim of the output' : `all ${total}`} supported.`
        : `Expected every claim in the output to be supported by the source, but the judge found ${notSupported(verdict.claims)} (of ${total}).`
      // The claims the source does not support come first: they are why the assertion failed.
      const claims = [...failing, ...verdict.claims.filter((c) => c.verdict === 'supported')]
      const blocks: [string, string][] = [
        ['Expected', negated ? 'a claim unsupported or contradicted by the source' : 'every claim supported by the source'],
        ['Received', `${total}: ${verdict.claims.length - failing.length} supported${failing.length ? `, ${notSupported(verdict.claims).replace(' and ', ', ')}` : ''}`],
        ['Claims', claims.map(line).join('\n')],
        ['Judge', describeCall(verdict)],
      ]
      return formatMessage(this, 'toBeFaithfulTo', sentence, blocks, 'source')
    },
  }
  if (recording()) {
    const ok = pass !== negated
    emitRecord({ ...base, pass: ok, verdict, ...(ok ? {} : failureFields(this, result.message())) }, { task: this.task })
  }
  return result
}
