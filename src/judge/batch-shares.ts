// How one embeddings request is accounted to the callers whose inputs it carried. The
// endpoint reports usage for the whole request only, so each caller's part is estimated from
// the length of its input; the parts always add up to the request's exact totals, so that
// the run's totals count every token and the request once, however it was batched.

/** What one embeddings request costs, as the shares divide it. */
export interface BatchCost {
  requests: number
  usage: { prompt_tokens: number; total_tokens: number }
  cost: number | undefined
}

/**
 * Splits the whole number `total` in proportion to `weights` into whole numbers that add up
 * to it (largest remainders first, ties to the earlier weight). Equal parts when every weight is 0.
 */
export function apportion(total: number, weights: readonly number[]): number[] {
  if (weights.length === 0) return []
  const sum = weights.reduce((a, b) => a + b, 0)
  const exact = weights.map((w) => (sum > 0 ? (total * w) / sum : total / weights.length))
  const parts = exact.map(Math.floor)
  let left = total - parts.reduce((a, b) => a + b, 0)
  const order = exact.map((x, i) => ({ i, rest: x - Math.floor(x) })).sort((a, b) => b.rest - a.rest || a.i - b.i)
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) parts[order[k]!.i]! += 1
  return parts
}

/** The weight of an input in a split: its length, at least 1, so that an empty input still takes a part. */
export const inputWeight = (input: string): number => Math.max(1, input.length)

/**
 * Divides `call` among parts weighted by `weights`: the request goes to part `requestsTo`
 * alone (it was made once), tokens by {@link apportion}, cost in proportion (undefined when
 * the request's cost is unknown).
 */
export function splitCost(call: BatchCost, weights: readonly number[], requestsTo = 0): BatchCost[] {
  const prompt = apportion(call.usage.prompt_tokens, weights)
  const total = apportion(call.usage.total_tokens, weights)
  const sum = weights.reduce((a, b) => a + b, 0)
  return weights.map((w, i) => ({
    requests: i === requestsTo ? call.requests : 0,
    usage: { prompt_tokens: prompt[i]!, total_tokens: total[i]! },
    cost: call.cost === undefined ? undefined : sum > 0 ? (call.cost * w) / sum : call.cost / weights.length,
  }))
}

/**
 * Why `vectors` is not a reply for `count` inputs (a list of that many lists of finite
 * numbers, all of one dimension), or undefined when it is.
 */
export function vectorsProblem(vectors: unknown, count: number): string | undefined {
  if (!Array.isArray(vectors)) return `the reply has no list of vectors (got ${typeof vectors})`
  if (vectors.length !== count) return `${count} input${count === 1 ? ' was' : 's were'} sent but ${vectors.length} vector${vectors.length === 1 ? '' : 's'} came back`
  let dimension: number | undefined
  for (const [i, v] of vectors.entries()) {
    if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) return `vector ${i} is not a non-empty list of finite numbers`
    dimension ??= v.length
    if (v.length !== dimension) return `vector ${i} has ${v.length} dimensions where vector 0 has ${dimension}`
  }
  return undefined
}

/**
 * Why `call` is not a usable reply to a request of `count` inputs (its vectors, see
 * {@link vectorsProblem}, or its counts), or undefined when it is.
 */
export function callProblem(call: unknown, count: number): string | undefined {
  if (typeof call !== 'object' || call === null) return `it is ${call === null ? 'null' : typeof call}, not a reply`
  const c = call as { vectors?: unknown; usage?: { prompt_tokens?: unknown; total_tokens?: unknown }; requests?: unknown }
  const whole = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n >= 0
  return vectorsProblem(c.vectors, count) ?? (!whole(c.usage?.prompt_tokens) || !whole(c.usage?.total_tokens) ? 'its usage has no token counts' : !whole(c.requests) ? 'it does not say how many requests it took' : undefined)
}

/** The error for a reply that {@link callProblem} found unusable. */
export function unusableReply(problem: string): Error {
  return new Error(`The embeddings endpoint gave an unusable reply: ${problem}. Check that embedding.baseURL points at an OpenAI-compatible /embeddings endpoint.`)
}
