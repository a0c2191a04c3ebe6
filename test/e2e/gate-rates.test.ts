// The gate's error rates and the judge's calibration, measured end to end under real
// runners against the fixture server, whose judge scores come from seeded distributions
// keyed by each request's content (seededDraw), so no score depends on request order.
//
// Error rates: one test file declares 20 datasets (one per seed) of 200 cases, one trial
// each, and runs three times with ASSAY_CACHE=off: the reference (true pass rate 0.9), the
// same distribution with other seeds, and a drop to 0.75. The built `assay gate
// --against FILE` then compares each dataset on its own (a results file per dataset): in one
// comparison of all 20, Holm's adjustment over 40 tests would hold each dataset to a far
// stricter level than a suite of one dataset, and the rate would no longer be the gate's
// per-dataset error. That comparison is run too, and its count printed beside.
//
// Calibration: 40 rows labelled by a human (pass and score), judged once by a fixture judge
// that agrees with the labels (but for a few scores off by one) and once by one that ignores
// them; the `agreement` gate passes the first and fails the run of the second.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { seededDraw, startFixtureServer, type ChatCompletionBody, type FixtureServer } from '../../fixtures/server/index.js'
import { parseResults, type Results } from '../../src/report/schema.js'
import { FixtureProject, runners as allRunners, type RunResult } from './harness.js'

const runners = allRunners.filter((r) => ['Vitest 4 (ESM, Node 20)', 'Vitest 5 (ESM, Node 22)', 'Jest 30 (CommonJS, globals)'].includes(r.name))
const SEEDS = 20
const CASES = 200
// Seeds of the three runs: dataset s draws from seed base + s.
const RUNS = { reference: { base: 1000, rate: 0.9 }, same: { base: 2000, rate: 0.9 }, drop: { base: 3000, rate: 0.75 } }
const LABELLED = 40

const head = (esm: boolean) => (esm ? "import { describeEval } from 'assay/vitest'\n" : "const { describeEval } = require('assay/jest')\n")

// passRate 0 keeps each case's test green (a case fails only below it), so the runs exit 0
// and what is measured is the gate's verdict alone.
const seedsBody = `
const base = Number(process.env.SEED_BASE)
for (let s = 1; s <= ${SEEDS}; s++) {
  describeEval('seed ' + s, {
    data: () => Array.from({ length: ${CASES} }, (_, i) => ({ id: String(i + 1) })),
    schema: z.object({ id: z.string() }),
    task: (row) => 'draw seed=' + (base + s) + ' case=' + row.id + ' rate=' + process.env.RATE,
    assert: async (output) => {
      await expect(output).toScoreAtLeast(7)
    },
    concurrency: 16,
    // What is measured is the gate, not speed: a loaded machine must not stop cases.
    timeout: 120_000,
    thresholds: { passRate: 0 },
  })
}
`

const calibrationBody = `
describeEval('calibration', {
  data: 'labelled.jsonl',
  schema: z.object({ id: z.string(), quality: z.number() }),
  task: (row) => 'calibrate judge=' + process.env.JUDGE + ' quality=' + row.quality + ' case=' + row.id,
  assert: async (output) => {
    await expect(output).toScoreAtLeast(7)
  },
  concurrency: 8,
  timeout: 120_000,
  thresholds: { passRate: 0, agreement: 0.5 },
})
`

// The human's score of each labelled row, 1 to 10; a pass is 7 or more, as the matcher's.
const quality = (id: string) => 1 + Math.floor(seededDraw(5, `quality ${id}`) * 10)
// The agreeing judge gives the human's score, but one point off on about one case in ten.
const agreeing = (id: string, q: number) => {
  const u = seededDraw(11, id)
  return Math.min(10, Math.max(1, q + (u < 0.05 ? 1 : u < 0.1 ? -1 : 0)))
}
// The other judge's score ignores the case.
const ignoring = (id: string) => 1 + Math.floor(seededDraw(13, id) * 10)

// A case passes with the run's probability, keyed by its seed and id; its score is 7–10
// when it passes, 2–6 when not.
const drawnScore = (seed: number, id: string, rate: number) => {
  const u = seededDraw(seed, `${id} score`)
  return seededDraw(seed, id) < rate ? 7 + Math.floor(u * 4) : 2 + Math.floor(u * 5)
}

function respond(chat: ChatCompletionBody): string {
  const text = JSON.stringify(chat.messages)
  const draw = /draw seed=(\d+) case=(\d+) rate=([\d.]+)/.exec(text)
  const calibrate = /calibrate judge=(\w+) quality=(\d+) case=(\w+)/.exec(text)
  let score: number
  if (draw) score = drawnScore(Number(draw[1]), draw[2]!, Number(draw[3]))
  else if (calibrate) score = calibrate[1] === 'agrees' ? agreeing(calibrate[3]!, Number(calibrate[2])) : ignoring(calibrate[3]!)
  else throw new Error(`unscripted judge request: ${text.slice(0, 200)}`)
  return JSON.stringify({ criteria: Object.fromEntries(['accuracy', 'completeness', 'conciseness'].map((k) => [k, { reasoning: 'Scripted.', score }])) })
}

