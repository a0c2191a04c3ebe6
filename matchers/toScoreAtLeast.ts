import { dirname } from 'node:path'
import { z } from 'zod'
import type { MatcherContext, MatcherResult } from '../src/context.js'
import { AssayUsageError } from '../src/errors.js'
import { requestsSpent, runJudge, semanticSpent, VerdictNotRecordedError, type Verdict } from '../src/judge/judge.js'
import { CassetteMissError } from '../src/judge/cassette.js'
import type { VerdictCall } from '../src/judge/run.js'
import { judgeRuntime } from '../src/judge/runtime.js'
import { afterMacrotask, trackAsync } from '../src/pending.js'
import { judgedInTrial } from '../src/eval/trial.js'
import { emitRecord, recording, type FaithfulnessRecord, type JudgeRecord } from '../src/report/records.js'
import { redact } from '../src/secrets.js'
import { StoreWriteError } from '../src/store/file.js'
import { parseOptions } from '../src/validate.js'
import { assertString, failureFields, formatMessage, truncate } from './utils.js'

const schema = z.strictObject({
  criteria: z.union([z.string().min(1), z.array(z.string().min(1)).nonempty()]).optional(),
  source: z.string().optional(),
  scale: z.tuple([z.number().int(), z.number().int()]).refine(([a, b]) => a < b, 'scale must be [low, high] with low < high').optional(),
  samples: z.number().int().min(1).max(20).optional(),
  model: z.string().min(1).optional(),
  every: z.boolean().optional(),
})

/** Options for {@link toScoreAtLeast}. */
export type ToScoreAtLeastOptions = z.input<typeof schema>

/** The parts of the runners' matcher state this matcher reads beyond {@link MatcherContext}. */

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2))

/** One line on a judge's calls: which judge, live or replayed, requests, tokens and cost. */
export function describeCall(v: VerdictCall): string {
  const cost = v.cost === undefined ? 'cost unknown' : `$${v.cost.toFixed(6)}`
  const judge = v.judge === 0 ? v.model : `${v.model} (fallback ${v.judge})`
  const reused = v.reusedFrom ? `\nreused by the semantic cache from a near-duplicate output (similarity ${v.reusedFrom.similarity.toFixed(3)}, cassette key ${v.reusedFrom.key}): ${truncate(v.reusedFrom.output, 200)}` : ''
  return `judge ${judge}, ${v.replayed ? 'replayed from the cassette' : `live, ${v.requests} request${v.requests === 1 ? '' : 's'}`}, ${v.usage.total_tokens} tokens, ${cost}${reused}`
}

/**
 * The first sentence for a verdict the cassette could not record (a read-only folder, a
 * full disk), with what the judge found (`found`) when it gave a verdict; undefined for any
 * other failure.
 */
function notRecorded<T>(error: unknown, found: (verdict: T) => string): string | undefined {
  const write = error instanceof VerdictNotRecordedError ? error.writeError : error instanceof StoreWriteError ? error : undefined
  if (!write) return undefined
  const where = write.message.includes(`the folder ${dirname(write.path)} cannot be written`) ? `the folder ${dirname(write.path)} cannot be written` : `${write.path} cannot be written`
  const verdict = error instanceof VerdictNotRecordedError ? (error.verdict as T) : undefined
  const score = verdict ? ` ${found(verdict)}, but an answer that is not recorded would be missing on the next run.` : ''
  return `the verdict could not be recorded: ${where}${write.code ? ` (${write.code})` : ''}, so the assertion cannot pass.${score}`
}

/**
 * Fails a judged assertion that got no verdict (`error` says why): records it, with the
 * requests it sent and the verdict the cassette could not record, and throws. Thrown, not
 * returned as a failed verdict: `.not` must not turn a missing verdict into a pass.
 */
export function noVerdict<T>(ctx: MatcherContext, base: Omit<JudgeRecord, 'pass'> | Omit<FaithfulnessRecord, 'pass'>, error: unknown, found: (verdict: T) => string): never {
  const message = redact((error as Error).message)
  const unrecorded = error instanceof VerdictNotRecordedError ? error.verdict : undefined
  const failureMessage = `${base.matcher}: ${notRecorded(error, found) ?? 'the judge gave no verdict, so the assertion cannot pass.'}\n${message}`
  const lookup = semanticSpent(error)
  if (recording()) emitRecord({ ...base, pass: false, error: message, requests: requestsSpent(error), ...(lookup ? { semanticCache: lookup } : {}), ...(unrecorded ? { verdict: unrecorded } : {}), ...failureFields(ctx, failureMessage), ...(error instanceof CassetteMissError ? { cassetteMiss: true } : {}) } as JudgeRecord | FaithfulnessRecord, { task: ctx.task })
  const failure = new Error(failureMessage)
  failure.name = 'JudgeFailure'
  throw failure
}

