// Loading a dataset must take time linear in its size: loadDataset over JSONL and CSV
// files of 10,000 and 100,000 rows (about 0.1 and 1 MB of text for CSV, more for JSONL),
// median of 5 loads each. Linear growth keeps the time per row flat (a ratio near 10);
// on a loaded machine garbage collection makes the larger size vary by about 2×.
// Run with `npm run build && node bench/dataset.mjs`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { z } from 'zod'
import { loadDataset } from '../dist/esm/src/eval/dataset.js'

const dir = mkdtempSync(join(tmpdir(), 'assay-dataset-bench-'))
const schema = z.object({ id: z.string(), article: z.string() })
const article = (i) => `Row ${i}: the council approved ${i % 97} new homes, at a cost of ${i % 13}.5 million.`

function median(fn) {
  const times = []
  for (let k = 0; k < 5; k++) {
    const t = performance.now()
    fn()
    times.push(performance.now() - t)
  }
  return times.sort((a, b) => a - b)[2]
}

try {
  const rows = []
  for (const format of ['jsonl', 'csv']) {
    const ms = {}
    for (const n of [10_000, 100_000]) {
      const lines = Array.from({ length: n }, (_, i) => (format === 'jsonl' ? JSON.stringify({ id: `r${i}`, article: article(i) }) : `r${i},"${article(i)}"`))
      const text = `${format === 'csv' ? 'id,article\n' : ''}${lines.join('\n')}\n`
      const file = `rows-${n}.${format}`
      writeFileSync(join(dir, file), text)
      ms[n] = median(() => loadDataset(file, schema, { root: dir }))
      rows.push(`| ${format.toUpperCase()} | ${n.toLocaleString('en-US')} | ${(text.length / 1e6).toFixed(1)} MB | ${ms[n].toFixed(0)} ms | ${((ms[n] / n) * 1000).toFixed(1)} µs |`)
    }
    rows.push(`| ${format.toUpperCase()} | 100,000 ÷ 10,000 | | ${(ms[100_000] / ms[10_000]).toFixed(1)}× | |`)
  }
  console.log(['| Format | Rows | Size | Median load | Per row |', '| --- | --- | --- | --- | --- |', ...rows].join('\n'))
} finally {
  rmSync(dir, { recursive: true, force: true })
}
