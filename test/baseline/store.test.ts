import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { fingerprint } from '../../src/baseline/fingerprint.js'
import { belongsToTests } from '../../src/baseline/runtime.js'
import { BaselineFile, baselinePath, inputHash, resolveUpdateMode } from '../../src/baseline/store.js'
import { nodeFileSystem } from '../../src/store/file.js'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'assay-baseline-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('baseline store', () => {
  test('modes mirror snapshots: update → all, CI → none, else new', () => {
    expect(resolveUpdateMode(true, { CI: 'true' })).toBe('all')
    expect(resolveUpdateMode(false, { ASSAY_UPDATE: '1', CI: 'true' })).toBe('all')
    expect(resolveUpdateMode(false, { CI: 'true' })).toBe('none')
    expect(resolveUpdateMode(false, { CI: 'false' })).toBe('new')
    expect(resolveUpdateMode(false, {})).toBe('new')
  })

  test('assay prune (ASSAY_PRUNE=1) writes no baseline: it compares as CI does, so drift still fails', () => {
    expect(resolveUpdateMode(false, { ASSAY_PRUNE: '1' })).toBe('none')
    expect(resolveUpdateMode(false, { ASSAY_PRUNE: '1', ASSAY_UPDATE: '' })).toBe('none')
    expect(resolveUpdateMode(true, { ASSAY_PRUNE: '1' })).toBe('all')
  })

  test('a retried test counts its unnamed baselines from 1 again', () => {
    const file = new BaselineFile(nodeFileSystem(), baselinePath(join(dir, 'summary.test.ts')))
    expect([file.keyFor('retried'), file.keyFor('retried'), file.keyFor('other')]).toEqual(['retried 1', 'retried 2', 'other 1'])
    file.restartTest('retried')
    expect([file.keyFor('retried'), file.keyFor('other')]).toEqual(['retried 1', 'other 2'])
  })

  test('entries belong to a test by its full name: "<name> <n>" or "<name> › <label>", nothing longer', () => {
    const tests = ['suite > shaped']
    expect(belongsToTests('suite > shaped 1', tests)).toBe(true)
    expect(belongsToTests('suite > shaped 12', tests)).toBe(true)
    expect(belongsToTests('suite > shaped › json reply', tests)).toBe(true)
    expect(belongsToTests('suite > shaped again 1', tests)).toBe(false)
    expect(belongsToTests('suite > shaped', tests)).toBe(false)
    expect(belongsToTests('suite > other 1', tests)).toBe(false)
    expect(belongsToTests('suite > shaped 1', [])).toBe(false)
  })

  test('lives beside the test file, keys assertions like snapshots, and counts writes', () => {
    const path = baselinePath(join(dir, 'summary.test.ts'))
    expect(path).toBe(join(dir, '__llm_baselines__', 'summary.test.ts.json'))
    const file = new BaselineFile(nodeFileSystem(), path)
    expect([file.keyFor('suite > summary'), file.keyFor('suite > summary'), file.keyFor('suite > summary', 'json reply')]).toEqual([
      'suite > summary 1',
      'suite > summary 2',
      'suite > summary › json reply',
    ])
    const output = '- a\n- b'
    file.save('suite > summary 1', { fingerprint: fingerprint(output), sample: output, inputHash: inputHash('prompt') }, false)
    file.save('suite > summary 1', { fingerprint: fingerprint(output), sample: output, inputHash: inputHash('prompt 2') }, true)
    expect([file.written, file.updated]).toEqual([1, 1])
    // Staged entries are seen at once and written in one go at the end of the file.
    expect(file.lookup('suite > summary 1')?.inputHash).toBe(inputHash('prompt 2'))
    expect(() => readFileSync(path, 'utf8')).toThrow()
    file.flush()
    const stored = JSON.parse(readFileSync(path, 'utf8'))
    expect(stored).toMatchObject({ assay: 'baseline', version: 1, entries: { 'suite > summary 1': { sample: output, inputHash: inputHash('prompt 2') } } })
    expect(inputHash('prompt')).toMatch(/^[0-9a-f]{16}$/)
  })

  test('entries no assertion touched are obsolete and can be pruned', () => {
    const path = baselinePath(join(dir, 'a.test.ts'))
    const first = new BaselineFile(nodeFileSystem(), path)
    first.save('t 1', { fingerprint: fingerprint('x'), sample: 'x' }, false)
    first.save('t 2', { fingerprint: fingerprint('y'), sample: 'y' }, false)
    first.flush()
    const next = new BaselineFile(nodeFileSystem(), path)
    expect(next.lookup('t 2')?.sample).toBe('y')
    expect(next.obsolete()).toEqual(['t 1'])
    expect(next.prune()).toBe(1)
    expect(Object.keys(JSON.parse(readFileSync(path, 'utf8')).entries)).toEqual(['t 2'])
  })
})
