// The lock a prompt's folder is updated under: the store's lock on labels.json, a folder
// `labels.json.lock` holding its owner's token. The store's lock refuses anything else at
// that path (a symbolic link, a file of text, a pipe); the registry names it in its own terms.
import type { StoreFileSystem } from '../store/file.js'
import { StrangeLockError } from '../store/lock.js'
import { PromptRegistryError } from './errors.js'

/**
 * Takes the lock of a prompt's folder; returns the function that releases it. A lock path
 * holding anything but a lock is refused, naming it, and a folder that cannot be written
 * (a read-only checkout or image) is named with what to do, instead of the lock's raw error.
 */
export function lockFolder(fs: StoreFileSystem, labelsPath: string, folder: string, show: (path: string) => string): () => void {
  try {
    return fs.lock(labelsPath)
  } catch (e) {
    if (e instanceof StrangeLockError) {
      const shown = show(e.lock)
      throw new PromptRegistryError(
        shown,
        `${shown} is ${e.found}, but the registry's lock there is always a folder it makes itself, holding its owner's token, so this is not a lock it will wait on or remove. If no assay process is running on this folder, delete it (rm "${shown}") and run again.`,
      )
    }
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
