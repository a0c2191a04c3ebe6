// The cross-process lock every assay store file is updated under. See lockStore for what
// it guarantees and how.
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { basename, dirname, join } from 'node:path'

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

function code(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException).code
}

/** A unique name beside `path` that {@link removeOrphans} removes once `process.pid` is dead. */
export function scratchName(path: string, suffix: string): string {
  return `${path}.${process.pid}.${randomBytes(6).toString('hex')}.${suffix}`
}

/** Removes the temp files and folders that writers which died (kill -9) left beside `path`. */
export function removeOrphans(path: string): void {
  const base = `${basename(path)}.`
  try {
    for (const name of readdirSync(dirname(path))) {
      if (!name.startsWith(base) || !name.endsWith('.tmp')) continue
      const pid = Number(name.slice(base.length).split('.')[0])
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && !alive(pid)) rmSync(join(dirname(path), name), { recursive: true, force: true })
    }
  } catch {
    // Nothing to clean, or the folder went away: neither matters.
  }
}

/** What a lock owner leaves: its token, `<pid>.<random hex>`. */
const TOKEN = /^\d+\.[0-9a-f]+$/
/** A lock of the older layout: a file holding its owner's pid. */
const PID = /^\s*\d+\s*$/

/** Something other than a lock at a lock's path: never waited on or removed. */
export class StrangeLockError extends Error {
  constructor(
    /** The lock's path. */
    readonly lock: string,
    /** What is there instead, e.g. "a symbolic link". */
    readonly found: string,
    path: string,
  ) {
    super(`${lock} is ${found}, but an assay lock is always a folder assay makes itself, holding its owner's token, so this is not a lock it will wait on or remove. If no assay process is running on ${path}, delete ${lock} and run again.`)
    this.name = 'StrangeLockError'
  }
}

/**
 * What is wrong with what is at the lock path `lock`, or undefined when it is a lock (or
 * nothing). Anything else would be read as an owner and, once "stale", moved aside: a
 * symbolic link's target folder would lose a file, and a pipe would block the read.
 */
export function strangeLock(lock: string): string | undefined {
  try {
    const stat = lstatSync(lock)
    if (stat.isSymbolicLink()) return 'a symbolic link'
    if (stat.isDirectory()) {
      const foreign = readdirSync(lock).find((name) => !TOKEN.test(name))
      return foreign === undefined ? undefined : `a folder holding ${JSON.stringify(foreign)}, which no lock owner leaves`
    }
    if (!stat.isFile()) return 'not a file or a folder'
    return PID.test(readFileSync(lock, 'utf8')) ? undefined : 'a file that does not hold a process id'
  } catch (e) {
    const failure = code(e)
    // Gone, or replaced meanwhile by its owner's release: the lock is free, or a real one.
    if (failure === 'ENOENT' || failure === 'ENOTDIR' || failure === 'EISDIR') return undefined
    return `unreadable (${failure ?? (e as Error).message})`
  }
}

/** What holds a lock: the file whose name (or, in the older layout, content) names its owner. */
interface Holder {
  file: string
  /** A lock file of the older layout: a plain file at the lock path holding a pid. */
  legacy: boolean
  owner: number
  ageMs: number
}

/** The lock's holder, or undefined when the lock changed meanwhile and is worth trying again. */
function inspect(lock: string): Holder | undefined {
  try {
    let names: string[]
    try {
      names = readdirSync(lock)
    } catch (e) {
      if (code(e) !== 'ENOTDIR') throw e
      return { file: lock, legacy: true, owner: Number(readFileSync(lock, 'utf8')), ageMs: Date.now() - statSync(lock).mtimeMs }
    }
    const name = names[0]
    if (name === undefined) {
      // An owner died between removing its token and its folder: an empty folder is free,
      // and rmdir removes only an empty one, never a lock someone holds.
      rmdirSync(lock)
      return undefined
    }
    const file = join(lock, name)
    return { file, legacy: false, owner: Number(name.split('.')[0]), ageMs: Date.now() - statSync(file).mtimeMs }
  } catch {
    return undefined
  }
}

/**
 * Removes a stale holder. Returns false when another process took it over first. The
 * token file is moved by its unique name, so exactly one process moves it, and it can
 * only ever be the stale one that was inspected; a lock taken since has another name.
 */
