// What must not pass the gate, or must not become its reference: datasets that did not
// run, filtered runs, impossible figures; and outputs that cannot be subverted by names.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { gateRun, type CaseSpec, type RunSpec } from '../../fixtures/report/gate-runs.js'
import { writeReport } from '../../reporters/output.js'
import { main } from '../../src/cli/gate.js'
import { historyEntry } from '../../src/report/history.js'
import type { Results } from '../../src/report/schema.js'

let root: string
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'assay-gate-guards-'))
})
afterEach(() => rmSync(root, { recursive: true, force: true }))

async function gate(args: string[], env: Record<string, string> = {}) {
  let stdout = ''
  let stderr = ''
  const code = await main(args, { cwd: root, env, stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } })
  return { code, stdout, stderr }
}

const cases = (n: number, pass: (i: number) => boolean, extra: Partial<CaseSpec> = {}): CaseSpec[] =>
  Array.from({ length: n }, (_, i) => ({ id: `${extra.dataset?.[0] ?? 's'}${i}`, trials: [pass(i)], scores: [pass(i) ? 8 : 4], ...extra }))
const alpha = (pass: (i: number) => boolean = () => true) => cases(30, pass, { dataset: 'alpha', file: 'test/a.test.ts' })
const beta = () => cases(30, () => true, { dataset: 'beta', file: 'test/b.test.ts' })
const report = (results: Results) => writeReport(results, root, { html: false, summary: false }, () => {})
const at = (hour: number) => `2026-11-28T${String(hour).padStart(2, '0')}:00:00.000Z`

/** The run of `spec` in which test/b.test.ts failed to load: its file has an error and no tests. */
function brokenB(spec: RunSpec): Results {
  const r = gateRun(spec)
  r.files.push({ path: 'test/b.test.ts', durationMs: 5, errors: ['Error: b broke at import\n    at test/b.test.ts:1:7'], tests: [], stores: [] })
  r.run.scope = r.files.map((f) => f.path).sort()
  r.run.status = 'failed'
  return r
}

describe('a dataset of the reference that did not run fails the gate', () => {
  test('a test file that failed to load: its dataset did not run, exit 1, saying which and why, against the previous run and a saved reference', async () => {
    report(gateRun({ startedAt: at(9), cases: [...alpha(), ...beta()] }))
    expect((await gate(['--save', 'ref.json'])).code).toBe(0)
    report(brokenB({ startedAt: at(10), cases: alpha() }))
    for (const args of [[], ['--against', 'ref.json']]) {
      const run = await gate(args)
      expect(run.code).toBe(1)
      expect(run.stdout).toMatch(/beta +– +0 +– +– +– +– +– +– +did not run/)
      expect(run.stdout).toContain('Test files with errors (their cases may not have run):\n  test/b.test.ts: Error: b broke at import\n')
      // Every case of a dataset that did not run is missing: the verdict says so, no list.
      expect(run.stdout).not.toContain('Removed from beta')
      expect(run.stdout).toContain('assay gate: FAIL: beta did not run (none of its 30 cases in the reference is in the run); test/b.test.ts has errors\n')
    }
  })

  test('a run whose only test file failed to load has no case in common, and fails (exit 1) rather than being a usage error', async () => {
    report(gateRun({ startedAt: at(9), cases: beta() }))
    report(brokenB({ startedAt: at(10) }))
    const run = await gate([])
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('0 cases paired in 1 group (0 added, 30 removed)')
    expect(run.stdout).toContain('assay gate: FAIL: beta did not run (none of its 30 cases in the reference is in the run); test/b.test.ts has errors\n')
  })

  test('a dataset missing without any file error (renamed file, a declaration removed) fails too', async () => {
    report(gateRun({ startedAt: at(9), cases: [...alpha(), ...beta()] }))
    report(gateRun({ startedAt: at(10), cases: alpha() }))
    const run = await gate([])
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('assay gate: FAIL: beta did not run (none of its 30 cases in the reference is in the run)\n')
  })

  test('a test file with errors fails the gate even when all its cases ran (a failing afterAll)', async () => {
    report(gateRun({ startedAt: at(9), cases: alpha() }))
    const r = gateRun({ startedAt: at(10), cases: alpha() })
    r.files[0]!.errors.push('Error: afterAll hook failed')
    report(r)
    expect(await gate([])).toMatchObject({ code: 1, stdout: expect.stringContaining('assay gate: FAIL: test/a.test.ts has errors\n') })
  })

  test('cases removed from a dataset that still ran are listed, and do not fail the gate by themselves', async () => {
    report(gateRun({ startedAt: at(9), cases: alpha() }))
    report(gateRun({ startedAt: at(10), cases: alpha().slice(0, 27) }))
    const run = await gate([])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('27 cases paired in 1 group (0 added, 3 removed)')
    expect(run.stdout).toContain('Removed from alpha (3): in the reference, not in the run:\n  alpha #a27\n  alpha #a28\n  alpha #a29\n')
  })

  test('a partial run (fewer files by design) is not failed for the datasets of the files it did not cover', async () => {
    report(gateRun({ startedAt: at(9), cases: [...alpha(), ...beta()] }))
    const partial = gateRun({ startedAt: at(10), cases: alpha() })
    partial.run.partialOf = 2
    mkdirSync(join(root, 'assay-report', 'partial'))
    writeFileSync(join(root, 'assay-report', 'partial', 'results.json'), JSON.stringify(partial))
    const run = await gate(['--results', 'assay-report/partial/results.json'])
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/beta +– +0 +– +– +– +– +– +– +no common cases/)
  })
})

