// The gate's outputs: the table printed to the terminal and the Markdown of GitHub's step
// summary. Both say the decision first in words, then the table per dataset (before,
// after, delta, interval, p-value, verdict), then the cases that changed. Names and ids
// come from the suite and its data, so each output escapes them its own way: control
// characters shown as escapes in the terminal, Markdown syntax inert in the summary.
import { cell } from '../report/summary.js'
import type { CaseChange, GateComparison, GroupComparison, MetricComparison } from './compare.js'

/** Which two runs were compared, for the heading. */
export interface GateSides {
  current: string
  reference: string
  /** Lines said under the heading: how the checked run was filtered, for one. */
  notes?: string[]
}

/** How a name is shown: as is, or escaped for the output it goes to. */
type Escape = (text: string) => string
const asIs: Escape = (text) => text

const C0_C1 = /[\u0000-\u001f\u007f-\u009f]/g
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' }
/** Text for a terminal: control characters (an ESC sequence, CR, LF, other C0 and C1) shown as escapes, so a name can neither redraw the screen nor break the table. */
export const printable: Escape = (text) => text.replace(C0_C1, (ch) => NAMED[ch] ?? `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`)

/** Text for Markdown: HTML and every character that could start emphasis, strikethrough, code, math, a link, a heading or a cell made inert; line breaks and other control characters shown as escapes. */
export const markdownText: Escape = (text) =>
  printable(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]()#|~$]/g, (ch) => `\\${ch}`)

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
    if (!g.metrics.length) out.push([g.name, '–', '0', '–', '–', '–', '–', '–', '–', g.verdict === 'did not run' ? 'did not run' : 'no common cases'])
    g.metrics.forEach((m, i) =>
      out.push([i ? '' : g.name, m.metric, String(m.n), value(m, m.before), value(m, m.after), delta(m, m.delta), `[${delta(m, m.lower)}, ${delta(m, m.upper)}]`, pText(m.adjusted), m.test, m.verdict]),
    )
  }
  return out
}

/** One line saying what the gate decided and why. */
export function decision(c: GateComparison, name: Escape = asIs): string {
  if (c.outcome === 'fail') {
    const reasons = [
      ...c.groups.filter((g) => g.verdict === 'did not run').map((g) => `${name(g.name)} did not run (none of its ${s(g.removed, 'case')} in the reference is in the run)`),
      ...c.fileErrors.map((f) => `${name(f.file)} has errors`),
      ...c.groups.flatMap((g) => g.metrics.filter((m) => m.verdict === 'regressed').map((m) => `${name(g.name)} ${m.metric} ${value(m, m.before)} → ${value(m, m.after)} (${pIs(m.adjusted)})`)),
      ...c.budgets.map((b) => `${name(b.dataset)} over its ${b.gate} budget`),
    ]
    return `FAIL: ${reasons.join('; ')}`
  }
  const ps = c.groups.flatMap((g) => g.metrics.map((m) => `${name(g.name)} ${m.metric} ${pIs(m.adjusted)}`))
  const improved = c.groups.filter((g) => g.verdict === 'improved').map((g) => name(g.name))
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

function heading(c: GateComparison, sides: GateSides, name: Escape): string[] {
  return [`assay gate: ${name(sides.current)} against ${name(sides.reference)}`, method(c), ...(sides.notes ?? []).map(name)]
}

/** A file's first error line, cut to 300 characters. */
const firstLine = (error: string) => {
  const line = error.trim().split(/\r?\n/)[0] ?? ''
  return line.length > 300 ? `${line.slice(0, 300)}… (+${line.length - 300} chars)` : line
}

/** How many cases were paired and how they were tested. */
export function method(c: GateComparison): string {
  const tests = c.groups.reduce((n, g) => n + g.metrics.length, 0)
  return `${s(c.paired, 'case')} paired in ${s(c.groups.length, 'group')} (${c.added} added, ${c.removed} removed); one-sided tests in the direction of each change at alpha ${c.alpha}, p-values Holm-adjusted over ${s(tests, 'test')}.`
}

/** The terminal report: heading, table, changed cases (at most `limit` per list), budgets, decision. */
export function gateText(c: GateComparison, sides: GateSides, limit = 20): string {
  const table = gateRows(c).map((r) => r.map((x, i) => (i === 0 ? printable(x) : x)))
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)))
  const lines = [...heading(c, sides, printable), '', ...table.map((r) => r.map((x, i) => x.padEnd(widths[i]!)).join('  ').trimEnd())]
  for (const g of c.groups) {
    for (const [title, list] of caseLists(g)) {
      if (!list.length) continue
      lines.push('', `${title} in ${printable(g.name)} (${list.length}):`, ...list.slice(0, limit).map((x) => `  ${printable(x.label)}: ${changeText(x)}`))
      if (list.length > limit) lines.push(`  … and ${list.length - limit} more`)
    }
    if (g.removedCases.length && g.verdict !== 'did not run') {
      lines.push('', `Removed from ${printable(g.name)} (${g.removedCases.length}): in the reference, not in the run:`, ...g.removedCases.slice(0, limit).map((x) => `  ${printable(x)}`))
      if (g.removedCases.length > limit) lines.push(`  … and ${g.removedCases.length - limit} more`)
    }
  }
  if (c.fileErrors.length) lines.push('', 'Test files with errors (their cases may not have run):', ...c.fileErrors.map((f) => `  ${printable(f.file)}: ${printable(firstLine(f.error))}`))
  if (c.budgets.length) lines.push('', 'Budgets breached:', ...c.budgets.map((b) => `  ${printable(b.dataset)} (${printable(b.file)}) ${b.gate}: ${printable(b.message)}`))
  lines.push('', `assay gate: ${decision(c, printable)}`)
  return `${lines.join('\n')}\n`
}