function takeOver(path: string, lock: string, holder: Holder): boolean {
  if (holder.legacy) {
    // unlink never removes a folder, so it cannot remove a lock of the current layout.
    try {
      unlinkSync(holder.file)
      return true
    } catch {
      return false
    }
  }
  const aside = scratchName(path, 'stale.tmp')
  try {
    renameSync(holder.file, aside)
  } catch (e) {
    if (code(e) === 'ENOENT') return false
    throw e
  }
  rmSync(aside, { force: true })
  try {
    rmdirSync(lock)
  } catch {
    // Not empty: a new owner already moved in. Gone: someone else removed it. Both fine.
  }
  return true
}

/** Renames the staged lock folder into place; false when a lock is held there. */
function moveInto(staging: string, lock: string): boolean {
  try {
    renameSync(staging, lock)
    return true
  } catch (e) {
    // ENOTEMPTY/EEXIST: held. ENOTDIR: an older-layout lock file. EPERM: Windows, which
    // renames no folder over another, even an empty one.
    if (['ENOTEMPTY', 'EEXIST', 'ENOTDIR', 'EPERM'].includes(code(e) ?? '')) return false
    throw e
  }
}

/** Options of {@link lockStore}. */
export interface LockOptions {
  timeoutMs: number
  staleMs: number
}

/** Makes `dir` and the folders above it; an error names the real cause. */
export function makeFolder(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true })
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
    // Node's recursive mkdir says ENOENT when the nearest folder that exists cannot be
    // written (a read-only mount): a plain mkdir just below it gives the real cause.
    let missing = dir
    while (dirname(missing) !== missing && !existsSync(dirname(missing))) missing = dirname(missing)
    mkdirSync(missing)
    mkdirSync(dir, { recursive: true })
  }
}

/**
 * Takes the exclusive lock of the store file `path` across processes; returns the function
 * that releases it.
 *
 * The lock is the folder `<path>.lock` holding one empty file named by its owner's token,
 * `<pid>.<random>`:
 * - Taking it: the token is made in a private folder, which is renamed to `<path>.lock`.
 *   The rename succeeds only where no lock folder, or an empty one, exists, so a lock
 *   appears whole, with its owner named, or not at all; a kill never leaves an anonymous lock.
 * - Taking over: a lock whose owner's pid is dead, or older than `staleMs` (a reused pid,
 *   a process in another container), is stale. Its token file is renamed aside by its
 *   own name: of several processes that found it stale, one succeeds and the rest get
 *   ENOENT, and none can touch a lock taken in the meantime, whose token has another name.
 *   Then only an empty lock folder is removed.
 * - Releasing: the owner removes its own token file by name (gone if it was taken over as
 *   stale, so nothing else is touched), then the folder if it is empty.
 * A lock file of the older layout (a file at `<path>.lock` holding a pid) is taken over
 * with unlink, which cannot remove a folder, so never a current lock.
 */
export function lockStore(path: string, options: LockOptions): () => void {
  const lock = `${path}.lock`
  const token = `${process.pid}.${randomBytes(6).toString('hex')}`
  makeFolder(dirname(path))
  const deadline = Date.now() + options.timeoutMs
  for (let wait = 2; ; ) {
    const staging = `${path}.${token}.lock.tmp`
    mkdirSync(staging)
    let taken: boolean
    try {
      writeFileSync(join(staging, token), '')
      taken = moveInto(staging, lock)
    } finally {
      rmSync(staging, { recursive: true, force: true })
    }
    if (taken) {
      removeOrphans(path)
      return () => {
        try {
          unlinkSync(join(lock, token))
          rmdirSync(lock)
        } catch {
          // Taken over as stale, or a new owner already holds the folder: not ours to remove.
        }
      }
    }
    const strange = strangeLock(lock)
    if (strange !== undefined) throw new StrangeLockError(lock, strange, path)
    const holder = inspect(lock)
    const stale = holder !== undefined && ((Number.isInteger(holder.owner) && holder.owner > 0 && !alive(holder.owner)) || holder.ageMs > options.staleMs)
    if (holder === undefined || (stale && takeOver(path, lock, holder))) {
      if (Date.now() <= deadline) continue
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${options.timeoutMs} ms waiting for the lock ${lock}, held by process ${holder?.owner ?? 'unknown'}. If no assay run is active, delete ${lock}.`)
    }
    sleep(wait)
    wait = Math.min(wait * 2, 50)
  }
}