describe('a filtered run is never the previous run', () => {
  const filtered = (startedAt: string, how: string[]) => {
    // Only alpha #a1 ran; the runner skipped the rest, which are no cases.
    const r = gateRun({ startedAt, cases: alpha().slice(1, 2) })
    r.run.filtered = how
    return r
  }

  test('--against previous passes over filtered runs to the newest unfiltered one, and says so', async () => {
    report(gateRun({ startedAt: at(9), cases: alpha() }))
    report(filtered(at(10), ['-t a1$']))
    report(gateRun({ startedAt: at(11), cases: alpha((i) => i >= 15) }))
    const run = await gate([])
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('against the previous run (2026-11-28T09:00:00.000Z, passing over 1 newer filtered or partial run)')
    expect(run.stdout).toContain('30 cases paired in 1 group (0 added, 0 removed)')
    expect(run.stdout).toContain('assay gate: FAIL: alpha pass rate 100.0% → 50.0%')
  })

  test('a partial run (fewer files than the last full run) is passed over too', async () => {
    report(gateRun({ startedAt: at(9), cases: [...alpha(), ...beta()] }))
    const partial = gateRun({ startedAt: at(10), cases: alpha().slice(0, 2) })
    partial.run.partialOf = 2
    report(partial)
    report(gateRun({ startedAt: at(11), cases: [...alpha((i) => i >= 15), ...beta()] }))
    const run = await gate([])
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('against the previous run (2026-11-28T09:00:00.000Z, passing over 1 newer filtered or partial run)')
    expect(run.stdout).toContain('60 cases paired in 2 groups (0 added, 0 removed)')
  })

  test('with only filtered runs before it, there is no previous run (exit 2)', async () => {
    report(filtered(at(9), ['-t a1$']))
    report(gateRun({ startedAt: at(10), cases: alpha() }))
    const run = await gate([])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('no unfiltered run before 2026-11-28T10:00:00.000Z')
    expect(run.stderr).toContain('(2 runs there, passing over 1 newer filtered or partial run;')
  })

  test('--save from a filtered run warns that the reference holds only its cases', async () => {
    report(filtered(at(9), ['-t a1$']))
    const saved = await gate(['--save', 'ref.json'])
    expect(saved.code).toBe(0)
    expect(saved.stderr).toBe('assay gate: warning: the run is filtered (-t a1$): the reference holds only the cases it ran, and later runs are compared over those alone.\n')
  })

  test('a filtered run that is checked says so under the heading', async () => {
    report(gateRun({ startedAt: at(9), cases: alpha() }))
    report(filtered(at(10), ['-t a1$']))
    const run = await gate([])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('The checked run was filtered (-t a1$): only the cases it ran are compared, and a dataset of the reference it did not run fails the gate.')
  })
})

