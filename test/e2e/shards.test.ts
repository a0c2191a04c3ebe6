// Sharding end to end: a suite of six test files (two of them dataset evals) run by the real
// runner with --shard=1/3, 2/3 and 3/3 into three report folders, merged with the packed
// package's `assay merge`, must give the same files, totals and datasets as one unsharded run.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { startFixtureServer, type FixtureServer } from '../../fixtures/server/index.js'
import { parseResults, type Results } from '../../src/report/schema.js'
import { FixtureProject, runners, type RunResult } from './harness.js'

const ARTICLE = 'Apple reported revenue of $85.8 billion, up 5%, Tim Cook said on August 1, 2024.'

/** Test file k of the suite: passing checks in all, a failing one, judged ones, skipped and todo tests in some. */
function body(k: number): string {
  const tests = [
    `test('bullets ${k}', () => { expect('- Apple rose.\\n- Tim Cook spoke.').toHaveBullets({ min: 2 }) })`,
    `test('entities ${k}', () => { expect('- Apple rose.').toPreserveEntities(['Apple']) })`,
    `test.skip('skipped ${k}', () => { expect('x').toHaveBullets() })`,
  ]
  if (k === 2) tests.push(`test('fails ${k}', () => { expect('no list here').toHaveBullets({ min: 1 }) })`)
  if (k === 3) tests.push(`test.todo('todo ${k}')`)
  if (k === 1 || k === 4) tests.push(`test('judged ${k}', async () => { await expect('- Revenue rose 5% to $85.8 billion.').toScoreAtLeast(7, { source: ${JSON.stringify(ARTICLE)} }) })`)
  return `${tests.join('\n')}\n`
}

/** Test files 5 and 6 are dataset evals instead: three judged cases of two trials each, and a gate. */
function dataset(k: number, cjs: boolean): string {
  return `${cjs ? "const { describeEval } = require('assay/jest')\nconst zod = require('zod').z" : "import { describeEval } from 'assay/vitest'\nimport { z as zod } from 'zod'"}
describeEval('dataset ${k}', {
  data: [{ id: 'a' }, { id: 'b' }, { id: 'c' }],
  schema: zod.object({ id: zod.string() }),
  task: (row) => '- Revenue of ' + row.id + ' rose 5%.',
  assert: async (output) => { await expect(output).toScoreAtLeast(7) },
  trials: 2,
  thresholds: { passRate: 0.1 },
})
`
}

/** What differs between two runs of the same files: start, durations, latencies, and what says how the run was split. */
function normalise(r: Results) {
  const files = structuredClone(r.files)
  for (const f of files) {
    f.durationMs = null
    for (const t of f.tests) {
      t.durationMs = null
      for (const trial of t.eval?.trials ?? []) trial.latencyMs = 0
      for (const a of t.assertions) if (a.judge) a.judge.latencyMs = 0
      for (const c of t.llmCalls) c.latencyMs = 0
    }
  }
  const totals = structuredClone(r.totals)
  totals.judge.p50LatencyMs = totals.judge.p95LatencyMs = null
  const datasets = structuredClone(r.datasets ?? [])
  for (const d of datasets) {
    d.p95LatencyMs = null
    // The latency gate's message quotes the latency; the others say the same in both runs.
    d.gates = d.gates.filter((g) => g.name !== 'p95LatencyMs')
  }
  return { files, totals, datasets, status: r.run.status, errors: r.run.errors, scope: r.run.scope }
}

const read = (p: FixtureProject, dir: string) => parseResults(readFileSync(join(p.dir, dir, 'results.json'), 'utf8'))

