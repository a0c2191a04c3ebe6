// The lock a prompt's folder is updated under: the store's lock on labels.json, a folder
// `labels.json.lock` holding its owner's token. The registry checks what is at that path
// before it waits on it, since the store's lock would read anything there as an owner: a
// symbolic link's target folder, a file of text, a pipe that blocks the read.
import type { StoreFileSystem } from '../store/file.js'
import { strangeLock } from '../store/lock.js'
import { PromptRegistryError } from './errors.js'

/**
 * Takes the lock of a prompt's folder; returns the function that releases it. A lock path
 * holding anything but a lock is refused, naming it, and a folder that cannot be written
 * (a read-only checkout or image) is named with what to do, instead of the lock's raw error.
 */
export function lockFolder(fs: StoreFileSystem, labelsPath: string, folder: string, show: (path: string) => string): () => void {
  const lock = `${labelsPath}.lock`
  const strange = strangeLock(lock)
  if (strange !== undefined) {
    const shown = show(lock)
    throw new PromptRegistryError(
      shown,
      `${shown} is ${strange}, but the registry's lock there is always a folder it makes itself, holding its owner's token, so this is not a lock it will wait on or remove. If no assay process is running on this folder, delete it (rm "${shown}") and run again.`,
    )
  }
  try {
    return fs.lock(labelsPath)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code !== 'EROFS' && code !== 'EACCES' && code !== 'EPERM') throw e
    throw readOnly(show(folder), code)
  }
}

/** The error for a prompt folder that cannot be written. */
export function readOnly(folder: string, code: string): PromptRegistryError {
  return new PromptRegistryError(
    folder,
    `the prompt folder ${folder} cannot be written (${code}), so the registry cannot record anything there. Make it writable and run again; for a read-only deployment, register every version beforehand (run \`npx assay prompts list\` in a writable checkout) and ship the labels.json and history.jsonl it writes.`,
  )
}
