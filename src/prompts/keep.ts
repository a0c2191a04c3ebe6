// A version registered twice with different content: two branches each added it and were
// merged, so history.jsonl (merged by union) holds both registrations. The version is
// refused until `npx assay prompts keep` records which content it keeps.
import { AssayUsageError } from '../errors.js'
import { PromptRegistryError } from './errors.js'
import { isMove, type HistoryRecord, type RegistryState, type VersionKeep } from './files.js'
import type { Registry, Scan } from './registry.js'

/**
 * The hashes a version is registered with now: labels.json's and the history's, from its
 * last `keep` line on. `shown` names the two files as messages show them.
 */
export function registrations(version: string, state: RegistryState, records: readonly HistoryRecord[], shown: { labels: string; history: string }): { hash: string; where: string }[] {
  const found: { hash: string; where: string }[] = []
  records.forEach((r, i) => {
    if (isMove(r) || r.version !== version) return
    if (r.action === 'keep') found.length = 0
    found.push({ hash: r.hash, where: `line ${i + 1} of ${shown.history}` })
  })
  const listed = state.versions[version]
  if (listed !== undefined) found.push({ hash: listed, where: shown.labels })
  return found
}

/**
 * Records that a version registered twice with different content (by a merge) keeps the
 * content its file has now: appends a `keep` line to the history and sets its hash in
 * labels.json. Refused when the file matches none of the registrations. Also records the
 * content of a version whose registrations were all lost while label moves name it.
 */
export function keepVersion(registry: Registry, scan: Scan, version: string, now: () => Date = () => new Date()): VersionKeep {
  const file = scan.versions.find((v) => v.version === version)
  if (file === undefined) {
    throw new AssayUsageError('assay prompts keep', `prompt "${scan.name}" has no version "${version}": keep takes a version's name (not a label). Versions: ${scan.versions.map((v) => v.version).join(', ') || 'none'}.`)
  }
  const records = scan.files.records()
  const shown = { labels: registry.show(scan.files.labelsPath), history: registry.show(scan.files.historyPath) }
  const hashes = [...new Set(registrations(version, scan.state, records, shown).map((r) => r.hash))]
  const lost = hashes.length === 0 && records.some((r) => isMove(r) && (r.from === version || r.to === version))
  if (hashes.length < 2 && !lost) {
    const why = file.problem ? ` Its problem is another: ${file.problem.message}` : ''
    throw new PromptRegistryError(file.file, `version "${version}" of prompt "${scan.name}" has one registered content (sha256 ${hashes[0] ?? 'none'}), so there is nothing to keep.${why}`)
  }
  if (!lost && !hashes.includes(file.hash)) {
    throw new PromptRegistryError(file.file, `${file.file} has sha256 ${file.hash || '(unreadable)'}, which matches neither content "${version}" was registered with (${hashes.join(', ')}). Put one of them back in the file (e.g. git show OTHER-BRANCH:${file.file}), then run this again.`)
  }
  return scan.files.update((state) => {
    state.versions[version] = file.hash
    const keep: VersionKeep = { time: now().toISOString(), action: 'keep', version, hash: file.hash, dropped: hashes.filter((h) => h !== file.hash) }
    return { records: [keep], result: keep }
  })
}
