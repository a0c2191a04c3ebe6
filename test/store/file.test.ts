import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { nodeFileSystem, parseStore, serializeStore, StoreCorruptError, updateStore, type StoreFileSystem } from '../../src/store/file.js'
import { registerSecret, resetSecrets } from '../../src/secrets.js'

const header = { assay: 'cassette', version: 1 }
let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'assay-store-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('store format', () => {
  test('is deterministic: header first, entries and keys sorted, a final newline', () => {
    const a = serializeStore(header, { b: { z: 1, a: [{ y: 2, x: 1 }] }, a: { k: 'v' } })
    const b = serializeStore(header, { a: { k: 'v' }, b: { a: [{ x: 1, y: 2 }], z: 1 } })
    expect(a).toBe(b)
    expect(a).toBe('{\n  "assay": "cassette",\n  "version": 1,\n  "entries": {\n    "a": {\n      "k": "v"\n    },\n    "b": {\n      "a": [\n        {\n          "x": 1,\n          "y": 2\n        }\n      ],\n      "z": 1\n    }\n  }\n}\n')
    expect(parseStore('f.json', a, header)).toEqual({ a: { k: 'v' }, b: { a: [{ x: 1, y: 2 }], z: 1 } })
  })

  test('holds no known secret and no credential header value, whatever the entries carry', () => {
    registerSecret('sk-store-0123456789')
    try {
      const text = serializeStore(header, { k: { sample: 'quoted sk-store-0123456789 here', headers: { 'X-Api-Key': 'unknown-0123456789' } } })
      expect(JSON.parse(text).entries).toEqual({ k: { sample: 'quoted [REDACTED] here', headers: { 'X-Api-Key': '[REDACTED]' } } })
    } finally {
      resetSecrets()
    }
  })

  test.each([
    ['not JSON', '{"assay": "cassette", "version": 1, "entries": {', 'it is not JSON'],
    ['another kind', '{"assay": "baseline", "version": 1, "entries": {}}', 'expected an object with "assay": "cassette"'],
    ['another version', '{"assay": "cassette", "version": 9, "entries": {}}', 'it has version 9, and this assay reads version 1'],
    ['bad entries', '{"assay": "cassette", "version": 1, "entries": []}', 'its "entries" is not an object'],
  ])('a file that is %s is a named error, and is left as it was', (_name, text, problem) => {
    const path = join(dir, 'x.json')
    writeFileSync(path, text)
    const fs = nodeFileSystem()
    const error = (() => {
      try {
        updateStore(fs, path, header, (e) => void (e.k = 1))
      } catch (e) {
        return e as StoreCorruptError
      }
    })()
    expect(error).toBeInstanceOf(StoreCorruptError)
    expect(error!.message).toContain(`${path} is not a valid assay store file: ${problem}`)
    expect(error!.message).toContain('assay never overwrites it')
    expect(readFileSync(path, 'utf8')).toBe(text)
    expect(existsSync(`${path}.lock`)).toBe(false)
  })
})

describe('updateStore', () => {
  const counting = (): StoreFileSystem & { writes: number } => {
    const real = nodeFileSystem()
    const fs = { ...real, writes: 0, writeAtomic: (p: string, c: string) => (fs.writes++, real.writeAtomic(p, c)) }
    return fs
  }

  test('writes only when the content changes, and never an empty new file', () => {
    const fs = counting()
    const path = join(dir, 'nested', 'x.json')
    expect(updateStore(fs, path, header, () => {})).toBe(false)
    expect(existsSync(path)).toBe(false)
    expect(updateStore(fs, path, header, (e) => void (e.a = { n: 1 }))).toBe(true)
    expect(updateStore(fs, path, header, (e) => void (e.a = { n: 1 }))).toBe(false)
    expect(fs.writes).toBe(1)
  })

  test('merges with what another writer stored in the meantime', () => {
    const fs = nodeFileSystem()
    const path = join(dir, 'x.json')
    updateStore(fs, path, header, (e) => void (e.first = 1))
    updateStore(fs, path, header, (e) => void (e.second = 2))
    expect(parseStore(path, readFileSync(path, 'utf8'), header)).toEqual({ first: 1, second: 2 })
  })

  test('takes over a lock left by a dead process, and removes its temp files', () => {
    const path = join(dir, 'x.json')
    const dead = 2 ** 22 + 12_345
    writeFileSync(`${path}.lock`, String(dead))
    writeFileSync(`${path}.${dead}.abcd1234.tmp`, 'half a fi')
    writeFileSync(`${path}.${dead + 1}.lock.tmp`, String(dead + 1))
    updateStore(nodeFileSystem({ lockTimeoutMs: 2_000 }), path, header, (e) => void (e.a = 1))
    expect(existsSync(`${path}.${dead}.abcd1234.tmp`)).toBe(false)
    expect(existsSync(`${path}.${dead + 1}.lock.tmp`)).toBe(false)
    expect(existsSync(`${path}.lock`)).toBe(false)
  })

  test('waits for a live lock and then gives up with a clear error', () => {
    const path = join(dir, 'x.json')
    writeFileSync(`${path}.lock`, String(process.pid))
    expect(() => updateStore(nodeFileSystem({ lockTimeoutMs: 100 }), path, header, () => {})).toThrow(`Timed out after 100 ms waiting for the lock ${path}.lock, held by process ${process.pid}`)
  })
})
