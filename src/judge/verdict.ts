import { z } from 'zod'
import { extractJson } from '../text/json.js'
import { formatZodIssues } from '../validate.js'
import type { Criterion } from './prompt.js'

function buildVerdictSchema(keys: readonly string[], scale: readonly [number, number]) {
  const entry = z.strictObject({ reasoning: z.string(), score: z.int().min(scale[0]).max(scale[1]) })
  return z.strictObject({ criteria: z.strictObject(Object.fromEntries(keys.map((k) => [k, entry]))) })
}

// A suite asks with the same few rubrics over and over; building a zod schema and its JSON
// schema each time was most of the cost of a replayed verdict.
const schemas = new Map<string, { zod: ReturnType<typeof buildVerdictSchema>; json: Record<string, unknown> }>()

function schemasFor(criteria: readonly Criterion[], scale: readonly [number, number]) {
  const keys = criteria.map((c) => c.key)
  const id = JSON.stringify([keys, scale])
  let found = schemas.get(id)
  if (!found) {
    const zod = buildVerdictSchema(keys, scale)
    const { $schema: _drop, ...json } = z.toJSONSchema(zod, { target: 'draft-7' }) as Record<string, unknown>
    found = { zod, json }
    if (schemas.size < 100) schemas.set(id, found)
  }
  return found
}

/** The zod schema of a judge reply: reasoning and an integer score for every criterion. */
export function verdictSchema(criteria: readonly Criterion[], scale: readonly [number, number]) {
  return schemasFor(criteria, scale).zod
}

/** The JSON schema sent as `response_format`, built from {@link verdictSchema}. */
export function verdictJsonSchema(criteria: readonly Criterion[], scale: readonly [number, number]): Record<string, unknown> {
  return schemasFor(criteria, scale).json
}

/** A judge reply read and validated. */
export type ParsedVerdict =
  | { ok: true; scores: Record<string, { score: number; reasoning: string }> }
  | { ok: false; error: string }

/**
 * Reads a judge reply: strict JSON first, then the JSON inside a fence or prose (for
 * endpoints without structured output), validated with the verdict schema either way.
 */
export function parseVerdict(content: string, criteria: readonly Criterion[], scale: readonly [number, number]): ParsedVerdict {
  const found = extractJson(content)
  if (!found.found) return { ok: false, error: `the reply holds no JSON: ${found.reason}` }
  const parsed = verdictSchema(criteria, scale).safeParse(found.value)
  if (!parsed.success) return { ok: false, error: `the reply does not match the verdict format:\n${formatZodIssues(parsed.error.issues, found.value, 'reply')}` }
  return { ok: true, scores: parsed.data.criteria as Record<string, { score: number; reasoning: string }> }
}

/** A token of a chat completion's `logprobs.content`. */
export interface TokenLogprob {
  token: string
  logprob: number
  top_logprobs?: { token: string; logprob: number }[] | null
}

/**
 * G-Eval weighting: for each criterion, the probability-weighted mean of the integer
 * scores the judge considered for its score token. A criterion whose score token cannot
 * be found, or whose alternatives name no score on the scale, gets no weighted score.
 */
export function weightedScores(content: string, tokens: readonly TokenLogprob[], criteria: readonly Criterion[], scale: readonly [number, number]): Record<string, number> {
  const starts: number[] = []
  let offset = 0
  for (const t of tokens) {
    starts.push(offset)
    offset += t.token.length
  }
  // The token stream must spell the content, or offsets mean nothing.
  if (tokens.map((t) => t.token).join('') !== content) return {}

  const out: Record<string, number> = {}
  for (const c of criteria) {
    const key = content.indexOf(`"${c.key}"`)
    if (key === -1) continue
    const score = /"score"\s*:\s*(\d+)/.exec(content.slice(key))
    if (!score) continue
    const at = key + score.index + score[0].length - score[1]!.length
    let i = starts.length - 1
    while (i > 0 && starts[i]! > at) i--
    const token = tokens[i]!
    if (token.token.trim() !== score[1] || !token.top_logprobs?.length) continue
    let mass = 0
    let sum = 0
    for (const alt of token.top_logprobs) {
      const k = Number(alt.token.trim())
      if (!Number.isInteger(k) || k < scale[0] || k > scale[1]) continue
      const p = Math.exp(alt.logprob)
      mass += p
      sum += p * k
    }
    if (mass > 0) out[c.key] = sum / mass
  }
  return out
}

/** The scores of one sample (one choice), integer or log-prob weighted. */
export interface SampleScores {
  criteria: Record<string, { score: number; reasoning: string; weighted?: number }>
}

/** The verdict over all samples. */
export interface AggregateVerdict {
  /** Mean over samples of the mean over criteria. */
  overall: number
  /** Mean score per criterion over samples. */
  criteria: Record<string, number>
  /** The reasoning of the first sample, per criterion. */
  reasoning: Record<string, string>
  /** Per-sample overall scores, and their spread (max − min). */
  samples: number[]
  spread: number
}

/** Combines samples: weighted scores where present, else integers; then means. */
export function aggregate(samples: readonly SampleScores[], criteria: readonly Criterion[]): AggregateVerdict {
  const value = (s: SampleScores, key: string) => s.criteria[key]!.weighted ?? s.criteria[key]!.score
  const perSample = samples.map((s) => criteria.reduce((sum, c) => sum + value(s, c.key), 0) / criteria.length)
  const perCriterion = Object.fromEntries(criteria.map((c) => [c.key, samples.reduce((sum, s) => sum + value(s, c.key), 0) / samples.length]))
  return {
    overall: perSample.reduce((a, b) => a + b, 0) / perSample.length,
    criteria: perCriterion,
    reasoning: Object.fromEntries(criteria.map((c) => [c.key, samples[0]!.criteria[c.key]!.reasoning])),
    samples: perSample,
    spread: Math.max(...perSample) - Math.min(...perSample),
  }
}
