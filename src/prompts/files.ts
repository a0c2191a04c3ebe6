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
import { PromptRegistryError } from './errors.js'
import { lockFolder } from './folder-lock.js'
import { isMove, parseHistory, parseState, serializeState, sha256, type HistoryRecord, type RegistryState } from './state.js'
import type { LabelMove } from './types.js'

// What the modules around the registry read of the files' formats, from one place.
export { isMove, isRegistration, parseHistory, parseState, serializeState, type HistoryRecord, type RegistryState, type VersionForget, type VersionKeep } from './state.js'

export const LABELS_FILE = 'labels.json'
export const HISTORY_FILE = 'history.jsonl'
/**
 * An update's new labels.json and history.jsonl, written before either: its rename is the
 * moment the update happens. A writer killed before it has changed nothing; one killed after
 * it leaves a journal that readers take as the registry's state and the next update finishes.
 */
export const JOURNAL_FILE = '.update.pending.json'

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
