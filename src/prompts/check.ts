// The check every read makes of a prompt's versions against what labels.json and the
// history record. Each finding refuses only its own version (and the labels on it) or its
// own label: a draft registered by a read and then edited, or a version whose file is gone,
// never takes the prompt's other versions down.
import { PromptRegistryError } from './errors.js'
import { isMove, type HistoryRecord, type RegistryFiles, type RegistryState } from './files.js'
import { mergeAdvice, unionHint } from './merge.js'
import { disputedLabels, historyRegistrations, registeredInHistory } from './keep.js'
import { compareVersions } from './order.js'
import type { VersionFile } from './registry.js'
import type { LabelMove } from './types.js'

// The latest move (by time, the line breaking ties) that put `label` on `version`.
function latestMoveTo(label: string, version: string, records: readonly HistoryRecord[]): { move: LabelMove; line: number } | undefined {
  let found: { move: LabelMove; line: number; time: number } | undefined
  records.forEach((r, i) => {
    if (!isMove(r) || r.label !== label || r.to !== version) return
    const time = Date.parse(r.time)
    if (found === undefined || !(time < found.time)) found = { move: r, line: i + 1, time }
  })
  return found
}

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

/**
 * Checks every version labels.json or the history names against its file, setting each
 * finding as that version's `problem`; a version whose file is gone gets a row of its own
 * (added to `versions`, in order). Returns the problems of labels: `refused`, a label on a
 * version that does not exist, or one labels.json lacks although the history moved it; and
 * `disputed`, a label labels.json holds elsewhere than the history's latest move put it,
 * which is reported but still served from labels.json, the committed state.
 */
