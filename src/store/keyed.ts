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

  /**
   * Records an entry. By default it is written at once, so a crash later in the run loses
   * nothing. With {@link writeBehind} it is staged and written with the others staged
   * within the delay, in one update (see there).
   */
  record(key: string, entry: E): void {
    if (this.#writeBehindMs === undefined) {
      this.touched.add(key)
      updateStore<E>(this.#fs, this.path, this.#header, (entries) => {
        entries[key] = entry
        this.#entries = { ...entries }
      })
      return
    }
    this.#throwDeferred()
    this.stage(key, entry)
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined
      try {
        this.flush()
      } catch (error) {
        // Never thrown from a timer (that would crash the worker): the next record or
        // flush, at the latest the end of the test file, throws it.
        this.#deferred = error
      }
    }, Math.max(this.#writeBehindMs, 10 * this.#lastWriteMs))
    this.#timer.unref?.()
  }

  /**
   * Makes {@link record} write behind: entries recorded within `ms` of each other go to
   * disk in one update, at most `ms` after the first (or ten times the last write's
   * duration, for a file so large that writing it takes longer), and at {@link flush}. Rewriting the
   * whole file for every entry made recording quadratic in the entries per file. Committed
   * entries stay as safe as ever (each update is atomic); a crash loses at most the
   * answers of the last `ms`.
   */
  writeBehind(ms: number): void {
    this.#writeBehindMs = ms
  }

  #writeBehindMs: number | undefined
  // A large file takes a while to write; waiting ten times as long before the next write
  // keeps writing under a tenth of the run, however large the cassette grows.
  #lastWriteMs = 0
  #timer: ReturnType<typeof setTimeout> | undefined
  #deferred: unknown

  #throwDeferred(): void {
    if (this.#deferred === undefined) return
    const error = this.#deferred
    this.#deferred = undefined
    throw error
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

  /**
   * Writes the staged entries in one update, merged with other writers' entries. When the
   * write fails they stay staged, and the error is thrown.
   */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = undefined
    this.#throwDeferred()
    if (this.#pending.size === 0) return
    const pending = [...this.#pending]
    const started = performance.now()
    updateStore<E>(this.#fs, this.path, this.#header, (entries) => {
      for (const [key, entry] of pending) entries[key] = entry
      this.#entries = { ...entries }
    })
    this.#lastWriteMs = performance.now() - started
    // Only what was written leaves the queue; an entry staged again meanwhile stays.
    for (const [key, entry] of pending) if (this.#pending.get(key) === entry) this.#pending.delete(key)
  }

  /**
   * Keys no lookup or write touched, and that `keep` does not claim: obsolete after a full
   * run of the file. `keep` names the entries of tests that failed, which never got the
   * chance to touch theirs.
   */
  obsolete(keep: (key: string, entry: E) => boolean = () => false): string[] {
    const entries = this.#load()
    return Object.keys(entries)
      .filter((k) => !this.touched.has(k) && !keep(k, entries[k]!))
      .sort()
  }

  /** Deletes the obsolete entries (see {@link obsolete}); returns how many. */
  prune(keep: (key: string, entry: E) => boolean = () => false): number {
    let removed = 0
    updateStore<E>(this.#fs, this.path, this.#header, (entries) => {
      for (const key of Object.keys(entries)) {
        if (!this.touched.has(key) && !keep(key, entries[key]!)) {
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
export interface FileOutcome<E = unknown> {
  /** Every test of the file ran: none skipped, todo or filtered out, no `.only`. */
  fullRun: boolean
  /** Remove obsolete entries (`-u`, ASSAY_UPDATE=1, or `assay prune` for cassettes). */
  update: boolean
  /** Entries that belong to a test that failed, which keep them as snapshots do. */
  keep?: ((key: string, entry: E) => boolean) | undefined
}

/**
 * Ends a test file's use of a store. An entry is obsolete only when the whole file ran,
 * no test touched it, and no failed test can claim it (a test that threw before its
 * assertion never touched its entry). With `update` obsolete entries are removed;
 * otherwise reported, with a warning.
 */
export function settle<E>(store: KeyedStore<E> | undefined, outcome: FileOutcome<E>): StoreReport | undefined {
  if (!outcome.fullRun || !store) return undefined
  const obsolete = store.obsolete(outcome.keep)
  const pruned = outcome.update && obsolete.length > 0 ? store.prune(outcome.keep) : 0
  if (!outcome.update && obsolete.length > 0) {
    if (process.env.ASSAY_SUMMARY !== 'reporter') process.stderr.write(`assay: ${obsolete.length} obsolete entr${obsolete.length === 1 ? 'y' : 'ies'} in ${store.path}; run with -u or ASSAY_UPDATE=1 to remove ${obsolete.length === 1 ? 'it' : 'them'}.\n`)
  }
  return { path: store.path, obsolete: outcome.update ? [] : obsolete, pruned }
}
