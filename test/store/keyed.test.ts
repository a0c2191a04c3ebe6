import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { nodeFileSystem } from '../../src/store/file.js'
import { KeyedStore, settle } from '../../src/store/keyed.js'

let dir: string
let path: string
const header = { assay: 'test-store', version: 1 }
const stored = () => Object.keys(JSON.parse(readFileSync(path, 'utf8')).entries as object)

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'assay-keyed-'))
  path = join(dir, 'store.json')
  const seed = new KeyedStore<number>(nodeFileSystem(), path, header)
  for (const key of ['used', 'failed 1', 'gone 1']) seed.record(key, 1)
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
})
afterEach(() => {
  vi.restoreAllMocks()
  rmSync(dir, { recursive: true, force: true })
})

describe('settle', () => {
  test('after a full run, entries no test touched are obsolete: reported, or removed under update', () => {
    const store = new KeyedStore<number>(nodeFileSystem(), path, header)
    store.lookup('used')
    expect(settle(store, { fullRun: true, update: false })).toEqual({ path, obsolete: ['failed 1', 'gone 1'], pruned: 0 })
    // A plain line, not console.warn, which Jest prints with a stack trace.
    expect(process.stderr.write).toHaveBeenCalledWith(expect.stringMatching(/^assay: 2 obsolete entries in .*\n$/))
    expect(settle(store, { fullRun: true, update: true })).toEqual({ path, obsolete: [], pruned: 2 })
    expect(stored()).toEqual(['used'])
  })

  test('with an assay reporter, which lists obsolete entries in its block, the store says nothing', () => {
    vi.stubEnv('ASSAY_SUMMARY', 'reporter')
    const store = new KeyedStore<number>(nodeFileSystem(), path, header)
    expect(settle(store, { fullRun: true, update: false })).toMatchObject({ obsolete: ['failed 1', 'gone 1', 'used'] })
    expect(process.stderr.write).not.toHaveBeenCalled()
    vi.unstubAllEnvs()
  })

  test('entries a failed test can claim are kept: it may have thrown before touching them', () => {
    const store = new KeyedStore<number>(nodeFileSystem(), path, header)
    store.lookup('used')
    const keep = (key: string) => key.startsWith('failed ')
    expect(settle(store, { fullRun: true, update: false, keep })).toMatchObject({ obsolete: ['gone 1'] })
    expect(settle(store, { fullRun: true, update: true, keep })).toMatchObject({ pruned: 1 })
    expect(stored()).toEqual(['failed 1', 'used'])
  })

  test('a partial run (filter, skip, only) decides nothing', () => {
    const store = new KeyedStore<number>(nodeFileSystem(), path, header)
    expect(settle(store, { fullRun: false, update: true })).toBeUndefined()
    expect(stored()).toEqual(['failed 1', 'gone 1', 'used'])
  })
})

describe('write-behind recording', () => {
  test('entries recorded close together reach the disk in one update, within the delay or at flush', async () => {
    const fs = nodeFileSystem()
    let writes = 0
    const counting = { ...fs, writeAtomic: (p: string, c: string) => (writes++, fs.writeAtomic(p, c)) }
    const store = new KeyedStore<number>(counting, path, header)
    store.writeBehind(50)
    for (let i = 0; i < 100; i++) store.record(`k${i}`, i)
    expect(writes).toBe(0)
    // Seen at once by this process, on disk within the delay.
    expect(store.lookup('k42')).toBe(42)
    for (let i = 0; i < 100 && writes === 0; i++) await new Promise((r) => setTimeout(r, 20))
    expect(writes).toBe(1)
    expect(stored()).toHaveLength(103)
    store.record('late', 1)
    store.flush()
    expect(writes).toBe(2)
    expect(stored()).toContain('late')
  })

  test('a failed background write is thrown by the next record or flush, and its entries stay staged', async () => {
    const fs = nodeFileSystem()
    let fail = true
    const flaky = { ...fs, writeAtomic: (p: string, c: string) => (fail ? (() => { throw new Error('ENOSPC: no space left on device') })() : fs.writeAtomic(p, c)) }
    const store = new KeyedStore<number>(flaky, path, header)
    store.writeBehind(10)
    store.record('kept', 1)
    await new Promise((r) => setTimeout(r, 100))
    expect(() => store.flush()).toThrow('ENOSPC')
    fail = false
    store.flush()
    expect(stored()).toContain('kept')
  })
})
