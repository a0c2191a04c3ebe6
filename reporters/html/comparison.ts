// The report page's comparison with the previous run: what `assay gate --against previous`
// would say, as markup (the decision, the table per dataset, the regressed, improved and
// newly flaky cases, the breached budgets). Every string goes through `text()`.
import { casesFromHistory, casesFromResults, previousRun, runFacts } from '../../src/gate/cases.js'
import { compareRuns } from '../../src/gate/compare.js'
import { caseLists, changeText, decision, gateRows, method } from '../../src/gate/render.js'
import type { HistoryEntry } from '../../src/report/history.js'
import type { Results } from '../../src/report/schema.js'
import { text } from './render.js'

/** Cases listed per list on the page; the rest are counted. */
const LIMIT = 100

/** The comparison section, or '' when there is no earlier run or no case in common with it. */
export function comparisonSection(results: Results, history: readonly HistoryEntry[]): string {
  const previous = previousRun(history, results.run.startedAt)
  if (!previous) return ''
  const c = compareRuns(casesFromHistory(previous), casesFromResults(results), runFacts(results))
  if (!c.paired) return ''
  const [head, ...body] = gateRows(c)
  const verdictClass = (v: string) => (v === 'regressed' || v === 'did not run' ? ' class="v-bad"' : v === 'improved' ? ' class="v-good"' : '')
  const table = `<table class="cmp"><thead><tr>${head!.map((h) => `<th>${text(h)}</th>`).join('')}</tr></thead><tbody>${body.map((r) => `<tr>${r.map((x, i) => `<td${i === r.length - 1 ? verdictClass(x) : ''}>${text(x)}</td>`).join('')}</tr>`).join('')}</tbody></table>`
  const lists = c.groups.flatMap((g) =>
    caseLists(g).flatMap(([title, list]) => {
      if (!list.length) return []
      const more = list.length > LIMIT ? `<li>… and ${list.length - LIMIT} more</li>` : ''
      return [`<details class="cmp-list"><summary>${text(`${title} in ${g.name} (${list.length})`)}</summary><ul>${list.slice(0, LIMIT).map((x) => `<li>${text(`${x.label}: ${changeText(x)}`)}</li>`).join('')}${more}</ul></details>`]
    }),
  )
  const budgets = c.budgets.length ? `<ul class="cmp-budgets">${c.budgets.map((b) => `<li>${text(`${b.dataset} ${b.gate}: ${b.message}`)}</li>`).join('')}</ul>` : ''
  return `<section id="comparison" class="${c.outcome === 'fail' ? 'cmp-fail' : 'cmp-pass'}"><h2>Compared with the previous run <span class="t">(${text(previous.run.startedAt)})</span></h2><p class="decision">${text(decision(c))}</p><p class="method">${text(method(c))}</p>${table}${budgets}${lists.join('')}</section>`
}
