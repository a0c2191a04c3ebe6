import { seededRandom } from '../../src/stats/paired.js'

/** A text of up to `maxPieces` pieces drawn from `pieces`, the same for the same seed. */
export function randomText(seed: number, pieces: readonly string[], maxPieces: number): string {
  const next = seededRandom(seed)
  const n = Math.floor(next() * (maxPieces + 1))
  let text = ''
  for (let i = 0; i < n; i++) text += pieces[Math.floor(next() * pieces.length)]
  return text
}
