// Renders results.json (plus the run history) into one self-contained HTML page. Every
// string from tests or LLM output goes through `text()` or `attr()`; markup is only ever
// built here, on the server side, so nothing from the data is interpreted by the browser.
import { createHash } from 'node:crypto'
import type { HistoryEntry } from '../../src/report/history.js'
import type { AssertionResult, FileResult, JudgeDetail, LlmCallResult, Results, TestResult } from '../../src/report/schema.js'
import { SCRIPT, STYLE } from './assets.js'

const hash = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`

/** The page's Content-Security-Policy: nothing loads, only the page's own style and script run. */
export const CONTENT_SECURITY_POLICY = `default-src 'none'; style-src ${hash(STYLE)}; script-src ${hash(SCRIPT)}; img-src data:; base-uri 'none'; form-action 'none'`

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
// Bidirectional overrides and isolates can make text read differently from what it is;
// they are shown as visible marks instead of being applied.
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g
const codePoint = (c: string) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`

/** Escapes text for an element's content; bidi controls become visible marks. */
export function text(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ENTITIES[c]!).replace(BIDI, (c) => `<span class="cc">${codePoint(c)}</span>`)
}

/** Escapes text for a double-quoted attribute value; bidi controls are dropped. */
export function attr(value: string): string {
  return value.replace(BIDI, '').replace(/[&<>"']/g, (c) => ENTITIES[c]!)
}

const num = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2))
const money = (n: number | null) => (n === null ? '–' : `$${n < 0.01 && n > 0 ? n.toFixed(6) : n.toFixed(4)}`)
/** Durations differ between runs of the same suite; they are marked so a comparison can mask them. */
const time = (ms: number | null) => `<span class="t">${ms === null ? '–' : ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`}</span>`
const pct = (n: number | null) => (n === null ? '–' : `${(n * 100).toFixed(1)}%`)

function tile(label: string, value: string, cls = ''): string {
  return `<div class="tile${cls ? ` ${cls}` : ''}"><dt>${label}</dt><dd>${value}</dd></div>`
}

function header(r: Results): string {
  const t = r.totals
  const j = t.judge
  return `<header><h1>assay report</h1><p class="meta"><span class="t">${text(r.run.runner)}</span> · ${text(r.run.status)} · started <span class="t">${text(r.run.startedAt)}</span> · ${time(r.run.durationMs)}</p><dl class="tiles">${[
    tile('Passed', String(t.passed), 'pass'),
    tile('Failed', String(t.failed), t.failed ? 'fail' : ''),
    tile('Skipped', String(t.skipped + t.todo), t.skipped + t.todo ? 'skip' : ''),
    tile('LLM assertions', String(t.assertions.total)),
    tile('Failure rate', pct(t.failureRate), t.assertions.failed ? 'fail' : ''),
    tile('Judge live / replayed', `${j.live} / ${j.replayed}`),
    tile('Tokens', String(j.tokens + t.appCalls.tokens)),
    tile('Cost', `${money(j.cost + t.appCalls.cost)}${j.saved ? ` <span class="sub">${money(j.saved)} saved by replay</span>` : ''}`),
    tile('Judge p50 / p95', `${time(j.p50LatencyMs)} / ${time(j.p95LatencyMs)}`),
    tile('Mean judge score', j.meanScore ? `${num(j.meanScore.value)} <span class="t">of ${j.meanScore.scale[1]}</span>` : '–'),
  ].join('')}</dl>${r.run.errors.length ? r.run.errors.map((e) => `<pre class="err">${text(e)}</pre>`).join('') : ''}</header>`
}

function chart(id: string, title: string, values: (number | null)[], label: (v: number) => string): string {
  const points = values.map((v, i) => ({ v, i })).filter((p): p is { v: number; i: number } => p.v !== null)
  if (points.length === 0) return `<div class="chart" id="${id}"><h2>${title}</h2><p>No data yet.</p></div>`
  const w = 240
  const h = 60
  const min = Math.min(...points.map((p) => p.v))
  const max = Math.max(...points.map((p) => p.v))
  const x = (i: number) => (values.length === 1 ? w / 2 : 6 + (i * (w - 12)) / (values.length - 1))
  const y = (v: number) => (max === min ? h / 2 : h - 6 - ((v - min) * (h - 12)) / (max - min))
  const coords = points.map((p) => `${x(p.i).toFixed(1)},${y(p.v).toFixed(1)}`)
  const dots = points.map((p, k) => `<circle${k === points.length - 1 ? ' class="now"' : ''} cx="${x(p.i).toFixed(1)}" cy="${y(p.v).toFixed(1)}" r="3" data-v="${p.v}"><title>${text(label(p.v))}</title></circle>`)
  return `<div class="chart" id="${id}"><h2>${title} <span class="t">(${points.length} run${points.length === 1 ? '' : 's'})</span></h2><svg width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="${attr(title)}">${points.length > 1 ? `<polyline points="${coords.join(' ')}"/>` : ''}${dots.join('')}</svg><p>last ${text(label(points[points.length - 1]!.v))}</p></div>`
}

function trends(history: HistoryEntry[]): string {
  return `<section id="trends">${[
    chart('trend-pass', 'Pass rate', history.map((h) => h.totals.passRate), (v) => pct(v)),
    chart('trend-score', 'Mean judge score', history.map((h) => h.totals.judge.meanScore?.value ?? null), (v) => num(v)),
    chart('trend-cost', 'Cost per run', history.map((h) => h.totals.judge.cost + h.totals.appCalls.cost), (v) => money(v)),
  ].join('')}</section>`
}

function chips(label: string, values: string[], cls = ''): string {
  if (values.length === 0) return ''
  return `<div class="chips"><span class="k">${label}</span>${values.map((v) => `<span class="chip${cls}">${text(v)}</span>`).join('')}</div>`
}

function judge(j: JudgeDetail): string {
  if (j.error !== undefined) return `<div class="judge"><p>No verdict${j.cassetteMiss ? ' (no recorded answer in the cassette)' : ''}:</p><pre class="err">${text(j.error)}</pre></div>`
  const [lo, hi] = j.scale ?? [0, 10]
  const facts = [
    `threshold ${num(j.threshold)}${j.every ? ' (every criterion)' : ''}`,
    `model ${text(j.model ?? '?')}${j.fallback ? ` (fallback ${j.fallback})` : ''}`,
    j.replayed ? 'replayed' : `live, ${j.requests} request${j.requests === 1 ? '' : 's'}`,
    j.samples.length > 1 ? `samples ${j.samples.map(num).join(', ')} (spread ${num(j.spread ?? 0)})` : '1 sample',
    `${j.tokens} tokens`,
    money(j.cost),
    time(j.latencyMs),
  ]
  const rows = j.criteria
    .map((c) => `<tr class="${c.score >= j.threshold ? 'ok' : 'fail'}"><td>${text(c.name)}<br><span class="t">${text(c.description)}</span></td><td class="n">${num(c.score)}</td><td>${text(c.reasoning)}</td></tr>`)
    .join('')
  return `<div class="judge"><div class="score"><meter min="${lo}" max="${hi}" low="${j.threshold}" optimum="${hi}" value="${j.score ?? lo}"></meter><b>${num(j.score ?? 0)}</b> / ${hi} <span class="sum">${facts.join(' · ')}</span></div><table class="crit"><thead><tr><th>Criterion</th><th>Score</th><th>Reasoning</th></tr></thead><tbody>${rows}</tbody></table></div>`
}

function diff(patch: string): string {
  const lines = patch.split('\n').map((l) => {
    const cls = l.startsWith('@@') ? 'd-hunk' : l.startsWith('+') && !l.startsWith('+++') ? 'd-add' : l.startsWith('-') && !l.startsWith('---') ? 'd-del' : ''
    return cls ? `<span class="${cls}">${text(l)}</span>` : text(l)
  })
  return `<pre class="diff">${lines.join('\n')}</pre>`
}

function assertion(a: AssertionResult): string {
  const parts = [
    `<div class="h"><code>${a.negated ? '.not.' : ''}${text(a.matcher)}</code><span class="verdict">${a.pass ? 'passed' : 'failed'}</span>${a.location ? `<span class="t">line ${a.location.line}</span>` : ''}${a.summary ? `<span class="sum">${text(a.summary)}</span>` : ''}</div>`,
  ]
  if (a.judge) parts.push(judge(a.judge))
  if (a.entities) parts.push(chips('Kept', a.entities.kept) + chips('Missing', a.entities.missing, ' miss'))
  if (a.numbers) parts.push(a.numbers.invented.length ? chips('Invented numbers', a.numbers.invented, ' miss') : `<div class="chips"><span class="k">Invented numbers</span><span>none of ${a.numbers.checked}</span></div>`)
  if (a.drift) {
    parts.push(`<div class="chips"><span class="k">Baseline</span><span>${text(a.drift.baseline)} · ${a.drift.status}</span></div>`)
    if (a.drift.changes.length) parts.push(`<ul class="changes">${a.drift.changes.map((c) => `<li>${text(c)}</li>`).join('')}</ul>`)
    if (a.drift.diff) parts.push(diff(a.drift.diff))
  }
  if (!a.pass && a.message) parts.push(`<pre class="msg">${text(a.message)}</pre>`)
  return `<li class="a ${a.pass ? 'ok' : 'fail'}">${parts.join('')}</li>`
}

function calls(list: LlmCallResult[]): string {
  if (list.length === 0) return ''
  const rows = list
    .map((c) => `<tr><td>${text(c.model ?? '?')}</td><td>${text(c.url)}</td><td class="n">${c.status}</td><td>${c.replayed ? 'replayed' : 'live'}</td><td class="n">${c.tokens ?? '–'}</td><td class="n">${money(c.cost)}</td><td class="n">${time(c.latencyMs)}</td></tr>`)
    .join('')
  return `<table class="calls"><thead><tr><th>App LLM call</th><th>URL</th><th>Status</th><th></th><th>Tokens</th><th>Cost</th><th>Latency</th></tr></thead><tbody>${rows}</tbody></table>`
}

const BADGE: Record<TestResult['state'], string> = { passed: '✓', failed: '✗', skipped: '↓', todo: '…' }

function test(t: TestResult): string {
  const matchers = [...new Set(t.assertions.map((a) => a.matcher))].join(' ')
  // A failed assertion's message is shown with the assertion; the runner's copy is not repeated.
  const shown = t.assertions.flatMap((a) => (a.message ? [a.message] : []))
  const body = [
    ...t.errors.filter((e) => !shown.some((m) => e.includes(m))).map((e) => `<pre class="err">${text(e)}</pre>`),
    t.assertions.length ? `<ol class="assertions">${t.assertions.map(assertion).join('')}</ol>` : '',
    calls(t.llmCalls),
  ].join('')
  return `<details class="test s-${t.state}" data-m="${attr(matchers)}"${t.state === 'failed' ? ' open' : ''}><summary><span class="badge">${BADGE[t.state]}</span><span class="name">${text(t.titles.join(' › '))}</span>${t.durationMs === null ? '' : time(t.durationMs)}</summary><div class="body">${body || '<span class="sum">No assay assertions.</span>'}</div></details>`
}

function file(f: FileResult): string {
  const failed = f.tests.filter((t) => t.state === 'failed').length
  const stores = f.stores
    .filter((s) => s.obsolete.length || s.pruned || s.written || s.updated)
    .map((s) => `<div class="chips"><span class="k">${s.kind}</span><span>${text(s.path)}: ${s.written} written, ${s.updated} updated, ${s.obsolete.length} obsolete, ${s.pruned} pruned</span></div>`)
  return `<section class="file" data-file="${attr(f.path)}"><details open><summary>${text(f.path)}<span class="counts">${f.tests.length} test${f.tests.length === 1 ? '' : 's'}${failed ? `, ${failed} failed` : ''}</span></summary>${f.errors.map((e) => `<pre class="err">${text(e)}</pre>`).join('')}${stores.join('')}${f.tests.map(test).join('')}</details></section>`
}

function controls(r: Results): string {
  const matchers = [...new Set(r.files.flatMap((f) => f.tests.flatMap((t) => t.assertions.map((a) => a.matcher))))].sort()
  return `<nav id="controls"><label><input type="checkbox" id="f-failed"> Failed only</label><select id="f-matcher" aria-label="Matcher"><option value="">All matchers</option>${matchers.map((m) => `<option value="${attr(m)}">${text(m)}</option>`).join('')}</select><select id="f-file" aria-label="File"><option value="">All files</option>${r.files.map((f) => `<option value="${attr(f.path)}">${text(f.path)}</option>`).join('')}</select><input type="search" id="q" placeholder="Search tests, messages, reasoning" aria-label="Search"><button type="button" id="expand">Expand all</button><button type="button" id="collapse">Collapse all</button><span id="shown"></span></nav>`
}

/**
 * The report page for a run. `history` holds earlier runs and this one, oldest first; it
 * may be empty.
 */
export function renderHtml(results: Results, history: readonly HistoryEntry[] = []): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer"><title>assay report: ${results.totals.failed ? `${results.totals.failed} failed` : 'passed'}</title><style>${STYLE}</style></head>
<body>${header(results)}${trends([...history])}${controls(results)}<main id="files">${results.files.map(file).join('')}</main><script>${SCRIPT}</script></body></html>
`
}
