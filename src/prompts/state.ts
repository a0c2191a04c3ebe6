// The formats of the registry's own files: labels.json (each label's version and content, and
// the registered versions' hashes: the truth for serving) and history.jsonl (an audit log of
// every move and registration), parsed strictly, so that a damaged or hand-edited file is an error naming it, never a silent reset.
import { z } from 'zod'
import { checkName, compareVersions, twinKey, VERSION_SHAPED } from './order.js'
import { duplicateKey } from './json-keys.js'
import { PromptRegistryError } from './errors.js'
import { conflictMarkerLine, UNION_LINE } from './merge.js'
import { bindOlderLabels } from './older-format.js'
import type { LabelMove, VersionRegistration } from './types.js'

/** A label's entry in labels.json: the version it names and the content it was set on. */
export interface LabelEntry {
  version: string
  /**
   * The sha256 of the version's file when the label was set on it. Undefined for an entry of
   * the older format (a bare version name) whose version labels.json does not register, or
   * whose move the history, unreadable, cannot tell (see `unbound`).
   */
  sha256: string | undefined
  /** Why an entry of the older format binds to no content, when its version is registered (see {@link bindOlderLabels}). */
  unbound?: string
}

/** What labels.json holds: the truth of what each label serves. */
export interface RegistryState {
  /** Label → the version it serves and the content it was set on. `latest` is computed and never stored. */
  labels: Record<string, LabelEntry>
  /** Registered version → sha256 of its file's bytes (CRLF read as LF), hex. */
  versions: Record<string, string>
}

const KIND = 'assay-prompt-labels'
const FORMAT = 2

/** A sha256 hash in hex, as labels.json and the history record a version's content. */
export const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 hash in hex')
// Format 1 stored a label as a bare version name; it is read as bound to the content its
// last move recorded (see bindOlderLabels), and written in format 2 by the next write.
const stateSchema = z.strictObject({
  assay: z.literal(KIND),
  version: z.union([z.literal(1), z.literal(FORMAT)]),
  labels: z.record(z.string(), z.union([z.string(), z.strictObject({ version: z.string(), sha256 })])),
  versions: z.record(z.string(), sha256),
})
const moveSchema = z.strictObject({
  time: z.string(),
  label: z.string(),
  from: z.string().nullable(),
  to: z.string(),
  action: z.enum(['set', 'promote', 'rollback']),
  reason: z.string().optional(),
  hash: sha256.optional(),
})
const registrationSchema = z.strictObject({
  time: z.string(),
  action: z.literal('register'),
  version: z.string(),
  hash: sha256,
})
const keepSchema = z.strictObject({
  time: z.string(),
  action: z.literal('keep'),
  version: z.string(),
  hash: sha256,
  dropped: z.array(sha256),
})
const forgetSchema = z.strictObject({
  time: z.string(),
  action: z.literal('forget'),
  version: z.string(),
  dropped: z.array(sha256),
})

/** A line older registries wrote after a merge registered a version twice; kept readable in the audit log. */
export interface VersionKeep {
  time: string
  action: 'keep'
  version: string
  hash: string
  dropped: string[]
}

/**
 * A registration dropped by `npx assay prompts forget`: a version not committed and on no
 * label, such as a draft registered by a read and then edited or deleted.
 */
export interface VersionForget {
  time: string
  action: 'forget'
  version: string
  /** The hashes the version had been registered with. */
  dropped: string[]
}

/** One line of history.jsonl. */
export type HistoryRecord = LabelMove | VersionRegistration | VersionKeep | VersionForget

/** Whether a history line is a label move (set, promote, rollback). */
export function isMove(record: HistoryRecord): record is LabelMove {
  return record.action !== 'register' && record.action !== 'keep' && record.action !== 'forget'
}

