/**
 * A least-recently-used cache keyed by text, bounded both by entry count and by the total
 * length of its keys, so that a suite comparing many outputs with a few long sources keeps
 * them all while a stream of megabyte sources cannot pin memory.
 *
 * @example
 * ```ts
 * const cache = new TextCache<number>({ maxEntries: 2, maxChars: 1_000 })
 * cache.get('some text', (t) => t.length) // computed: 9
 * cache.get('some text', (t) => t.length) // from the cache
 * ```
 */
export class TextCache<V> {
  readonly #entries = new Map<string, V>()
  readonly #maxEntries: number
  readonly #maxChars: number
  #chars = 0

  constructor(limits: { maxEntries: number; maxChars: number }) {
    this.#maxEntries = limits.maxEntries
    this.#maxChars = limits.maxChars
  }

  /** The value for `key`, computed by `compute` when the cache does not hold it. */
  get(key: string, compute: (key: string) => V): V {
    const held = this.#entries.get(key)
    if (held !== undefined || this.#entries.has(key)) {
      // Re-inserting moves the key to the end of the Map's order: the end is the most recent.
      this.#entries.delete(key)
      this.#entries.set(key, held as V)
      return held as V
    }
    const value = compute(key)
    if (key.length > this.#maxChars) return value
    this.#entries.set(key, value)
    this.#chars += key.length
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.#maxEntries && this.#chars <= this.#maxChars) break
      this.#entries.delete(oldest)
      this.#chars -= oldest.length
    }
    return value
  }

  /** How many entries are held. */
  get size(): number {
    return this.#entries.size
  }
}
