// `npx assay gate` from the packed package, over the report folder a real runner left:
// a run with 30 passing tests, then one where 12 of them fail (a regression the gate must
// catch from the history alone), then the same again (no significant change); then a run
// filtered with -t, which the next full run must not be compared with.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { FixtureProject, runners, type RunResult } from './harness.js'

const body = `
const FAILING = Number(process.env.FAILING ?? 0)
for (let i = 0; i < 30; i++) {
  test(\`case \${i}\`, () => {
    expect(i < FAILING ? 'one line of prose' : '- first point\\n- second point').toHaveBullets({ min: 2 })
  })
}
`

describe.each(runners)('$name', (runner) => {
  let project: FixtureProject
  const gate = (...args: string[]) => project.run(process.execPath, ['node_modules/assay/bin/assay.mjs', 'gate', ...args])
  const runs: RunResult[] = []

  beforeAll(async () => {
    project = new FixtureProject(runner.project, inject('assayPackage'), runner.trees?.())
    project.writeTest('gate.test.js', body)
    for (const failing of ['0', '12']) runs.push(await runner.run(project, undefined, 'gate.test.js', { FAILING: failing }))
  })
  afterAll(() => project?.remove())

  test('assay gate fails on the drop since the previous run, then passes on a repeat of it', async () => {
    expect(runs.map((r) => r.code)).toEqual([0, 1])
    const regressed = await gate()
    expect(regressed.code, regressed.output).toBe(1)
    expect(regressed.stdout).toMatch(/tests \(plain\) +pass rate +30 +100\.0% +60\.0% +−40\.0 pts .+ McNemar exact +regressed/)
    expect(regressed.stdout).toContain('Regressed in tests (plain) (12):\n  gate.test.js › case 0: pass → fail')
    expect(regressed.stdout).toContain('assay gate: FAIL: tests (plain) pass rate 100.0% → 60.0% (p = 0.0002)')

    const again = await runner.run(project, undefined, 'gate.test.js', { FAILING: '12' })
    expect(again.code).toBe(1)
    const steady = await gate('--against', 'previous')
    expect(steady.code, steady.output).toBe(0)
    expect(steady.stdout).toContain('assay gate: PASS: no significant change (tests (plain) pass rate p = 1.0000)')
  })

  test('a run filtered with -t is recorded as such and is not the previous run a later full run is compared with', async () => {
    // -t '^case 2' runs "case 2" and "case 20" … "case 29" and skips the other 19.
    const filtered = await runner.run(project, 'case 2', 'gate.test.js', { FAILING: '0' })
    expect(filtered.code, filtered.output).toBe(0)
    const results = JSON.parse(readFileSync(join(project.dir, 'assay-report/results.json'), 'utf8'))
    expect(results.run.filtered).toEqual(['-t "^case 2"'])
    expect(results.totals).toMatchObject({ passed: 11, skipped: 19 })
    // Worse than the last full run (12 failing): 20 fail now. Against the filtered run only
    // "case 2" flipped, which would pass; against the full run 8 flipped.
    expect((await runner.run(project, undefined, 'gate.test.js', { FAILING: '20' })).code).toBe(1)
    const gated = await gate()
    expect(gated.code, gated.output).toBe(1)
    expect(gated.stdout).toMatch(/against the previous run \(.+, passing over 1 newer filtered or partial run\)/)
    expect(gated.stdout).toContain('30 cases paired in 1 group (0 added, 0 removed)')
    expect(gated.stdout).toContain('assay gate: FAIL: tests (plain) pass rate 60.0% → 33.3%')
  })
})

// Two datasets in two files; the second file throws at import when BREAK_B is set, so its
// dataset has no case in the run, and the gate must not read that as "no change".
const dataset = (esm: boolean, name: string, guard: string) => `${esm ? "import { describeEval } from 'assay/vitest'" : "const { describeEval } = require('assay/jest')"}
${guard}
describeEval('${name}', {
  data: Array.from({ length: 10 }, (_, i) => ({ id: '${name[0]}' + i })),
  schema: z.object({ id: z.string() }),
  task: () => '- first point\\n- second point',
  assert: (output) => expect(output).toHaveBullets({ min: 2 }),
})
`

describe.each(runners.filter((r) => ['Vitest 4 (ESM, Node 20)', 'Jest 30 (CommonJS, globals)'].includes(r.name)))('$name: a dataset whose file failed to load', (runner) => {
  let project: FixtureProject
  const gate = (...args: string[]) => project.run(process.execPath, ['node_modules/assay/bin/assay.mjs', 'gate', ...args])

  beforeAll(() => {
    project = new FixtureProject(runner.project, inject('assayPackage'), runner.trees?.())
    const esm = !runner.project.startsWith('jest')
    project.writeTest('gate-ds-a.test.js', dataset(esm, 'alpha', ''))
    project.writeTest('gate-ds-b.test.js', dataset(esm, 'beta', "if (process.env.BREAK_B) throw new Error('b broke at import')"))
  })
  afterAll(() => project?.remove())

  test('fails the gate (exit 1), naming the dataset that did not run and the file with errors', async () => {
    const whole = await runner.run(project, undefined, 'gate-ds')
    expect(whole.code, whole.output).toBe(0)
    expect((await gate('--save', 'ref.json')).code).toBe(0)
    const broken = await runner.run(project, undefined, 'gate-ds', { BREAK_B: '1' })
    expect(broken.code).toBe(1)
    for (const args of [['--against', 'ref.json'], []]) {
      const gated = await gate(...args)
      expect(gated.code, gated.output).toBe(1)
      expect(gated.stdout).toMatch(/beta +– +0 +– +– +– +– +– +– +did not run/)
      expect(gated.stdout).not.toContain('Removed from beta')
      expect(gated.stdout).toMatch(/Test files with errors \(their cases may not have run\):\n {2}gate-ds-b\.test\.js: .*b broke at import/)
      expect(gated.stdout).toContain('assay gate: FAIL: beta did not run (none of its 10 cases in the reference is in the run); gate-ds-b.test.js has errors\n')
    }
  })
})

describe.each(runners.filter((r) => r.project.startsWith('jest')))('$name: .only', (runner) => {
  let project: FixtureProject
  beforeAll(() => {
    project = new FixtureProject(runner.project, inject('assayPackage'), runner.trees?.())
    project.writeTest('gate-only.test.js', "test('focused', () => {})\ntest('other', () => {})\n" + dataset(false, 'alpha', ''))
  })
  afterAll(() => project?.remove())
  const run = async (env: Record<string, string>) => {
    const done = await runner.run(project, undefined, 'gate-only', env)
    expect(done.code, done.output).toBe(0)
    return JSON.parse(readFileSync(join(project.dir, 'assay-report/results.json'), 'utf8'))
  }

  test('a run with a focused test is recorded as filtered; one without is not', async () => {
    expect((await run({})).run.filtered).toBeUndefined()
    project.writeTest('gate-only.test.js', "test.only('focused', () => {})\ntest('other', () => {})\n" + dataset(false, 'alpha', ''))
    const focused = await run({})
    expect(focused.run.filtered).toEqual(['.only'])
    expect(focused.totals).toMatchObject({ passed: 1, skipped: 11 })
  })
})
