// The judge the example's cassette was recorded against: assay's fixture server, scoring
// with assay's own deterministic analysers instead of a model. No LLM is reachable where
// this project is built, so this is what `npm run example:record` uses; point
// OPENAI_BASE_URL at a real endpoint and run with ASSAY_CACHE=refresh to re-record for real.
// The same server stands in for the summarizer model of the prompt-version comparison, and
// answers toBeSemanticallySimilarTo's embeddings with its own lexical vectors (hashed word
// counts: texts that share their words land close together, as paraphrases do).
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { startFixtureServer } from '../dist/esm/fixtures/server/index.js'
import { extractEntities, extractNumbers, ClaimIndex, countWords, EntityHaystack } from '../dist/esm/src/index.js'

function fenced(text, label) {
  const block = text.split(`${label}\n<<<`)[1]
  if (!block) return ''
  const boundary = block.slice(0, block.indexOf('\n'))
  return block.slice(boundary.length + 1, block.indexOf(`\n${boundary}>>>`))
}

/** Scores accuracy by unsupported numbers, completeness by kept entities, conciseness by length. */
export function heuristicVerdict(body) {
  const user = String(body.messages.at(-1)?.content ?? '')
  const output = fenced(user, 'OUTPUT:')
  const source = fenced(user, 'SOURCE:')
  const index = new ClaimIndex(extractNumbers(source))
  const invented = extractNumbers(output).filter((c) => !index.support(c)).length
  const entities = extractEntities(source)
  const haystack = new EntityHaystack(output)
  const kept = entities.filter((e) => haystack.find(e.text)).length
  const ratio = countWords(output) / Math.max(1, countWords(source))
  const clamp = (n) => Math.max(1, Math.min(10, Math.round(n)))
  const criteria = {
    accuracy: { reasoning: invented === 0 ? 'Every number is supported by the source.' : `${invented} number(s) are not in the source.`, score: clamp(10 - 3 * invented) },
    completeness: { reasoning: `Keeps ${kept} of the source's ${entities.length} named entities.`, score: clamp(4 + (6 * kept) / Math.max(1, entities.length)) },
    conciseness: { reasoning: `About ${Math.round(ratio * 100)}% of the source's length.`, score: clamp(10 - Math.max(0, ratio - 0.2) * 20) },
  }
  return JSON.stringify({ criteria })
}

// A sentence ends where the next one starts with a capital: `$85.8` and `Inc. reported` stay whole.
const sentencesOf = (text) => text.trim().split(/(?<=[.!?])\s+(?=[A-Z])/)
const wordsOf = (text) => new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])

/** The sentence of `sentences` that shares the most words with `claim`: what the source says on it. */
function closest(claim, sentences) {
  const words = wordsOf(claim)
  const shared = (s) => [...wordsOf(s)].filter((w) => words.has(w)).length
  return sentences.reduce((best, s) => (shared(s) > shared(best) ? s : best))
}

/**
 * Checks each claim of the output against the source, as toBeFaithfulTo asks: one claim per
 * list item or sentence; a figure the source does not give contradicts it, a name it does not
 * mention is unsupported, and the rest is supported, each with the source sentence nearest it.
 */
export function claimsVerdict(body) {
  const user = String(body.messages.at(-1)?.content ?? '')
  const output = fenced(user, 'OUTPUT:')
  const source = fenced(user, 'SOURCE:')
  const index = new ClaimIndex(extractNumbers(source))
  const haystack = new EntityHaystack(source)
  // A quotation is a sentence of its own, and a paragraph ends a sentence whatever starts the next.
  const said = source.split(/\n\s*\n/).flatMap((p) => p.trim().replace(/\s+/g, ' ').split(/(?<=[.!?]"?)\s+(?=["A-Z])/)).filter(Boolean)
  const spans = output.split('\n').flatMap((line) => sentencesOf(line.replace(/^\s*(?:[-*•]|\d+[.)])\s+/, ''))).filter((s) => s.trim())
  const claims = spans.map((claim) => {
    const nearest = closest(claim, said)
    const invented = extractNumbers(claim).filter((c) => !index.support(c)).map((c) => c.text)
    if (invented.length) return { claim, reason: `The source has no ${invented.join(' or ')}; it says: "${nearest}"`, verdict: 'contradicted' }
    const unknown = extractEntities(claim).filter((e) => e.kind !== 'amount' && e.kind !== 'date' && !haystack.find(e.text)).map((e) => e.text)
    if (unknown.length) return { claim, reason: `The source does not mention ${unknown.join(' or ')}.`, verdict: 'unsupported' }
    return { claim, reason: `The source says: "${nearest}"`, verdict: 'supported' }
  })
  return JSON.stringify({ claims })
}

const summaries = join(import.meta.dirname, '../fixtures/summaries')

/**
 * A stand-in for the summarizer model: asked with the expert prompt (a system message with
 * its rules), it answers with the article's edited summary in fixtures/summaries; asked
 * plainly, with the article's first three sentences as bullets, as a model without the
 * length rules tends to.
 */
export function fixtureSummary(body) {
  const user = String(body.messages.at(-1)?.content ?? '')
  const expert = body.messages.some((m) => m.role === 'system')
  const name = readdirSync(summaries).find((f) => f.endsWith('.article.txt') && user.includes(readFileSync(join(summaries, f), 'utf8').trim()))
  if (expert && name) return readFileSync(join(summaries, name.replace('.article.txt', '.summary.md')), 'utf8').trim()
  const text = user.slice(user.indexOf('\n\n') + 2)
  return sentencesOf(text).slice(0, 3).map((s) => `- ${s.trim()}`).join('\n')
}

/** Starts the fixture judge, which answers the app's summary requests and embeddings too. */
export function startFixtureJudge() {
  const respond = (body) => (body.response_format?.json_schema?.name === 'assay_claims' ? claimsVerdict(body) : body.response_format ? heuristicVerdict(body) : fixtureSummary(body))
  return startFixtureServer({ respond })
}
