/** A model's price in US dollars per million tokens. */
export interface Price {
  input: number
  output: number
}

/**
 * List prices of common OpenAI models, in $ per million tokens, standard tier. Override
 * or extend them with the `prices` option when your contract or provider differs.
 */
export const DEFAULT_PRICES: Readonly<Record<string, Price>> = {
  'gpt-5': { input: 1.25, output: 10 },
  'gpt-5-mini': { input: 0.25, output: 2 },
  'gpt-5-nano': { input: 0.05, output: 0.4 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  o3: { input: 2, output: 8 },
  'o4-mini': { input: 1.1, output: 4.4 },
  'gpt-4-turbo': { input: 10, output: 30 },
  'gpt-3.5-turbo': { input: 0.5, output: 1.5 },
  // Embedding models bill input tokens only.
  'text-embedding-3-small': { input: 0.02, output: 0 },
  'text-embedding-3-large': { input: 0.13, output: 0 },
  'text-embedding-ada-002': { input: 0.1, output: 0 },
}

/**
 * The price of `model` in the built-in table with `overrides` over it: an exact entry,
 * else the longest entry it starts with, so a dated snapshot such as
 * `gpt-4o-mini-2024-07-18` is priced as `gpt-4o-mini`.
 */
export function priceOf(model: string, overrides: Readonly<Record<string, Price>> = {}): Price | undefined {
  const prices = { ...DEFAULT_PRICES, ...overrides }
  if (prices[model]) return prices[model]
  let best: string | undefined
  for (const name of Object.keys(prices)) if (model.startsWith(`${name}-`) && (!best || name.length > best.length)) best = name
  return best ? prices[best] : undefined
}

/** Dollars for the given token usage, or undefined when the model has no price. */
export function costOf(usage: { prompt_tokens: number; completion_tokens: number }, price: Price | undefined): number | undefined {
  if (!price) return undefined
  return (usage.prompt_tokens * price.input + usage.completion_tokens * price.output) / 1_000_000
}

/**
 * The Batch API's discount on the standard tier: a request answered in a batch costs half,
 * for input and output tokens alike.
 */
export const BATCH_DISCOUNT = 0.5

/** Dollars for the given token usage answered through the Batch API, or undefined when the model has no price. */
export function batchCostOf(usage: { prompt_tokens: number; completion_tokens: number }, price: Price | undefined): number | undefined {
  const standard = costOf(usage, price)
  return standard === undefined ? undefined : standard * (1 - BATCH_DISCOUNT)
}
