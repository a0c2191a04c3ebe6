import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { gateRun, type CaseSpec, type RunSpec } from '../../fixtures/report/gate-runs.js'
import { writeReport } from '../../reporters/output.js'
import { main } from '../../src/cli/gate.js'

let root: string
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'assay-gate-'))
})
afterEach(() => rmSync(root, { recursive: true, force: true }))

async function gate(args: string[], env: Record<string, string> = {}) {
  let stdout = ''
  let stderr = ''
  const code = await main(args, { cwd: root, env, stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } })
  return { code, stdout, stderr }
}

const cases = (n: number, pass: (i: number) => boolean): CaseSpec[] => Array.from({ length: n }, (_, i) => ({ id: String(i), trials: [pass(i)], scores: [pass(i) ? 8 : 4] }))
// A run as the reporters leave it: results.json in assay-report/ and an entry in its history.
const report = (spec: RunSpec) => writeReport(gateRun(spec), root, { html: false, summary: false }, () => {})
const first = { startedAt: '2026-11-28T09:00:00.000Z', cases: cases(60, (i) => i < 54) }

describe('assay gate --against previous (the default)', () => {
  test('a significant drop since the previous run fails with exit 1, the table, the regressed cases and why', async () => {
    report(first)
    report({ startedAt: '2026-11-28T10:00:00.000Z', cases: cases(60, (i) => i >= 15 && i < 54) })
    const run = await gate([])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('assay gate: assay-report/results.json (run of 2026-11-28T10:00:00.000Z) against the previous run (2026-11-28T09:00:00.000Z)')
    expect(run.stdout).toContain('60 cases paired in 1 group (0 added, 0 removed); one-sided tests in the direction of each change at alpha 0.05, p-values Holm-adjusted over 2 tests.')
    expect(run.stdout).toMatch(/Dataset +Metric +Cases +Before +After +Delta +95% interval +p +Test +Verdict/)
    expect(run.stdout).toMatch(/summariser +pass rate +60 +90\.0% +65\.0% +−25\.0 pts +\[−\d+\.\d pts, −\d+\.\d pts\] +<0\.0001 +McNemar exact +regressed/)
    expect(run.stdout).toMatch(/ +mean score +60 +7\.60 +6\.60 +−1\.00 +\[.+\] +<0\.0001 +Wilcoxon signed-rank +regressed/)
    expect(run.stdout).toContain('Regressed in summariser (15):\n  summariser #0: pass → fail\n')
    expect(run.stdout).toContain('assay gate: FAIL: summariser pass rate 90.0% → 65.0% (p < 0.0001); summariser mean score 7.60 → 6.60 (p < 0.0001)')
  })

  test('noise passes with exit 0 and says "no significant change" with the p-values; flipped cases are listed all the same', async () => {
    report(first)
    report({ startedAt: '2026-11-28T10:00:00.000Z', cases: cases(60, (i) => (i < 54 ? i !== 3 : i === 55)) })
    const run = await gate(['--against', 'previous'])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('assay gate: PASS: no significant change (summariser pass rate p = 1.0000, summariser mean score p = 1.0000)')
    expect(run.stdout).toContain('Regressed in summariser (1):\n  summariser #3: pass → fail')
    expect(run.stdout).toContain('Improved in summariser (1):\n  summariser #55: fail → pass')
  })

  test('without a run before the current one it is a usage error (exit 2) that says what to do', async () => {
    report(first)
    const run = await gate([])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain(`assay gate: no unfiltered run before 2026-11-28T09:00:00.000Z in the history ${join(root, 'assay-report', 'history')} (1 run there; a run filtered by a test name pattern, or over fewer files than the last full run, is no reference).`)
    expect(run.stderr).toContain('npx assay gate --save FILE')
  })

  test('a missing or unreadable results.json is a usage error', async () => {
    expect(await gate([])).toMatchObject({ code: 2, stderr: `assay gate: cannot read the results ${join(root, 'assay-report', 'results.json')}: no such file.\n` })
    writeFileSync(join(root, 'r.json'), '{"schema": "assay-results", "version": 1}')
    expect(await gate(['--results', 'r.json'])).toMatchObject({ code: 2, stderr: expect.stringContaining(`the results ${join(root, 'r.json')} is not an assay results.json: run:`) })
    writeFileSync(join(root, 'r.json'), '{')
    expect(await gate(['--results', 'r.json'])).toMatchObject({ code: 2, stderr: expect.stringContaining('is not JSON') })
  })

  test('a breached budget of the current run fails the gate although nothing changed', async () => {
    report(first)
    report({ ...first, startedAt: '2026-11-28T10:00:00.000Z', gates: [{ dataset: 'summariser', name: 'maxCost', threshold: 0.5, actual: 0.75 }] })
    const run = await gate([])
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('Budgets breached:\n  summariser (test/evals.test.ts) maxCost: maxCost 0.75 against 0.5')
    expect(run.stdout).toContain('assay gate: FAIL: summariser over its maxCost budget')
  })
})

