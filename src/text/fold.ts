// Folding makes "Nestlé", "Nestle" and "ＮＥＳＴＬＥ" compare equal: NFKC compatibility
// forms, Latin diacritics and typographic apostrophes are normalised away. Only combining
// diacritical marks (U+0300–U+036F) are dropped, so Devanagari vowel signs and the like
// keep their meaning.

/** Text after {@link foldText}, with a way back to positions in the original. */
export interface FoldedText {
  folded: string
  /** Maps an index in `folded` to the index of the same character in the original. */
  toOriginal(index: number): number
}

const NON_ASCII_RUN = /[^\x00-\x7F]+/g
const DIACRITICS = /[\u0300-\u036f]/g
const APOSTROPHES = /[\u2018\u2019\u02BC\u2032]/g
const cache = new Map<string, string>()

function foldChar(ch: string): string {
  let out = cache.get(ch)
  if (out === undefined) {
    out = ch.normalize('NFKD').replace(DIACRITICS, '').normalize('NFC').replace(APOSTROPHES, "'")
    if (cache.size < 50_000) cache.set(ch, out)
  }
  return out
}

/** Folds a short string such as an entity name. */
export function foldString(text: string): string {
  return foldText(text).folded
}

/**
 * Folds `text` for matching and keeps a position map back to the original. ASCII text
 * is returned as is, which keeps the common case free of per-character work.
 */
export function foldText(text: string): FoldedText {
  NON_ASCII_RUN.lastIndex = 0
  if (!NON_ASCII_RUN.test(text)) return { folded: text, toOriginal: (i) => i }

  const parts: string[] = []
  // Sorted breakpoints where the offset between folded and original changes.
  const foldedAt: number[] = [0]
  const originalAt: number[] = [0]
  let last = 0
  let foldedLength = 0
  NON_ASCII_RUN.lastIndex = 0
  for (let m = NON_ASCII_RUN.exec(text); m; m = NON_ASCII_RUN.exec(text)) {
    const ascii = text.slice(last, m.index)
    parts.push(ascii)
    foldedLength += ascii.length
    let original = m.index
    for (const ch of m[0]) {
      const f = foldChar(ch)
      if (f.length !== ch.length) {
        // Every folded unit of this character maps back to its first unit.
        for (let k = 0; k < f.length; k++) {
          foldedAt.push(foldedLength + k)
          originalAt.push(original)
        }
        foldedAt.push(foldedLength + f.length)
        originalAt.push(original + ch.length)
      }
      parts.push(f)
      foldedLength += f.length
      original += ch.length
    }
    last = m.index + m[0].length
  }
  parts.push(text.slice(last))
  return {
    folded: parts.join(''),
    toOriginal(index) {
      let lo = 0
      let hi = foldedAt.length - 1
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1
        if (foldedAt[mid]! <= index) lo = mid
        else hi = mid - 1
      }
      return originalAt[lo]! + (index - foldedAt[lo]!)
    },
  }
}
