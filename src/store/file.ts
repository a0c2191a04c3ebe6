// The on-disk format every assay store (cassettes, and later baselines) shares, and the
// file operations it needs. All IO goes through the small StoreFileSystem interface, so
// the store logic can be tested without touching the disk.
import { closeSync, existsSync, fstatSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'
import stableStringify from 'fast-json-stable-stringify'
import { lockStore, makeFolder, scratchName } from './lock.js'
import { holdsSecrets, redactDeep } from '../secrets.js'

/** The file operations a store needs. */
export interface StoreFileSystem {
  /** The file's text, or undefined when it does not exist. */
  read(path: string): string | undefined
  /**
   * Replaces the file's content so that a crash, a full disk or an IO error leaves either
   * the old or the new text; throws {@link StoreWriteError} when the new text is not written.
   */
  writeAtomic(path: string, content: string): void
  /**
   * Takes an exclusive lock on `path` across processes; returns the function that releases
   * it, which never removes a lock that another process holds by then.
   */
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
  /** Older versions this reader also reads; a file it writes is always at `version`. */
  reads?: readonly number[] | undefined
  /** Every entry must be an object; read only, never written. */
  objectEntries?: boolean
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
  if (file.version !== header.version && !header.reads?.includes(file.version as number)) {
    throw new StoreCorruptError(path, `it has version ${String(file.version)}, and this assay reads version ${header.version}`)
  }
  if (file.entries === null || typeof file.entries !== 'object' || Array.isArray(file.entries)) {
    throw new StoreCorruptError(path, 'its "entries" is not an object')
  }
  // A hand-edited entry that is not an object would fail later as a TypeError naming nothing.
  for (const [key, entry] of header.objectEntries ? Object.entries(file.entries) : []) {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      const kind = entry === null ? 'null' : Array.isArray(entry) ? 'an array' : `a ${typeof entry}`
      throw new StoreCorruptError(path, `its entry "${key}" is ${kind}, not an object`)
    }
  }
  return file.entries as Record<string, E>
}

/** The low-level calls of {@link StoreFileSystem.writeAtomic}, which a test can replace to play a failing disk. */
export interface StoreIo {
  /** Writes up to `length` bytes of `buffer` from `offset`; returns how many the disk took. @default fs.writeSync */
  write(fd: number, buffer: Uint8Array, offset: number, length: number): number
  /** Flushes a file, or a folder's entries, to the disk. @default fs.fsyncSync */
  fsync(fd: number): void
}

/** Options of {@link nodeFileSystem}. */
export interface NodeFileSystemOptions {
  /** How long to wait for another process's lock before giving up. @default 30000 */
  lockTimeoutMs?: number
  /**
   * A lock held longer than this is taken over even if its owner's pid is alive (the pid
   * may have been reused, or belong to another container); no update holds it for more
   * than a moment. @default 60000
   */
  staleLockMs?: number
  /** Replaces the low-level write and fsync, so tests can play short writes and disk errors. */
  io?: Partial<StoreIo>
}

/** A store file that could not be written; the committed version, if any, is unchanged. */
export class StoreWriteError extends Error {
  override readonly name = 'StoreWriteError'
  constructor(
    readonly path: string,
    /** The error code (ENOSPC, EDQUOT, EIO…), or undefined for a short write. */
    readonly code: string | undefined,
    problem: string,
    fix: string,
    committedKept: boolean,
    options?: ErrorOptions,
  ) {
    super(`Could not write ${path}: ${problem}. ${committedKept ? 'The committed file was left unchanged.' : 'Nothing was written.'} ${fix}`, options)
  }
}

const READ_ONLY_FIX = 'Make the folder writable for this user, or keep the tests on a writable disk, and run again; a run that must not write can use ASSAY_CACHE=lockdown, which only replays.'
const CAUSES: Record<string, [problem: string, fix: string]> = {
  ENOSPC: ['no space left on device', 'Free some disk space and run again.'],
  EDQUOT: ['disk quota exceeded', 'Free some space within your quota, or raise it, and run again.'],
  EIO: ['input/output error', 'Check the disk (the system log says more) and run again.'],
  EROFS: ['read-only file system', READ_ONLY_FIX],
  EACCES: ['permission denied', READ_ONLY_FIX],
  EPERM: ['operation not permitted', READ_ONLY_FIX],
}
// A read-only checkout (a container, a CI cache) is a folder problem, not a file's.
const FOLDER_CODES = new Set(['EROFS', 'EACCES', 'EPERM'])
const SHORT_FIX = 'Check the free space on that disk and run again.'

