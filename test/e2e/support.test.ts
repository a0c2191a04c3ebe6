// A runner outside the supported range stops the run at set-up, in one sentence naming the
// version found and the range. The projects run the oldest supported majors, with a fake
// older install where assay looks for the runner: the plugin from the config's root, the
// Jest setup file from the test file's folder.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { FixtureProject, runners } from './harness.js'

function fakeInstall(dir: string, name: string, version: string): void {
  mkdirSync(join(dir, 'node_modules', name), { recursive: true })
  writeFileSync(join(dir, 'node_modules', name, 'package.json'), JSON.stringify({ name, version }))
}

describe.each([
  { project: 'vitest3', runner: 'Vitest', old: '3.1.4', range: '^3.2.0 || ^4.1.0 || ^5.0.0' },
  { project: 'jest29', runner: 'Jest', old: '28.1.3', range: '^29.0.0 || ^30.0.0' },
])('$runner', ({ project: name, runner: runnerName, old, range }) => {
  const runner = runners.find((r) => r.project === name)!
  let project: FixtureProject
  const body = "test('one', () => { expect('- a\\n- b').toHaveBullets() })\n"

  beforeAll(() => {
    project = new FixtureProject(name, inject('assayPackage'), runner.trees?.())
    mkdirSync(join(project.dir, 'old'))
    fakeInstall(join(project.dir, 'old'), runnerName === 'Vitest' ? 'vitest' : 'jest', old)
    project.writeTest('old/old.test.js', body)
    project.writeTest('fine.test.js', body)
    // The plugin checks the Vitest its config's root resolves.
    writeFileSync(join(project.dir, 'old.config.js'), "import { assay } from 'assay/vitest/plugin'\nexport default { root: 'old', plugins: [assay()] }\n")
  })
  afterAll(() => project?.remove())

  test(`the oldest supported ${runnerName} runs a test with assay's matchers`, async () => {
    const run = await runner.run(project, undefined, 'fine.test.js')
    expect(run.code, run.output).toBe(0)
  })

  test(`${runnerName} ${old} fails at set-up with the version found and the range supported`, async () => {
    const run =
      runnerName === 'Vitest'
        ? await project.run(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--config', 'old.config.js'])
        : await runner.run(project, undefined, 'old/old.test.js')
    expect(run.code).not.toBe(0)
    expect(run.output).toContain(`assay supports ${runnerName} ${range}, but found ${runnerName} ${old}: install a supported version`)
  })
})
