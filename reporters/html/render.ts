// Renders results.json (plus the run history) into one self-contained HTML page: the
// header, trend charts and filter controls as markup, built here with every string going
// through `text()` or `attr()`; the tests themselves from results.json (with each test's
// outcomes over the history), embedded gzipped and base64-encoded (no "<" can occur in
// it), which the page's script (client.ts) turns into DOM nodes through text APIs only.
import { createHash } from 'node:crypto'
import { gzipSync } from 'node:zlib'
import { relative, sep } from 'node:path'
import { comparableRuns, outcomeFlips, testKey, testTrends, type HistoryEntry } from '../../src/report/history.js'
import type { Results } from '../../src/report/schema.js'
import { STYLE } from './assets.js'
import { comparisonSection } from './comparison.js'
import { SCRIPT } from './client.js'
import { versionsSection } from './versions.js'

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

function header(r: Results, fullReport: string | undefined): string {
  const t = r.totals
  const j = t.judge
  const judged = j.verdicts + j.failures > 0
  const e = t.embeddings
  // The semantic cache's own embeddings are part of the run's tokens and cost.
  const c = j.semanticCache
  const llm = judged || t.appCalls.calls > 0 || e !== undefined
  const drifts = r.files.some((f) => f.tests.some((x) => x.assertions.some((a) => a.drift)))
  // A card appears only when the run has something to say on it: no dashes for a judge that never ran.
  const tiles = [
    tile('Passed', String(t.passed), 'pass'),
    tile('Failed', String(t.failed), t.failed ? 'fail' : ''),
    t.skipped + t.todo ? tile('Skipped', String(t.skipped + t.todo), 'skip') : '',
    t.assertions.total ? tile('LLM assertions', String(t.assertions.total)) : '',
    t.assertions.total ? tile('Failure rate', pct(t.failureRate), t.assertions.failed ? 'fail' : '') : '',
    judged ? tile('Judge live / replayed', `${j.live} / ${j.replayed}${j.failures ? ` <span class="sub">${j.failures} without a verdict</span>` : ''}`) : '',
    e ? tile('Embeddings live / replayed', `${e.live} / ${e.replayed}${e.failures ? ` <span class="sub">${e.failures} without a similarity</span>` : ''}`) : '',
    t.appCalls.calls ? tile('App LLM calls live / replayed', `${t.appCalls.live} / ${t.appCalls.replayed}`) : '',
    t.cassettes.misses ? tile('Cassette misses', String(t.cassettes.misses), 'fail') : '',
    llm ? tile('Tokens', String(j.tokens + t.appCalls.tokens + (e?.tokens ?? 0) + (c?.tokens ?? 0))) : '',
    llm ? tile('Cost', `${money(j.cost + t.appCalls.cost + (e?.cost ?? 0) + (c?.cost ?? 0))}${j.saved ? ` <span class="sub">${money(j.saved)} saved by replay</span>` : ''}${c ? ` <span class="sub">semantic cache ${money(c.cost)}, ${c.callsSaved} judge call${c.callsSaved === 1 ? '' : 's'} saved</span>` : ''}`) : '',
    t.batch ? tile('Batch API', `${t.batch.requests} answers${t.batch.cost === null ? '' : ` · ${money(t.batch.cost)} <span class="sub">instead of ${money(t.batch.liveCost)} live: ${money(t.batch.saved)} saved</span>`}`) : '',
    j.verdicts ? tile('Judge p50 / p95', `${time(j.p50LatencyMs)} / ${time(j.p95LatencyMs)}`) : '',
    j.meanScore ? tile('Mean judge score', `${num(j.meanScore.value)} <span class="t">of ${j.meanScore.scale[1]}</span>`) : '',
    drifts || t.baselines.written + t.baselines.updated ? tile('Baselines drifted', String(t.baselines.drifted), t.baselines.drifted ? 'fail' : '') : '',
  ]
  const partial = r.run.partialOf === undefined ? '' : `<p class="partial" id="partial">Partial run: ${r.files.length} of ${r.run.partialOf} files.${fullReport ? ` The last full run's report: <a href="${attr(fullReport)}">${text(fullReport)}</a>` : ''}</p>`
  return `<header><h1>assay report</h1><p class="meta"><span class="t">${text(r.run.runner)}</span> · ${text(r.run.status)} · started <span class="t">${text(r.run.startedAt)}</span> · ${time(r.run.durationMs)}</p>${partial}<dl class="tiles">${tiles.join('')}</dl>${r.run.errors.length ? r.run.errors.map((e) => `<pre class="err">${text(e)}</pre>`).join('') : ''}</header>`
}