/** The Markdown for GITHUB_STEP_SUMMARY. */
export function gateMarkdown(c: GateComparison, sides: GateSides, limit = 30): string {
  const table = gateRows(c)
  const [intro, method, ...notes] = heading(c, sides, markdownText)
  const lines = [
    `## ${c.outcome === 'fail' ? '❌' : '✅'} ${intro!}`,
    '',
    decision(c, markdownText),
    '',
    cell(method!),
    ...notes.flatMap((n) => ['', n]),
    '',
    `| ${table[0]!.join(' | ')} |`,
    '| --- | --- | ---: | ---: | ---: | ---: | --- | ---: | --- | --- |',
    ...table.slice(1).map((r) => `| ${r.map((x, i) => (i === 0 ? markdownText(x) : cell(x))).join(' | ')} |`),
  ]
  for (const g of c.groups) {
    for (const [title, list] of caseLists(g)) {
      if (!list.length) continue
      lines.push('', `### ${title} in ${markdownText(g.name)} (${list.length})`, '', ...list.slice(0, limit).map((x) => `- ${markdownText(x.label)}: ${changeText(x)}`))
      if (list.length > limit) lines.push(`- … and ${list.length - limit} more`)
    }
    if (g.removedCases.length && g.verdict !== 'did not run') {
      lines.push('', `### Removed from ${markdownText(g.name)} (${g.removedCases.length})`, '', ...g.removedCases.slice(0, limit).map((x) => `- ${markdownText(x)}`))
      if (g.removedCases.length > limit) lines.push(`- … and ${g.removedCases.length - limit} more`)
    }
  }
  if (c.fileErrors.length) lines.push('', '### Test files with errors', '', ...c.fileErrors.map((f) => `- ${markdownText(f.file)}: ${markdownText(firstLine(f.error))}`))
  if (c.budgets.length) lines.push('', '### Budgets breached', '', ...c.budgets.map((b) => `- ${markdownText(b.dataset)} ${b.gate}: ${markdownText(b.message)}`))
  return `${lines.join('\n')}\n`
}
