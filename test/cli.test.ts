import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'

const bin = join(import.meta.dirname, '..', 'bin', 'assay.mjs')
const assay = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' })

describe('npx assay', () => {
  test.each([[[]], [['--help']], [['-h']], [['help']], [['prune', '--help']]])('%j prints the usage and exits 0', (args) => {
    const run = assay(...args)
    expect(run.status).toBe(0)
    expect(run.stdout).toContain('Usage: assay <command> [options]')
    expect(run.stdout).toContain('prune [vitest arguments]')
    expect(run.stdout).toContain('merge DIR… --out DIR')
    expect(run.stderr).toBe('')
  })

  test('gate is listed, and `gate --help` prints its own usage with its exit codes (from the build)', () => {
    expect(assay('--help').stdout).toContain('gate [options]             Compare a run with the previous run or a saved reference')
    const run = assay('gate', '--help')
    expect(run.status).toBe(0)
    expect(run.stdout).toContain('Usage: assay gate [--results FILE] [--against previous | FILE] [--alpha 0.05]')
    expect(run.stdout).toContain('2  a usage error')
  })

  test('gate exits 2 with the reason when there is no results.json', () => {
    const run = spawnSync(process.execPath, [bin, 'gate', '--results', 'no/such/results.json'], { encoding: 'utf8', cwd: import.meta.dirname })
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('assay gate: cannot read the results')
    expect(run.stderr).toContain('no such file')
  })

  test.each(['purge', 'toString', '__proto__', 'constructor'])('an unknown command (%s) is a usage error: exit 2, named, with the usage', (command) => {
    const run = assay(command)
    expect(run.status).toBe(2)
    expect(run.stderr).toContain(`assay: unknown command "${command}".`)
    expect(run.stderr).toContain('Usage: assay <command> [options]')
  })
})