function chart(id: string, title: string, values: (number | null)[], label: (v: number) => string): string {
  const points = values.map((v, i) => ({ v, i })).filter((p): p is { v: number; i: number } => p.v !== null)
  if (points.length === 0) return ''
  const last = label(points[points.length - 1]!.v)
  if (points.length === 1) return `<div class="chart" id="${id}"><h2>${title}</h2><p class="one">One run so far: <b>${text(last)}</b></p></div>`
  // The plot sits right of the value labels, above the run axis.
  const w = 280
  const h = 84
  const left = 52
  const top = 8
  const bottom = h - 16
  const right = w - 8
  const min = Math.min(...points.map((p) => p.v))
  const max = Math.max(...points.map((p) => p.v))
  const x = (i: number) => left + 4 + (i * (right - left - 8)) / (values.length - 1)
  const y = (v: number) => (max === min ? (top + bottom) / 2 : bottom - 4 - ((v - min) * (bottom - top - 8)) / (max - min))
  const coords = points.map((p) => `${x(p.i).toFixed(1)},${y(p.v).toFixed(1)}`)
  const dots = points.map((p, k) => `<circle${k === points.length - 1 ? ' class="now"' : ''} cx="${x(p.i).toFixed(1)}" cy="${y(p.v).toFixed(1)}" r="3" data-v="${p.v}"><title>${text(label(p.v))}</title></circle>`)
  const axes = `<path class="axis" d="M${left} ${top}V${bottom}H${right}"/><text class="max" x="${left - 4}" y="${top + 8}">${text(label(max))}</text>${max === min ? '' : `<text class="min" x="${left - 4}" y="${bottom}">${text(label(min))}</text>`}<text class="runs" x="${left}" y="${h - 3}">oldest</text><text class="runs end" x="${right}" y="${h - 3}">newest</text>`
  return `<div class="chart" id="${id}"><h2>${title} <span class="t">(${points.length} runs)</span></h2><svg width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="${attr(title)}">${axes}<polyline points="${coords.join(' ')}"/>${dots.join('')}</svg><p>last <b class="last">${text(last)}</b> · min ${text(label(min))} · max ${text(label(max))}</p></div>`
}

function trends(history: HistoryEntry[], files: number): string {
  const charts = [
    chart('trend-pass', 'Pass rate', history.map((h) => h.totals.passRate), (v) => pct(v)),
    chart('trend-score', 'Mean judge score', history.map((h) => h.totals.judge.meanScore?.value ?? null), (v) => num(v)),
    chart('trend-cost', 'Cost per run', history.map((h) => h.totals.judge.cost + h.totals.appCalls.cost), (v) => money(v)),
  ].join('')
  if (!charts) return ''
  return `<section id="trends"><p class="scope">Trends over the runs of ${files === 1 ? 'this test file' : `these ${files} test files`}</p>${charts}</section>`
}

function controls(r: Results): string {
  const matchers = [...new Set(r.files.flatMap((f) => f.tests.flatMap((t) => t.assertions.map((a) => a.matcher))))].sort()
  return `<nav id="controls"><label><input type="checkbox" id="f-failed"> Failed only</label><select id="f-matcher" aria-label="Matcher"><option value="">All matchers</option>${matchers.map((m) => `<option value="${attr(m)}">${text(m)}</option>`).join('')}</select><select id="f-file" aria-label="File"><option value="">All files</option>${r.files.map((f) => `<option value="${attr(f.path)}">${text(f.path)}</option>`).join('')}</select><input type="search" id="q" placeholder="Search tests, messages, reasoning" aria-label="Search"><button type="button" id="expand">Expand all</button><button type="button" id="collapse">Collapse all</button><span id="shown"></span></nav>`
}

/** Where a page sits, so that it can link to test files. */
export interface PageOptions {
  /** The project root (absolute): failed assertions link to their file and line in it. */
  root?: string
  /** The folder index.html is written to. */
  page?: string
  /** The last full run's report, for a partial run's page. */
  fullReport?: string
}

/**
 * The report page for a run. `history` holds earlier runs and this one, oldest first; it
 * may be empty. Trend charts use only the runs over the same test files as this one; a
 * test's outcomes (and whether it is flaky) come from every run it was in.
 */
export function renderHtml(results: Results, history: readonly HistoryEntry[] = [], options: PageOptions = {}): string {
  const keys = new Map<string, string>()
  for (const f of results.files) for (const t of f.tests) keys.set(testKey(f.path, t.titles), f.path)
  const all = testTrends(history, keys)
  const trend: Record<string, string> = {}
  const flaky: Record<string, number> = {}
  for (const [key, runs] of Object.entries(all)) {
    if (runs.replace(/\|/g, '').length < 2) continue
    trend[key] = runs
    const flips = outcomeFlips(runs)
    if (flips >= 2) flaky[key] = flips
  }
  const links = options.root && options.page ? { root: options.root.split(sep).join('/'), fromPage: relative(options.page, options.root).split(sep).join('/') } : null
  const data = gzipSync(JSON.stringify({ results, trend, flaky, links }), { level: 6 }).toString('base64')
  const fullReport = options.fullReport && options.page ? relative(options.page, options.fullReport).split(sep).join('/') : undefined
  const scope = results.run.scope ?? results.files.map((f) => f.path)
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer"><title>assay report: ${results.totals.failed ? `${results.totals.failed} failed` : 'passed'}</title><style>${STYLE}</style></head>
<body>${header(results, fullReport)}${comparisonSection(results, history)}${versionsSection(results)}${trends(comparableRuns(history, scope), scope.length)}${controls(results)}<main id="files"><noscript><pre class="err">The test list needs JavaScript. results.json beside this page holds the same data.</pre></noscript></main><script type="application/gzip-base64" id="assay-data">${data}</script><script>${SCRIPT}</script></body></html>
`
}
