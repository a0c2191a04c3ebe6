import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { startFixtureServer } from '../dist/esm/fixtures/server/index.js'
import { sampleRun } from '../dist/esm/fixtures/report/sample-run.js'
import { buildResults } from '../dist/esm/src/report/build.js'
import { JudgeClient } from '../dist/esm/src/judge/client.js'
import { runJudge, type JudgeRuntime, type Verdict } from '../dist/esm/src/judge/judge.js'
import { emitRecord, setRecordSink, type AssayRecord } from '../dist/esm/src/report/records.js'
import { holdsSecrets, redact, redactDeep, registerSecret, resetSecrets } from '../dist/esm/src/secrets.js'
import { nodeFileSystem } from '../dist/esm/src/store/file.js'
import { median, report, time } from './measure.js'

// What redaction costs: one scan of a 1 MB text, and its share of a replayed verdict (the
// judge record every toScoreAtLeast leaves, redacted before it reaches the reporters).
const fixtures = join(import.meta.dirname, '../fixtures/summaries')
const corpus = ['apple-q3', 'ecb-rates'].map((name) => readFileSync(join(fixtures, `${name}.article.txt`), 'utf8')).join('\n\n')
const big = corpus.repeat(Math.ceil(1_048_576 / corpus.length)).slice(0, 1_048_576)
const keys = ['sk-proj-bench0123456789abcdefghijklmnopqrstuvwxyz', 'sk-fallback-bench-0123456789', 'gw-token-bench-0123456789']

test('redaction', async () => {
  resetSecrets()
  for (const k of keys) registerSecret(k)
  const clean = time(() => redact(big), 1, 15)
  const scan = time(() => big.indexOf(keys[0]!), 1, 15)
  const check = time(() => holdsSecrets(big), 1, 15)
  const dirty = `${big.slice(0, 500_000)}${keys.join(' ')}${big.slice(500_000)}`
  const found = time(() => redact(dirty), 1, 15)
  expect(redact(dirty)).not.toContain(keys[0])

  // The reporter's check of a big run's results.json before it writes it (the report benchmark's run).
  const resultsJson = `${JSON.stringify(buildResults(sampleRun({ tests: 5000, perFile: 50, judgeAll: true })), null, 2)}\n`
  const reportCheck = time(() => holdsSecrets(resultsJson), 1, 9)
  const stringify = time(() => JSON.stringify(JSON.parse(resultsJson), null, 2), 1, 5)

  // A replayed verdict: the cassette answers, and the record goes to a sink as in a runner.
  const dir = mkdtempSync(join(tmpdir(), 'assay-bench-secrets-'))
  const server = await startFixtureServer({ respond: () => JSON.stringify({ criteria: Object.fromEntries(['accuracy', 'completeness', 'conciseness'].map((k) => [k, { reasoning: 'The summary keeps every figure of the article and adds nothing the source does not say.', score: 8 }])) }) })
  const runtime = (cacheMode: JudgeRuntime['cacheMode']): JudgeRuntime => ({
    client: new JudgeClient({ endpoints: [{ model: 'gpt-4o-mini', baseURL: server.url, apiKey: keys[0] }] }),
    model: 'gpt-4o-mini',
    temperature: 0,
    cacheMode,
    fs: nodeFileSystem(),
    cassettes: new Map(),
    capabilities: { logprobs: true, n: true, jsonSchema: true },
  })
  const ask = { output: '- Revenue rose 5% to $85.8 billion.\n- Tim Cook announced it.', source: corpus.slice(0, 2000), testPath: join(dir, 'bench.test.ts') }
  await runJudge(ask, runtime('auto'))
  const replay = runtime('lockdown')
  const kept: AssayRecord[] = []
  setRecordSink((r) => void (kept.push(r) > 1000 && (kept.length = 0)))
  const record = (verdict: Verdict): AssayRecord => ({ kind: 'judge', matcher: 'toScoreAtLeast', testPath: ask.testPath, testName: 'bench', threshold: 7, every: false, negated: false, pass: true, verdict })
  const perVerdict: number[] = []
  for (let round = 0; round < 15; round++) {
    const start = performance.now()
    for (let i = 0; i < 200; i++) emitRecord(record(await runJudge(ask, replay)))
    perVerdict.push((performance.now() - start) / 200)
  }
  const verdict = await runJudge(ask, replay)
  const redactRecord = time(() => redactDeep(record(verdict)), 2_000, 15)
  setRecordSink(undefined)
  await server.close()
  rmSync(dir, { recursive: true, force: true })
  resetSecrets()

  const ms = (n: number) => `${n.toFixed(2)} ms`
  const us = (n: number) => `${(n * 1000).toFixed(1)} µs`
  const verdictCost = median(perVerdict)
  console.log(
    `\nredaction benchmarks (medians; 3 known secrets, 7 forms each)\n${report([
      { name: 'redact(), 1 MB text, no secret in it', value: `${ms(clean)} (indexOf of one key: ${ms(scan)})`, goal: '≤ 20 ms', met: clean <= 20 },
      { name: 'redact(), 1 MB text holding the 3 secrets', value: ms(found), goal: '≤ 20 ms', met: found <= 20 },
      { name: 'holdsSecrets(), 1 MB text', value: ms(check) },
      { name: `reporter's check of results.json, 5,000 tests (${(resultsJson.length / 1e6).toFixed(1)} MB)`, value: `${ms(reportCheck)} (writing its JSON: ${ms(stringify)})` },
      { name: 'replayed verdict with its record (runJudge + emitRecord)', value: us(verdictCost) },
      { name: 'of which redactDeep(judge record)', value: `${us(redactRecord)} (${((redactRecord / verdictCost) * 100).toFixed(1)}%)` },
    ])}\n`,
  )
})
