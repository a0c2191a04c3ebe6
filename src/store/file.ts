// The on-disk format every assay store (cassettes, and later baselines) shares, and the
// file operations it needs. All IO goes through the small StoreFileSystem interface, so
// the store logic can be tested without touching the disk.
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { basename, dirname, join } from 'node:path'
import stableStringify from 'fast-json-stable-stringify'
import { holdsSecrets, redactDeep } from '../secrets.js'

/** The file operations a store needs. */
export interface StoreFileSystem {
  /** The file's text, or undefined when it does not exist. */
  read(path: string): string | undefined
  /** Replaces the file's content so that a crash leaves either the old or the new text. */
  writeAtomic(path: string, content: string): void
  /** Takes an exclusive lock on `path` across processes; returns the function that releases it. */
  lock(path: string): () => void
}

/** A store file that is not valid JSON of the expected kind and version. */
export class StoreCorruptError extends Error {
  override readonly name = 'StoreCorruptError'
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`${path} is not a valid assay store file: ${problem}.\nassay never overwrites it. Restore it from version control (git checkout -- "${path}"), or delete it to record it afresh.`)
  }
}

/** What heads every store file, so a reader can tell the kind and version apart. */
export interface StoreHeader {
  assay: string
  version: number
}

/**
 * Serialises a store deterministically: the header first, then entries in sorted key
 * order, every object's keys sorted, two-space indents, a final newline. The same entries
 * always give the same bytes, so a diff shows only what changed. Known secrets never reach
 * the file, whoever recorded the entries.
 */
export function serializeStore(header: StoreHeader, entries: Record<string, unknown>): string {
  // fast-json-stable-stringify fixes the key order; parsing it back keeps that order, and
  // the second pass only adds the indentation that keeps diffs line by line.
  const text = stableStringify(entries)
  // One scan decides; the walk that redacts runs only when there is something to redact.
  const canonical = JSON.parse(holdsSecrets(text) ? stableStringify(redactDeep(entries)) : text) as unknown
  return `${JSON.stringify({ assay: header.assay, version: header.version, entries: canonical }, null, 2)}\n`
}

/** Parses a store file, or throws {@link StoreCorruptError} naming it. A missing file is empty. */
export function parseStore<E>(path: string, text: string | undefined, header: StoreHeader): Record<string, E> {
  if (text === undefined) return {}
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (e) {
    throw new StoreCorruptError(path, `it is not JSON (${(e as Error).message})`)
  }
  const file = data as Partial<StoreHeader> & { entries?: unknown }
  if (file === null || typeof file !== 'object' || file.assay !== header.assay) {
    throw new StoreCorruptError(path, `expected an object with "assay": "${header.assay}"`)
  }
  if (file.version !== header.version) {
    throw new StoreCorruptError(path, `it has version ${String(file.version)}, and this assay reads version ${header.version}`)
  }
  if (file.entries === null || typeof file.entries !== 'object' || Array.isArray(file.entries)) {
    throw new StoreCorruptError(path, 'its "entries" is not an object')
  }
  return file.entries as Record<string, E>
}

const sleeper = new Int32Array(new SharedArrayBuffer(4))
function sleep(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms)
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Removes the temp files that writers which died (kill -9) left beside `path`. */
function removeOrphans(path: string): void {
  const base = `${basename(path)}.`
  try {
    for (const name of readdirSync(dirname(path))) {
      if (!name.startsWith(base) || !name.endsWith('.tmp')) continue
      const pid = Number(name.slice(base.length).split('.')[0])
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && !alive(pid)) rmSync(join(dirname(path), name), { force: true })
    }
  } catch {
    // Nothing to clean, or the folder went away: neither matters.
  }
}

/** Options of {@link nodeFileSystem}. */
export interface NodeFileSystemOptions {
  /** How long to wait for another process's lock before giving up. @default 30000 */
  lockTimeoutMs?: number
  /** A lock older than this whose owner cannot be checked is taken over. @default 60000 */
  staleLockMs?: number
}

/** The real file system: temp file + fsync + rename for writes, an exclusive lock file for locks. */
export function nodeFileSystem(options: NodeFileSystemOptions = {}): StoreFileSystem {
  const timeout = options.lockTimeoutMs ?? 30_000
  const stale = options.staleLockMs ?? 60_000
  return {
    read(path) {
      try {
        return readFileSync(path, 'utf8')
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined
        throw e
      }
    },
    writeAtomic(path, content) {
      mkdirSync(dirname(path), { recursive: true })
      const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
      const fd = openSync(temp, 'w')
      try {
        writeSync(fd, content)
        fsyncSync(fd)
      } finally {
        closeSync(fd)
      }
      renameSync(temp, path)
    },
    lock(path) {
      const lockPath = `${path}.lock`
      mkdirSync(dirname(path), { recursive: true })
      const deadline = Date.now() + timeout
      for (let wait = 2; ; wait = Math.min(wait * 2, 50)) {
        // The lock appears with its owner's pid already in it (written aside, then
        // hard-linked into place), so a kill can never leave an anonymous lock behind.
        const claim = `${path}.${process.pid}.lock.tmp`
        writeFileSync(claim, String(process.pid))
        try {
          linkSync(claim, lockPath)
          removeOrphans(path)
          return () => rmSync(lockPath, { force: true })
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
        } finally {
          rmSync(claim, { force: true })
        }
        // A lock whose process died (kill -9) would block every later run: take it over.
        let owner = Number.NaN
        let age = 0
        try {
          owner = Number(readFileSync(lockPath, 'utf8'))
          age = Date.now() - statSync(lockPath).mtimeMs
        } catch {
          continue
        }
        if ((Number.isInteger(owner) && owner > 0 && !alive(owner)) || age > stale) {
          rmSync(lockPath, { force: true })
          continue
        }
        if (Date.now() > deadline) {
          throw new Error(`Timed out after ${timeout} ms waiting for the lock ${lockPath}, held by process ${owner}. If no assay run is active, delete the lock file.`)
        }
        sleep(wait)
      }
    },
  }
}

/**
 * Reads, changes and writes a store under its lock, so that concurrent writers merge
 * rather than overwrite each other. The file is rewritten only when its bytes change.
 * Returns whether it was.
 */
export function updateStore<E>(fs: StoreFileSystem, path: string, header: StoreHeader, change: (entries: Record<string, E>) => void): boolean {
  const release = fs.lock(path)
  try {
    const before = fs.read(path)
    const entries = parseStore<E>(path, before, header)
    change(entries)
    if (before === undefined && Object.keys(entries).length === 0) return false
    const after = serializeStore(header, entries)
    if (after === before) return false
    fs.writeAtomic(path, after)
    return true
  } finally {
    release()
  }
}
