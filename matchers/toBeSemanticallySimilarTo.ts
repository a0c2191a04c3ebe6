import { z } from 'zod'
import type { MatcherContext, MatcherResult } from '../src/context.js'
import { AssayUsageError } from '../src/errors.js'
import { CassetteMissError } from '../src/judge/cassette.js'
import { JudgeError } from '../src/judge/client.js'
import { embedTexts, type Embeddings } from '../src/judge/embed.js'
import { judgeRuntime } from '../src/judge/runtime.js'
import { afterMacrotask, trackAsync } from '../src/pending.js'
import { currentTrial, judgedInTrial } from '../src/eval/trial.js'
import { emitRecord, recording } from '../src/report/records.js'
import { redact } from '../src/secrets.js'
import { StoreWriteError } from '../src/store/file.js'
import { parseOptions } from '../src/validate.js'
import { getConfig } from '../src/config.js'
import { assertString, failureFields, formatMessage, truncate } from './utils.js'
import { cosine } from '../src/judge/cosine.js'

/**
 * The default threshold. Embedding models put paraphrases of one statement around 0.85–0.95
 * and texts that merely share a topic around 0.4–0.7 (text-embedding-3-small), so 0.8 asks for
 * the same meaning without asking for the same words.
 */
export const DEFAULT_SIMILARITY_THRESHOLD = 0.8

const schema = z.strictObject({
  threshold: z.number().gt(0).max(1).optional(),
  model: z.string().min(1).optional(),
})

/** Options for {@link toBeSemanticallySimilarTo}. */
export type ToBeSemanticallySimilarToOptions = z.input<typeof schema>

const fmt = (n: number) => n.toFixed(4).replace(/0+$/, '').replace(/\.$/, '')


function describeCall(e: Embeddings): string {
  const cost = e.cost === undefined ? 'cost unknown' : `$${e.cost.toFixed(6)}`
  return `${e.model}, ${e.replayed ? 'replayed from the cassette' : `live, ${e.requests} request${e.requests === 1 ? '' : 's'}, ${e.usage.total_tokens} tokens, ${cost}`}`
}

/**
 * Asserts that the output means what `expected` says: the cosine similarity of their
 * embeddings (from the endpoint's `/embeddings`, model `embedding.model`) reaches
 * `threshold` (default 0.8). Vectors are recorded to and replayed from the test file's
 * cassette, one entry per text. Must be awaited. No similarity (a failed call, a missing
 * recording under lockdown, a zero vector) fails the test, even under `.not`.
 *
 * @example
 * ```ts
 * await expect(reply).toBeSemanticallySimilarTo('Your refund has been approved.')
 * await expect(reply).not.toBeSemanticallySimilarTo('Your refund was denied.', { threshold: 0.9 })
 * ```
 */
export function toBeSemanticallySimilarTo(this: MatcherContext, received: unknown, expected: unknown, options?: ToBeSemanticallySimilarToOptions): Promise<MatcherResult> {
  // Tracked until it settles: a test that ends without awaiting it fails (see src/pending.ts).
  return trackAsync('toBeSemanticallySimilarTo', this, () => judgedInTrial('toBeSemanticallySimilarTo', () => similarTo.call(this, received, expected, options)))
}

function nonEmpty(text: string, what: string): void {
  if (text.trim() !== '') return
  throw new AssayUsageError('toBeSemanticallySimilarTo', `${what} is ${text === '' ? 'an empty string' : 'only whitespace'}, which has no meaning to compare.\nCompare the LLM output with a sentence that says what it should mean, e.g. toBeSemanticallySimilarTo('Your refund has been approved.').`, toBeSemanticallySimilarTo)
}

async function similarTo(this: MatcherContext, received: unknown, expected: unknown, options?: ToBeSemanticallySimilarToOptions): Promise<MatcherResult> {
  const matcher = 'toBeSemanticallySimilarTo'
  const output = assertString(matcher, received, toBeSemanticallySimilarTo)
  const target = assertString(matcher, expected, toBeSemanticallySimilarTo, 'expected')
  nonEmpty(output, 'received')
  nonEmpty(target, 'expected')
  const o = parseOptions(matcher, schema, options ?? {}, toBeSemanticallySimilarTo, "Example: toBeSemanticallySimilarTo('Your refund has been approved.', { threshold: 0.85 }).")
  const threshold = o.threshold ?? DEFAULT_SIMILARITY_THRESHOLD
  const model = o.model ?? getConfig().embedding.model
  const negated = this.isNot ?? false
  const base = { kind: 'similarity' as const, matcher, testPath: this.testPath, testName: this.currentTestName, threshold, model, negated }

  let embeddings: Embeddings
  let similarity: number | undefined
  try {
    await afterMacrotask()
    embeddings = await embedTexts({ inputs: [output, target], model, testPath: this.testPath, signal: currentTrial()?.signal }, judgeRuntime())
    similarity = cosine(embeddings.vectors[0]!, embeddings.vectors[1]!)
    if (similarity === undefined) {
      const which = [embeddings.vectors[0]!.every((v) => v === 0) ? 'received' : '', embeddings.vectors[1]!.every((v) => v === 0) ? 'expected' : ''].filter(Boolean).join(' and ')
      throw new Error(`The embedding of the ${which} text is a zero vector (${embeddings.model}${embeddings.replayed ? ', replayed' : ''}), which has no direction, so no similarity can be computed.`)
    }
  } catch (error) {
    const message = redact((error as Error).message)
    const cause = error instanceof StoreWriteError ? 'the embeddings could not be recorded in the cassette' : 'no similarity was computed'
    const failureMessage = `${matcher}: ${cause}, so the assertion cannot pass.\n${message}`
    if (recording()) emitRecord({ ...base, pass: false, error: message, requests: error instanceof JudgeError ? error.requests : 0, ...failureFields(this, failureMessage), ...(error instanceof CassetteMissError ? { cassetteMiss: true } : {}) }, { task: this.task })
    // Thrown, not returned as a failure: `.not` must not turn a missing similarity into a pass.
    const failure = new Error(failureMessage)
    failure.name = 'EmbeddingFailure'
    throw failure
  }

  const pass = similarity >= threshold
  const result: MatcherResult = {
    pass,
    message: () => {
      const sentence = negated
        ? `Expected the text not to mean the same as expected: a cosine similarity below ${fmt(threshold)}, but it was ${fmt(similarity!)}.`
        : `Expected the text to mean the same as expected: a cosine similarity of at least ${fmt(threshold)}, but it was ${fmt(similarity!)}.`
      return formatMessage(this, matcher, sentence, [
        ['Expected', truncate(target)],
        ['Received', truncate(output)],
        ['Similarity', `${fmt(similarity!)} (threshold ${fmt(threshold)})`],
        ['Embeddings', describeCall(embeddings)],
      ])
    },
  }
  if (recording()) {
    const ok = pass !== negated
    const e = embeddings
    emitRecord({ ...base, pass: ok, similarity, replayed: e.replayed, requests: e.requests, tokens: e.usage.total_tokens, cost: e.cost, latencyMs: e.latencyMs, ...(ok ? {} : failureFields(this, result.message())) }, { task: this.task })
  }
  return result
}
