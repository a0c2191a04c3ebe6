// A batch's answer to one collected embedding input, recorded as a live run records it
// (see embed-cassette.ts): one entry per input, its exact vector in base64.
import type { CassetteEntry } from '../judge/cassette.js'
import { embeddingEntry } from '../judge/embed-cassette.js'
import { readEmbeddings } from '../judge/embed-reply.js'
import type { PendingRequest } from './pending.js'

/**
 * The cassette entry for an embedding line's answer `body`, at `cost`; or what is wrong
 * with the answer when it does not hold one finite vector for its one input.
 */
export function embeddingAnswer(r: PendingRequest, body: unknown, usage: CassetteEntry['usage'], cost: number | undefined): CassetteEntry | { problem: string } {
  const read = readEmbeddings(body, 1)
  if ('problem' in read) return { problem: `the answer ${read.problem}` }
  const asked = typeof r.body.model === 'string' ? r.body.model : r.entry.model
  const share = { model: read.model || asked, usage: { prompt_tokens: usage.prompt_tokens, total_tokens: usage.total_tokens }, cost, latencyMs: 0 }
  return embeddingEntry(r.entry.model, String(r.entry.body.input), read.vectors[0]!, share)
}
