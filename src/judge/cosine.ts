/**
 * Cosine similarity of two embeddings, in [-1, 1]; undefined when either is all zeros (it has
 * no direction) or their lengths differ. One vector compared with itself is exactly 1, and
 * rounding never takes a result past ±1, so a threshold of 1 can pass.
 */
export function cosine(a: readonly number[], b: readonly number[]): number | undefined {
  if (a.length !== b.length || a.length === 0) return undefined
  let dot = 0
  let na = 0
  let nb = 0
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!
    na += a[i]! * a[i]!
    nb += b[i]! * b[i]!
  }
  if (na === 0 || nb === 0) return undefined
  if (a === b) return 1
  return Math.max(-1, Math.min(1, dot / Math.sqrt(na * nb)))
}
