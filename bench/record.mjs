// What recording costs as a cassette grows: 1,000 answers recorded into one test file's
// cassette, arriving 2 ms apart (a fast live run), written the way the judge writes them
// (write-behind, one update per 500 ms window) and, for comparison, one update per answer
// (the whole file re-read, re-serialised, fsynced and renamed each time). Entries are the
// size of a three-criterion verdict with its token log-probs.
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Cassette, openCassette } from '../dist/esm/src/judge/cassette.js'
import { nodeFileSystem } from '../dist/esm/src/store/file.js'

const N = 1000
const entry = (i) => ({
  request: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: `Score output ${i}. ${'The article text. '.repeat(40)}` }], params: { temperature: 0 } },
  response: { id: `chatcmpl-${i}`, choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: '{"criteria":{"accuracy":{"reasoning":"Fine.","score":8}}}' } }], logprobs: 'x'.repeat(5000) },
  usage: { prompt_tokens: 300, completion_tokens: 60, total_tokens: 360 },
  cost: 0.0001,
  latencyMs: 120,
  recordedAt: new Date(0).toISOString(),
})
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

async function measure(name, cassette, count) {
  const dir = mkdtempSync(join(tmpdir(), 'assay-bench-record-'))
  const path = join(dir, '__llm_cassettes__', 'a.test.ts.json')
  const store = cassette(path)
  let writing = 0
  const started = performance.now()
  for (let i = 0; i < count; i++) {
    const t = performance.now()
    store.record(`key-${i}`, entry(i))
    writing += performance.now() - t
    await sleep(2)
  }
  const t = performance.now()
  store.flush()
  writing += performance.now() - t
  const wall = performance.now() - started
  let size = 0
  try {
    size = statSync(path).size
  } catch {}
  rmSync(dir, { recursive: true, force: true })
  return { name, count, wallSeconds: wall / 1000, writingSeconds: writing / 1000, fileMB: size / 1e6 }
}

const fs = nodeFileSystem()
// The same loop with a store that writes nothing: what the 2 ms arrivals cost on their own.
const idle = await measure('no store (the arrivals alone)', () => ({ record() {}, flush() {} }), N)
const behind = await measure('write-behind (the judge and recordingFetch)', (p) => openCassette(p, fs), N)
// One update per answer is quadratic: 300 answers show the trend without a minute's wait.
const each = await measure('one update per answer', (p) => new Cassette(fs, p), 300)
const rows = [idle, behind, each].map((r) => ({ ...r, overheadSeconds: Math.max(0, r.wallSeconds - (idle.wallSeconds * r.count) / N) }))
console.table(rows.map((r) => ({ name: r.name, answers: r.count, wallSeconds: r.wallSeconds.toFixed(2), 'writing overhead s': r.overheadSeconds.toFixed(2), 'ms per answer': ((r.overheadSeconds * 1000) / r.count).toFixed(2), fileMB: r.fileMB.toFixed(2) })))
console.log(`Recording ${N} answers into one cassette costs ${rows[1].overheadSeconds.toFixed(2)} s of writing with write-behind; one update per answer cost ${rows[2].overheadSeconds.toFixed(2)} s for ${each.count} (quadratic: ~${((rows[2].overheadSeconds * (N / each.count) ** 2)).toFixed(0)} s for ${N}).`)
