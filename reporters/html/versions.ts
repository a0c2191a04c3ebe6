// The report page's view of prompt versions: for each dataset run with several versions of
// its prompt, the versions side by side (pass rate with its interval, mean score, cost,
// p95 latency, gates), what `assay gate --versions` says of each step, and each case's
// pass rate per version. Every string goes through `text()`.
import { compareVersions, stepLines } from '../../src/gate/versions.js'
import { compareVersions as versionOrder } from '../../src/prompts/order.js'
import type { DatasetResult, Results } from '../../src/report/schema.js'
import { attr, text } from './render.js'

/** Case rows shown per dataset; the rest are counted. */
const LIMIT = 200

const pct = (n: number) => `${(n * 100).toFixed(1)}%`
const interval = (i: { value: number; lower: number; upper: number; confidence: number }, shown: (n: number) => string) =>
  `${shown(i.value)} (${Math.round(i.confidence * 100)}% CI ${shown(i.lower)}–${shown(i.upper)})`

function sideBySide(versions: DatasetResult[]): string {
  const row = (label: string, cell: (d: DatasetResult) => string) => `<tr><th scope="row">${text(label)}</th>${versions.map((d) => `<td>${text(cell(d))}</td>`).join('')}</tr>`
  const head = `<tr><th></th>${versions.map((d) => `<th scope="col" title="${attr(`sha256 ${d.prompt!.hash}`)}">${text(d.prompt!.version)}</th>`).join('')}</tr>`
  return `<table class="cmp versions"><thead>${head}</thead><tbody>${[
    row('Cases', (d) => `${d.cases} (${d.trials} trials)`),
    row('Pass rate', (d) => `${interval(d.passRate, pct)}, ${d.passedTrials}/${d.trials}`),
    row('Mean score', (d) => (d.meanScore ? `${interval(d.meanScore, (n) => n.toFixed(2))} on ${d.meanScore.scale[0]}–${d.meanScore.scale[1]}` : '–')),
    row('Cost', (d) => `$${d.cost.toFixed(4)}`),
    row('p95 latency', (d) => (d.p95LatencyMs === null ? '–' : `${Math.round(d.p95LatencyMs)} ms`)),
    row('Gates', (d) => (d.gates.length ? d.gates.map((g) => `${g.name} ${g.pass ? 'passed' : 'failed'}`).join(', ') : 'none')),
    row('Status', (d) => d.status),
  ].join('')}</tbody></table>`
}

function perCase(results: Results, file: string, versions: DatasetResult[]): string {
  const rates = new Map<string, Map<string, number>>()
  for (const f of results.files) {
    if (f.path !== file) continue
    for (const t of f.tests) {
      const e = t.eval
      if (!e?.prompt || e.dataset !== versions[0]!.name || e.prompt.name !== versions[0]!.prompt!.name) continue
      const row = rates.get(e.id) ?? new Map<string, number>()
      row.set(e.prompt.version, e.passRate)
      rates.set(e.id, row)
    }
  }
  const ids = [...rates.keys()]
  const cell = (rate: number | undefined) => (rate === undefined ? '<td>–</td>' : `<td class="${rate === 1 ? 'v-good' : rate === 0 ? 'v-bad' : ''}">${text(pct(rate))}</td>`)
  const body = ids.slice(0, LIMIT).map((id) => `<tr><th scope="row">${text(id)}</th>${versions.map((d) => cell(rates.get(id)!.get(d.prompt!.version))).join('')}</tr>`)
  const more = ids.length > LIMIT ? `<p class="method">${text(`… and ${ids.length - LIMIT} more cases`)}</p>` : ''
  return `<details class="cmp-list"><summary>${text(`Pass rate per case (${ids.length})`)}</summary><table class="cmp per-case"><thead><tr><th scope="col">Case</th>${versions.map((d) => `<th scope="col">${text(d.prompt!.version)}</th>`).join('')}</tr></thead><tbody>${body.join('')}</tbody></table>${more}</details>`
}

/** The prompt versions section, or '' when no dataset ran more than one version. */
export function versionsSection(results: Results): string {
  const groups = new Map<string, DatasetResult[]>()
  for (const d of results.datasets ?? []) {
    if (!d.prompt) continue
    const key = JSON.stringify([d.file, d.name, d.prompt.name])
    groups.set(key, [...(groups.get(key) ?? []), d])
  }
  const compared = [...groups.values()].filter((g) => g.length > 1)
  if (!compared.length) return ''
  const found = compareVersions(results, versionOrder)
  const lines = stepLines(found)
  const blocks = compared.map((versions) => {
    versions.sort((a, b) => versionOrder(a.prompt!.version, b.prompt!.version))
    const { name, file, prompt } = versions[0]!
    const said = lines.filter((_, i) => found.steps[i]!.file === file && found.steps[i]!.dataset === name && found.steps[i]!.prompt === prompt!.name)
    return `<article class="versions-dataset"><h3>${text(`${name} — prompt ${prompt!.name}`)} <span class="t">${text(file)}</span></h3>${sideBySide(versions)}${said.map((s) => `<p class="method">${text(s)}</p>`).join('')}${perCase(results, file, versions)}</article>`
  })
  return `<section id="versions"><h2>Prompt versions</h2>${blocks.join('')}</section>`
}