export function checkVersions(
  c: CheckContext,
  versions: VersionFile[],
  state: RegistryState,
  records: readonly HistoryRecord[],
): { refused: Map<string, PromptRegistryError>; disputed: Map<string, PromptRegistryError> } {
  const labels = c.show(c.files.labelsPath)
  const history = c.show(c.files.historyPath)
  const named = new Set<string>([...Object.keys(state.versions), ...registeredInHistory(records)])
  for (const r of records) if (isMove(r)) for (const v of [r.from, r.to]) if (v !== null) named.add(v)
  const restore = (path: string, version: string) =>
    `restore it (git checkout -- "${path}"). If it was never committed and no label ever named it (a draft that a read registered), drop its registration instead: npx assay prompts forget ${c.name} ${version}`
  for (const version of named) {
    const file = versions.find((v) => v.version === version)
    const path = c.show(c.pathOf(version))
    const registered = historyRegistrations(version, records, history)
    const listed = state.versions[version]
    if (file === undefined) {
      const where = registered.length > 0 || listed !== undefined ? `registered in ${[...(registered.length > 0 ? [history] : []), ...(listed !== undefined ? [labels] : [])].join(' and ')}` : `named by a label move in ${history}`
      const problem = new PromptRegistryError(path, `prompt "${c.name}" version "${version}" is ${where}, but its file ${path} is gone. Versions are immutable and history names them: ${restore(path, version)}.`)
      versions.push({ version, hash: '', labels: Object.keys(state.labels).filter((l) => state.labels[l] === version).sort(), file: path, text: '', problem })
      continue
    }
    if (file.problem !== undefined) continue
    const hashes = [...new Set(registered.map((r) => r.hash))]
    // labels.json is rewritten whole and by hand, so a hash only it records is an edit of
    // it; only the history, appended to and merged by union, shows a version registered twice.
    if (listed !== undefined && hashes.length > 0 && !hashes.includes(listed)) {
      const edited = file.hash === listed ? `, and ${path} was edited to match it (the history registers it with ${hashes.join(', ')})` : ''
      const unregistered = `${labels} records sha256 ${listed} for version "${version}" of prompt "${c.name}", which no registration in ${history} records (${registered.map((r) => `sha256 ${r.hash} in ${r.where}`).join('; ')})`
      const merging = mergeAdvice(c.files.folder, history)
      if (merging !== undefined) {
        file.problem = new PromptRegistryError(path, `${unregistered}: ${merging}`)
        continue
      }
      const hint = unionHint(c.files.folder, history)
      file.problem = new PromptRegistryError(
        path,
        `${unregistered}: ${labels} was edited${edited}. Versions are immutable: restore both files (git checkout -- "${labels}" "${path}") and add your change as a new version instead, e.g. ${c.show(c.pathOf(c.free()))}.${hint === undefined ? '' : ` ${hint}`}`,
      )
      continue
    }
    if (hashes.length > 1) {
      file.problem = new PromptRegistryError(
        path,
        `version "${version}" of prompt "${c.name}" was registered twice with different content (${hashes.map((h) => `sha256 ${h} in ${registered.filter((r) => r.hash === h).map((r) => r.where).join(', ')}`).join('; ')}), as when two branches each add "${version}" and are merged; ${path} now has sha256 ${file.hash}. To repair it: keep one content in ${path}, save the other as a new version (e.g. ${c.show(c.pathOf(c.free()))}, from \`git show OTHER-BRANCH:${path}\`), then record which content "${version}" keeps: npx assay prompts keep ${c.name} ${version}`,
      )
      continue
    }
    const wrong = [...registered, ...(listed === undefined ? [] : [{ hash: listed, where: labels }])].find((r) => r.hash !== file.hash)
    if (wrong !== undefined) {
      file.problem = new PromptRegistryError(
        path,
        `${path} was edited after it was registered: ${wrong.where === labels ? labels : history} records sha256 ${wrong.hash}, the file now has sha256 ${file.hash}. Versions are immutable: ${restore(path, version)}; then add your change as a new version, e.g. ${c.show(c.pathOf(c.free()))}.`,
      )
    }
  }
  versions.sort((a, b) => compareVersions(a.version, b.version))
  const problems = new Map<string, PromptRegistryError>()
  for (const [label, version] of Object.entries(state.labels)) {
    if (!versions.some((v) => v.version === version)) {
      problems.set(label, new PromptRegistryError(labels, `${labels}: the label "${label}" points at version "${version}" of prompt "${c.name}", which does not exist. Restore the file from version control, or move the label: npx assay prompts label ${c.name} VERSION ${label}`))
    }
  }
  for (const [label, version] of Object.entries(state.labels)) {
    if (problems.has(label)) continue
    const set = latestMoveTo(label, version, records)
    const now = historyRegistrations(version, records, history).at(-1)?.hash ?? state.versions[version]
    if (set === undefined || set.move.hash === undefined || now === undefined || set.move.hash === now) continue
    problems.set(
      label,
      new PromptRegistryError(
        labels,
        `the label "${label}" of prompt "${c.name}" was set on version "${version}" by line ${set.line} of ${history} (${set.move.time}${set.move.reason ? ` "${set.move.reason}"` : ''}) when "${version}" had sha256 ${set.move.hash}, but "${version}" is registered with sha256 ${now} now (${c.show(c.pathOf(version))}): it was forgotten and added again with other content, as when one branch forgets and rewrites a draft while another promotes it. Nobody reviewed the new content under this label. Check the file against the content that was promoted (git log -p -- "${c.show(c.pathOf(version))}"), then move the label where it belongs: npx assay prompts label ${c.name} VERSION ${label} --reason "…"`,
      ),
    )
  }
  const disputed = new Map<string, PromptRegistryError>()
  for (const [label, [listed, moved, line]] of disputedLabels(state, records)) {
    // A label labels.json lacks is not served from the fallback: nobody chose `latest` for it.
    if (listed === undefined) {
      problems.set(
        label,
        new PromptRegistryError(
          labels,
          `the label "${label}" of prompt "${c.name}" is unset in ${labels}, but the latest move of it in ${history} (line ${line}) put it on "${moved}": a merge kept one side of ${labels} and the other side's move, or ${labels} was edited. Decide where it belongs and move it there, which records the move: npx assay prompts label ${c.name} VERSION ${label} --reason "…"`,
        ),
      )
      continue
    }
    // A merge of a rolled-back experiment or a `git revert` of a promotion leaves labels.json
    // as committed and the history with the undone move: served as committed, and reported.
    disputed.set(
      label,
      new PromptRegistryError(
        labels,
        `the label "${label}" of prompt "${c.name}" is on "${listed}" in ${labels}, but the latest move of it in ${history} (line ${line}) put it on "${moved}": a merge kept one side of ${labels} and the other side's move, a commit that moved it was reverted, or ${labels} was edited. It is served from ${labels} ("${listed}"), the committed state. Where it belongs is "${listed}": record that by moving it there again (npx assay prompts label ${c.name} ${listed} ${label} --reason "…"); otherwise move it where it belongs (npx assay prompts label ${c.name} VERSION ${label} --reason "…").`,
      ),
    )
  }
  return { refused: problems, disputed }
}
