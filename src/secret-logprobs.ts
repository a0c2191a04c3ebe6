// Log-probabilities spell a reply one token at a time, so a secret in the reply is split
// where no single string holds it; redactDeep (secrets.ts) hands such lists here, with its walk for the other fields.
import { REDACTED } from './secrets.js'

/** One entry of a reply's log-probabilities. */
export interface Token {
  token: string
  logprob?: number
  bytes?: number[] | null
  top_logprobs?: unknown
}

export const isTokenList = (list: unknown[]): list is Token[] => list.length > 0 && list.every((t) => t !== null && typeof t === 'object' && typeof (t as Token).token === 'string')

/**
 * Log-probabilities spell a reply one token at a time, so a secret in the reply is split
 * where no single string holds it. The tokens are redacted as the text they spell: those
 * a secret overlaps keep only what lies outside it, the one where it starts carrying the
 * marker, so that they still spell the redacted reply (log-prob weighting relies on it).
 * Each token's other fields go through `walk`, redactDeep's own.
 */
export function redactTokens(tokens: Token[], pattern: RegExp | undefined, walk: (value: unknown, pattern: RegExp | undefined) => unknown): unknown[] {
  const text = tokens.map((t) => t.token).join('')
  const ranges = pattern ? [...text.matchAll(pattern)].map((m) => [m.index, m.index + m[0].length] as const) : []
  let next = 0
  let start = 0
  return tokens.map((t) => {
    const end = start + t.token.length
    let token = ''
    let pos = start
    for (let k = next; k < ranges.length && ranges[k]![0] < end; k++) {
      const [a, b] = ranges[k]!
      token += text.slice(pos, Math.max(a, start)) + (a >= start ? REDACTED : '')
      pos = Math.min(b, end)
      if (b > end) break
      next = k + 1
    }
    token += text.slice(pos, end)
    start = end
    const clean = walk(t, pattern) as Token
    if (token === t.token) return clean
    const bytes = Array.from(new TextEncoder().encode(token))
    return { ...clean, token, ...(Array.isArray(t.bytes) ? { bytes } : {}), ...(Array.isArray(t.top_logprobs) ? { top_logprobs: [{ token, logprob: t.logprob ?? 0, bytes }] } : {}) }
  })
}
