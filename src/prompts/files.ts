// The registry's own files in each prompt's folder: labels.json (what each label serves, and
// the registered versions' hashes) and history.jsonl (an audit log of every move and
// registration, read to decide nothing but how an older-format label is bound). Both change
// only under the folder's lock; labels.json is replaced whole through a scratch file and a
// rename, as the stores are.
import { createHash } from 'node:crypto'
import { lstatSync, mkdirSync, rmSync } from 'node:fs'
import { basename, join, relative } from 'node:path'
import { z } from 'zod'
import type { StoreFileSystem } from '../store/file.js'
import { removeOrphans } from '../store/lock.js'
import { PromptRegistryError } from './errors.js'
import { lockFolder } from './folder-lock.js'
import { repository } from './merge.js'
import { isMove, parseHistory, parseState, serializeState, sha256, type HistoryRecord, type RegistryState } from './state.js'
import type { LabelMove } from './types.js'

// What the modules around the registry read of the files' formats, from one place.
export { isMove, parseHistory, parseState, serializeState, type HistoryRecord, type LabelEntry, type RegistryState, type VersionForget } from './state.js'

export const LABELS_FILE = 'labels.json'
export const HISTORY_FILE = 'history.jsonl'

/**
 * Where an update's journal lives: in the repository's git folder when there is one (as
 * `.git/assay/prompts-<name>-<hash of the folder's path>.pending.json`), so that no `git add`
 * commits it and no checkout, stash or merge carries it; else beside labels.json.
 */
export function journalPath(folder: string): string {
  const repo = repository(folder)
  if (repo === undefined) return join(folder, '.update.pending.json')
  const where = relative(repo.root, folder).split('\\').join('/')
  const tag = createHash('sha256').update(where).digest('hex').slice(0, 12)
  const name = (where.split('/').at(-1) ?? 'root').replace(/[^\p{L}0-9._-]/gu, '_')
  return join(repo.gitDir, 'assay', `prompts-${name}-${tag}.pending.json`)
}

// An update writes its journal, then labels.json (the moment the move happens), then appends
// to the history. The journal lets a writer killed between the last two lose neither: the
// next command outside CI appends the history lines whose move labels.json holds. `replaces`
// is the sha256 of the labels.json text the update was computed from; a journal whose
// labels.json is neither that nor its own (a branch switched since) is never applied.
const journalSchema = z.strictObject({
  assay: z.literal('assay-prompt-update'),
  labels: z.string(),
  lines: z.string(),
  replaces: z.strictObject({ labels: sha256.optional() }),
  /** The update in words, for the message that finishes or drops it. */
  note: z.string(),
})
type Journal = z.infer<typeof journalSchema>
const textHash = (text: string | undefined) => (text === undefined ? undefined : createHash('sha256').update(text).digest('hex'))

