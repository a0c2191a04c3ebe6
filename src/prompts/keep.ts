// Repairs recorded in the history. A version registered twice with different content (two
// branches each added it and were merged, so history.jsonl, merged by union, holds both
// registrations) is refused until `npx assay prompts keep` records which content it keeps;
// a registration nobody released is dropped by `npx assay prompts forget`.
import { join } from 'node:path'
import { AssayUsageError } from '../errors.js'
import { onCi } from '../ci.js'
import { PromptRegistryError } from './errors.js'
import { isMove, type HistoryRecord, type RegistryState, type VersionForget, type VersionKeep } from './files.js'
import type { Registry, Scan } from './registry.js'
import type { LabelMove } from './types.js'

/** A recorded hash of a version, and where it is recorded. */
export interface Recorded {
  hash: string
  where: string
}

/**
 * The hashes the history registers a version with now: its `register` and `keep` lines
 * from its last `keep` or `forget` line on.
 */
export function historyRegistrations(version: string, records: readonly HistoryRecord[], history: string): Recorded[] {
  const found: Recorded[] = []
  records.forEach((r, i) => {
    if (isMove(r) || r.version !== version) return
    if (r.action !== 'register') found.length = 0
    if (r.action !== 'forget') found.push({ hash: r.hash, where: `line ${i + 1} of ${history}` })
  })
  return found
}

/** The versions the history registers now (see {@link historyRegistrations}). */
export function registeredInHistory(records: readonly HistoryRecord[]): Set<string> {
  const versions = new Set<string>()
  for (const r of records) {
    if (isMove(r)) continue
    if (r.action === 'forget') versions.delete(r.version)
    else versions.add(r.version)
  }
  return versions
}

/** The hashes a version is registered with now: the history's, then labels.json's. */
export function registrations(version: string, state: RegistryState, records: readonly HistoryRecord[], shown: { labels: string; history: string }): Recorded[] {
  const found = historyRegistrations(version, records, shown.history)
  const listed = state.versions[version]
  if (listed !== undefined) found.push({ hash: listed, where: shown.labels })
  return found
}

// The label moves that name a version since its last keep (which reviewed the earlier ones).
function movesOf(version: string, records: readonly HistoryRecord[]): { move: LabelMove; line: number }[] {
  const found: { move: LabelMove; line: number }[] = []
  records.forEach((r, i) => {
    if (!isMove(r)) {
      if (r.action === 'keep' && r.version === version) found.length = 0
    } else if (r.from === version || r.to === version) found.push({ move: r, line: i + 1 })
  })
  return found
}

/** Options of {@link keepVersion}. */
export interface KeepOptions {
  /**
   * The labels on the version, and the label moves that named it, have been checked: each
   * was made with the content the version keeps, or has been moved to the version that holds
   * the other content. Without it, keep refuses while a label or a move names the version.
   */
  labelsReviewed?: boolean
  now?: () => Date
}

/**
 * Records that a version registered twice with different content (by a merge) keeps the
 * content its file has now: appends a `keep` line to the history and sets its hash in
 * labels.json. Refused when the file matches none of the history's registrations, when
 * labels.json records a hash no registration does (an edit, not a merge), and, unless
 * `labelsReviewed`, when a label or a label move names the version. Also records the
 * content of a version whose registrations were all lost while label moves name it.
 */
export function keepVersion(registry: Registry, scan: Scan, version: string, options: KeepOptions = {}): VersionKeep {
  refuseOnCi(registry, 'keep')
  const file = scan.versions.find((v) => v.version === version && v.hash !== '')
  if (file === undefined) {
    throw new AssayUsageError('assay prompts keep', `prompt "${scan.name}" has no version file "${version}": keep takes the name of a version whose file is there (not a label). Versions: ${scan.versions.map((v) => v.version).join(', ') || 'none'}.`)
  }
  const records = scan.files.records()
  const shown = { labels: registry.show(scan.files.labelsPath), history: registry.show(scan.files.historyPath) }
  const hashes = [...new Set(historyRegistrations(version, records, shown.history).map((r) => r.hash))]
  const listed = scan.state.versions[version]
  const moves = movesOf(version, records)
  const lost = hashes.length === 0 && listed === undefined && moves.length > 0
  if (hashes.length < 2 && !lost) {
    const why = file.problem ? ` Its problem is another: ${file.problem.message}` : ''
    throw new PromptRegistryError(file.file, `version "${version}" of prompt "${scan.name}" has one registered content in ${shown.history} (sha256 ${hashes[0] ?? listed ?? 'none'}), so there is nothing to keep: keep is for a version two merged branches each registered.${why}`)
  }
  if (listed !== undefined && hashes.length > 0 && !hashes.includes(listed)) {
    throw new PromptRegistryError(file.file, `${shown.labels} records sha256 ${listed} for "${version}", which no registration in ${shown.history} records (${hashes.join(', ')}): ${shown.labels} was edited, and keep cannot take an edit for a merge. Restore ${shown.labels} (git checkout -- "${shown.labels}") and ${file.file}.`)
  }
  if (!lost && !hashes.includes(file.hash)) {
    throw new PromptRegistryError(file.file, `${file.file} has sha256 ${file.hash}, which matches neither content "${version}" was registered with (${hashes.join(', ')}). Put one of them back in the file (e.g. git show OTHER-BRANCH:${file.file}), then run this again.`)
  }
  const labels = Object.keys(scan.state.labels).filter((l) => scan.state.labels[l] === version).sort()
  // A label in labels.json names the version on every path: when its registrations were lost
  // too, the content it was set on cannot be told from the file's.
  if ((labels.length > 0 || (!lost && moves.length > 0)) && !options.labelsReviewed) {
    const lines = [
      ...labels.map((l) => `  ${shown.labels}: ${l} → ${version}`),
      ...moves.map(({ move: m, line }) => `  line ${line} of ${shown.history}: ${m.time} ${m.label} ${m.from ?? '-'} → ${m.to} ${m.action}${m.reason ? ` "${m.reason}"` : ''}`),
    ]
    throw new PromptRegistryError(
      file.file,
      `labels name version "${version}" of prompt "${scan.name}", and each may have been set on the content that "${version}" is about to drop:\n${lines.join('\n')}\nFor each label, check which content it was set with (git log on the branch that moved it). A label that belongs to the other content: move it to the version that holds that content first (npx assay prompts label ${scan.name} OTHER-VERSION LABEL --reason "…"). Then run this again with --labels-reviewed.`,
    )
  }
  const now = options.now ?? (() => new Date())
  return scan.files.update((state) => {
    state.versions[version] = file.hash
    const keep: VersionKeep = { time: now().toISOString(), action: 'keep', version, hash: file.hash, dropped: hashes.filter((h) => h !== file.hash) }
    return { records: [keep], result: keep }
  })
}

