// The registry's own files in each prompt's folder: labels.json (labels and the registered
// versions' hashes) and history.jsonl (every label move and every version's registration).
// Both change only under the folder's lock, and each is replaced whole through a scratch
// file and a rename, as the stores are.
import { createHash } from 'node:crypto'
import { lstatSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { StoreWriteError, type StoreFileSystem } from '../store/file.js'
import { removeOrphans } from '../store/lock.js'
import { checkName, compareVersions, twinKey, VERSION_SHAPED } from './order.js'
import { duplicateKey } from './json-keys.js'
import { PromptRegistryError } from './errors.js'
import { lockFolder } from './folder-lock.js'
import { conflictMarkerLine, UNION_LINE } from './merge.js'
import type { LabelMove, VersionRegistration } from './types.js'

/** What labels.json holds. */
export interface RegistryState {
  /** Label → version. `latest` is computed and never stored. */
  labels: Record<string, string>
  /** Registered version → sha256 of its file's bytes, hex. */
  versions: Record<string, string>
}

export const LABELS_FILE = 'labels.json'
export const HISTORY_FILE = 'history.jsonl'
/**
 * An update's new labels.json and history.jsonl, written before either: its rename is the
 * moment the update happens. A writer killed before it has changed nothing; one killed after
 * it leaves a journal that readers take as the registry's state and the next update finishes.
 */
export const JOURNAL_FILE = '.update.pending.json'
const KIND = 'assay-prompt-labels'
const VERSION = 1

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 hash in hex')
// `replaces` holds the sha256 of the labels.json and history.jsonl texts the update was
// computed from (absent for a file that did not exist): the journal is untracked, so it
// outlives a checkout or a pull, and must never be applied over files it was not made from.
const journalSchema = z.strictObject({
  assay: z.literal('assay-prompt-update'),
  labels: z.string(),
  history: z.string(),
  replaces: z.strictObject({ labels: sha256.optional(), history: sha256.optional() }),
})
type Journal = z.infer<typeof journalSchema>
const textHash = (text: string | undefined) => (text === undefined ? undefined : createHash('sha256').update(text).digest('hex'))
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

/** The registry files of one prompt's folder. */
export class RegistryFiles {
  readonly labelsPath: string
  readonly historyPath: string
  readonly journalPath: string

  constructor(
    readonly fs: StoreFileSystem,
    readonly folder: string,
    /** How a path is shown in messages (relative to the project root). */
    private readonly show: (path: string) => string,
  ) {
    this.labelsPath = join(folder, LABELS_FILE)
    this.historyPath = join(folder, HISTORY_FILE)
    this.journalPath = join(folder, JOURNAL_FILE)
  }

  read(): RegistryState {
    return parseState(this.journal()?.labels ?? this.file(this.labelsPath), this.show(this.labelsPath))
  }

  /** Every line of the history: label moves and registrations. */
  records(): HistoryRecord[] {
    return parseHistory(this.journal()?.history ?? this.file(this.historyPath), this.show(this.historyPath))
  }

  // A registry file is read only when it is a file of the folder's own: one that links
  // elsewhere (/dev/zero, another file holding secrets) or is a device or a pipe is refused
  // before a byte of it is read, so no message can quote what it points at.
  private file(path: string): string | undefined {
    let kind: string | undefined
    try {
      const stat = lstatSync(path)
      kind = stat.isSymbolicLink() ? 'a symbolic link' : stat.isFile() ? undefined : stat.isDirectory() ? 'a folder' : 'not a regular file'
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
    }
    if (kind !== undefined) {
      const shown = this.show(path)
      throw new PromptRegistryError(shown, `${shown} is ${kind}, and the registry reads its files only when they are regular files in the prompt's folder. Replace it with the file from version control (git checkout -- "${shown}").`)
    }
    return this.fs.read(path)
  }

  /** The journal of an update that was cut short after it happened, if there is one. */
  private journal(): Journal | undefined {
    const text = this.file(this.journalPath)
    if (text === undefined) return undefined
    let parsed: ReturnType<typeof journalSchema.safeParse>
    try {
      parsed = journalSchema.safeParse(JSON.parse(text))
    } catch {
      parsed = journalSchema.safeParse(undefined)
    }
    // Written whole through a rename, so a damaged one was not written by the registry.
    if (!parsed.success) throw new PromptRegistryError(this.show(this.journalPath), `${this.show(this.journalPath)} is not an update journal the registry wrote. Delete it and check ${this.show(this.labelsPath)} and ${this.show(this.historyPath)} against version control.`)
    // Each file is either still the one the update was computed from, or already the one it
    // writes (a writer killed between its two writes); anything else is another state.
    const j = parsed.data
    const stale = (['labels', 'history'] as const).filter((k) => {
      const now = this.file(k === 'labels' ? this.labelsPath : this.historyPath)
      return now !== j[k] && textHash(now) !== j.replaces[k]
    })
    if (stale.length > 0) {
      const shown = this.show(this.journalPath)
      const names = stale.map((k) => this.show(k === 'labels' ? this.labelsPath : this.historyPath)).join(' and ')
      throw new PromptRegistryError(
        shown,
        `${shown} is the journal of an update cut short by a crash, made from other contents of ${names} than the folder holds now: it was left on another checkout or state (a branch switched or pulled since). It is never applied over files it was not computed from, so deleting it is safe: delete ${shown} and run again.`,
      )
    }
    return j
  }

  /**
   * Takes back an update whose files could not both be written (a disk that filled after the
   * journal): labels.json as it was, and no journal. When labels.json cannot be put back, the
   * journal stays, so readers still see one consistent state, and says what the next command does.
   */
  private undo(before: string | undefined, cause: unknown): void {
    try {
      if (this.fs.read(this.labelsPath) !== before) {
        if (before === undefined) rmSync(this.labelsPath, { force: true })
        else this.fs.writeAtomic(this.labelsPath, before)
      }
      rmSync(this.journalPath, { force: true })
    } catch {
      const shown = { labels: this.show(this.labelsPath), history: this.show(this.historyPath), journal: this.show(this.journalPath) }
      throw new PromptRegistryError(
        shown.labels,
        `${(cause as Error).message} ${shown.labels} already holds the change and could not be put back, so ${shown.history} does not record it yet. ${shown.journal} keeps the change, and the registry reads it from there: once the disk has space, run \`npx assay prompts list\`, which writes it into ${shown.history} and removes ${shown.journal}. To drop the change instead, delete ${shown.journal} and restore ${shown.labels} from version control (git checkout -- "${shown.labels}").`,
      )
    }
  }

  /**
   * Finishes an update cut short after its journal was written, when the folder can be
   * written; otherwise readers keep taking the state from the journal.
   */
  settle(): void {
    if (this.file(this.journalPath) === undefined) return
    let release: () => void
    try {
      release = this.lock()
    } catch (e) {
      if (e instanceof PromptRegistryError) return
      throw e
    }
    try {
      const cut = this.journal()
      if (cut) this.finish(cut)
    } catch (e) {
      // A disk still full: the journal stays, and the next look tries again.
      if (!(e instanceof StoreWriteError)) throw e
    } finally {
      release()
    }
  }

  /** Writes what a journal holds into labels.json and the history, then removes it. */
  private finish(j: { labels: string; history: string }): void {
    if (this.fs.read(this.labelsPath) !== j.labels) this.fs.writeAtomic(this.labelsPath, j.labels)
    if (this.fs.read(this.historyPath) !== j.history) this.fs.writeAtomic(this.historyPath, j.history)
    rmSync(this.journalPath, { force: true })
  }

  /** The label moves, oldest first. */
  history(): LabelMove[] {
    return this.records().filter(isMove)
  }

  /**
   * Runs `change` on the current state and history under the folder's lock, then writes the
   * state to labels.json and appends the records it returns to the history, each only if
   * changed. Both new texts go into the journal first (see {@link JOURNAL_FILE}): a full disk
   * or a read-only folder stops the update before it happens, and a writer killed part way
   * leaves either nothing changed or a journal the next update finishes, so labels.json never
   * holds a move the history lacks.
   */
  update<T>(change: (state: RegistryState, history: HistoryRecord[]) => { records: HistoryRecord[]; result: T }): T {
    const release = this.lock()
    try {
      // The lock cleans up after dead writers of labels.json; the history is written under it too.
      removeOrphans(this.historyPath)
      removeOrphans(this.journalPath)
      const cut = this.journal()
      if (cut) this.finish(cut)
      const before = this.file(this.labelsPath)
      const state = parseState(before, this.show(this.labelsPath))
      const historyText = this.file(this.historyPath)
      const history = historyText ?? ''
      const { records, result } = change(state, parseHistory(history, this.show(this.historyPath)))
      const after = serializeState(state)
      if (after === before && records.length === 0) return result
      const lines = records.map((m) => `${JSON.stringify(m)}\n`).join('')
      const next = { labels: after, history: records.length === 0 ? history : `${history}${history === '' || history.endsWith('\n') ? '' : '\n'}${lines}` }
      const replaces = { labels: textHash(before), history: textHash(historyText) }
      this.fs.writeAtomic(this.journalPath, JSON.stringify({ assay: 'assay-prompt-update', ...next, replaces }))
      try {
        this.finish(next)
      } catch (e) {
        this.undo(before, e)
        throw e
      }
      return result
    } finally {
      release()
    }
  }

  private lock(): () => void {
    return lockFolder(this.fs, this.labelsPath, this.folder, this.show)
  }
}