describe('the step summary is a copy: failing to write it changes no exit code', () => {
  test.each([
    ['a folder that does not exist', () => join(root, 'nonexistent', 'summary.md'), 'ENOENT'],
    ['a directory', () => (mkdirSync(join(root, 'sdir')), join(root, 'sdir')), 'EISDIR'],
  ])('GITHUB_STEP_SUMMARY naming %s: a warning on stderr, exit 0 on a pass and 1 on a regression', async (_, path, code) => {
    report(gateRun({ startedAt: at(9), cases: alpha() }))
    report(gateRun({ startedAt: at(10), cases: alpha() }))
    const summary = path()
    const pass = await gate([], { GITHUB_STEP_SUMMARY: summary })
    expect(pass.code).toBe(0)
    expect(pass.stdout).toContain('assay gate: PASS')
    expect(pass.stderr).toBe(`assay gate: warning: could not write the step summary to GITHUB_STEP_SUMMARY=${summary} (${code}); the verdict above stands.\n`)
    report(gateRun({ startedAt: at(11), cases: alpha((i) => i >= 15) }))
    expect(await gate([], { GITHUB_STEP_SUMMARY: summary })).toMatchObject({ code: 1, stderr: expect.stringContaining('could not write the step summary') })
  })
})

describe('references and runs with impossible figures are refused (exit 2), naming the file and the field', () => {
  const edited = (edit: (row: unknown[]) => void) => {
    report(gateRun({ startedAt: at(9), cases: alpha() }))
    const entry = historyEntry(gateRun({ startedAt: at(9), cases: alpha() }))
    for (const row of entry.evals!) edit(row)
    writeFileSync(join(root, 'ref.json'), JSON.stringify(entry))
    report(gateRun({ startedAt: at(10), cases: alpha((i) => i >= 15) }))
  }

  test.each([
    ['trials 0', (r: unknown[]) => ((r[4] = 0), (r[5] = 0)), 'evals[0] (alpha #a0) trials is 0, but must be a whole number of at least 1'],
    ['passed above trials', (r: unknown[]) => (r[5] = 1000), 'evals[0] (alpha #a0) passed is 1000, but cannot exceed its trials (1)'],
    ['a negative passed count', (r: unknown[]) => (r[5] = -1), 'not [key, file, dataset, id, trials, passed, score] rows'],
  ])('a saved reference with %s', async (_, edit, message) => {
    edited(edit)
    const run = await gate(['--against', 'ref.json'])
    expect(run.code).toBe(2)
    expect(run.stdout).toBe('')
    expect(run.stderr).toContain(message.startsWith('not') ? 'is neither a reference' : `the reference ${join(root, 'ref.json')} holds figures no run produces: ${message}`)
  })

  test('a score of 1e999 (Infinity once parsed) in a reference', async () => {
    report(gateRun({ startedAt: at(9), cases: alpha() }))
    const text = JSON.stringify(historyEntry(gateRun({ startedAt: at(9), cases: alpha() }))).replace(/,8\]/, ',1e999]')
    writeFileSync(join(root, 'ref.json'), text)
    expect(await gate(['--against', 'ref.json'])).toMatchObject({ code: 2, stderr: expect.stringContaining('evals[0] (alpha #a0) score is Infinity, but must be a finite number') })
  })

  test('the previous run in the history with impossible figures', async () => {
    report(gateRun({ startedAt: at(9), cases: alpha() }))
    const dir = join(root, 'assay-report', 'history')
    const { readdirSync } = await import('node:fs')
    const file = join(dir, readdirSync(dir)[0]!)
    const entry = JSON.parse(readFileSync(file, 'utf8'))
    entry.evals[3][4] = 0
    entry.evals[3][5] = 0
    writeFileSync(file, JSON.stringify(entry))
    report(gateRun({ startedAt: at(10), cases: alpha() }))
    expect(await gate([])).toMatchObject({ code: 2, stderr: expect.stringContaining('the previous run (2026-11-28T09:00:00.000Z) in the history') })
    expect((await gate([])).stderr).toContain('evals[3] (alpha #a3) trials is 0')
  })

  test('a results.json (checked run or reference) with a negative trial cost or latency', async () => {
    report(gateRun({ startedAt: at(9), cases: alpha() }))
    const bad = gateRun({ startedAt: at(10), cases: alpha() })
    bad.files[0]!.tests[0]!.eval!.trials[0]!.cost = -1
    bad.files[0]!.tests[1]!.eval!.trials[0]!.latencyMs = -5
    writeFileSync(join(root, 'bad.json'), JSON.stringify(bad))
    const run = await gate(['--results', 'bad.json'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain(`the results ${join(root, 'bad.json')} holds figures no run produces: files[0].tests[0].eval.trials[0].cost is -1, but cannot be negative; files[0].tests[1].eval.trials[0].latencyMs is -5, but cannot be negative.`)
    expect(await gate(['--against', 'bad.json'])).toMatchObject({ code: 2, stderr: expect.stringContaining('the reference') })
  })
})

describe('names cannot inject Markdown into the step summary, nor control sequences into the terminal', () => {
  const evil = '**bold** [l](javascript:alert(3)) `code` # _u_ <img src=x> | \\ pipe ~~s~~ $x$'
  const terminal = 'red\u001b[31m\r\nnext\u009b'

  test('the step summary escapes dataset names and case ids', async () => {
    const run = (pass: (i: number) => boolean, startedAt: string) => gateRun({ startedAt, cases: cases(30, pass, { dataset: evil }).map((c, i) => ({ ...c, id: i ? c.id : evil })) })
    report(run(() => true, at(9)))
    report(run((i) => i >= 15, at(10)))
    const summary = join(root, 'sum.md')
    expect((await gate([], { GITHUB_STEP_SUMMARY: summary })).code).toBe(1)
    const md = readFileSync(summary, 'utf8')
    const escaped = '\\*\\*bold\\*\\* \\[l\\]\\(javascript:alert\\(3\\)\\) \\`code\\` \\# \\_u\\_ &lt;img src=x&gt; \\| \\\\ pipe \\~\\~s\\~\\~ \\$x\\$'
    expect(md).toContain(`| ${escaped} | pass rate |`)
    expect(md).toContain(`FAIL: ${escaped} pass rate`)
    expect(md).toContain(`### Regressed in ${escaped} (15)\n\n- ${escaped} \\#${escaped}: pass → fail`)
    expect(md).not.toContain('**bold**')
    expect(md).not.toContain('[l](')
    expect(md).not.toContain('<img')
  })

  test('the terminal table shows control characters of names escaped', async () => {
    report(gateRun({ startedAt: at(9), cases: cases(30, () => true, { dataset: terminal }) }))
    report(gateRun({ startedAt: at(10), cases: cases(30, (i) => i >= 15, { dataset: terminal }) }))
    const summary = join(root, 'sum.md')
    const run = await gate([], { GITHUB_STEP_SUMMARY: summary })
    expect(run.code).toBe(1)
    const shown = 'red\\x1b[31m\\r\\nnext\\x9b'
    expect(run.stdout).toMatch(new RegExp(`\\n${shown.replace(/[\\[\]]/g, '\\$&')} +pass rate +30 `))
    expect(run.stdout).toContain(`Regressed in ${shown} (15):\n  ${shown} #r0: pass → fail`)
    expect(run.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/)
    expect(readFileSync(summary, 'utf8')).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/)
  })
})
