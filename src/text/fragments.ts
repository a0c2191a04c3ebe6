// The NLP library often returns a part of a longer name beside the name itself: "West
// Country" beside "West Country Produce", "Bank" and "England" beside "Bank of England". A
// part that the text never writes outside the longer name is no name of its own.
import { foldString } from './fold.js'

const WORD = /[\p{L}\p{M}\p{N}]+/gu
const words = (text: string) => foldString(text).toLowerCase().match(WORD) ?? []

/**
 * `names` without those that occur in `text` only inside a longer name of `names`. A name
 * that also stands alone somewhere ("West Country" in "across the West Country") is kept,
 * and so is one the text does not spell as extracted.
 *
 * The text is read once, word by word; each part is then looked for only where its first
 * word occurs, so the cost grows with the text and the number of parts, not their product
 * with the text.
 *
 * @example
 * ```ts
 * withoutFragments([{ text: 'West Country' }, { text: 'West Country Produce' }], 'Email West Country Produce.')
 * // [{ text: 'West Country Produce' }]
 * ```
 */
export function withoutFragments<T extends { text: string }>(names: readonly T[], text: string): T[] {
  const split = names.map((n) => words(n.text))
  const index = new Map<string, number>()
  split.forEach((w, i) => index.set(w.join(' '), i))
  // Each part, with the longer names it is part of and where in them it starts.
  const containers = new Map<number, { long: string[]; offset: number }[]>()
  for (const long of split) {
    if (long.length < 2 || long.length > 8) continue
    for (let start = 0; start < long.length; start++) {
      for (let end = start + 1; end <= long.length; end++) {
        if (end - start === long.length) continue
        const part = index.get(long.slice(start, end).join(' '))
        if (part === undefined) continue
        const list = containers.get(part) ?? []
        list.push({ long, offset: start })
        containers.set(part, list)
      }
    }
  }
  if (containers.size === 0) return [...names]
  const tokens = words(text)
  const firstWords = new Set([...containers.keys()].map((i) => split[i]![0]!))
  const at = new Map<string, number[]>()
  tokens.forEach((t, i) => {
    if (!firstWords.has(t)) return
    const list = at.get(t) ?? []
    list.push(i)
    at.set(t, list)
  })
  const matches = (seq: string[], from: number) => from >= 0 && seq.every((w, k) => tokens[from + k] === w)
  const dropped = new Set<number>()
  for (const [part, longs] of containers) {
    const seq = split[part]!
    const found = (at.get(seq[0]!) ?? []).filter((i) => matches(seq, i))
    if (found.length > 0 && found.every((i) => longs.some(({ long, offset }) => matches(long, i - offset)))) dropped.add(part)
  }
  return names.filter((_, i) => !dropped.has(i))
}
