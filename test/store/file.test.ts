import { existsSync, fstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { nodeFileSystem, parseStore, serializeStore, StoreCorruptError, StoreWriteError, updateStore, type StoreFileSystem } from '../../src/store/file.js'
import { registerSecret, resetSecrets } from '../../src/secrets.js'
import { fillLeaving, mountReadOnly, mountTmpfs, tmpfsUnavailable, type Tmpfs } from './tmpfs.js'

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
    ['an entry that is a string', '{"assay": "cassette", "version": 1, "entries": {"a1": {}, "b2": "oops"}}', 'its entry "b2" is a string, not an object'],
    ['an entry that is null', '{"assay": "cassette", "version": 1, "entries": {"c3": null}}', 'its entry "c3" is null, not an object'],
  ])('a file that is %s is a named error, and is left as it was', (_name, text, problem) => {
    const path = join(dir, 'x.json')
    writeFileSync(path, text)
    const fs = nodeFileSystem()
    const error = (() => {
      try {
        updateStore(fs, path, { ...header, objectEntries: true }, (e) => void (e.k = {}))
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

  test.each([
    ['a lock folder naming its token', (lock: string, dead: number) => (mkdirSync(lock), writeFileSync(join(lock, `${dead}.0123456789ab`), ''))],
    ['a lock file of the older layout', (lock: string, dead: number) => writeFileSync(lock, String(dead))],
  ])('takes over %s left by a dead process, and removes its temp files', (_name, plant) => {
    const path = join(dir, 'x.json')
    const dead = 2 ** 22 + 12_345
    plant(`${path}.lock`, dead)
    writeFileSync(`${path}.${dead}.abcd1234.tmp`, 'half a fi')
    writeFileSync(`${path}.${dead + 1}.lock.tmp`, String(dead + 1))
    updateStore(nodeFileSystem({ lockTimeoutMs: 2_000 }), path, header, (e) => void (e.a = 1))
    expect(existsSync(`${path}.${dead}.abcd1234.tmp`)).toBe(false)
    expect(existsSync(`${path}.${dead + 1}.lock.tmp`)).toBe(false)
    expect(existsSync(`${path}.lock`)).toBe(false)
  })

  test.each([
    ['a symbolic link to a folder', (lock: string, target: string) => (writeFileSync(join(target, '1.0123456789ab'), 'a user file'), writeFileSync(join(target, 'notes.txt'), 'kept'), symlinkSync(target, lock))],
    ['a folder holding a file no lock owner leaves', (lock: string) => (mkdirSync(lock), writeFileSync(join(lock, 'notes.txt'), 'kept'))],
    ['a file that holds no process id', (lock: string) => writeFileSync(lock, 'hello')],
  ])('refuses %s at the lock path, naming it, and touches nothing there', (_name, plant) => {
    const path = join(dir, 'x.json')
    const target = mkdtempSync(join(tmpdir(), 'assay-lock-target-'))
    plant(`${path}.lock`, target)
    const before = readdirSync(target)
    // Stale at once by age: without the check, whatever is there would be moved aside as a dead owner's.
    expect(() => updateStore(nodeFileSystem({ lockTimeoutMs: 500, staleLockMs: -1 }), path, header, (e) => void (e.a = 1))).toThrow(
      /x\.json\.lock is (a symbolic link|a folder holding "notes\.txt", which no lock owner leaves|a file that does not hold a process id), but an assay lock is always a folder assay makes itself.*delete .*x\.json\.lock and run again/,
    )
    expect(readdirSync(target)).toEqual(before)
    expect(existsSync(path)).toBe(false)
    rmSync(target, { recursive: true, force: true })
  })

  test('a holder whose lock was taken over as stale releases nothing of the new owner', () => {
    const path = join(dir, 'x.json')
    const releaseSlow = nodeFileSystem().lock(path)
    // Stale at once by age, although its owner (this process) is alive.
    const releaseNew = nodeFileSystem({ staleLockMs: -1 }).lock(path)
    releaseSlow()
    expect(() => nodeFileSystem({ lockTimeoutMs: 50 }).lock(path)).toThrow(`Timed out after 50 ms waiting for the lock ${path}.lock, held by process ${process.pid}`)
    releaseNew()
    nodeFileSystem({ lockTimeoutMs: 50 }).lock(path)()
    expect(readdirSync(dir)).toEqual([])
  })

  test('waits for a live lock and then gives up with a clear error', () => {
    const path = join(dir, 'x.json')
    writeFileSync(`${path}.lock`, String(process.pid))
    expect(() => updateStore(nodeFileSystem({ lockTimeoutMs: 100 }), path, header, () => {})).toThrow(`Timed out after 100 ms waiting for the lock ${path}.lock, held by process ${process.pid}`)
  })
})

/** The error `run` throws, or undefined when it throws none. */
function thrown(run: () => void): Error | undefined {
  try {
    run()
  } catch (e) {
    return e as Error
  }
  return undefined
}

describe('writeAtomic', () => {
  const committed = '{"committed": true}\n'
  const content = `${'x'.repeat(5_000)}\n`
  const errno = (code: string) => Object.assign(new Error(`${code}: simulated`), { code })

  test('a disk that takes a few bytes per write gets them all, in order', () => {
    const path = join(dir, 'x.json')
    const fs = nodeFileSystem({ io: { write: (fd, buffer, offset, length) => writeSync(fd, buffer, offset, Math.min(length, 7)) } })
    fs.writeAtomic(path, content)
    expect(readFileSync(path, 'utf8')).toBe(content)
    expect(readdirSync(dir)).toEqual(['x.json'])
  })

  test('a write that takes fewer bytes than asked, and then none, fails and leaves the committed file as it was', () => {
    const path = join(dir, 'x.json')
    writeFileSync(path, committed)
    let calls = 0
    const fs = nodeFileSystem({ io: { write: (fd, buffer, offset, length) => (calls++ === 0 ? writeSync(fd, buffer, offset, 100) : 0) } })
    const error = thrown(() => fs.writeAtomic(path, content))
    expect(error).toBeInstanceOf(StoreWriteError)
    expect(error!.message).toBe(`Could not write ${path}: the disk took only 100 of 5001 bytes. The committed file was left unchanged. Check the free space on that disk and run again.`)
    expect(readFileSync(path, 'utf8')).toBe(committed)
    expect(readdirSync(dir)).toEqual(['x.json'])
  })

  test('a file whose size on disk is not the content length is never renamed into place', () => {
    const path = join(dir, 'x.json')
    writeFileSync(path, committed)
    // A disk that claims to have taken every byte but kept only half of them.
    const fs = nodeFileSystem({ io: { write: (fd, buffer, offset, length) => (writeSync(fd, buffer, offset, Math.ceil(length / 2)), length) } })
    const error = thrown(() => fs.writeAtomic(path, content))
    expect(error!.message).toBe(`Could not write ${path}: the disk holds 2501 of its 5001 bytes after writing. The committed file was left unchanged. Check the free space on that disk and run again.`)
    expect(readFileSync(path, 'utf8')).toBe(committed)
    expect(readdirSync(dir)).toEqual(['x.json'])
  })

  test.each([
    ['EDQUOT', 'disk quota exceeded (EDQUOT)', 'Free some space within your quota, or raise it, and run again.'],
    ['EIO', 'input/output error (EIO)', 'Check the disk (the system log says more) and run again.'],
  ])('%s from fsync is a named error; the temp file is removed and the committed file kept', (code, cause, fix) => {
    const path = join(dir, 'x.json')
    writeFileSync(path, committed)
    const fs = nodeFileSystem({ io: { fsync: () => {
      throw errno(code)
    } } })
    const error = thrown(() => fs.writeAtomic(path, content))
    expect(error!.message).toBe(`Could not write ${path}: ${cause}. The committed file was left unchanged. ${fix}`)
    expect((error as StoreWriteError).code).toBe(code)
    expect(readFileSync(path, 'utf8')).toBe(committed)
    expect(readdirSync(dir)).toEqual(['x.json'])
  })

  test.each([
    ['EROFS', 'read-only file system'],
    ['EACCES', 'permission denied'],
  ])('%s names the folder that cannot be written and what to do', (code, cause) => {
    const path = join(dir, 'x.json')
    const fs = nodeFileSystem({ io: { write: () => {
      throw errno(code)
    } } })
    const error = thrown(() => fs.writeAtomic(path, content))
    expect(error).toBeInstanceOf(StoreWriteError)
    expect(error!.message).toContain(`the folder ${dir} cannot be written: ${cause} (${code})`)
    expect(error!.message).toMatch(/make the folder writable for this user/i)
    expect(error!.message).toContain('ASSAY_CACHE=lockdown')
  })

  test('a new file that cannot be written says that nothing was written', () => {
    const path = join(dir, 'new.json')
    const fs = nodeFileSystem({ io: { write: () => {
      throw errno('ENOSPC')
    } } })
    expect(thrown(() => fs.writeAtomic(path, content))!.message).toBe(`Could not write ${path}: no space left on device (ENOSPC). Nothing was written. Free some disk space and run again.`)
    expect(readdirSync(dir)).toEqual([])
  })

  test('the folder is fsynced after the rename, so the rename itself survives a power cut; where it cannot be, the write still succeeds', () => {
    const path = join(dir, 'x.json')
    const synced: string[] = []
    const fs = nodeFileSystem({
      io: {
        fsync: (fd) => {
          if (!fstatSync(fd).isDirectory()) return synced.push('file')
          synced.push(`folder, holding ${readFileSync(path, 'utf8') === content ? 'the new file' : 'the old one'}`)
          throw errno('EINVAL')
        },
      },
    })
    fs.writeAtomic(path, content)
    expect(synced).toEqual(['file', 'folder, holding the new file'])
    expect(readFileSync(path, 'utf8')).toBe(content)
  })
})

describe.skipIf(tmpfsUnavailable !== undefined)(`writeAtomic on a real full disk${tmpfsUnavailable ? ` (skipped: ${tmpfsUnavailable})` : ''}`, () => {
  let disk: Tmpfs
  beforeAll(() => {
    disk = mountTmpfs(64 * 1024)
  })
  afterAll(() => {
    disk.unmount()
    rmSync(disk.dir, { recursive: true, force: true })
  })

  test('ENOSPC part-way through is an error naming the file; the committed file stays byte-identical and no temp file remains', () => {
    const path = join(disk.dir, 'x.json')
    const before = serializeStore(header, { a: { answer: 'committed' } })
    nodeFileSystem().writeAtomic(path, before)
    const free = fillLeaving(disk.dir, 1)
    expect(free).toBeGreaterThan(0)
    // More than the free space, so the disk takes the first part and then refuses.
    const after = serializeStore(header, { a: { answer: 'committed' }, b: { answer: 'y'.repeat(free * 2) } })
    const error = thrown(() => nodeFileSystem().writeAtomic(path, after))
    expect(error).toBeInstanceOf(StoreWriteError)
    expect(error!.message).toBe(`Could not write ${path}: no space left on device (ENOSPC). The committed file was left unchanged. Free some disk space and run again.`)
    expect(readFileSync(path, 'utf8')).toBe(before)
    expect(readdirSync(disk.dir).sort()).toEqual(['filler', 'x.json'])
    // Once there is room again, the same write goes through.
    rmSync(join(disk.dir, 'filler'))
    nodeFileSystem().writeAtomic(path, after)
    expect(readFileSync(path, 'utf8')).toBe(after)
  })

  test('a disk out of inodes, where not even the lock can be made, is the same named error', () => {
    const disk = mountTmpfs(64 * 1024, mkdtempSync(join(tmpdir(), 'assay-tmpfs-')), 8)
    try {
      const path = join(disk.dir, 'x.json')
      updateStore(nodeFileSystem(), path, header, (e) => void (e.a = 1))
      const before = readFileSync(path, 'utf8')
      for (let i = 0; ; i++) {
        const error = thrown(() => writeFileSync(join(disk.dir, `f${i}`), ''))
        if (error) break
      }
      const error = thrown(() => updateStore(nodeFileSystem({ lockTimeoutMs: 1_000 }), path, header, (e) => void (e.b = 2)))
      expect(error!.message).toBe(`Could not write ${path}: no space left on device (ENOSPC). The committed file was left unchanged. Free some disk space and run again.`)
      expect(readFileSync(path, 'utf8')).toBe(before)
      expect(readdirSync(disk.dir).filter((n) => n.startsWith('x.json'))).toEqual(['x.json'])
    } finally {
      disk.unmount()
      rmSync(disk.dir, { recursive: true, force: true })
    }
  })
})

describe.skipIf(tmpfsUnavailable !== undefined)(`writeAtomic in a read-only folder${tmpfsUnavailable ? ` (skipped: ${tmpfsUnavailable})` : ''}`, () => {
  test('a store folder that does not exist yet and cannot be made is EROFS on the folder, not ENOENT', () => {
    const ro = mountReadOnly()
    try {
      const path = join(ro.dir, '__llm_cassettes__', 'nested', 'x.json')
      const error = thrown(() => nodeFileSystem().writeAtomic(path, serializeStore(header, { a: 1 })))
      expect(error).toBeInstanceOf(StoreWriteError)
      expect((error as StoreWriteError).code).toBe('EROFS')
      expect(error!.message).toContain(`the folder ${join(ro.dir, '__llm_cassettes__', 'nested')} cannot be written: read-only file system (EROFS)`)
    } finally {
      ro.unmount()
      rmSync(ro.dir, { recursive: true, force: true })
    }
  })
})
