// `assay gate --versions`: within one run, each dataset's prompt versions compared as two
// runs are, older against newer (by the registry's natural order), over the case ids both
// versions ran. Consecutive versions are paired (v1 → v2, v2 → v3), so each step a prompt
// took is judged on its own, and all the steps' tests are Holm-adjusted together.
import { versionName } from '../prompts/order.js'
import type { PromptRef } from '../prompts/types.js'
import type { Results } from '../report/schema.js'
import { caseFigures, groupOf, type GateCase } from './cases.js'
import { compareRuns, type CompareOptions, type GateComparison } from './compare.js'

/** One step between two versions of a prompt in one dataset. */
export interface VersionStep {
  /** The group the step's cases are compared in. */
  group: string
  file: string
  dataset: string
  prompt: string
  older: PromptRef
  newer: PromptRef
}

/** What {@link compareVersions} found: the steps, and the comparison over all of them. */
export interface VersionComparison {
  steps: VersionStep[]
  comparison: GateComparison
  /** Datasets that ran a single version of their prompt: nothing to compare. */
  single: { file: string; dataset: string; prompt: PromptRef }[]
}

interface Ran {
  file: string
  dataset: string
  prompt: PromptRef
  cases: Map<string, Omit<GateCase, 'key' | 'group' | 'label'>>
}

/**
 * Pairs each dataset's versions of its prompt, older → newer by `order` (the registry's
 * natural order of version names), over the same case ids, and compares each step as
 * `assay gate` compares runs: exact McNemar or Wilcoxon on pass rates, Wilcoxon on scores.
 *
 * @example
 * ```ts
 * const { comparison } = compareVersions(results, compareVersionNames, { alpha: 0.05 })
 * if (comparison.outcome === 'fail') process.exitCode = 1 // a newer version is significantly worse
 * ```
 */
export function compareVersions(results: Results, order: (a: string, b: string) => number, options: Omit<CompareOptions, 'budgets'> = {}): VersionComparison {
  const ran = new Map<string, Ran>()
  for (const f of results.files) {
    for (const t of f.tests) {
      if (t.state === 'skipped' || t.state === 'todo' || !t.eval?.prompt) continue
      const e = t.eval
      const p = e.prompt!
      const key = JSON.stringify([f.path, e.dataset, p.name, p.version])
      const entry = ran.get(key) ?? { file: f.path, dataset: e.dataset, prompt: { name: p.name, version: p.version, hash: p.hash }, cases: new Map() }
      entry.cases.set(e.id, caseFigures(t, e))
      ran.set(key, entry)
    }
  }
  const byPrompt = new Map<string, Ran[]>()
  for (const r of ran.values()) {
    const key = JSON.stringify([r.file, r.dataset, r.prompt.name])
    byPrompt.set(key, [...(byPrompt.get(key) ?? []), r])
  }
  const steps: VersionStep[] = []
  const reference: GateCase[] = []
  const current: GateCase[] = []
  const single: VersionComparison['single'] = []
  for (const versions of byPrompt.values()) {
    versions.sort((a, b) => order(a.prompt.version, b.prompt.version))
    if (versions.length === 1) single.push({ file: versions[0]!.file, dataset: versions[0]!.dataset, prompt: versions[0]!.prompt })
    for (let i = 1; i < versions.length; i++) {
      const [older, newer] = [versions[i - 1]!, versions[i]!]
      const group = groupOf(older.file, older.dataset, `${versionName(older.prompt)} → ${newer.prompt.version}`)
      steps.push({ group, file: older.file, dataset: older.dataset, prompt: older.prompt.name, older: older.prompt, newer: newer.prompt })
      const side = (r: Ran, into: GateCase[]) => {
        for (const [id, figures] of r.cases) into.push({ key: JSON.stringify([group, id]), group, label: `${r.dataset} #${id}`, ...figures })
      }
      side(older, reference)
      side(newer, current)
    }
  }
  return { steps, comparison: compareRuns(reference, current, options), single }
}

/** How the versions table and lines word a verdict: of the newer version against the older. */
export const versionVerdict = (v: GateComparison['groups'][number]['verdict']) => (v === 'regressed' ? 'worse' : v === 'improved' ? 'better' : 'no significant change')

const pIs = (p: number) => (p < 0.0001 ? 'p < 0.0001' : `p = ${p.toFixed(4)}`)
const figure = (metric: string, x: number) => (metric === 'pass rate' ? `${(x * 100).toFixed(1)}%` : x.toFixed(2))

/** One line per step: the dataset, the two versions, better / worse / no significant change, and each metric with its p-value. */
export function stepLines(v: VersionComparison): string[] {
  return v.steps.map((s) => {
    const g = v.comparison.groups.find((x) => x.group === s.group)!
    const metrics = g.metrics.map((m) => `${m.metric} ${figure(m.metric, m.before)} → ${figure(m.metric, m.after)}, ${pIs(m.adjusted)}`)
    const what = g.paired === 0 ? 'no case ids in common, nothing compared' : `${versionVerdict(g.verdict)} (${metrics.join('; ')}; ${g.paired} cases paired)`
    return `${s.dataset}${g.name.endsWith(`(${s.file})`) ? ` (${s.file})` : ''}: ${s.prompt} ${s.older.version} → ${s.newer.version}: ${what}`
  })
}
