// The cost of a semantic judge cache look-up against the size of the question's index: a
// look-up compares the output with every indexed one, so it should grow linearly with the
// index, and a run's look-ups should not re-read or re-decode the whole index each time.
// Indexes of 1,000 and 10,000 outputs (the cap raised to hold them) of 1,536-dimension
// vectors, as text-embedding-3-small gives; 50 look-ups of new outputs each, every one
// indexed after it (as a fresh verdict is). `node bench/semantic-index.mjs` after `npm run build`.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Cassette } from '../dist/esm/src/judge/cassette.js'
import { lookUp, semanticCacheFor, SemanticIndex } from '../dist/esm/src/judge/semantic-cache.js'
import { nodeFileSystem } from '../dist/esm/src/store/file.js'

const DIMENSIONS = 1536
const LOOKUPS = 50
let seed = 1
// A fixed pseudo-random sequence, so runs compare; random directions are far apart, so no
// look-up finds a candidate and each one pays the full scan.
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1
const vector = () => Array.from({ length: DIMENSIONS }, random)

const dir = mkdtempSync(join(tmpdir(), 'assay-semantic-index-'))
const rows = []
for (const size of [1_000, 10_000]) {
  const cassette = new Cassette(nodeFileSystem(), join(dir, `${size}.json`))
  // Writes wait for a flush that never comes: the bench measures the look-up, not the disk.
  cassette.writeBehind(3_600_000)
  const question = `question-${size}`
  const filling = new SemanticIndex(cassette, question, 'm', size + LOOKUPS)
  for (let i = 0; i < size; i++) filling.add(`output ${i}`, vector(), `key-${i}`)
  const vectors = Array.from({ length: LOOKUPS }, vector)
  let next = 0
  const cache = semanticCacheFor({ threshold: 0.97, maxEntries: size + LOOKUPS }, 'auto', 'm', async () => ({ vectors: [vectors[next++]], replayed: true, requests: 0, usage: { total_tokens: 0 }, cost: 0 }), {})
  const started = performance.now()
  for (let i = 0; i < LOOKUPS; i++) {
    const found = await lookUp(cache, { cassette, question, output: `new output ${i}`, key: `new-${i}` }, () => Promise.reject(new Error('no candidate expected')))
    if ('verdict' in found) throw new Error('a random vector found a near-duplicate')
    found.remember?.()
  }
  const ms = (performance.now() - started) / LOOKUPS
  rows.push({ size, ms })
}
rmSync(dir, { recursive: true, force: true })
console.log(`semantic cache look-up, ${DIMENSIONS} dimensions, ${LOOKUPS} look-ups each followed by indexing the output:`)
for (const r of rows) console.log(`  index of ${String(r.size).padStart(6)} outputs: ${r.ms.toFixed(2)} ms per look-up`)
const ratio = rows[1].ms / rows[0].ms
console.log(`  10× the index costs ${ratio.toFixed(1)}× per look-up (linear: about 10×)`)
if (ratio > 20) throw new Error(`a look-up grew ${ratio.toFixed(1)}× for a 10× index: worse than linear`)