/** The results of one dataset, as if the run had declared it alone. */
const only = (r: Results, dataset: string): Results => ({
  ...r,
  files: r.files.map((f) => ({ ...f, tests: f.tests.filter((t) => t.eval?.dataset === dataset) })).filter((f) => f.tests.length > 0),
  datasets: (r.datasets ?? []).filter((d) => d.name === dataset),
})

describe.each(runners)('$name: the gate measured', (runner) => {
  let project: FixtureProject
  let server: FixtureServer
  const esm = !runner.project.startsWith('jest')
  const env = (extra: Record<string, string>) => ({ OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'sk-e2e-judge', ASSAY_CACHE: 'off', CI: 'true', ...extra })
  const results = () => parseResults(readFileSync(join(project.dir, 'assay-report/results.json'), 'utf8'))
  const gate = (...args: string[]) => project.run(process.execPath, ['node_modules/assay/bin/assay.mjs', 'gate', ...args])
  const runs: Partial<Record<keyof typeof RUNS, { run: RunResult; results: Results }>> = {}

  beforeAll(async () => {
    project = new FixtureProject(runner.project, inject('assayPackage'), runner.trees?.())
    // Three runs of 4,000 cases at once: minutes on a slow machine, within the tests' own limits.
    project.timeoutMs = 540_000
    project.writeTest('seeds.test.js', head(esm) + seedsBody)
    project.writeTest('calibration.test.js', head(esm) + calibrationBody)
    const rows = Array.from({ length: LABELLED }, (_, i) => {
      const id = `r${i + 1}`
      const q = quality(id)
      return JSON.stringify({ id, quality: q, expected: { pass: q >= 7, score: q } })
    })
    writeFileSync(join(project.dir, 'labelled.jsonl'), rows.join('\n') + '\n')
    server = await startFixtureServer({ respond })
  }, 60_000)
  afterAll(async () => {
    await server?.close()
    project?.remove()
  })

  test('a judge that agrees with the human labels passes the agreement gate, with kappa, rho and its few disagreements', async () => {
    const run = await runner.run(project, undefined, 'calibration.test.js', env({ JUDGE: 'agrees' }))
    expect(run.code, run.output).toBe(0)
    const dataset = results().datasets![0]!
    expect(dataset).toMatchObject({ name: 'calibration', cases: LABELLED, status: 'passed' })
    const { kappa, rho, disagreements } = dataset.agreement!
    expect(kappa!.value).toBeGreaterThan(0.8)
    // 38 of 40 agree (p_e 0.62): the Wilson interval of p_o puts kappa's lower bound at 0.56.
    expect(kappa!.lower).toBeGreaterThanOrEqual(0.5)
    expect(rho!.value).toBeGreaterThan(0.9)
    expect(dataset.gates.find((g) => g.name === 'agreement')).toMatchObject({ pass: true, threshold: 0.5 })
    // The pass/fail mismatches come first: exactly the cases an off-by-one score moved across 7.
    const ids = Array.from({ length: LABELLED }, (_, i) => `r${i + 1}`)
    const crossed = ids.filter((id) => agreeing(id, quality(id)) >= 7 !== quality(id) >= 7)
    expect(crossed.length).toBeGreaterThan(0)
    expect(disagreements.slice(0, crossed.length).map((d) => d.id).sort()).toEqual(crossed.sort())
    expect(disagreements.every((d) => Math.abs(d.score! - d.expected.score!) <= 1)).toBe(true)
  }, 300_000)

  test('a judge that ignores the human labels fails the agreement gate, and the run with its message', async () => {
    const run = await runner.run(project, undefined, 'calibration.test.js', env({ JUDGE: 'ignores' }))
    expect(run.code, run.output).toBe(1)
    expect(run.output).toMatch(/Cohen's kappa -?\d\.\d\d between human pass labels and the judge's majority \(40 cases\)/)
    const dataset = results().datasets![0]!
    expect(dataset.status).toBe('failed')
    expect(dataset.gates.find((g) => g.name === 'agreement')).toMatchObject({ pass: false, threshold: 0.5 })
    const { kappa, rho, disagreements } = dataset.agreement!
    expect(kappa!.lower).toBeLessThan(0.5)
    expect(Math.abs(rho!.value)).toBeLessThan(0.5)
    expect(disagreements).toHaveLength(10)
    expect(disagreements[0]!.pass).not.toBe(disagreements[0]!.expected.pass)
  }, 300_000)

  test(`over ${SEEDS} seeds of ${CASES} cases, the gate passes a rerun of the same distribution and fails a drop from 0.9 to 0.75, each in at least 18`, async () => {
    mkdirSync(join(project.dir, 'gate'))
    const sent = server.requests.length
    // The three runs at once, each in its own report folder: a judged case costs CPU, not
    // waiting, so they use the machine's cores instead of queueing on one.
    const names = Object.keys(RUNS) as (keyof typeof RUNS)[]
    const done = await Promise.all(names.map((name) => runner.run(project, undefined, 'seeds.test.js', env({ SEED_BASE: String(RUNS[name].base), RATE: String(RUNS[name].rate), ASSAY_REPORT_DIR: `report-${name}` }))))
    for (const [i, name] of names.entries()) {
      const run = done[i]!
      expect(run.code, run.output.slice(-3000)).toBe(0)
      runs[name] = { run, results: parseResults(readFileSync(join(project.dir, `report-${name}`, 'results.json'), 'utf8')) }
      writeFileSync(join(project.dir, 'gate', `${name}.json`), JSON.stringify(runs[name].results))
    }
    // The runs are what they were scripted to be: every case once, at about its true pass rate.
    for (const [name, { rate }] of Object.entries(RUNS) as [keyof typeof RUNS, { rate: number }][]) {
      const datasets = runs[name]!.results.datasets!
      expect(datasets.map((d) => [d.cases, d.trials])).toEqual(Array.from({ length: SEEDS }, () => [CASES, CASES]))
      const passed = datasets.reduce((n, d) => n + d.passedTrials, 0) / (SEEDS * CASES)
      expect(Math.abs(passed - rate), `${name}: pass rate ${passed}`).toBeLessThan(0.025)
    }
    // One request per verdict: every judged trial sent one, and no trial sent two. A case the
    // loaded machine stopped at its timeout has no verdict, and its trial says why.
    const trials = names.flatMap((name) => runs[name]!.results.files.flatMap((f) => f.tests.flatMap((t) => t.eval?.trials ?? [])))
    expect(trials).toHaveLength(3 * SEEDS * CASES)
    const unjudged = trials.filter((t) => t.score === undefined)
    expect(unjudged.length, unjudged.map((t) => t.error).join('\n')).toBeLessThanOrEqual(3)
    expect(server.requests.length - sent).toBeGreaterThanOrEqual(trials.length - unjudged.length)
    expect(server.requests.length - sent).toBeLessThanOrEqual(trials.length)

    // Each dataset compared on its own, as a suite of one dataset would be.
    for (const name of Object.keys(RUNS)) {
      for (let s = 1; s <= SEEDS; s++) writeFileSync(join(project.dir, 'gate', `${name}-${s}.json`), JSON.stringify(only(runs[name as keyof typeof RUNS]!.results, `seed ${s}`)))
    }
    const flagged = async (run: 'same' | 'drop') => {
      const codes: (number | null)[] = []
      // Two at a time: the machine's cores are shared.
      for (let s = 1; s <= SEEDS; s += 2) {
        const pair = [s, s + 1].filter((k) => k <= SEEDS)
        const done = await Promise.all(pair.map((k) => gate('--results', `gate/${run}-${k}.json`, '--against', `gate/reference-${k}.json`)))
        for (const g of done) expect([0, 1], g.output).toContain(g.code)
        codes.push(...done.map((g) => g.code))
      }
      return codes.filter((c) => c === 1).length
    }
    const falseAlarms = await flagged('same')
    const detected = await flagged('drop')

    // All 20 datasets in one comparison, for contrast: how many its decision names as regressed.
    const together = async (run: 'same' | 'drop') => {
      const g = await gate('--results', `gate/${run}.json`, '--against', 'gate/reference.json')
      expect([0, 1], g.output).toContain(g.code)
      const decision = g.stdout.split('\n').find((line) => line.startsWith('assay gate: FAIL: ')) ?? ''
      return new Set([...decision.matchAll(/seed (\d+) (?:pass rate|mean score)/g)].map((m) => m[1])).size
    }
    const togetherSame = await together('same')
    const togetherDrop = await together('drop')

    console.log(
      [
        `${runner.name}: assay gate --against FILE at alpha 0.05, ${SEEDS} seeds of ${CASES} cases × 1 trial, each dataset compared on its own:`,
        `  same distribution (true pass rate 0.9, other seeds): passed ${SEEDS - falseAlarms}/${SEEDS}, false alarms ${falseAlarms}/${SEEDS} (${((100 * falseAlarms) / SEEDS).toFixed(0)}%)`,
        `  drop 0.9 → 0.75: failed ${detected}/${SEEDS} (detection ${((100 * detected) / SEEDS).toFixed(0)}%)`,
        `  all ${SEEDS} datasets in one comparison (Holm over ${2 * SEEDS} tests): ${togetherSame}/${SEEDS} flagged for the same distribution, ${togetherDrop}/${SEEDS} for the drop`,
      ].join('\n'),
    )
    expect(SEEDS - falseAlarms).toBeGreaterThanOrEqual(18)
    expect(detected).toBeGreaterThanOrEqual(18)
  }, 600_000)
})
