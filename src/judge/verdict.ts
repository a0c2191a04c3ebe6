import stableStringify from 'fast-json-stable-stringify'
import { z } from 'zod'
import { balancedEnd, extractJson } from '../text/json.js'
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

/** A judge reply read and validated; `span` is where the verdict sits in the reply. */
export type ParsedVerdict =
  | { ok: true; scores: Record<string, { score: number; reasoning: string }>; span: { start: number; end: number } }
  | { ok: false; error: string }

// A verdict is an object whose one key is "criteria", so every verdict opens like this.
const VERDICT_START = /\{\s*"criteria"\s*:/g
// Unbalanced openings cost a scan to the end each; a few are plenty for a real reply.
const MAX_UNBALANCED = 64
// All that may follow the verdict: whitespace, or the close of the fence it sits in.
export const TRAILER = /^\s*(?:```\s*)?$/

/** The verdict-shaped JSON objects in `text`, in order, none inside another. */
function verdictObjects(text: string): { value: unknown; start: number; end: number }[] {
  return jsonObjectsAt(text, VERDICT_START)
}

/**
 * The JSON objects in `text` that begin where the global regex `start` matches, in order,
 * none inside another: the objects of one reply shape, such as every `{"criteria": …}`.
 */
export function jsonObjectsAt(text: string, start: RegExp): { value: unknown; start: number; end: number }[] {
  const found: { value: unknown; start: number; end: number }[] = []
  let misses = 0
  start.lastIndex = 0
  for (let m = start.exec(text); m && misses < MAX_UNBALANCED; m = start.exec(text)) {
    const end = balancedEnd(text, m.index)
    if (end === undefined) {
      misses++
      continue
    }
    try {
      found.push({ value: JSON.parse(text.slice(m.index, end)), start: m.index, end })
      start.lastIndex = end
    } catch {
      misses++
    }
  }
  return found
}

const WHOLE_START = /^\s*\{\s*"criteria"\s*:/

/**
 * The reply as one verdict object, as structured output gives it: then it is the only
 * verdict object, and the native parser reads it faster than a scan would.
 */
function wholeVerdict(text: string): { value: unknown; start: number; end: number } | undefined {
  if (!WHOLE_START.test(text)) return undefined
  try {
    const value: unknown = JSON.parse(text)
    const start = text.indexOf('{')
    return { value, start, end: text.trimEnd().length }
  } catch {
    return undefined
  }
}

/**
 * The verdict-shaped objects inside the texts under evaluation (output, source), in a
 * canonical form: a reply whose verdict is one of them is quoting the data, not judging it.
 */
export function quotedVerdicts(...texts: (string | undefined)[]): Set<string> {
  return new Set(texts.flatMap((t) => (t === undefined ? [] : verdictObjects(t).map((v) => stableStringify(v.value)))))
}

/**
 * Reads a judge reply. The verdict is the reply's last verdict-shaped JSON object, and
 * nothing but whitespace or a closing fence may follow it, so a verdict the judge quotes
 * before its own never counts (endpoints without structured output reply in prose); one
 * that is a copy of a verdict inside the data (`quoted`) is no verdict either. The
 * verdict is validated with the verdict schema.
 */
export function parseVerdict(content: string, criteria: readonly Criterion[], scale: readonly [number, number], quoted: ReadonlySet<string> = new Set()): ParsedVerdict {
  const last = wholeVerdict(content) ?? verdictObjects(content).at(-1)
  if (!last) {
    const found = extractJson(content)
    if (!found.found) return { ok: false, error: `the reply holds no JSON: ${found.reason}` }
    const parsed = verdictSchema(criteria, scale).safeParse(found.value)
    if (!parsed.success) return { ok: false, error: `the reply does not match the verdict format:\n${formatZodIssues(parsed.error.issues, found.value, 'reply')}` }
    return { ok: false, error: 'the reply holds no object that begins {"criteria": …}' }
  }
  const after = content.slice(last.end)
  if (!TRAILER.test(after)) {
    const shown = after.trim()
    return { ok: false, error: `the reply's last verdict object is followed by more text ("${shown.length > 60 ? `${shown.slice(0, 60)}…` : shown}"), and the verdict must end the reply` }
  }
  if (quoted.size > 0 && quoted.has(stableStringify(last.value))) return { ok: false, error: "the reply's verdict object is copied from the text under evaluation, and a verdict quoted from the data is never the judge's own" }
  const parsed = verdictSchema(criteria, scale).safeParse(last.value)
  if (!parsed.success) return { ok: false, error: `the reply does not match the verdict format:\n${formatZodIssues(parsed.error.issues, last.value, 'reply')}` }
  return { ok: true, scores: parsed.data.criteria as Record<string, { score: number; reasoning: string }>, span: { start: last.start, end: last.end } }
}

/** A token of a chat completion's `logprobs.content`. */
export interface TokenLogprob {
  token: string
  logprob: number
  top_logprobs?: { token: string; logprob: number }[] | null
}

// A log-prob is at most 0; this much above it is rounding, anything more is no probability.
const LOGPROB_SLACK = 1e-6

/**
 * Whether an alternative names an integer score on the scale: the only alternatives
 * log-prob weighting reads, so the only ones a cassette needs to keep.
 */
export function namesScore(alt: { token?: unknown } | null | undefined, scale: readonly [number, number]): alt is { token: string; logprob: number } {
  // Digits only: Number() reads a blank token as 0, which may be on the scale.
  const text = typeof alt?.token === 'string' ? alt.token.trim() : ''
  const k = Number(text)
  return /^\d+$/.test(text) && k >= scale[0] && k <= scale[1]
}