/**
 * Asks an eval LLM to score the output and asserts the score reaches `min`. One request
 * scores every criterion; answers are recorded to and replayed from a cassette beside the
 * test file. Must be awaited. A judge that gives no verdict fails the test, even under `.not`.
 *
 * @example
 * ```ts
 * await expect(summary).toScoreAtLeast(7, { source: article })
 * await expect(summary).toScoreAtLeast(8, { criteria: ['accuracy', 'No marketing language.'], every: true })
 * ```
 */
export function toScoreAtLeast(this: MatcherContext, received: unknown, min: unknown, options?: ToScoreAtLeastOptions): Promise<MatcherResult> {
  // Tracked until it settles: a test that ends without awaiting it fails (see src/pending.ts).
  return trackAsync('toScoreAtLeast', this, () => judgedInTrial('toScoreAtLeast', () => scoreAtLeast.call(this, received, min, options)))
}

async function scoreAtLeast(this: MatcherContext, received: unknown, min: unknown, options?: ToScoreAtLeastOptions): Promise<MatcherResult> {
  const text = assertString('toScoreAtLeast', received, toScoreAtLeast)
  const o = parseOptions('toScoreAtLeast', schema, options ?? {}, toScoreAtLeast, "Example: toScoreAtLeast(7, { source: article, criteria: ['accuracy', 'completeness'] }).")
  const scale = o.scale ?? [1, 10]
  if (typeof min !== 'number' || !Number.isFinite(min) || min < scale[0] || min > scale[1]) {
    throw new AssayUsageError('toScoreAtLeast', `the minimum score must be a number within the scale [${scale[0]}, ${scale[1]}], but got ${String(min)}.\nExample: toScoreAtLeast(7), or set options.scale.`, toScoreAtLeast)
  }
  const every = o.every ?? false
  const negated = this.isNot ?? false
  const base = { kind: 'judge' as const, matcher: 'toScoreAtLeast', testPath: this.testPath, testName: this.currentTestName, threshold: min, every, negated }

  let verdict: Verdict
  try {
    await afterMacrotask()
    verdict = await runJudge({ output: text, source: o.source, criteria: o.criteria, scale, samples: o.samples, testPath: this.testPath }, judgeRuntime(o.model))
  } catch (error) {
    noVerdict<Verdict>(this, base, error, (v) => `The judge scored ${fmt(v.overall)} overall (minimum ${fmt(min)})`)
  }

  const below = Object.entries(verdict.criteria).filter(([, c]) => c.score < min)
  const pass = every ? below.length === 0 : verdict.overall >= min
  const result: MatcherResult = {
    pass,
    message: () => {
      const target = every ? `every criterion ≥ ${fmt(min)}` : `overall score ≥ ${fmt(min)}`
      const sentence = this.isNot
        ? `Expected the judge to score the text below ${fmt(min)}, but it scored ${fmt(verdict.overall)}.`
        : every
          ? `Expected every criterion to score at least ${fmt(min)}, but ${below.map(([k, c]) => `${k} scored ${fmt(c.score)}`).join(', ')}.`
          : `Expected an overall score of at least ${fmt(min)}, but the judge gave ${fmt(verdict.overall)}.`
      const lines = Object.entries(verdict.criteria).map(([k, c]) => `${c.score >= min ? '✓' : '✗'} ${k} ${fmt(c.score)}/${scale[1]}: ${truncate(c.reasoning, 300)}`)
      const blocks: [string, string][] = [
        ['Expected', `${target} (scale ${scale[0]}–${scale[1]})`],
        ['Received', `${fmt(verdict.overall)} overall${verdict.samples.length > 1 ? ` over ${verdict.samples.length} samples (${verdict.samples.map(fmt).join(', ')}; spread ${fmt(verdict.spread)})` : ''}${verdict.weighted ? ', log-prob weighted' : ''}`],
        ['Criteria', lines.join('\n')],
        ['Judge', describeCall(verdict)],
      ]
      return formatMessage(this, 'toScoreAtLeast', sentence, blocks, 'min')
    },
  }
  if (recording()) {
    const ok = pass !== negated
    emitRecord({ ...base, pass: ok, verdict, ...(ok ? {} : failureFields(this, result.message())) }, { task: this.task })
  }
  return result
}
