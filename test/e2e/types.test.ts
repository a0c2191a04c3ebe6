// The README's tsconfig lines, compiled as a user's project would: what it promises for
// `"moduleResolution": "bundler"` and `"node"` (node10), and what it says happens without
// the types entry.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { FixtureProject, root, runners, type Runner } from './harness.js'

/** The tsconfig block of the README's Set-up section, as an object. */
function documentedTsconfig(): { compilerOptions: Record<string, unknown> } {
  const readme = readFileSync(join(root, 'README.md'), 'utf8')
  const block = /```jsonc\n\/\/ tsconfig\.json\n([\s\S]*?)```/.exec(readme)?.[1]
  if (!block) throw new Error('README.md has no ```jsonc block starting with // tsconfig.json')
  return JSON.parse(block) as { compilerOptions: Record<string, unknown> }
}

// The documented lines, plus what any project has anyway (a target, its files, no emit, strict).
function writeTsconfig(p: FixtureProject, compilerOptions: Record<string, unknown>): void {
  const config = { compilerOptions: { target: 'ES2022', ...compilerOptions, strict: true, noEmit: true, skipLibCheck: true }, files: ['types.check.ts'] }
  writeFileSync(join(p.dir, 'tsconfig.docs.json'), JSON.stringify(config))
}

const tsc = (p: FixtureProject) => p.run(process.execPath, [join(p.dir, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.docs.json'])

function runner(project: string): Runner {
  const found = runners.find((r) => r.project === project)
  if (!found) throw new Error(`no runner with project ${project}`)
  return found
}

describe('Vitest 4 with the README’s tsconfig', () => {
  let project: FixtureProject
  const documented = documentedTsconfig().compilerOptions

  beforeAll(() => {
    const r = runner('vitest-esm')
    project = new FixtureProject(r.project, inject('assayPackage'), r.trees?.())
    // The matchers, the reporter and the plugin, with no `/// <reference>` to assay.
    project.writeTypes(false)
    const plugin = "import { assay } from 'assay/vitest/plugin'\nexport const plugin = assay({ judge: { requestsPerMinute: 300 }, report: { outputDir: 'assay-report' } })\n"
    writeFileSync(join(project.dir, 'types.check.ts'), plugin + readFileSync(join(project.dir, 'types.check.ts'), 'utf8'))
  })
  afterAll(() => project?.remove())

  test('the documented lines are the bundler set-up with the Vitest 4 types entry', () => {
    expect(documented).toEqual({ module: 'esnext', moduleResolution: 'bundler', types: ['assay/vitest/v4'] })
  })

  test('moduleResolution bundler: the matchers, the reporter and the plugin type-check', async () => {
    writeTsconfig(project, documented)
    const run = await tsc(project)
    expect(run.code, run.output).toBe(0)
  })

  test('moduleResolution node (node10): the same lines work, through typesVersions', async () => {
    writeTsconfig(project, { ...documented, moduleResolution: 'node' })
    const run = await tsc(project)
    expect(run.code, run.output).toBe(0)
  })

  test('without the types entry, tsc fails on every matcher, the plugin notwithstanding', async () => {
    writeTsconfig(project, { ...documented, types: [] })
    const run = await tsc(project)
    expect(run.code).not.toBe(0)
    expect(run.output).toMatch(/Property 'toHaveBullets' does not exist/)
    expect(run.output).not.toMatch(/Cannot find module/)
  })
})

describe('Jest 30 (CommonJS) with moduleResolution node (node10)', () => {
  let project: FixtureProject

  beforeAll(() => {
    const r = runner('jest-cjs')
    project = new FixtureProject(r.project, inject('assayPackage'), r.trees?.())
    project.writeTypes(false)
  })
  afterAll(() => project?.remove())

  test('the table’s types entry makes the matchers and the Jest reporter type-check', async () => {
    writeTsconfig(project, { module: 'commonjs', moduleResolution: 'node', types: ['node', 'jest', 'assay/jest'] })
    const run = await tsc(project)
    expect(run.code, run.output).toBe(0)
  })
})