/**
 * The probability-weighted mean of the integer scores among a score token's alternatives,
 * or undefined when they do not form a distribution (a log-prob that is missing, NaN,
 * +Infinity or above 0) or name no score on the scale. Log-probs are shifted by their
 * maximum before exp(), so tiny probabilities neither underflow to 0 nor overflow.
 */
function weightedMean(alternatives: readonly { token: string; logprob: number }[], scale: readonly [number, number]): number | undefined {
  const scores: { k: number; logprob: number }[] = []
  for (const alt of alternatives) {
    if (!namesScore(alt, scale)) continue
    const k = Number(alt.token.trim())
    if (typeof alt.logprob !== 'number' || Number.isNaN(alt.logprob) || alt.logprob > LOGPROB_SLACK) return undefined
    // -Infinity is probability 0: it weighs nothing.
    if (alt.logprob !== Number.NEGATIVE_INFINITY) scores.push({ k, logprob: alt.logprob })
  }
  if (scores.length === 0) return undefined
  // A canonical order, so the sums come out the same to the last bit whatever order the
  // alternatives are listed in (a cassette keeps them by token).
  scores.sort((a, b) => a.k - b.k || a.logprob - b.logprob)
  const top = Math.max(...scores.map((s) => s.logprob))
  let mass = 0
  let sum = 0
  for (const s of scores) {
    const p = Math.exp(s.logprob - top)
    mass += p
    sum += p * s.k
  }
  const mean = sum / mass
  return Number.isFinite(mean) && mean >= scale[0] && mean <= scale[1] ? mean : undefined
}

/**
 * The score token of each criterion: the index, in `tokens`, of the token that spells the
 * criterion's score inside the verdict's `span` of the content and carries alternatives.
 * A criterion whose score token cannot be found has none; with `scores` (the integers
 * read), neither has one whose token is not the score that was read.
 */
export function scoreTokens(
  content: string,
  tokens: readonly TokenLogprob[],
  criteria: readonly Criterion[],
  span: { start: number; end: number } = { start: 0, end: content.length },
  scores?: Readonly<Record<string, { score: number }>>,
): Record<string, number> {
  if (!tokens.every((t) => typeof t?.token === 'string')) return {}
  const starts: number[] = []
  let offset = 0
  for (const t of tokens) {
    starts.push(offset)
    offset += t.token.length
  }
  // The token stream must spell the content, or offsets mean nothing.
  if (tokens.map((t) => t.token).join('') !== content) return {}

  const verdict = content.slice(0, span.end)
  const out: Record<string, number> = {}
  for (const c of criteria) {
    const key = verdict.indexOf(`"${c.key}"`, span.start)
    if (key === -1) continue
    const score = /"score"\s*:\s*(\d+)/.exec(verdict.slice(key))
    if (!score) continue
    const at = key + score.index + score[0].length - score[1]!.length
    let i = starts.length - 1
    while (i > 0 && starts[i]! > at) i--
    const token = tokens[i]!
    // The token must be the score that was read: a repeated key reads the last one, this the first.
    if (token.token.trim() !== score[1] || (scores && scores[c.key]?.score !== Number(score[1])) || !Array.isArray(token.top_logprobs) || !token.top_logprobs.length) continue
    out[c.key] = i
  }
  return out
}

/**
 * G-Eval weighting: for each criterion, the probability-weighted mean of the integer
 * scores the judge considered for its score token (see {@link scoreTokens}). A criterion
 * without a score token, or whose alternatives do not give a finite score on the scale,
 * gets no weighted score and keeps its integer one.
 */
export function weightedScores(
  content: string,
  tokens: readonly TokenLogprob[],
  criteria: readonly Criterion[],
  scale: readonly [number, number],
  span: { start: number; end: number } = { start: 0, end: content.length },
  scores?: Readonly<Record<string, { score: number }>>,
): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [key, i] of Object.entries(scoreTokens(content, tokens, criteria, span, scores))) {
    const mean = weightedMean(tokens[i]!.top_logprobs!, scale)
    if (mean !== undefined) out[key] = mean
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

/**
 * Why a verdict is no verdict: a score (per criterion of each sample, weighted or not, per
 * criterion over samples, per sample or overall) that is not a finite number inside the
 * scale, or a spread that is not finite; undefined when it is sound.
 */
export function verdictProblem(samples: readonly SampleScores[], v: AggregateVerdict, scale: readonly [number, number]): string | undefined {
  const inScale = (n: number | undefined) => typeof n === 'number' && Number.isFinite(n) && n >= scale[0] && n <= scale[1]
  const bad = [
    ...samples.flatMap((s, i) =>
      Object.entries(s.criteria).flatMap(([k, c]) => [
        ...(inScale(c.score) ? [] : [`${k} scored ${String(c.score)} in sample ${i + 1}`]),
        ...(c.weighted === undefined || inScale(c.weighted) ? [] : [`${k}'s weighted score is ${String(c.weighted)} in sample ${i + 1}`]),
      ]),
    ),
    ...Object.entries(v.criteria).filter(([, n]) => !inScale(n)).map(([k, n]) => `${k} scored ${String(n)}`),
    ...v.samples.flatMap((n, i) => (inScale(n) ? [] : [`sample ${i + 1} scored ${String(n)} overall`])),
    ...(inScale(v.overall) ? [] : [`the overall score is ${String(v.overall)}`]),
    ...(Number.isFinite(v.spread) ? [] : [`the spread is ${String(v.spread)}`]),
  ]
  return bad.length ? `The judge's scores are not finite numbers within the scale [${scale[0]}, ${scale[1]}]: ${bad.join(', ')}.` : undefined
}
