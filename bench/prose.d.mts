/** A deterministic pseudo-random generator (mulberry32), so a failing seed can be replayed. */
export function random(seed: number): () => number
/** `length` characters of news-like prose in which no sentence repeats, the same for the same `seed`. */
export function distinctProse(length: number, seed?: number): string
/** The places the prose names. */
export const PLACE: readonly string[]
/** `length` characters of capitalised titles and names in random order, one endless run of capitalised words. */
export function capitalisedRun(length: number, seed?: number): string
