// The check every read makes of a prompt's versions and labels against labels.json, the one
// record of what is registered and what each label serves. Each finding refuses only its own
// version (and the labels on it) or its own label: a draft registered by a read and then
// edited, or a version whose file is gone, never takes the prompt's other versions down.
import { PromptRegistryError } from './errors.js'
import type { RegistryFiles, RegistryState } from './files.js'
import { compareVersions } from './order.js'
import type { VersionFile } from './registry.js'

/** What the check needs of the registry: how it shows paths and names files. */
export interface CheckContext {
  name: string
  files: RegistryFiles
  show(path: string): string
  /** The path of a version's file. */
  pathOf(version: string): string
  /** A free name for a new version. */
  free(): string
}

/** Whether a label's recorded hash is the content of `file` (in any of its line-ending forms). */
function sameContent(file: VersionFile, sha256: string | undefined): boolean {
  return sha256 !== undefined && (sha256 === file.hash || (file.alike?.includes(sha256) ?? false))
}

/**
 * Checks every registered version against its file, setting each finding as that version's
 * `problem`; a registered version whose file is gone gets a row of its own (added to
 * `versions`, in order). Returns the labels that cannot be served, and why: a label on a
 * version that does not exist, or whose file is not the content the label was set on.
 */
export function checkVersions(c: CheckContext, versions: VersionFile[], state: RegistryState): Map<string, PromptRegistryError> {
  const labels = c.show(c.files.labelsPath)
  const on = (version: string) => Object.keys(state.labels).filter((l) => state.labels[l]!.version === version).sort()
  for (const [version, listed] of Object.entries(state.versions)) {
    const file = versions.find((v) => v.version === version)
    const path = c.show(c.pathOf(version))
    if (file === undefined) {
      const problem = new PromptRegistryError(
        path,
        `prompt "${c.name}" version "${version}" is registered in ${labels}, but its file ${path} is gone. Versions are immutable: restore it (git checkout -- "${path}"). If it was never committed and no label names it (a draft that a read registered), drop its registration instead: npx assay prompts forget ${c.name} ${version}`,
      )
      versions.push({ version, hash: '', labels: on(version), file: path, text: '', problem })
      continue
    }
    if (file.problem !== undefined || file.hash === listed) continue
    file.problem = new PromptRegistryError(
      path,
      `${path} was edited after it was registered: ${labels} records sha256 ${listed}, the file now has sha256 ${file.hash}. Versions are immutable: restore it (git checkout -- "${path}") and add your change as a new version, e.g. ${c.show(c.pathOf(c.free()))}. If it was never committed and no label names it (a draft that a read registered), drop its registration instead: npx assay prompts forget ${c.name} ${version}`,
    )
  }
  // A version labels.json does not register (its line lost in a merge resolved by hand) is
  // still bound by the labels on it: other content is never registered under them.
  for (const file of versions) {
    if (file.problem !== undefined || state.versions[file.version] !== undefined) continue
    const bound = on(file.version).filter((l) => state.labels[l]!.sha256 !== undefined && !sameContent(file, state.labels[l]!.sha256))
    if (bound.length === 0) continue
    const path = c.show(c.pathOf(file.version))
    file.problem = new PromptRegistryError(
      path,
      `${path} has sha256 ${file.hash}, but ${labels} does not register version "${file.version}", and its label ${bound.map((l) => `"${l}" was set on it when it had sha256 ${state.labels[l]!.sha256}`).join(', ')}. Versions are immutable: restore the file (git log -p -- "${path}"), which registers it again, and add your change as a new version, e.g. ${c.show(c.pathOf(c.free()))}.`,
    )
  }
  versions.sort((a, b) => compareVersions(a.version, b.version))
  const refused = new Map<string, PromptRegistryError>()
  for (const [label, entry] of Object.entries(state.labels)) {
    const file = versions.find((v) => v.version === entry.version)
    const move = `npx assay prompts label ${c.name} ${entry.version} ${label} --reason "…"`
    if (file === undefined) {
      refused.set(label, new PromptRegistryError(labels, `${labels}: the label "${label}" points at version "${entry.version}" of prompt "${c.name}", which does not exist. Restore the file from version control, or move the label: npx assay prompts label ${c.name} VERSION ${label} --reason "…"`))
      continue
    }
    // A version with a problem refuses the labels on it when it is asked for.
    if (file.problem !== undefined || sameContent(file, entry.sha256)) continue
    const path = c.show(c.pathOf(entry.version))
    if (entry.unbound !== undefined) {
      refused.set(label, new PromptRegistryError(labels, `the label "${label}" of prompt "${c.name}" in ${labels} is an entry of the older format (a bare version name), and ${entry.unbound} It is not served. Restore the history from version control, or review ${path} and move the label again, which records its hash: ${move}`))
      continue
    }
    const was = entry.sha256 === undefined ? `names no content (an entry of the older format, whose version ${labels} does not register)` : `was set on version "${entry.version}" when it had sha256 ${entry.sha256}`
    refused.set(
      label,
      new PromptRegistryError(
        labels,
        `the label "${label}" of prompt "${c.name}" in ${labels} ${was}, but ${path} has sha256 ${file.hash} now, which nobody moved the label to: as when a merge takes one branch's move of the label and another branch's content of the version. It is not served. Review the file (git log -p -- "${path}"), then move the label again, which records the current hash: ${move}`,
      ),
    )
  }
  return refused
}