/** A write that the disk did not take whole, though it reported no error. */
class ShortWrite extends Error {}

function writeError(path: string, e: unknown): StoreWriteError {
  const kept = existsSync(path)
  if (e instanceof ShortWrite) return new StoreWriteError(path, undefined, e.message, SHORT_FIX, kept)
  const code = (e as NodeJS.ErrnoException).code
  const known = code === undefined ? undefined : CAUSES[code]
  if (known && FOLDER_CODES.has(code!)) return new StoreWriteError(path, code, `the folder ${dirname(path)} cannot be written: ${known[0]} (${code})`, known[1], kept, { cause: e })
  if (known) return new StoreWriteError(path, code, `${known[0]} (${code})`, known[1], kept, { cause: e })
  return new StoreWriteError(path, code, (e as Error).message, 'Check that the folder is writable and the disk healthy, and run again.', kept, { cause: e })
}

/**
 * Replaces `path` with `content` so that the committed file is either the old or the new
 * bytes, whatever happens:
 * - The bytes go to a unique temp file beside it. The write is repeated until the disk has
 *   taken every byte; a write that takes none ends it (a full disk may first take part of
 *   a write and only refuse the next one, so a single write's count cannot be trusted).
 * - The temp file is fsynced, and its size on disk must equal the content's byte length.
 * - Only then is it renamed over `path`, and the folder fsynced so that the rename itself
 *   survives a power cut (best effort: Windows and some file systems cannot do it).
 * - On any error (ENOSPC, EDQUOT, EIO, a short write…) the temp file is removed, `path` is
 *   left as it was, and a {@link StoreWriteError} names the file, the cause and the fix.
 *   A writer killed mid-way leaves only its temp file, which the next writer removes.
 */
function writeAtomic(path: string, content: string, io: StoreIo): void {
  const bytes = Buffer.from(content, 'utf8')
  const temp = scratchName(path, 'tmp')
  let fd: number | undefined
  try {
    makeFolder(dirname(path))
    fd = openSync(temp, 'w')
    for (let done = 0; done < bytes.length; ) {
      const taken = io.write(fd, bytes, done, bytes.length - done)
      if (!(taken > 0)) throw new ShortWrite(`the disk took only ${done} of ${bytes.length} bytes`)
      done += taken
    }
    io.fsync(fd)
    const size = fstatSync(fd).size
    if (size !== bytes.length) throw new ShortWrite(`the disk holds ${size} of its ${bytes.length} bytes after writing`)
    closeSync(fd)
    fd = undefined
    renameSync(temp, path)
  } catch (e) {
    // The write already failed, and that error is the one to report; a temp file that
    // cannot be removed now is removed by the next writer once this process has ended.
    quietly(() => fd !== undefined && closeSync(fd))
    quietly(() => rmSync(temp, { force: true }))
    throw writeError(path, e)
  }
  // Best effort, see above: the file itself is already safely on disk.
  quietly(() => {
    const folder = openSync(dirname(path), 'r')
    try {
      io.fsync(folder)
    } finally {
      closeSync(folder)
    }
  })
}

function quietly(run: () => unknown): void {
  try {
    run()
  } catch {
    // Deliberately ignored by the caller, which says why.
  }
}

/** The real file system: see writeAtomic and {@link lockStore} for what they guarantee. */
export function nodeFileSystem(options: NodeFileSystemOptions = {}): StoreFileSystem {
  const lock = { timeoutMs: options.lockTimeoutMs ?? 30_000, staleMs: options.staleLockMs ?? 60_000 }
  const io: StoreIo = { write: options.io?.write ?? writeSync, fsync: options.io?.fsync ?? fsyncSync }
  return {
    read(path) {
      try {
        return readFileSync(path, 'utf8')
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined
        throw e
      }
    },
    writeAtomic: (path, content) => writeAtomic(path, content, io),
    lock: (path) => lockStore(path, lock),
  }
}

/**
 * Reads, changes and writes a store under its lock, so that concurrent writers merge
 * rather than overwrite each other. The file is rewritten only when its bytes change.
 * Returns whether it was.
 */
export function updateStore<E>(fs: StoreFileSystem, path: string, header: StoreHeader, change: (entries: Record<string, E>) => void): boolean {
  let release: () => void
  try {
    release = fs.lock(path)
  } catch (e) {
    // A disk too full for even the lock's files (no inodes left) is the same failure as
    // one too full for the store, and is reported the same way.
    throw (e as NodeJS.ErrnoException).syscall === undefined ? e : writeError(path, e)
  }
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