/**
 * Drops the registration of a version nobody released (no label names it, no label move
 * ever named it): a draft that a read registered, then edited or deleted. Appends a `forget`
 * line to the history and removes the version's hash from labels.json; a file still there
 * is registered afresh, as a new draft, by the next read outside CI.
 */
export function forgetVersion(registry: Registry, scan: Scan, version: string, now: () => Date = () => new Date()): VersionForget {
  const caller = 'assay prompts forget'
  refuseOnCi(registry, 'forget')
  const records = scan.files.records()
  const shown = { labels: registry.show(scan.files.labelsPath), history: registry.show(scan.files.historyPath) }
  const hashes = [...new Set(registrations(version, scan.state, records, shown).map((r) => r.hash))]
  if (hashes.length === 0) {
    throw new AssayUsageError(caller, `version "${version}" of prompt "${scan.name}" is not registered, so there is nothing to forget. Registered versions: ${scan.versions.filter((v) => v.hash !== '' || v.problem).map((v) => v.version).join(', ') || 'none'}.`)
  }
  const labels = Object.keys(scan.state.labels).filter((l) => scan.state.labels[l] === version)
  const moved = records.some((r) => isMove(r) && (r.from === version || r.to === version))
  if (labels.length > 0 || moved) {
    throw new PromptRegistryError(
      shown.history,
      `version "${version}" of prompt "${scan.name}" was released (${labels.length > 0 ? `the label${labels.length > 1 ? 's' : ''} ${labels.join(', ')} in ${shown.labels} name${labels.length > 1 ? '' : 's'} it` : `label moves in ${shown.history} name it`}), so its registration stays: versions that labels have named are immutable. Restore its file from version control (git checkout -- "${registry.show(join(scan.files.folder, `${version}.prompt`))}").`,
    )
  }
  // While production is unset the app is served `latest`: that version is released too.
  if (scan.state.labels.production === undefined && scan.versions.at(-1)?.version === version) {
    throw new PromptRegistryError(
      shown.labels,
      `version "${version}" of prompt "${scan.name}" is "latest", which is what production serves while ${shown.labels} sets no "production" label, so it is released and its registration stays. Restore its file from version control (git checkout -- "${registry.show(join(scan.files.folder, `${version}.prompt`))}"), and add changes as a new version.`,
    )
  }
  return scan.files.update((state) => {
    delete state.versions[version]
    const forget: VersionForget = { time: now().toISOString(), action: 'forget', version, dropped: hashes }
    return { records: [forget], result: forget }
  })
}

// Repairs of the registry are reviewed and committed from a checkout; CI only reads it, as it
// never registers versions.
function refuseOnCi(registry: Registry, command: 'keep' | 'forget'): void {
  if (!onCi(registry.options.env)) return
  throw new AssayUsageError(`assay prompts ${command}`, `${command} changes the committed registry (history.jsonl and labels.json), and CI only reads it (CI is set). Run it in a local checkout and commit both files.`)
}

/**
 * Labels whose value in labels.json is not where the history's latest move of the label put
 * it: a merge that took one side of labels.json while the history kept the other side's
 * move, or a hand edit. Moves are ordered by their time, the line breaking ties: a history
 * merged by union keeps both sides' lines in no particular order. Label → [labels.json's
 * version or undefined, the history's, the move's line].
 */
export function disputedLabels(state: RegistryState, records: readonly HistoryRecord[]): Map<string, [string | undefined, string, number]> {
  const last = new Map<string, [string, number, number]>()
  records.forEach((r, i) => {
    if (!isMove(r)) return
    const time = Date.parse(r.time)
    const before = last.get(r.label)?.[2]
    if (before === undefined || !(time < before)) last.set(r.label, [r.to, i + 1, time])
  })
  const disputed = new Map<string, [string | undefined, string, number]>()
  for (const [label, [to, line]] of last) if (state.labels[label] !== to) disputed.set(label, [state.labels[label], to, line])
  return disputed
}
