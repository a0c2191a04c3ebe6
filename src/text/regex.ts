// Helpers for building the analysers' regular expressions.

/**
 * A regex alternation of `words` shaped as a trie ("t(?:en|wo|hree…)"), so the engine
 * tests each leading letter once instead of trying thirty-six words at every position.
 */
export function alternation(words: readonly string[]): string {
  if (words.length === 1) return words[0]!
  const groups = new Map<string, string[]>()
  let optional = false
  for (const w of words) {
    if (w === '') optional = true
    else groups.set(w[0]!, [...(groups.get(w[0]!) ?? []), w.slice(1)])
  }
  const branches = [...groups].map(([head, tails]) => head + (tails.length === 1 ? tails[0] : alternation(tails)))
  const body = branches.length === 1 ? branches[0]! : `(?:${branches.join('|')})`
  return optional ? `(?:${body})?` : body
}

/** Escapes `text` for use as a literal inside a regular expression. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
