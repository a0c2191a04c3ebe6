// How far the linear name rules used for long sources (src/text/fastNames.ts) agree with the
// NLP library's reading, which every source under the fast-path limit gets: both read each
// of the 160 written sources of bench/precision, and their sets of names are compared, by
// name and by name and kind, next to the hand labels of those sources. Run after
// `npm run build`: `node bench/fast-names.mjs` (`--diff` lists every difference).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { extractNames, withSurnames } from '../dist/esm/src/text/names.js'
import { fastNames } from '../dist/esm/src/text/fastNames.js'
import { casingOf } from '../dist/esm/src/text/casing.js'
import { foldString } from '../dist/esm/src/text/fold.js'

const written = join(import.meta.dirname, 'precision', 'written')
const jsonl = (file) => readFileSync(join(written, file), 'utf8').trim().split('\n').map((l) => JSON.parse(l))
const sources = jsonl('sources.jsonl')
const labels = new Map(jsonl('source-labels.jsonl').map((l) => [l.id, l.entities]))
const key = (name) => foldString(name).toLowerCase()
const showDiff = process.argv.includes('--diff')

const totals = { library: 0, fast: 0, both: 0, bothKind: 0, labels: 0, libraryLabels: 0, fastLabels: 0, libraryLabelled: 0, fastLabelled: 0 }
let fastMs = 0
for (const source of sources) {
  const casing = casingOf(source.text)
  const library = new Map(extractNames(source.text, casing).map((n) => [key(n.text), n.kind]))
  const started = performance.now()
  const fast = new Map(withSurnames(fastNames(source.text, casing)).map((n) => [key(n.text), n.kind]))
  fastMs += performance.now() - started
  const labelled = (labels.get(source.id) ?? []).map((e) => key(e.name))
  totals.library += library.size
  totals.fast += fast.size
  for (const [name, kind] of library) {
    if (!fast.has(name)) continue
    totals.both++
    if (fast.get(name) === kind) totals.bothKind++
  }
  totals.labels += labelled.length
  totals.libraryLabels += labelled.filter((n) => library.has(n)).length
  totals.fastLabels += labelled.filter((n) => fast.has(n)).length
  totals.libraryLabelled += [...library.keys()].filter((n) => labelled.includes(n)).length
  totals.fastLabelled += [...fast.keys()].filter((n) => labelled.includes(n)).length
  if (showDiff) {
    const onlyLibrary = [...library].filter(([n]) => !fast.has(n)).map(([n, k]) => `${n} (${k})`)
    const onlyFast = [...fast].filter(([n]) => !library.has(n)).map(([n, k]) => `${n} (${k})`)
    const kinds = [...library].filter(([n, k]) => fast.has(n) && fast.get(n) !== k).map(([n, k]) => `${n} (${k} → ${fast.get(n)})`)
    console.log(`${source.id} [${casing}] library only: ${onlyLibrary.join(', ')}\n  fast only: ${onlyFast.join(', ')}\n  kind differs: ${kinds.join(', ')}`)
  }
}
const pct = (a, b) => `${((100 * a) / b).toFixed(1)}%`
console.table([
  { measure: 'names the library finds', value: totals.library },
  { measure: 'names the fast rules find', value: totals.fast },
  { measure: 'agreement by name (Jaccard)', value: pct(totals.both, totals.library + totals.fast - totals.both) },
  { measure: "library's names the fast rules find", value: pct(totals.both, totals.library) },
  { measure: "fast rules' names the library finds", value: pct(totals.both, totals.fast) },
  { measure: 'same kind, of the names both find', value: pct(totals.bothKind, totals.both) },
  { measure: 'hand-labelled names found, library', value: pct(totals.libraryLabels, totals.labels) },
  { measure: 'hand-labelled names found, fast rules', value: pct(totals.fastLabels, totals.labels) },
  { measure: 'names found that are hand-labelled, library', value: pct(totals.libraryLabelled, totals.library) },
  { measure: 'names found that are hand-labelled, fast rules', value: pct(totals.fastLabelled, totals.fast) },
  { measure: 'fast rules, ms for all sources', value: Math.round(fastMs) },
])