describe.each(runners)('$name', (runner) => {
  let project: FixtureProject
  let judge: FixtureServer
  let whole: RunResult
  const shards: RunResult[] = []
  let merged: RunResult

  beforeAll(async () => {
    project = new FixtureProject(runner.project, inject('assayPackage'), runner.trees?.())
    const cjs = readFileSync(join(project.dir, 'header.js'), 'utf8').includes('require(')
    for (let k = 1; k <= 6; k++) project.writeTest(`shard-${k}.test.js`, k <= 4 ? body(k) : dataset(k, cjs))
    judge = await startFixtureServer({ respond: () => JSON.stringify({ criteria: Object.fromEntries(['accuracy', 'completeness', 'conciseness'].map((c) => [c, { reasoning: 'Fine.', score: 9 }])) }) })
    // Live judge calls in every run (no cassette), so the runs are alike whatever ran first.
    const env = { OPENAI_BASE_URL: judge.url, OPENAI_API_KEY: 'sk-shards', CI: '', ASSAY_CACHE: 'off' }
    const extra = runner.project.startsWith('jest') ? ['--passWithNoTests'] : []
    whole = await runner.run(project, undefined, 'shard-', { ...env, ASSAY_REPORT_DIR: 'reports/whole' }, extra)
    for (let i = 1; i <= 3; i++) {
      shards.push(await runner.run(project, undefined, 'shard-', { ...env, ASSAY_RUN_ID: 'nightly-e2e', ASSAY_REPORT_DIR: `reports/shard-${i}` }, [...extra, `--shard=${i}/3`]))
    }
    merged = await project.run(process.execPath, ['node_modules/assay/bin/assay.mjs', 'merge', 'reports/shard-1', 'reports/shard-2', 'reports/shard-3', '--out', 'reports/merged'])
  })
  afterAll(async () => {
    await judge?.close()
    project?.remove()
  })

  test('--shard runs a part of the suite: the shards cover every file once, each with the run id and its shard', () => {
    expect(whole.code, whole.output).toBe(1)
    const parts = [1, 2, 3].map((i) => read(project, `reports/shard-${i}`))
    parts.forEach((r, i) => expect(r.run).toMatchObject({ id: 'nightly-e2e', shard: { index: i + 1, count: 3 } }))
    const files = parts.flatMap((r) => r.files.map((f) => f.path))
    expect(files.sort()).toEqual(['shard-1.test.js', 'shard-2.test.js', 'shard-3.test.js', 'shard-4.test.js', 'shard-5.test.js', 'shard-6.test.js'])
    expect(parts.every((r) => r.files.length < 6)).toBe(true)
    // The shard with the failing test failed, the others passed.
    shards.forEach((s, i) => expect(s.code, s.output).toBe(parts[i]!.files.some((f) => f.path === 'shard-2.test.js') ? 1 : 0))
    expect(read(project, 'reports/whole').run.shard).toBeUndefined()
  })

  test('assay merge of the three shards gives the unsharded run’s files and totals, and a report', () => {
    expect(merged.code, merged.output).toBe(0)
    // Recomputed from the shards' tests, nothing contradicts what the shards wrote.
    expect(merged.stderr).toBe('')
    expect(merged.stdout).toContain('assay merge: merged 3 shards of run nightly-e2e (6 test files, ')
    const result = read(project, 'reports/merged')
    const reference = read(project, 'reports/whole')
    expect(normalise(result)).toEqual(normalise(reference))
    expect(result.totals).toMatchObject({ files: 6, failed: 1, skipped: 4, todo: 1, judge: { verdicts: 14, live: 14 } })
    // The two datasets, each whole in one shard, with their cases, trials and gates.
    expect(result.datasets?.map((d) => [d.file, d.name, d.cases, d.trials, d.status])).toEqual([
      ['shard-5.test.js', 'dataset 5', 3, 6, 'passed'],
      ['shard-6.test.js', 'dataset 6', 3, 6, 'passed'],
    ])
    expect(result.run).toMatchObject({ id: 'nightly-e2e', mergedFrom: 3, status: 'failed' })
    expect(existsSync(join(project.dir, 'reports/merged/index.html'))).toBe(true)
    expect(existsSync(join(project.dir, 'reports/merged/history'))).toBe(true)
  })

  test('merging a shard twice is refused, naming both', async () => {
    const run = await project.run(process.execPath, ['node_modules/assay/bin/assay.mjs', 'merge', 'reports/shard-1', 'reports/shard-1/results.json', '--out', 'reports/again'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('assay merge: reports/shard-1 and reports/shard-1/results.json are the same results.json (reports/shard-1/results.json): give each shard once.')
  })
})
