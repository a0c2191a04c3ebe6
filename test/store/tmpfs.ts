// A small real file system that can be filled up: a tmpfs mounted for a test. Mounting
// needs root on Linux; where that is not possible, `tmpfsUnavailable` says why, and the
// tests that need one are skipped with that reason.
import { execFileSync } from 'node:child_process'
import { closeSync, fstatSync, ftruncateSync, mkdtempSync, openSync, rmSync, statfsSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A mounted tmpfs. */
export interface Tmpfs {
  dir: string
  unmount(): void
}

/** Mounts a tmpfs of `bytes` (and at most `inodes` files, if given) on `dir` (a new temporary folder by default). */
export function mountTmpfs(bytes: number, dir = mkdtempSync(join(tmpdir(), 'assay-tmpfs-')), inodes?: number): Tmpfs {
  const options = inodes === undefined ? `size=${bytes}` : `size=${bytes},nr_inodes=${inodes}`
  execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'pipe' })
  return {
    dir,
    unmount: () => execFileSync('umount', [dir], { stdio: 'pipe' }),
  }
}

/** Mounts an empty read-only tmpfs on `dir` (a new temporary folder by default): every write there fails with EROFS, for root too. */
export function mountReadOnly(dir = mkdtempSync(join(tmpdir(), 'assay-ro-'))): Tmpfs {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', dir], { stdio: 'pipe' })
  return {
    dir,
    unmount: () => execFileSync('umount', [dir], { stdio: 'pipe' }),
  }
}

/** Makes a mounted tmpfs read-only, with what it holds: every write there fails with EROFS from now on. */
export function remountReadOnly(fs: Tmpfs): void {
  execFileSync('mount', ['-o', 'remount,ro', fs.dir], { stdio: 'pipe' })
}

function probe(): string | undefined {
  if (process.platform !== 'linux') return `tmpfs mounts need Linux, and this is ${process.platform}`
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root'
  try {
    const fs = mountTmpfs(64 * 1024)
    fs.unmount()
    rmSync(fs.dir, { recursive: true, force: true })
    return undefined
  } catch (e) {
    return `mount -t tmpfs failed: ${(e as Error).message.split('\n')[0]}`
  }
}

/** Why no tmpfs can be mounted here, or undefined when one can. */
export const tmpfsUnavailable: string | undefined = probe()
if (tmpfsUnavailable) console.warn(`Skipping the full-disk tests: ${tmpfsUnavailable}.`)

/**
 * Fills the file system holding `dir` with a file named `filler` until only `blocks`
 * blocks are free; returns how many bytes are free then.
 */
export function fillLeaving(dir: string, blocks: number): number {
  const { bsize } = statfsSync(dir)
  const fd = openSync(join(dir, 'filler'), 'w')
  try {
    const chunk = Buffer.alloc(bsize, 0x2e)
    for (;;) writeSync(fd, chunk)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e
  }
  const full = Math.floor(fstatSync(fd).size / bsize) * bsize
  ftruncateSync(fd, Math.max(0, full - blocks * bsize))
  closeSync(fd)
  const { bavail } = statfsSync(dir)
  return bavail * bsize
}
