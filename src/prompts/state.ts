// The formats of the registry's own files: labels.json (labels and the registered versions'
// hashes) and history.jsonl (every label move and every version's registration), parsed
// strictly, so that a damaged or hand-edited file is an error naming it, never a silent reset.
import { z } from 'zod'
import { checkName, compareVersions, twinKey, VERSION_SHAPED } from './order.js'
import { duplicateKey } from './json-keys.js'
import { PromptRegistryError } from './errors.js'
import { conflictMarkerLine, UNION_LINE } from './merge.js'
import type { LabelMove, VersionRegistration } from './types.js'

/** What labels.json holds. */
export interface RegistryState {
  /** Label → version. `latest` is computed and never stored. */
  labels: Record<string, string>
  /** Registered version → sha256 of its file's bytes, hex. */
  versions: Record<string, string>
}

const KIND = 'assay-prompt-labels'
const VERSION = 1

/** A sha256 hash in hex, as labels.json and the history record a version's content. */
export const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 hash in hex')
const stateSchema = z.strictObject({
  assay: z.literal(KIND),
  version: z.literal(VERSION),
  labels: z.record(z.string(), z.string()),
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

/**
 * Which content a version keeps after a merge registered it twice with different content
 * (two branches each added it): registrations of the version before this line, and their
 * other hashes, no longer count.
 */
export interface VersionKeep {
  time: string
  action: 'keep'
  version: string
  hash: string
  /** The other hashes the version had been registered with. */
  dropped: string[]
}

/**
 * A registration dropped by `npx assay prompts forget`: a version nobody released (no label
 * names it, no move ever did), such as a draft registered by a read and then edited or
 * deleted. Registrations of the version before this line no longer count.
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

/** Whether a history line records a registration rather than a label move. */
export function isRegistration(record: HistoryRecord): record is VersionRegistration {
  return record.action === 'register'
}

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
function dictionary(entries: Record<string, string> = {}): Record<string, string> {
  const out = Object.create(null) as Record<string, string>
  for (const [k, v] of Object.entries(entries)) out[k] = v
  return out
}

/** Parses labels.json; a missing file is an empty registry, a damaged one an error naming it. */
export function parseState(text: string | undefined, shown: string): RegistryState {
  if (text === undefined) return { labels: dictionary(), versions: dictionary() }
  const fix = `assay never overwrites it. Restore it from version control (git checkout -- "${shown}").`
  const marker = conflictMarkerLine(text)
  if (marker !== undefined) {
    throw new PromptRegistryError(shown, `${shown} holds git's conflict markers (line ${marker}): a merge of it is unresolved. Take either side (git checkout --ours -- "${shown}") and run npx assay prompts list: what the other side registered is in the history and is written back, and a label the side you take holds elsewhere than the other side moved it is reported, to move where it belongs.`)
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (e) {
    throw new PromptRegistryError(shown, `${shown} is not JSON (${(e as Error).message}). ${fix}`)
  }
  const twice = duplicateKey(text)
  if (twice !== undefined) {
    throw new PromptRegistryError(shown, `${shown} holds the key ${JSON.stringify(twice.key)} twice${twice.path.length ? ` in "${twice.path.join('.')}"` : ''} (counting Unicode NFC forms as one), so which one counts cannot be told. Keep one of them in ${shown}: after a merge, the one the history's last line for it names.`)
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
  return { labels: dictionary(parsed.data.labels), versions: dictionary(parsed.data.versions) }
}

/** labels.json's text: labels by name, versions in their natural order, so diffs stay small. */
export function serializeState(state: RegistryState): string {
  const labels = Object.fromEntries(Object.keys(state.labels).sort().map((k) => [k, state.labels[k]]))
  const versions = Object.fromEntries(Object.keys(state.versions).sort(compareVersions).map((k) => [k, state.versions[k]]))
  return `${JSON.stringify({ assay: KIND, version: VERSION, labels, versions }, null, 2)}\n`
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
      `${shown} holds git's conflict markers (line ${marker}): git merged it line by line and could not finish. The history is only appended to, so both sides' lines belong in it: delete the marker lines (<<<<<<<, |||||||, =======, >>>>>>>) and keep every line from both sides, then run npx assay prompts list. Add \`${UNION_LINE}\` to .gitattributes, so that git keeps both sides' lines itself in later merges.`,
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
