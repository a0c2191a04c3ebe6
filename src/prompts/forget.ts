// Drops a registration nobody released: a draft that a read registered, then edited or
// deleted before it was committed. What was committed is released, and stays immutable.
import { join } from 'node:path'
import { AssayUsageError } from '../errors.js'
import { onCi } from '../ci.js'
import { PromptRegistryError } from './errors.js'
import type { VersionForget } from './files.js'
import { releasedAt } from './released.js'
import type { Registry, Scan } from './registry.js'

/**
 * Drops the registration of a version that is not committed: in a git repository, refused
 * when a labels.json at HEAD (this folder's, or one anywhere in the repository, as after a
 * move or rename of the folder) registers the version with the hash being dropped (a
 * committed version is released, and a change to it must be a new version); outside git, refused while
 * a label names it. Also refused while a label names it, and on CI. Removes the version's
 * hash from labels.json and appends a `forget` line to the history; a file still there is
 * registered afresh, as a new draft, by the next read outside CI.
 */
export function forgetVersion(registry: Registry, scan: Scan, version: string, now: () => Date = () => new Date()): VersionForget {
  const caller = 'assay prompts forget'
  if (onCi(registry.options.env)) {
    throw new AssayUsageError(caller, 'forget changes the committed registry (labels.json), and CI only reads it (CI is set). Run it in a local checkout and commit labels.json.')
  }
  const labelsShown = registry.show(scan.files.labelsPath)
  const restore = `Restore its file from version control (git checkout -- "${registry.show(join(scan.files.folder, `${version}.prompt`))}") and add changes as a new version.`
  const hash = scan.state.versions[version]
  if (hash === undefined) {
    throw new AssayUsageError(caller, `version "${version}" of prompt "${scan.name}" is not registered in ${labelsShown}, so there is nothing to forget. Registered versions: ${Object.keys(scan.state.versions).join(', ') || 'none'}.`)
  }
  const labels = Object.keys(scan.state.labels).filter((l) => scan.state.labels[l]!.version === version)
  if (labels.length > 0) {
    throw new PromptRegistryError(labelsShown, `version "${version}" of prompt "${scan.name}" is released: the label${labels.length > 1 ? 's' : ''} ${labels.join(', ')} in ${labelsShown} name${labels.length > 1 ? '' : 's'} it, so its registration stays. ${restore}`)
  }
  const at = releasedAt(scan.files.folder, version, hash)
  if (at) {
    const moved = at.own ? '' : `: this folder has been moved or renamed since that commit, or ${at.path} is another prompt's, with the same version name and content`
    throw new PromptRegistryError(
      labelsShown,
      `version "${version}" of prompt "${scan.name}" is committed (${at.path} at HEAD registers it with sha256 ${hash})${moved}, so it is released: a commit may be deployed, merged or served as "latest", and its registration stays. ${restore}`,
    )
  }
  return scan.files.update((state) => {
    delete state.versions[version]
    const forget: VersionForget = { time: now().toISOString(), action: 'forget', version, dropped: [hash] }
    return { records: [forget], result: forget }
  })
}
