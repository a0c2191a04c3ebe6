// The gate's outputs: the table printed to the terminal and the Markdown of GitHub's step
// summary. Both say the decision first in words, then the table per dataset (before,
// after, delta, interval, p-value, verdict), then the cases that changed.
import { cell } from '../report/summary.js'
import type { CaseChange, GateComparison, GroupComparison, MetricComparison } from './compare.js'

/** Which two runs were compared, for the heading. */
export interface GateSides {
  current: string
  reference: string
}

const percent = (x: number) => `${(x * 100).toFixed(1)}%`
const signed = (s: string) => (s.startsWith('-') ? s.replace('-', '−') : `+${s}`)
const value = (m: MetricComparison, x: number) => (m.metric === 'pass rate' ? percent(x) : x.toFixed(2))
const delta = (m: MetricComparison, x: number) => (m.metric === 'pass rate' ? signed(`${(x * 100).toFixed(1)}`) + ' pts' : signed(x.toFixed(2)))
/** A p-value as the table shows it. */
export const pText = (p: number) => (p < 0.0001 ? '<0.0001' : p.toFixed(4))
const pIs = (p: number) => (p < 0.0001 ? 'p < 0.0001' : `p = ${p.toFixed(4)}`)
const s = (n: number, word: string, many = `${word}s`) => `${n} ${n === 1 ? word : many}`

/** The table per dataset, header row first, as both outputs (and the HTML report) show it. */
export function gateRows(c: GateComparison): string[][] {
  const level = `${Math.round((1 - c.alpha) * 1000) / 10}%`
  const out = [['Dataset', 'Metric', 'Cases', 'Before', 'After', 'Delta', `${level} interval`, 'p', 'Test', 'Verdict']]
  for (const g of c.groups) {
    if (!g.metrics.length) out.push([g.name, '–', '0', '–', '–', '–', '–', '–', '–', 'no common cases'])
    g.metrics.forEach((m, i) =>
      out.push([i ? '' : g.name, m.metric, String(m.n), value(m, m.before), value(m, m.after), delta(m, m.delta), `[${delta(m, m.lower)}, ${delta(m, m.upper)}]`, pText(m.adjusted), m.test, m.verdict]),
    )
  }
  return out
}

/** One line saying what the gate decided and why. */
export function decision(c: GateComparison): string {
  if (c.outcome === 'fail') {
    const reasons = [
      ...c.groups.flatMap((g) => g.metrics.filter((m) => m.verdict === 'regressed').map((m) => `${g.name} ${m.metric} ${value(m, m.before)} → ${value(m, m.after)} (${pIs(m.adjusted)})`)),
      ...c.budgets.map((b) => `${b.dataset} over its ${b.gate} budget`),
    ]
    return `FAIL: ${reasons.join('; ')}`
  }
  const ps = c.groups.flatMap((g) => g.metrics.map((m) => `${g.name} ${m.metric} ${pIs(m.adjusted)}`))
  const improved = c.groups.filter((g) => g.verdict === 'improved').map((g) => g.name)
  return `PASS: ${improved.length ? `improved: ${improved.join(', ')}; otherwise no significant change` : 'no significant change'}${ps.length ? ` (${ps.join(', ')})` : ''}`
}

/** How a changed case is described: pass → fail, or its share of passed trials before and after. */
export const changeText = (x: CaseChange) => (x.before % 1 === 0 && x.after % 1 === 0 ? `${x.before ? 'pass' : 'fail'} → ${x.after ? 'pass' : 'fail'}` : `${percent(x.before)} → ${percent(x.after)} of trials`)

/** The lists of changed cases of a group, titled. */
export function caseLists(g: GroupComparison): [string, CaseChange[]][] {
  return [
    ['Regressed', g.regressed],
    ['Improved', g.improved],
    ['Newly flaky', g.newlyFlaky],
  ]
}

function heading(c: GateComparison, sides: GateSides): string[] {
  return [`assay gate: ${sides.current} against ${sides.reference}`, method(c)]
}

/** How many cases were paired and how they were tested. */
export function method(c: GateComparison): string {
  const tests = c.groups.reduce((n, g) => n + g.metrics.length, 0)
  return `${s(c.paired, 'case')} paired in ${s(c.groups.length, 'group')} (${c.added} added, ${c.removed} removed); one-sided tests in the direction of each change at alpha ${c.alpha}, p-values Holm-adjusted over ${s(tests, 'test')}.`
}

/** The terminal report: heading, table, changed cases (at most `limit` per list), budgets, decision. */
export function gateText(c: GateComparison, sides: GateSides, limit = 20): string {
  const table = gateRows(c)
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)))
  const lines = [...heading(c, sides), '', ...table.map((r) => r.map((x, i) => x.padEnd(widths[i]!)).join('  ').trimEnd())]
  for (const g of c.groups) {
    for (const [title, list] of caseLists(g)) {
      if (!list.length) continue
      lines.push('', `${title} in ${g.name} (${list.length}):`, ...list.slice(0, limit).map((x) => `  ${x.label}: ${changeText(x)}`))
      if (list.length > limit) lines.push(`  … and ${list.length - limit} more`)
    }
  }
  if (c.budgets.length) lines.push('', 'Budgets breached:', ...c.budgets.map((b) => `  ${b.dataset} (${b.file}) ${b.gate}: ${b.message}`))
  lines.push('', `assay gate: ${decision(c)}`)
  return `${lines.join('\n')}\n`
}

/** The Markdown for GITHUB_STEP_SUMMARY. */
export function gateMarkdown(c: GateComparison, sides: GateSides, limit = 30): string {
  const table = gateRows(c)
  const [intro, method] = heading(c, sides)
  const lines = [
    `## ${c.outcome === 'fail' ? '❌' : '✅'} ${cell(intro!)}`,
    '',
    cell(decision(c)),
    '',
    cell(method!),
    '',
    `| ${table[0]!.join(' | ')} |`,
    '| --- | --- | ---: | ---: | ---: | ---: | --- | ---: | --- | --- |',
    ...table.slice(1).map((r) => `| ${r.map(cell).join(' | ')} |`),
  ]
  for (const g of c.groups) {
    for (const [title, list] of caseLists(g)) {
      if (!list.length) continue
      lines.push('', `### ${cell(title)} in ${cell(g.name)} (${list.length})`, '', ...list.slice(0, limit).map((x) => `- ${cell(x.label)}: ${changeText(x)}`))
      if (list.length > limit) lines.push(`- … and ${list.length - limit} more`)
    }
  }
  if (c.budgets.length) lines.push('', '### Budgets breached', '', ...c.budgets.map((b) => `- ${cell(b.dataset)} ${b.gate}: ${cell(b.message)}`))
  return `${lines.join('\n')}\n`
}
