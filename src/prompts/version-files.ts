// A prompt's version files on disk: what their names are, how one is read (never through a
// link out of its folder), and what a new version could be called.
import { createHash } from 'node:crypto'
import { lstatSync, readFileSync, realpathSync, statSync } from 'node:fs'
import { sep } from 'node:path'
import { PromptRegistryError } from './errors.js'
import { checkName, compareVersions, RESERVED } from './order.js'

export const EXTENSION = '.prompt'
// What `git mergetool` leaves beside a conflicted file (v2_BASE_4242.prompt, …): copies of
// a merge's sides, never versions, ignored as the `.orig` backups are.
export const MERGETOOL_LEFTOVER = /_(?:BASE|LOCAL|REMOTE|BACKUP)_\d+$/

/**
 * The hashes the content of a version file may be registered with. The first is the one a
 * version is registered with: of its bytes with CRLF read as LF, since git converts line
 * endings on checkout (`text=auto`, `core.autocrlf`) and the same commit must hash alike in
 * every clone. The others, of its bytes as they are and of its text with CRLF line endings,
 * are what an older assay recorded when it hashed a CRLF copy's raw bytes: differing only
 * in line endings, they are the same version.
 */
export function contentHashes(bytes: Buffer): string[] {
  const lf = bytes.toString('latin1').replace(/\r\n/g, '\n')
  const of = (text: string) => createHash('sha256').update(text, 'latin1').digest('hex')
  return [...new Set([of(lf), of(bytes.toString('latin1')), of(lf.replace(/\n/g, '\r\n'))])]
}

/** Whether `path` is a folder, or a link to one. */
export function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}

/** A name for the version after `latest`: its last number plus one (v2 → v3, v2.1 → v2.2). */
export function nextVersion(latest: string): string {
  const match = /^(.*?)(\d+)(\D*)$/.exec(latest)
  if (!match) return `${latest}-2`
  const [, before, digits, after] = match as unknown as [string, string, string, string]
  return `${before}${String(BigInt(digits) + 1n).padStart(digits.length, '0')}${after}`
}

// Reads one version file; a link out of the prompt's folder, a dangling link, a file gone
// since the folder was listed, or a folder with a version's name is a damaged registry.
export function readVersion(path: string, folder: string, show: (path: string) => string): Buffer {
  const shown = show(path)
  try {
    if (lstatSync(path).isSymbolicLink()) {
      const target = realpathSync(path)
      if (!target.startsWith(realpathSync(folder) + sep)) {
        throw new PromptRegistryError(shown, `${shown} is a symbolic link to ${target}, outside the prompt's folder. A version is a file in its prompt's folder, reviewed with it: copy the file in instead of linking to it.`)
      }
    }
    if (!statSync(path).isFile()) throw new PromptRegistryError(shown, `${shown} is not a file. A version is one .prompt file: move the folder away or rename it.`)
    return readFileSync(path)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
    throw new PromptRegistryError(shown, `${shown} is listed in ${show(folder)} but cannot be read: it is a symbolic link to a missing file, or it was removed while being read. Restore the file, or remove ${shown}.`)
  }
}

// A prompt folder that links out of the registry would be read, and written, outside the
// reviewed tree, as a version file that links out of its folder would.
export function checkFolderLink(folder: string, root: string, show: (path: string) => string): void {
  let target: string
  try {
    if (!lstatSync(folder).isSymbolicLink()) return
    target = realpathSync(folder)
  } catch {
    return
  }
  const real = realpathSync(root)
  if (target.startsWith(real + sep)) return
  const shown = show(folder)
  throw new PromptRegistryError(shown, `${shown} is a symbolic link to ${target}, outside the registry folder ${show(root)}. A prompt's versions, labels and history are reviewed with the repository: move the folder in instead of linking to it.`)
}

const validName = (name: string): boolean => {
  try {
    return checkName('version', name, 'freeVersion') === name
  } catch {
    return false
  }
}

// A name for a new version that is neither a version nor a label of the prompt.
export function freeVersion(versions: readonly string[], labels: Record<string, unknown>): string {
  const taken = new Set([...versions, ...Object.keys(labels), ...RESERVED])
  // A name that is not valid (`ꮩ3`, which sorts after every `v`) must not seed the advice.
  let next = nextVersion([...versions].filter((v) => !MERGETOOL_LEFTOVER.test(v) && validName(v)).sort(compareVersions).at(-1) ?? 'v0')
  for (let i = 0; i < 1000 && (taken.has(next) || MERGETOOL_LEFTOVER.test(next)); i++) next = nextVersion(next)
  return next
}
