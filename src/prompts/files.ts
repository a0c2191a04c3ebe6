// The registry's own files in each prompt's folder: labels.json (labels and the registered
// versions' hashes) and history.jsonl (every label move). Both change only under the folder's
// lock, and each is replaced whole through a scratch file and a rename, as the stores are.
import { join } from 'node:path'
import { z } from 'zod'
import type { StoreFileSystem } from '../store/file.js'
import { removeOrphans } from '../store/lock.js'
import { compareVersions } from './order.js'
import { PromptRegistryError } from './errors.js'
import type { LabelMove } from './types.js'

/** What labels.json holds. */
export interface RegistryState {
  /** Label → version. `latest` is computed and never stored. */
  labels: Record<string, string>
  /** Registered version → sha256 of its file's bytes, hex. */
  versions: Record<string, string>
}

export const LABELS_FILE = 'labels.json'
export const HISTORY_FILE = 'history.jsonl'
const KIND = 'assay-prompt-labels'
const VERSION = 1

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 hash in hex')
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
})

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
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (e) {
    throw new PromptRegistryError(shown, `${shown} is not JSON (${(e as Error).message}). ${fix}`)
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

/** Parses history.jsonl, oldest move first; a damaged line is an error naming file and line. */
export function parseHistory(text: string | undefined, shown: string): LabelMove[] {
  const moves: LabelMove[] = []
  for (const [i, line] of (text ?? '').split('\n').entries()) {
    if (line.trim() === '') continue
    let data: unknown
    try {
      data = JSON.parse(line)
    } catch (e) {
      throw new PromptRegistryError(shown, `line ${i + 1} of ${shown} is not JSON (${(e as Error).message}). Restore the file from version control.`)
    }
    const parsed = moveSchema.safeParse(data)
    if (!parsed.success) throw new PromptRegistryError(shown, `line ${i + 1} of ${shown} is not a label move: ${problem(parsed.error)}. Restore the file from version control.`)
    moves.push(parsed.data as LabelMove)
  }
  return moves
}

/** The registry files of one prompt's folder. */
export class RegistryFiles {
  readonly labelsPath: string
  readonly historyPath: string

  constructor(
    readonly fs: StoreFileSystem,
    readonly folder: string,
    /** How a path is shown in messages (relative to the project root). */
    private readonly show: (path: string) => string,
  ) {
    this.labelsPath = join(folder, LABELS_FILE)
    this.historyPath = join(folder, HISTORY_FILE)
  }

  read(): RegistryState {
    return parseState(this.fs.read(this.labelsPath), this.show(this.labelsPath))
  }

  history(): LabelMove[] {
    return parseHistory(this.fs.read(this.historyPath), this.show(this.historyPath))
  }

  /**
   * Runs `change` on the current state under the folder's lock, then writes the moves it
   * returns to the history and the state to labels.json, each only if changed. The history
   * is written first: a crash between the two leaves a recorded move whose label did not
   * move, which a rerun of the same command completes, rather than a move no one recorded.
   */
  update<T>(change: (state: RegistryState) => { moves: LabelMove[]; result: T }): T {
    const release = this.fs.lock(this.labelsPath)
    try {
      // The lock cleans up after dead writers of labels.json; the history is written under it too.
      removeOrphans(this.historyPath)
      const before = this.fs.read(this.labelsPath)
      const state = parseState(before, this.show(this.labelsPath))
      const { moves, result } = change(state)
      if (moves.length > 0) {
        const history = this.fs.read(this.historyPath) ?? ''
        parseHistory(history, this.show(this.historyPath))
        const lines = moves.map((m) => `${JSON.stringify(m)}\n`).join('')
        this.fs.writeAtomic(this.historyPath, `${history}${history === '' || history.endsWith('\n') ? '' : '\n'}${lines}`)
      }
      const after = serializeState(state)
      if (after !== before) this.fs.writeAtomic(this.labelsPath, after)
      return result
    } finally {
      release()
    }
  }
}
