// `assay gate --versions`: the prompt versions within one run, compared as runs are.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { gateRun, type CaseSpec } from '../../fixtures/report/gate-runs.js'
import { writeReport } from '../../reporters/output.js'
import { main } from '../../src/cli/gate.js'
import { compareVersions } from '../../src/gate/versions.js'
import { compareVersions as order } from '../../src/prompts/order.js'

let root: string
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'assay-gate-versions-'))
})
afterEach(() => rmSync(root, { recursive: true, force: true }))

async function gate(args: string[]) {
  let stdout = ''
  let stderr = ''
  const code = await main(args, { cwd: root, env: {}, stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } })
  return { code, stdout, stderr }
}

const prompt = (version: string) => ({ name: 'summarizer', version, hash: `hash-${version}` })
/** `n` cases of one version: case i passes when `pass(i)`, scoring 8 when it passes and 4 when not. */
const version = (v: string, n: number, pass: (i: number) => boolean, extra: Partial<CaseSpec> = {}): CaseSpec[] =>
  Array.from({ length: n }, (_, i) => ({ id: String(i), trials: [pass(i)], scores: [pass(i) ? 8 : 4], prompt: prompt(v), ...extra }))
const report = (cases: CaseSpec[]) => writeReport(gateRun({ cases }), root, { html: false, summary: false }, () => {})

describe('compareVersions', () => {
  test('pairs consecutive versions in natural order (v2 < v10), whatever order they ran in, over the same case ids', () => {
    const run = gateRun({ cases: [...version('v10', 40, (i) => i < 36), ...version('v2', 40, (i) => i < 20), ...version('v9', 30, (i) => i < 30)] })
    const found = compareVersions(run, order)
    expect(found.steps.map((s) => [s.older.version, s.newer.version])).toEqual([
      ['v2', 'v9'],
      ['v9', 'v10'],
    ])
    expect(found.comparison.groups.map((g) => [g.name, g.paired, g.added, g.removed])).toEqual([
      ['summariser summarizer@v2 → v9', 30, 0, 10],
      ['summariser summarizer@v9 → v10', 30, 10, 0],
    ])
  })

  test('datasets of one version, and cases without a prompt, are not compared', () => {
    const run = gateRun({ cases: [...version('v1', 5, () => true), { id: 'plain', trials: [true], dataset: 'other' }] })
    const found = compareVersions(run, order)
    expect(found.steps).toEqual([])
    expect(found.single).toEqual([{ file: 'test/evals.test.ts', dataset: 'summariser', prompt: prompt('v1') }])
  })
})

describe('assay gate --versions', () => {
  test('a newer version significantly worse exits 1, saying "worse" with the p-values, and lists the cases it broke', async () => {
    report([...version('v1', 60, (i) => i < 54), ...version('v2', 60, (i) => i >= 15 && i < 54)])
    const run = await gate(['--versions'])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('assay gate --versions: assay-report/results.json (run of 2026-11-28T09:00:00.000Z), each prompt version against the next newer one')
    expect(run.stdout).toMatch(/summariser summarizer@v1 → v2 +pass rate +60 +90\.0% +65\.0% +−25\.0 pts .+ <0\.0001 +McNemar exact +worse/)
    expect(run.stdout).toContain('summariser: summarizer v1 → v2: worse (pass rate 90.0% → 65.0%, p < 0.0001; mean score 7.60 → 6.60, p < 0.0001; 60 cases paired)')
    expect(run.stdout).toContain('Worse in summariser summarizer@v1 → v2 (15):\n  summariser #0: pass → fail')
    expect(run.stdout).toContain('assay gate: FAIL: newer version significantly worse: summariser summarizer v1 → v2')
  })

  test('a newer version significantly better passes, saying "better"', async () => {
    report([...version('v1', 60, (i) => i < 30), ...version('v2', 60, (i) => i < 57)])
    const run = await gate(['--versions'])
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/summariser: summarizer v1 → v2: better \(pass rate 50\.0% → 95\.0%, p < 0\.0001;/)
    expect(run.stdout).toContain('assay gate: PASS: no newer version is significantly worse')
  })

  test('a few flips either way are no significant change, with p-values', async () => {
    report([...version('v1', 60, (i) => i < 54), ...version('v2', 60, (i) => (i < 54 ? i !== 3 : i === 55))])
    const run = await gate(['--versions', '--alpha', '0.01'])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('summariser: summarizer v1 → v2: no significant change (pass rate 90.0% → 90.0%, p = 1.0000; mean score 7.60 → 7.60, p = 1.0000; 60 cases paired)')
  })

  test('usage errors exit 2: no dataset with two versions, no ids in common, --versions with --against', async () => {
    report(version('v1', 5, () => true))
    let run = await gate(['--versions'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('has no dataset run with two or more versions of a prompt ("summariser" ran only summarizer@v1)')
    expect(run.stderr).toContain("prompts: { summarizer: ['v1', 'v2'] }")
    report([...version('v1', 3, () => true), ...version('v2', 3, () => true).map((c) => ({ ...c, id: `new-${c.id}` }))])
    run = await gate(['--versions'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('ran no case ids in common')
    run = await gate(['--versions', '--against', 'previous'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('--versions compares the prompt versions within one run: use it without --against and --save.')
  })
})
