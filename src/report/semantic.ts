// The semantic judge cache in results.json: each assertion's look-up, and the run's totals
// of what the cache cost (its own embeddings) against what it saved (the verdicts it reused).
import type { JudgeRecord } from './records.js'
import type { JudgeDetail, Totals } from './schema.js'

const finite = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n)
const round = (n: number) => Math.round(n * 1e6) / 1e6

/** An assertion's look-up as results.json keeps it, from a verdict or a failure's record (plain JSON either way). */
export function lookupOf(s: JudgeRecord['semanticCache']): { semanticCache?: NonNullable<JudgeDetail['semanticCache']> } {
  if (!s) return {}
  return { semanticCache: { replayed: s.replayed === true, requests: finite(s.requests) ? s.requests : 0, tokens: finite(s.tokens) ? s.tokens : 0, cost: finite(s.cost) ? s.cost : null } }
}

/**
 * The cache's totals over a run's judge assertions, or nothing when it neither looked up
 * nor reused. Look-ups count whether the judgement then stood or failed; tokens and cost
 * are the live ones'. A reuse recorded without its call count counts one call.
 */
export function semanticTotals(judged: readonly JudgeDetail[]): { semanticCache?: NonNullable<Totals['judge']['semanticCache']> } {
  const lookups = judged.flatMap((j) => (j.semanticCache ? [j.semanticCache] : []))
  const reused = judged.filter((j) => j.reusedFrom && j.error === undefined)
  if (lookups.length + reused.length === 0) return {}
  const live = lookups.filter((l) => !l.replayed)
  return {
    semanticCache: {
      lookups: lookups.length,
      requests: lookups.reduce((n, l) => n + l.requests, 0),
      tokens: live.reduce((n, l) => n + l.tokens, 0),
      cost: round(live.reduce((n, l) => n + (l.cost ?? 0), 0)),
      reused: reused.length,
      callsSaved: reused.reduce((n, j) => n + (j.reusedFrom!.calls ?? 1), 0),
      saved: round(reused.reduce((n, j) => n + (j.cost ?? 0), 0)),
    },
  }
}
