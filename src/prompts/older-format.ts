// The one-time upgrade of labels.json's older format, which stored a label as a bare version
// name and so never said which content the label was set on. The registered hash alone would
// bind a label to whatever the version was last registered with, even a rewrite made after
// the move; the move's own line in the history recorded the content it was made on. The
// history is read here only to make a binding stricter, never to serve anything else.
import { sameName } from './order.js'
import type { HistoryRecord, LabelEntry } from './state.js'

/**
 * Binds each older-format label (label → bare version name) to content: to the hash that
 * the history's last move of that label recorded, when that move went to the version
 * labels.json names and recorded one; else, when the history never moved the label, to the
 * version's registered hash. A label whose last move in the history went elsewhere (a
 * rollback after a promotion, a merge that kept another side's labels.json) binds to nothing,
 * since nothing says which content it was set on. A version labels.json does not register binds to
 * nothing, as before. When the history cannot be read, a label on a registered version binds
 * to nothing and says why, so that it is refused rather than served on a guess.
 */
export function bindOlderLabels(bare: Record<string, string>, versions: Record<string, string>, history: () => HistoryRecord[]): Record<string, LabelEntry> {
  const out: Record<string, LabelEntry> = Object.create(null) as Record<string, LabelEntry>
  let records: HistoryRecord[] | undefined
  let unreadable: string | undefined
  for (const [label, version] of Object.entries(bare)) {
    const registered = versions[version]
    if (registered === undefined) {
      out[label] = { version, sha256: undefined }
      continue
    }
    if (records === undefined && unreadable === undefined) {
      try {
        records = history()
      } catch (e) {
        unreadable = (e as Error).message
      }
    }
    if (unreadable !== undefined) {
      out[label] = { version, sha256: undefined, unbound: `the content it was set on is recorded only in the history, and ${unreadable}.` }
      continue
    }
    const last = records!.findLast((r) => 'label' in r && sameName(r.label, label))
    if (last === undefined || !('to' in last)) out[label] = { version, sha256: registered }
    else if (!sameName(last.to, version)) out[label] = { version, sha256: undefined, unbound: `the history's last move of ${JSON.stringify(label)} went to ${last.to}, not to ${version}, so nothing says which content of ${version} it was set on.` }
    else out[label] = { version, sha256: 'hash' in last && last.hash !== undefined ? last.hash : registered }
  }
  return out
}
