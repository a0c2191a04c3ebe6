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

  test('an unknown command is a usage error: exit 2, named, with the usage', () => {
    const run = assay('purge')
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('assay: unknown command "purge".')
    expect(run.stderr).toContain('Usage: assay <command> [options]')
  })
})
