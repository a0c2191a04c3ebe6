// Normalises the written corpus into written/: one file per kind, rows sorted by id, keys in
// a fixed order, so that a re-import changes only what the writers or labellers changed.
// The input folder holds, per batch prefix P, P-sources.jsonl, P-summaries.jsonl,
// P-source-labels.jsonl and P-summary-labels.jsonl.
//
//   node bench/precision/import-written.mjs --from <folder>
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { parseJsonl } from './written.mjs'

const SHAPES = {
  sources: (r) => ({ id: r.id, genre: r.genre, text: r.text }),
  summaries: (r) => ({ id: r.id, sourceId: r.sourceId, prompt: r.prompt, summary: r.summary }),
  'source-labels': (r) => ({ id: r.id, entities: (r.entities ?? []).map((e) => ({ name: e.name, kind: e.kind })) }),
  'summary-labels': (r) => ({
    id: r.id,
    numbers: (r.numbers ?? []).map((n) => ({ text: n.text, status: n.status, ...(n.how ? { how: n.how } : {}) })),
    names: (r.names ?? []).map((n) => ({ name: n.name, inSource: n.inSource })),
    ...(r.note ? { note: r.note } : {}),
  }),
}

const { values } = parseArgs({ options: { from: { type: 'string' } } })
if (!values.from) {
  console.error('Usage: node bench/precision/import-written.mjs --from <folder with P-sources.jsonl, P-summaries.jsonl, P-source-labels.jsonl, P-summary-labels.jsonl>')
  process.exit(2)
}
const files = readdirSync(values.from)
const out = join(import.meta.dirname, 'written')
for (const [kind, shape] of Object.entries(SHAPES)) {
  const rows = files
    .filter((f) => f.match(new RegExp(`^[a-z]+-${kind}\\.jsonl$`)))
    .flatMap((f) => parseJsonl(readFileSync(join(values.from, f), 'utf8'), f).map(shape))
    .sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }))
  const seen = new Set()
  for (const r of rows) {
    if (seen.has(r.id)) throw new Error(`${kind}: the id ${r.id} appears twice in ${values.from}.`)
    seen.add(r.id)
  }
  writeFileSync(join(out, `${kind}.jsonl`), rows.map((r) => JSON.stringify(r)).join('\n') + '\n')
  console.log(`${kind}: ${rows.length}`)
}