function problem(e: z.ZodError): string {
  return e.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`)
    .join('; ')
}

// Label and version names are user words such as "constructor" or "toString": the maps
// that hold them have no prototype, so a lookup finds only what the file records.
function dictionary<T>(entries: Record<string, T> = {}): Record<string, T> {
  const out = Object.create(null) as Record<string, T>
  for (const [k, v] of Object.entries(entries)) out[k] = v
  return out
}

/**
 * Parses labels.json; a missing file is an empty registry, a damaged one an error naming it.
 * `history` gives the history's records, read only to bind an older-format label (see
 * {@link bindOlderLabels}); without it such a label is bound to its version's registered hash.
 */
export function parseState(text: string | undefined, shown: string, history: () => HistoryRecord[] = () => []): RegistryState {
  if (text === undefined) return { labels: dictionary(), versions: dictionary() }
  const fix = `assay never overwrites it. Restore it from version control (git checkout -- "${shown}").`
  const marker = conflictMarkerLine(text)
  if (marker !== undefined) {
    throw new PromptRegistryError(
      shown,
      `${shown} holds git's conflict markers (line ${marker}): the merge that left them is unresolved. Run npx assay prompts merge ${shown.split(/[\\/]/).at(-2) ?? 'NAME'} while git lists the file as unmerged: it merges the two sides key by key, keeping the versions and labels each side added, and names any label both moved differently or version both registered with different content. Do not take one side's whole file (git checkout --ours/--theirs): that drops the other side's registrations and label moves. A label whose content is not its version's file's is refused until it is moved again (npx assay prompts label NAME VERSION LABEL --reason "…").`,
    )
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (e) {
    throw new PromptRegistryError(shown, `${shown} is not JSON (${(e as Error).message}). ${fix}`)
  }
  const twice = duplicateKey(text)
  if (twice !== undefined) {
    throw new PromptRegistryError(shown, `${shown} holds the key ${JSON.stringify(twice.key)} twice${twice.path.length ? ` in "${twice.path.join('.')}"` : ''} (counting Unicode NFC forms as one), so which one counts cannot be told. Keep the one that is right in ${shown}, and delete the other.`)
  }
  // Checked on the parsed JSON itself: a parser of records drops keys such as "__proto__"
  // without a word, and the next write would then lose a hand-set entry.
  const labels = (data as { labels?: unknown } | null)?.labels
  if (typeof labels === 'object' && labels !== null) {
    const twins = new Map<string, string>()
    for (const label of Object.keys(labels)) {
      let problem: string | undefined
      try {
        if (checkName('label', label, 'labels.json') === 'latest') problem = '"latest" is computed (the newest version) and cannot be stored as a label.'
        else if (VERSION_SHAPED.test(twinKey(label))) problem = 'it looks like a version name (it starts with a digit, or with "v" and a digit), which a label may not.'
        else if (twins.has(twinKey(label))) problem = `it differs from the label ${JSON.stringify(twins.get(twinKey(label)))} only in case or Unicode form, so the two read as one.`
        twins.set(twinKey(label), label)
      } catch (e) {
        problem = (e as Error).message.replace(/^labels\.json: /, '')
      }
      if (problem !== undefined) throw new PromptRegistryError(shown, `${shown}: the label ${JSON.stringify(label)} cannot be read: ${problem} Rename or remove it in ${shown}.`)
    }
  }
  const parsed = stateSchema.safeParse(data)
  if (!parsed.success) throw new PromptRegistryError(shown, `${shown} is not an assay prompt registry file: ${problem(parsed.error)}. ${fix}`)
  const versions = dictionary(parsed.data.versions)
  const entries = dictionary<LabelEntry>()
  const bare = dictionary<string>()
  for (const [label, entry] of Object.entries(parsed.data.labels)) {
    if (typeof entry === 'string') bare[label] = entry
    else entries[label] = entry
  }
  Object.assign(entries, bindOlderLabels(bare, versions, history))
  return { labels: entries, versions }
}

/**
 * labels.json's text: one label and one version a line, keys sorted, with an empty line
 * between entries, so that git merges it line by line: two branches that move the same label
 * differently, or register the same version with different content, conflict, and moves of
 * different labels (which git would take as one change were their lines adjacent) merge.
 */
export function serializeState(state: RegistryState): string {
  const block = (lines: string[]) => (lines.length === 0 ? '{}' : `{\n\n${lines.map((l) => `    ${l}`).join(',\n\n')}\n\n  }`)
  const labels = Object.keys(state.labels)
    .sort()
    .map((k) => {
      const { version, sha256 } = state.labels[k]!
      // An entry of the older format that no registration binds stays as it was read.
      const entry = sha256 === undefined ? JSON.stringify(version) : `{ "version": ${JSON.stringify(version)}, "sha256": "${sha256}" }`
      return `${JSON.stringify(k)}: ${entry}`
    })
  const versions = Object.keys(state.versions)
    .sort(compareVersions)
    .map((k) => `${JSON.stringify(k)}: "${state.versions[k]}"`)
  return `{\n  "assay": "${KIND}",\n  "version": ${FORMAT},\n  "labels": ${block(labels)},\n  "versions": ${block(versions)}\n}\n`
}

/** Parses history.jsonl, oldest line first; a damaged line is an error naming file and line. */
export function parseHistory(text: string | undefined, shown: string): HistoryRecord[] {
  const records: HistoryRecord[] = []
  const schemas = { register: registrationSchema, keep: keepSchema, forget: forgetSchema } as const
  const kinds = { register: 'version registration', keep: 'kept version', forget: 'forgotten version' } as const
  const marker = conflictMarkerLine(text ?? '')
  if (marker !== undefined) {
    throw new PromptRegistryError(
      shown,
      `${shown} holds git's conflict markers (line ${marker}): git merged it line by line and could not finish. The history is only appended to, so both sides' lines belong in it: delete the marker lines (<<<<<<<, |||||||, =======, >>>>>>>) and keep every line from both sides, then run npx assay prompts history. The history is an audit log only; add \`${UNION_LINE}\` to .gitattributes, so that git keeps both sides' lines itself in later merges.`,
    )
  }
  for (const [i, line] of (text ?? '').split('\n').entries()) {
    if (line.trim() === '') continue
    let data: unknown
    try {
      data = JSON.parse(line)
    } catch (e) {
      throw new PromptRegistryError(shown, `line ${i + 1} of ${shown} is not JSON (${(e as Error).message}). Restore the file from version control.`)
    }
    const action = (data as { action?: unknown } | null)?.action
    const own = typeof action === 'string' && Object.hasOwn(schemas, action) ? (action as keyof typeof schemas) : undefined
    const parsed = own ? schemas[own].safeParse(data) : moveSchema.safeParse(data)
    const kind = own ? kinds[own] : 'label move'
    if (!parsed.success) throw new PromptRegistryError(shown, `line ${i + 1} of ${shown} is not a ${kind}: ${problem(parsed.error)}. Restore the file from version control.`)
    records.push(parsed.data as HistoryRecord)
  }
  return records
}
