/** A deterministic pseudo-random generator (mulberry32), so a failing seed can be replayed. */
export function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A text of up to `maxPieces` pieces drawn from `pieces`, the same for the same seed. */
export function randomText(seed: number, pieces: readonly string[], maxPieces: number): string {
  const next = random(seed)
  const n = Math.floor(next() * (maxPieces + 1))
  let text = ''
  for (let i = 0; i < n; i++) text += pieces[Math.floor(next() * pieces.length)]
  return text
}
