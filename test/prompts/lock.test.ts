// The folder's lock (labels.json.lock) is a folder the registry makes and removes itself.
// Anything else at its path (a symbolic link, a file that names no process, a folder
// holding what no owner left) is refused at once, naming it, and never waited on or touched.
import { execFileSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { prompts, PromptRegistryError } from '../../src/index.js'
import { rejection, tempProject, V1 } from './helpers.js'

function project() {
  const p = tempProject()
  p.write('s', 'v1', V1)
  const lock = join(p.dir, 's', 'labels.json.lock')
  return { ...p, lock }
}

describe('a lock the registry did not make', () => {
  test('a symbolic link to a folder is refused at once, naming it; its target is not touched', async () => {
    const p = project()
    const target = join(p.root, 'elsewhere')
    mkdirSync(target)
    writeFileSync(join(target, 'notes.txt'), 'keep me')
    symlinkSync(target, p.lock)
    const e = await rejection(prompts.label('s', 'v1', 'staging'))
    expect(e).toBeInstanceOf(PromptRegistryError)
    expect(e.message).toContain(`${p.lock} is a symbolic link`)
    expect(e.message).toContain(`delete it (rm "${p.lock}")`)
    expect(e.message).not.toContain('NaN')
    expect(readdirSync(target)).toEqual(['notes.txt'])
    expect(readFileSync(join(target, 'notes.txt'), 'utf8')).toBe('keep me')
  }, 60_000)

  test.each([
    ['a file that names no process', (lock: string) => writeFileSync(lock, 'hello'), 'a file that does not hold a process id'],
    ['a folder holding what no lock owner leaves', (lock: string) => (mkdirSync(lock), writeFileSync(join(lock, 'notes.txt'), '')), 'a folder holding "notes.txt"'],
    ['a named pipe', (lock: string) => void execFileSync('mkfifo', [lock]), 'not a file or a folder'],
  ])('%s is refused at once, naming it', async (_, make, what) => {
    const p = project()
    make(p.lock)
    const e = await rejection(prompts.label('s', 'v1', 'staging'))
    expect(e).toBeInstanceOf(PromptRegistryError)
    expect(e.message).toContain(`${p.lock} is ${what}`)
    expect(e.message).not.toContain('NaN')
  }, 60_000)

  test('a lock left by a dead process is still taken over, and a free one taken', async () => {
    const p = project()
    mkdirSync(p.lock)
    writeFileSync(join(p.lock, '999999999.abcdef012345'), '')
    expect((await prompts.label('s', 'v1', 'staging'))?.to).toBe('v1')
    writeFileSync(p.lock, '999999999\n')
    expect((await prompts.label('s', 'v1', 'production'))?.to).toBe('v1')
  })
})
