import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { FixtureProject, node22Path, root, type RunResult, type TestOutcome } from './harness.js'

// What each failing test of the shared suite must say, in every runner.
const failures: Record<string, string[]> = {
  'fail: bullets': ['expect(received).toHaveBullets(options)', 'Expected 1 to 2 list items, but found 3.', `- "Apple's revenue rose 8% to $94.9B" (6 words)`],
  'fail: not bullets': ['expect(received).not.toHaveBullets(options)', 'Expected the text not to have at least 1 list item, but it does.'],
  'fail: entities': ['Expected all 2 entities to be preserved, but 1 is missing: "Nestlé".', '✗ "Nestlé": missing', '✓ "Apple": found "Apple\'s" at line 1, column 3'],
  'fail: numbers': ['2 claims are not supported', '✗ "9%" (% 9) at line 1: closest in the source: "8%"', '✗ "$95 billion"'],
  'fail: concise': ['Expected the text to be concise (words ≤ 10), but it exceeds words:'],
  'fail: schema': ['Expected the received JSON to match the schema, but found 1 issue.', 'Issues:   title: Invalid input: expected string, received number'],
  'fail: usage error under not': ['toHaveBullets: received must be a string, but got number 42.'],
}

interface Runner {
  name: string
  project: string
  trees?: () => string[]
  /** Runs the whole suite, writing results.json; `only` restricts it to titles starting with it. */
  run(p: FixtureProject, only?: string): Promise<RunResult>
  typecheck(p: FixtureProject): Promise<RunResult>
}

const tsc = (node: string) => (p: FixtureProject) => p.run(node, [join(p.dir, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'])
const vitest = (node: () => string) => (p: FixtureProject, only?: string) =>
  p.run(node(), ['node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json', '--outputFile.json=results.json', ...(only ? ['-t', `^${only}`] : [])])
const jest = (p: FixtureProject, only?: string) =>
  p.run(process.execPath, ['node_modules/jest/bin/jest.js', '--ci', '--json', '--outputFile=results.json', ...(only ? ['-t', `^${only}`] : [])])

const runners: Runner[] = [
  { name: 'Vitest 4 (ESM, Node 20)', project: 'vitest-esm', run: vitest(() => process.execPath), typecheck: tsc(process.execPath) },
  {
    name: 'Vitest 5 (ESM, Node 22)',
    project: 'vitest5',
    trees: () => [join(root, 'test/e2e/vitest5/node_modules'), join(root, 'node_modules')],
    run: vitest(node22Path),
    typecheck: tsc(process.execPath),
  },
  { name: 'Jest 30 (CommonJS, globals)', project: 'jest-cjs', run: jest, typecheck: tsc(process.execPath) },
  { name: 'Jest 30 (@jest/globals)', project: 'jest-globals', run: jest, typecheck: tsc(process.execPath) },
]

describe.each(runners)('$name', (runner) => {
  let project: FixtureProject
  let full: RunResult
  let results: Map<string, TestOutcome>

  beforeAll(async () => {
    project = new FixtureProject(runner.project, inject('assayPackage'), runner.trees?.())
    full = await runner.run(project)
    results = project.results()
  })
  afterAll(() => project?.remove())

  test('the run fails with exit code 1 and counts every test', () => {
    expect(full.code, full.output).toBe(1)
    const titles = [...results.keys()]
    expect(titles.filter((t) => t.startsWith('pass:'))).toHaveLength(7)
    expect(titles.filter((t) => t.startsWith('fail:'))).toHaveLength(Object.keys(failures).length)
  })

  test('every pass: test passes and every fail: test fails', () => {
    for (const [title, outcome] of results) {
      expect(outcome.status, `${title}\n${outcome.message}`).toBe(title.startsWith('pass:') ? 'passed' : 'failed')
    }
  })

  test.each(Object.entries(failures))('%s reports its message', (title, fragments) => {
    const message = results.get(title)?.message ?? ''
    for (const fragment of fragments) expect(message).toContain(fragment)
  })

  test('the runner prints the failure messages to the terminal', () => {
    expect(full.output).toContain('Expected all 2 entities to be preserved')
  })

  test('a run of only the passing tests exits 0', async () => {
    const run = await runner.run(project, 'pass:')
    expect(run.code, run.output).toBe(0)
    const outcomes = [...project.results().values()]
    expect(outcomes.filter((o) => o.status === 'passed')).toHaveLength(7)
    expect(outcomes.filter((o) => o.status === 'failed')).toHaveLength(0)
  })

  test('types: every matcher type-checks, and wrong options are rejected', async () => {
    const run = await runner.typecheck(project)
    expect(run.code, run.output).toBe(0)
  })

  test('types: without the assay types the same file fails, so the check can fail', async () => {
    project.writeTypes(false)
    try {
      const run = await runner.typecheck(project)
      expect(run.code).not.toBe(0)
      for (const matcher of ['toHaveBullets', 'toPreserveEntities', 'toHaveNoInventedNumbers', 'toBeConcise', 'toMatchSchema']) {
        expect(run.output).toMatch(new RegExp(`Property '${matcher}' does not exist`))
      }
    } finally {
      project.writeTypes(true)
    }
  })
})
