// Benchmark P6: the semantic judge cache on a support-style dataset
// (fixtures/datasets/support-replies.jsonl, written by bench/p6-dataset.mjs): near-duplicate
// replies, which may share a verdict, and traps that look alike but deserve another one.
// Every output goes through runJudge against the fixture server, whose scripted judge gives
// each output the score its row carries (the verdict a fresh judge gives it). Reported: judge
// calls saved, and wrong reuses (a reused verdict that differs from the output's own).
//
// The embedding is the fixture server's: a 64-dimension bag of hashed words. It is lexical,
// not semantic: it sees whitespace, case and punctuation changes as identical and a one-word
// change as close, and it does not see synonyms as synonyms. A real embedding model places
// rewordings closer (more reuse) and some traps closer too (more work for the guard).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startFixtureServer } from '../dist/esm/fixtures/server/index.js'
import { embed as lexicalEmbed } from '../dist/esm/fixtures/server/sample.js'
import { JudgeClient } from '../dist/esm/src/judge/client.js'
import { runJudge } from '../dist/esm/src/judge/judge.js'
import { cosine } from '../dist/esm/src/judge/cosine.js'
import { semanticCacheFor } from '../dist/esm/src/judge/semantic-cache.js'
import { nodeFileSystem } from '../dist/esm/src/store/file.js'

const root = join(import.meta.dirname, '..')
const rows = readFileSync(join(root, 'fixtures', 'datasets', 'support-replies.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l))
const scoreOf = new Map(rows.map((r) => [r.output, r.score]))

// The scripted judge: reads the output from its fence and answers with the row's score.
const FENCED = /OUTPUT:\n<<<(ASSAY-[0-9a-f]+)\n([\s\S]*)\n\1>>>/
const server = await startFixtureServer({
  respond: (body) => {
    const output = FENCED.exec(String(body.messages.at(-1).content))?.[2]
    const score = scoreOf.get(output)
    if (score === undefined) throw new Error(`the fixture judge was asked about an output not in the dataset: ${output}`)
    return JSON.stringify({ criteria: { accuracy: { reasoning: 'Checked against the ticket.', score } } })
  },
})

// A fixed order that interleaves tickets and variants, as a suite's assertions would come.
const order = rows.map((r, i) => ({ r, k: (i * 7919) % rows.length })).sort((a, b) => a.k - b.k).map((x) => x.r)
// The lexical vectors are computed here, so the look-ups send no request and cost nothing.
const embedAll = async (texts) => ({ vectors: texts.map((t) => lexicalEmbed(t)), replayed: true, requests: 0, usage: { total_tokens: 0 }, cost: 0 })

async function measure(threshold) {
  const dir = mkdtempSync(join(tmpdir(), 'assay-p6-'))
  const rt = {
    client: new JudgeClient({ endpoints: [{ model: 'gpt-4o-mini', baseURL: server.url, apiKey: 'bench-key' }], random: () => 0 }),
    model: 'gpt-4o-mini',
    temperature: 0,
    cacheMode: 'auto',
    fs: nodeFileSystem(),
    cassettes: new Map(),
    capabilities: { logprobs: true, n: true, jsonSchema: true },
    semantic: semanticCacheFor({ threshold }, 'auto', 'fixture-lexical-64', embedAll, {}),
  }
  const before = server.requests.length
  const started = performance.now()
  const reused = []
  const wrong = []
  for (const row of order) {
    const v = await runJudge({ output: row.output, source: row.source, criteria: ['accuracy'], testPath: join(dir, 'support.test.ts') }, rt)
    if (!v.reusedFrom) continue
    reused.push(row)
    if (v.overall !== row.score) wrong.push({ row, from: v.reusedFrom.output, similarity: v.reusedFrom.similarity })
  }
  const ms = performance.now() - started
  const calls = server.requests.length - before
  rmSync(dir, { recursive: true, force: true })
  return { threshold, calls, reused, wrong, ms }
}

// What an embedding alone would reuse, without the guard: each output against those judged
// before it for the same ticket, taking the most similar at or above the threshold.
function embeddingOnly(threshold) {
  const judged = new Map()
  let reused = 0
  let wrong = 0
  for (const row of order) {
    const earlier = judged.get(row.ticket) ?? []
    const vector = lexicalEmbed(row.output)
    const best = earlier.map((e) => ({ e, s: cosine(vector, e.vector) })).filter((c) => c.s >= threshold).sort((a, b) => b.s - a.s)[0]
    if (best) {
      reused++
      if (best.e.score !== row.score) wrong++
      continue
    }
    judged.set(row.ticket, [...earlier, { vector, score: row.score }])
  }
  return { reused, wrong }
}

const near = rows.filter((r) => r.kind === 'near-duplicate').length
const traps = rows.filter((r) => r.kind === 'trap').length
console.log(`P6 semantic judge cache: ${rows.length} support replies (${near} near-duplicates, ${traps} traps, ${new Set(rows.map((r) => r.ticket)).size} tickets); embedding: the fixture server's lexical 64-dimension bag of words, not a semantic model`)
const results = []
for (const threshold of [0.97, 0.9, 0.8]) {
  const m = await measure(threshold)
  const e = embeddingOnly(threshold)
  results.push(m)
  const byVariant = {}
  for (const r of m.reused) byVariant[r.variant] = (byVariant[r.variant] ?? 0) + 1
  console.log(
    `  threshold ${threshold}: ${m.calls} judge calls for ${rows.length} outputs, ${m.reused.length} verdicts reused: ${((100 * m.reused.length) / rows.length).toFixed(1)}% of judge calls saved; wrong reuses ${m.wrong.length}` +
      ` (embedding alone, without the guard: ${e.reused} reused, ${e.wrong} wrong); ${Math.round(m.ms)} ms`,
  )
  console.log(`    reused by variant: ${Object.entries(byVariant).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}`)
  for (const w of m.wrong) console.log(`    WRONG: ${w.row.id} (score ${w.row.score}) reused from "${w.from.slice(0, 80)}…" at ${w.similarity.toFixed(3)}`)
}
await server.close()
const main = results[0]
const saved = main.reused.length / rows.length
console.log(`  goal at the default threshold 0.97: ≥30% saved and 0 wrong reuses: ${saved >= 0.3 && main.wrong.length === 0 ? 'met' : 'NOT met'}`)
if (results.some((r) => r.wrong.length > 0)) process.exitCode = 1