// An update's history lines in words: "label production v1 → v2", "register v3".
function describe(records: readonly HistoryRecord[]): string {
  return records.map((r) => (isMove(r) ? `label ${r.label} ${r.from ?? '(unset)'} → ${r.to}` : `${r.action} ${r.version}`)).join(', ') || 'labels.json rewritten'
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
    /** Where a command says that it finished or dropped an update cut short (stderr). */
    private readonly notify: (text: string) => void = (text) => process.stderr.write(text),
  ) {
    this.labelsPath = join(folder, LABELS_FILE)
    this.historyPath = join(folder, HISTORY_FILE)
    this.journalPath = journalPath(folder)
  }

  /** labels.json: what is served. */
  read(): RegistryState {
    return parseState(this.file(this.labelsPath), this.show(this.labelsPath), () => this.olderMoves())
  }

  /** Every line of the history, in line order: printed, and read to decide only how an older-format label is bound. */
  records(): HistoryRecord[] {
    return parseHistory(this.file(this.historyPath), this.show(this.historyPath))
  }

  // The history, read only to bind labels of labels.json's older format. Why it cannot be
  // read is left to `prompts history` to say: a damaged line may hold what a read's message
  // should not quote.
  private olderMoves(): HistoryRecord[] {
    try {
      return this.records()
    } catch {
      const shown = this.show(this.historyPath)
      throw new PromptRegistryError(shown, `${shown} cannot be read (npx assay prompts history ${basename(this.folder)} says why)`)
    }
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

  /** The journal of an update that was cut short, if there is one. */
  private journal(): Journal | undefined {
    let text: string | undefined
    try {
      text = this.fs.read(this.journalPath)
    } catch {
      return undefined
    }
    if (text === undefined) return undefined
    let parsed: ReturnType<typeof journalSchema.safeParse>
    try {
      parsed = journalSchema.safeParse(JSON.parse(text))
    } catch {
      parsed = journalSchema.safeParse(undefined)
    }
    // Written whole through a rename, so a damaged one was not written by the registry.
    if (!parsed.success) throw new PromptRegistryError(this.show(this.journalPath), `${this.show(this.journalPath)} is not an update journal the registry wrote. Delete it and check ${this.show(this.labelsPath)} and ${this.show(this.historyPath)} against version control.`)
    return parsed.data
  }

  /**
   * Settles an update cut short by a crash, under the lock: when labels.json holds its move,
   * appends the history lines it lacks; otherwise the move is not served (never written, or
   * discarded with git since, maybe to come back without its history line), so the journal
   * is dropped. Either way the command says so.
   */
  private settleHeld(): void {
    const j = this.journal()
    if (j === undefined) return
    const labels = this.file(this.labelsPath)
    const shown = this.show(this.labelsPath)
    if (labels === j.labels) {
      const history = this.file(this.historyPath) ?? ''
      if (!history.includes(j.lines)) {
        this.fs.writeAtomic(this.historyPath, `${history}${history === '' || history.endsWith('\n') ? '' : '\n'}${j.lines}`)
        this.notify(`assay prompts: finished an update cut short by a crash (${j.note}): ${shown} held it, and ${this.show(this.historyPath)} now records it too.\n`)
      }
    } else {
      // Not "it did not happen": a stash pop or a checkout may bring labels.json's move back,
      // and the history line this journal held with it would be gone by then.
      const why = textHash(labels) === j.replaces.labels ? `${shown} does not hold it now (the command was killed before it wrote it, or the change was discarded since, as by git stash or git checkout)` : `${shown} changed since (a branch switched or a commit checked out) and does not hold it`
      const moves = this.journalMoves(j)
      const redo = moves.length === 0 ? '.' : `: to have it recorded, make the move again with a reason rather than by restoring ${shown}: ${moves.map((m) => `npx assay prompts label ${basename(this.folder)} ${m.to} ${m.label} --reason "…"`).join('; ')}`
      this.notify(`assay prompts: dropped an update cut short by a crash (${j.note}): ${why}, so it is not served. If ${shown} holds it again later (after git stash pop, or a checkout), ${this.show(this.historyPath)} will have no line for it${redo}\n`)
    }
    rmSync(this.journalPath, { force: true })
  }

  // The label moves a journal was to record; the registry wrote its lines, so a line that
  // does not parse only leaves the message without a command to suggest.
  private journalMoves(j: Journal): LabelMove[] {
    try {
      return parseHistory(j.lines, this.journalPath).filter(isMove)
    } catch {
      return []
    }
  }

  /** Settles an update cut short by a crash, when the folder can be locked (see {@link settleHeld}). */
  settle(): void {
    if (this.journal() === undefined) return
    let release: () => void
    try {
      release = this.lock()
    } catch (e) {
      if (e instanceof PromptRegistryError) return
      throw e
    }
    try {
      this.settleHeld()
    } finally {
      release()
    }
  }

  /** The label moves, oldest first. */
  history(): LabelMove[] {
    return this.records().filter(isMove)
  }

  /**
   * Runs `change` on the current state under the folder's lock, then writes the state to
   * labels.json and appends the records it returns to the history, each only if changed.
   * The journal ({@link journalPath}) is written first, so a writer killed between the two
   * writes leaves labels.json's move for the next command to record in the history.
   */
  update<T>(change: (state: RegistryState) => { records: HistoryRecord[]; result: T }): T {
    const release = this.lock()
    try {
      // The lock cleans up after dead writers of labels.json; the history is written under it too.
      removeOrphans(this.historyPath)
      removeOrphans(this.journalPath)
      this.settleHeld()
      const before = this.file(this.labelsPath)
      const state = parseState(before, this.show(this.labelsPath), () => this.olderMoves())
      const { records, result } = change(state)
      const after = serializeState(state)
      if (after === before && records.length === 0) return result
      const lines = records.map((m) => `${JSON.stringify(m)}\n`).join('')
      mkdirSync(join(this.journalPath, '..'), { recursive: true })
      this.fs.writeAtomic(this.journalPath, JSON.stringify({ assay: 'assay-prompt-update', labels: after, lines, replaces: { labels: textHash(before) }, note: describe(records) }))
      try {
        if (after !== before) this.fs.writeAtomic(this.labelsPath, after)
      } catch (e) {
        // labels.json unchanged (a full disk, a read-only file): the update did not happen.
        rmSync(this.journalPath, { force: true })
        throw e
      }
      const history = this.file(this.historyPath) ?? ''
      if (lines !== '') this.fs.writeAtomic(this.historyPath, `${history}${history === '' || history.endsWith('\n') ? '' : '\n'}${lines}`)
      rmSync(this.journalPath, { force: true })
      return result
    } finally {
      release()
    }
  }

  private lock(): () => void {
    return lockFolder(this.fs, this.labelsPath, this.folder, this.show)
  }
}
