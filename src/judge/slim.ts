// What a cassette keeps of a judge call. A full answer spends most of its bytes on the
// log-probs of every token, which no replay reads: a verdict reads the content, the model
// and, for log-prob weighting, the alternatives of each criterion's score token. The slim
// form keeps exactly those, so a replay gives the verdict the live call gave. The request
// is kept for people reading the file (the key is a hash of the full request), without
// the parts assay builds from the rubric alone.
import type { ChatCompletion } from 'openai/resources/chat/completions'
import type { CassetteEntry } from './cassette.js'
import type { Criterion } from './prompt.js'
import { namesScore, parseVerdict, scoreTokens, type TokenLogprob } from './verdict.js'

/**
 * A score token kept from an answer's log-probs: where it starts in the content, its text,
 * and the log-prob of each alternative that names a score on the scale, by token (a list
 * of `{ token, logprob }` when a token is listed twice). Version 2 cassettes keep a list
 * of these; version 3 keeps {@link KeptScores}.
 */
export interface KeptToken {
  offset: number
  token: string
  top_logprobs: Record<string, number> | { token: string; logprob: number }[]
}

/**
 * The kept score tokens as version 3 cassettes store them: each token's alternatives under
 * the key `"<offset>:<token>"`, one line per alternative in the file instead of a block
 * per token.
 */
export type KeptScores = Record<string, KeptToken['top_logprobs']>

/** What the stored copy of a request leaves out: what assay builds from the instructions alone. */
export interface SlimRequest {
  /** The system message sent; only this one is left out of the stored request. */
  system: string
  /** The fence around the texts in the user message, which the stored copy leaves out. */
  boundary?: string | undefined
}

/** What the judge asked, to find the score tokens of its answers and the rubric of its request. */
export interface SlimQuestion extends SlimRequest {
  criteria: readonly Criterion[]
  scale: readonly [number, number]
  quoted: ReadonlySet<string>
}

// Request parameters every judge request of this assay sends alike, given by the rubric
// and the endpoint's capabilities: the key covers them, and no reader learns from them.
const FIXED_PARAMS = ['response_format', 'logprobs', 'top_logprobs']

function keptTokens(content: string, tokens: readonly TokenLogprob[], q: SlimQuestion): KeptScores | undefined {
  const parsed = parseVerdict(content, q.criteria, q.scale, q.quoted)
  if (!parsed.ok) return undefined
  const indices = new Set(Object.values(scoreTokens(content, tokens, q.criteria, parsed.span, parsed.scores)))
  if (indices.size === 0) return undefined
  const kept: KeptScores = {}
  let offset = 0
  for (const [i, t] of tokens.entries()) {
    if (indices.has(i)) {
      const alts = t.top_logprobs!.filter((alt) => namesScore(alt, q.scale)).map((alt) => ({ token: alt.token, logprob: alt.logprob }))
      const unique = new Set(alts.map((a) => a.token)).size === alts.length
      kept[`${offset}:${t.token}`] = unique ? Object.fromEntries(alts.map((a) => [a.token, a.logprob])) : alts
    }
    offset += t.token.length
  }
  return kept
}

/**
 * The slim form of a judge answer: its model, and for each choice the message content and
 * the score tokens' alternatives that log-prob weighting reads (`logprobs.scores`). Only
 * answers that gave a verdict are recorded, so a choice's finish reason is always `stop`
 * and is not stored. An answer not in the shape of a chat completion is kept whole.
 */
export function slimCompletion(completion: unknown, q: SlimQuestion | SlimRequest): unknown {
  const c = completion as Partial<ChatCompletion> | null
  if (!Array.isArray(c?.choices) || !c.choices.every((ch) => typeof ch?.message === 'object' && ch.message !== null)) return completion
  return {
    model: c.model,
    choices: c.choices.map((ch) => {
      const content = typeof ch.message.content === 'string' ? ch.message.content : ''
      const tokens = ch.logprobs?.content
      // Only score tokens are kept, so an answer that gives no scores keeps no log-probs.
      const scores = Array.isArray(tokens) && 'criteria' in q ? keptTokens(content, tokens as TokenLogprob[], q) : undefined
      return { message: { content: ch.message.content }, ...(scores ? { logprobs: { scores } } : {}) }
    }),
  }
}

/**
 * A judge entry as the cassette keeps it: the slim answer, and the request without what
 * assay builds from the rubric alone, which every entry would repeat: the system message
 * (the judge's fixed instructions and the criteria, which the test file states), the
 * fence around the texts (derived from them), the verdict schema and the log-prob
 * parameters.
 */
export function slimEntry(entry: CassetteEntry, q: SlimQuestion | SlimRequest): CassetteEntry {
  const unfence = (content: unknown) => (q.boundary && typeof content === 'string' ? content.replaceAll(`<<<${q.boundary}\n`, '').replaceAll(`\n${q.boundary}>>>`, '') : content)
  const messages = entry.request.messages.filter((m, i) => !(i === 0 && m.role === 'system' && m.content === q.system)).map((m) => (m.role === 'user' ? { ...m, content: unfence(m.content) } : m))
  const params = Object.fromEntries(Object.entries(entry.request.params).filter(([k]) => !FIXED_PARAMS.includes(k)))
  return { ...entry, request: { ...entry.request, messages, params }, response: slimCompletion(entry.response, q) }
}

/** The kept score tokens of a slim choice, in either stored form, in content order; undefined when there are none. */
function keptList(scores: unknown): Partial<KeptToken>[] | undefined {
  if (Array.isArray(scores)) return scores as Partial<KeptToken>[]
  if (!scores || typeof scores !== 'object') return undefined
  return Object.entries(scores as KeptScores)
    .map(([at, top_logprobs]) => {
      const colon = at.indexOf(':')
      return { offset: colon > 0 ? Number(at.slice(0, colon)) : Number.NaN, token: at.slice(colon + 1), top_logprobs }
    })
    .sort((a, b) => a.offset - b.offset)
}

/**
 * The token log-probs of a choice, full (`logprobs.content`, as an endpoint answers) or
 * slim (`logprobs.scores`, as a cassette keeps them). The slim form is spelt out into a
 * stream that spells `content`: the kept tokens at their offsets, and between them (always,
 * even when empty) a token without alternatives for the text that no weighting reads, so
 * each score is found at the token it was found at live. Kept tokens that do not fit the
 * content (an edited entry) give no tokens, and so no weighting.
 */
export function tokensOf(logprobs: unknown, content: string): TokenLogprob[] {
  const lp = logprobs as { content?: unknown; scores?: unknown } | null | undefined
  if (Array.isArray(lp?.content)) return lp.content as TokenLogprob[]
  const kept = keptList(lp?.scores)
  if (!kept) return []
  const stream: TokenLogprob[] = []
  let at = 0
  for (const k of kept) {
    if (!Number.isInteger(k?.offset) || typeof k.token !== 'string' || k.offset! < at || content.slice(k.offset, k.offset! + k.token.length) !== k.token) return []
    const top = k.top_logprobs
    const alternatives = Array.isArray(top) ? top : top && typeof top === 'object' ? Object.entries(top).map(([token, logprob]) => ({ token, logprob })) : []
    stream.push({ token: content.slice(at, k.offset), logprob: 0, top_logprobs: null }, { token: k.token, logprob: 0, top_logprobs: alternatives })
    at = k.offset! + k.token.length
  }
  stream.push({ token: content.slice(at), logprob: 0, top_logprobs: null })
  return stream
}