describe('assay gate --save and --against FILE', () => {
  test('a saved reference is compact, and later runs compare with it', async () => {
    report(first)
    expect(await gate(['--save', 'gate-reference.json'])).toMatchObject({ code: 0, stdout: expect.stringContaining('saved the 60 cases of assay-report/results.json as the reference gate-reference.json') })
    const saved = JSON.parse(readFileSync(join(root, 'gate-reference.json'), 'utf8'))
    expect(saved).toMatchObject({ schema: 'assay-history', evals: expect.any(Array) })
    report({ startedAt: '2026-11-28T10:00:00.000Z', cases: cases(60, (i) => i >= 15 && i < 54) })
    expect(await gate(['--against', 'gate-reference.json'])).toMatchObject({ code: 1, stdout: expect.stringContaining('against gate-reference.json (run of 2026-11-28T09:00:00.000Z)') })
    expect(await gate(['--against', 'gate-reference.json', '--alpha', '1e-12'])).toMatchObject({ code: 0 })
  })

  test('another results.json serves as a reference too', async () => {
    mkdirSync(join(root, 'old'))
    writeFileSync(join(root, 'old', 'results.json'), JSON.stringify(gateRun(first)))
    report({ startedAt: '2026-11-28T10:00:00.000Z', cases: cases(60, (i) => i < 54) })
    expect(await gate(['--against', 'old/results.json'])).toMatchObject({ code: 0, stdout: expect.stringContaining('PASS: no significant change') })
  })

  test('runs with no case in common, or a reference that is not one, are usage errors', async () => {
    report({ startedAt: '2026-11-28T10:00:00.000Z', cases: cases(5, () => true) })
    writeFileSync(join(root, 'other.json'), JSON.stringify(gateRun({ cases: cases(5, () => true).map((c) => ({ ...c, dataset: 'other' })) })))
    expect(await gate(['--against', 'other.json'])).toMatchObject({ code: 2, stderr: expect.stringContaining('have no cases in common (5 in the run, 5 in the reference)') })
    writeFileSync(join(root, 'junk.json'), '{"schema": "something"}')
    expect(await gate(['--against', 'junk.json'])).toMatchObject({ code: 2, stderr: expect.stringContaining('is neither a reference written by `assay gate --save` nor a results.json') })
    expect(await gate(['--against', 'absent.json'])).toMatchObject({ code: 2, stderr: expect.stringContaining('cannot read the reference') })
  })
})

describe('options and outputs', () => {
  test('--help prints the usage with the exit codes', async () => {
    const run = await gate(['--help'])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('Usage: assay gate [--results FILE] [--against previous | FILE] [--alpha 0.05]')
    expect(run.stdout).toContain('Exit codes:\n  0  no significant drop')
  })

  test.each([
    [['--alpha', '2'], '--alpha must be a number between 0 and 1, e.g. 0.05, but got "2".'],
    [['--alpha', 'x'], 'got "x"'],
    [['--frobnicate'], "Unknown option '--frobnicate'"],
    [['--save', 'a.json', '--against', 'b.json'], '--save writes a reference and compares nothing'],
  ])('%j is a usage error (exit 2)', async (args, message) => {
    const run = await gate(args)
    expect(run.code).toBe(2)
    expect(run.stderr).toContain(message)
  })

  test('on GitHub Actions the step summary gets the Markdown table', async () => {
    report(first)
    report({ startedAt: '2026-11-28T10:00:00.000Z', cases: cases(60, (i) => i >= 15 && i < 54) })
    const summary = join(root, 'summary.md')
    await gate([], { GITHUB_STEP_SUMMARY: summary })
    const md = readFileSync(summary, 'utf8')
    expect(md).toContain('## ❌ assay gate: assay-report/results.json \\(run of 2026-11-28T10:00:00.000Z\\) against the previous run \\(2026-11-28T09:00:00.000Z\\)')
    expect(md).toMatch(/\| summariser \| pass rate \| 60 \| 90\.0% \| 65\.0% \| −25\.0 pts \| \[.+\] \| &lt;0\.0001 \| McNemar exact \| regressed \|/)
    expect(md).toContain('### Regressed in summariser (15)\n\n- summariser \\#0: pass → fail')
  })

  test('ASSAY_REPORT_DIR moves the default results.json, as it moves the report', async () => {
    writeReport(gateRun(first), root, { outputDir: 'reports/assay', html: false, summary: false }, () => {})
    writeReport(gateRun({ ...first, startedAt: '2026-11-28T10:00:00.000Z' }), root, { outputDir: 'reports/assay', html: false, summary: false }, () => {})
    expect(await gate([], { ASSAY_REPORT_DIR: 'reports/assay' })).toMatchObject({ code: 0, stdout: expect.stringContaining('assay gate: reports/assay/results.json (run of 2026-11-28T10:00:00.000Z) against the previous run') })
  })

  test('a partial run (results in partial/) is compared with the report\'s history', async () => {
    report(first)
    report({ startedAt: '2026-11-28T10:00:00.000Z', cases: cases(60, (i) => i < 54) })
    mkdirSync(join(root, 'assay-report', 'partial'))
    writeFileSync(join(root, 'assay-report', 'partial', 'results.json'), JSON.stringify(gateRun({ startedAt: '2026-11-28T11:00:00.000Z', cases: cases(60, (i) => i < 54) })))
    expect(await gate(['--results', 'assay-report/partial/results.json'])).toMatchObject({ code: 0, stdout: expect.stringContaining('against the previous run (2026-11-28T10:00:00.000Z)') })
  })
})
