import { parseStore, updateStore, type StoreFileSystem, type StoreHeader } from './file.js'

/**
 * One store file of keyed entries, as cassettes and baselines use it: read once, each
 * write applied at once under the lock (merged with other workers' writes), and the keys
 * touched in this run tracked, so that entries no test used can be reported and pruned.
 */
export class KeyedStore<E> {
  readonly path: string
  readonly touched = new Set<string>()
  readonly #fs: StoreFileSystem
  readonly #header: StoreHeader
  #entries: Record<string, E> | undefined
  readonly #pending = new Map<string, E>()

  constructor(fs: StoreFileSystem, path: string, header: StoreHeader) {
    this.#fs = fs
    this.path = path
    this.#header = header
  }

  #load(): Record<string, E> {
    this.#entries ??= parseStore<E>(this.path, this.#fs.read(this.path), this.#header)
    return this.#entries
  }

  /** The entry for `key`, marking it used. */
  lookup(key: string): E | undefined {
    this.touched.add(key)
    return this.#load()[key]
  }

  /** Writes an entry now, so a crash later in the run loses nothing. */
  record(key: string, entry: E): void {
    this.touched.add(key)
    updateStore<E>(this.#fs, this.path, this.#header, (entries) => {
      entries[key] = entry
      this.#entries = { ...entries }
    })
  }

  /**
   * Keeps an entry in memory until {@link flush}: one write for a whole test file, as
   * snapshot files are written, instead of one per assertion.
   */
  stage(key: string, entry: E): void {
    this.touched.add(key)
    this.#load()[key] = entry
    this.#pending.set(key, entry)
  }

  /** Writes the staged entries in one update, merged with other writers' entries. */
  flush(): void {
    if (this.#pending.size === 0) return
    const pending = [...this.#pending]
    this.#pending.clear()
    updateStore<E>(this.#fs, this.path, this.#header, (entries) => {
      for (const [key, entry] of pending) entries[key] = entry
      this.#entries = { ...entries }
    })
  }

  /**
   * Keys no lookup or write touched, and that `keep` does not claim: obsolete after a full
   * run of the file. `keep` names the entries of tests that failed, which never got the
   * chance to touch theirs.
   */
  obsolete(keep: (key: string) => boolean = () => false): string[] {
    return Object.keys(this.#load())
      .filter((k) => !this.touched.has(k) && !keep(k))
      .sort()
  }

  /** Deletes the obsolete entries (see {@link obsolete}); returns how many. */
  prune(keep: (key: string) => boolean = () => false): number {
    let removed = 0
    updateStore<E>(this.#fs, this.path, this.#header, (entries) => {
      for (const key of Object.keys(entries)) {
        if (!this.touched.has(key) && !keep(key)) {
          delete entries[key]
          removed++
        }
      }
      this.#entries = { ...entries }
    })
    return removed
  }
}

/** What {@link settle} did with a test file's store at the end of the file. */
export interface StoreReport {
  path: string
  /** Entries no test touched, left in place. */
  obsolete: string[]
  /** Entries removed. */
  pruned: number
}

/** How a test file ended, as far as its stores are concerned. */
export interface FileOutcome {
  /** Every test of the file ran: none skipped, todo or filtered out, no `.only`. */
  fullRun: boolean
  /** Remove obsolete entries (`-u`, ASSAY_UPDATE=1, or `assay prune` for cassettes). */
  update: boolean
  /** Entries that belong to a test that failed, which keep them as snapshots do. */
  keep?: ((key: string) => boolean) | undefined
}

/**
 * Ends a test file's use of a store. An entry is obsolete only when the whole file ran,
 * no test touched it, and no failed test can claim it (a test that threw before its
 * assertion never touched its entry). With `update` obsolete entries are removed;
 * otherwise reported, with a warning.
 */
export function settle(store: KeyedStore<unknown> | undefined, outcome: FileOutcome): StoreReport | undefined {
  if (!outcome.fullRun || !store) return undefined
  const obsolete = store.obsolete(outcome.keep)
  const pruned = outcome.update && obsolete.length > 0 ? store.prune(outcome.keep) : 0
  if (!outcome.update && obsolete.length > 0) {
    if (process.env.ASSAY_SUMMARY !== 'reporter') process.stderr.write(`assay: ${obsolete.length} obsolete entr${obsolete.length === 1 ? 'y' : 'ies'} in ${store.path}; run with -u or ASSAY_UPDATE=1 to remove ${obsolete.length === 1 ? 'it' : 'them'}.\n`)
  }
  return { path: store.path, obsolete: outcome.update ? [] : obsolete, pruned }
}
