// The dataset gates' intervals under real runners, where trials repeat the same cases: the
// trials of a case count as one cluster (effective n), and a kappa of 1 on a few cases is no
// certainty. No judge: the tasks and assertions decide every trial.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { parseResults } from '../../src/report/schema.js'
import { FixtureProject, runners as allRunners } from './harness.js'

const runners = allRunners.filter((r) => ['Vitest 4 (ESM, Node 20)', 'Vitest 5 (ESM, Node 22)', 'Jest 30 (CommonJS, globals)'].includes(r.name))

const body = (esm: boolean) => `${esm ? "import { describeEval } from 'assay/vitest'\nimport { expect } from 'vitest'" : "const { describeEval } = require('assay/jest')"}
const schema = z.object({ id: z.string() })
describeEval('three-cases', {
  data: [{ id: 'a' }, { id: 'b' }, { id: 'c' }],
  schema,
  trials: 300,
  task: () => 'ok',
  thresholds: { passRate: 0.99 },
})
// 200 cases × 5 trials, 70 failed trials spread one per case, as independent failures are.
describeEval('spread', {
  data: () => Array.from({ length: 200 }, (_, i) => ({ id: String(i) })),
  schema,
  trials: 5,
  task: (row, { trial }) => (trial * 200 + Number(row.id) < 70 ? 'bad' : 'good'),
  assert: (output) => { expect(output).toBe('good') },
  thresholds: { passRate: 0.9 },
})
describeEval('three-labels', {
  data: [{ id: 'a', expected: { pass: true } }, { id: 'b', expected: { pass: false } }, { id: 'c', expected: { pass: true } }],
  schema,
  task: (row) => row.id,
  assert: (output) => { expect(output).not.toBe('b') },
  thresholds: { agreement: 0.99 },
})
`

describe.each(runners)('$name: gate intervals over repeated trials', (runner) => {
  let project: FixtureProject
  const esm = !runner.project.startsWith('jest')

  beforeAll(() => {
    project = new FixtureProject(runner.project, inject('assayPackage'), runner.trees?.())
    project.writeTest('stats.test.js', body(esm))
  })
  afterAll(() => project?.remove())

  test('3 cases × 300 trials fail a 0.99 gate (effective n 3), 200 × 5 independent trials at 93% pass 0.9, 3 agreeing labels fail 0.99', async () => {
    const run = await runner.run(project, undefined, 'stats.test.js', { CI: 'true', ASSAY_CACHE: 'off' })
    // The spread dataset's cases that failed a trial fail their own tests (4/5 < 0.9).
    expect(run.code, run.output).toBe(1)
    expect(run.output).toContain('pass rate 100.0% (900/900 trials of 3 cases, effective n 3), 95% interval 43.9–100.0%: the lower bound is below the gate 99%')
    expect(run.output).toContain("Cohen's kappa 1.00 between human pass labels and the judge's majority (3 cases), 95% interval -0.26–1.00: the lower bound is below the gate 0.99")
    const results = parseResults(readFileSync(join(project.dir, 'assay-report/results.json'), 'utf8'))
    const byName = Object.fromEntries((results.datasets ?? []).map((d) => [d.name, d]))
    expect(byName['three-cases']).toMatchObject({ cases: 3, trials: 900, passedTrials: 900, passRate: { effectiveN: 3 }, status: 'failed' })
    expect(byName.spread).toMatchObject({ cases: 200, trials: 1000, passedTrials: 930, passRate: { effectiveN: 1000 }, status: 'passed' })
    expect(byName.spread!.gates[0]).toMatchObject({
      pass: true,
      message: 'pass rate 93.0% (930/1000 trials of 200 cases, effective n 1000), 95% interval 91.2–94.4%: the lower bound 91.2% reaches the gate 90%',
    })
    expect(byName['three-labels']!.agreement!.kappa).toMatchObject({ value: 1, upper: 1, n: 3 })
    expect(byName['three-labels']!.status).toBe('failed')
  }, 300_000)
})
