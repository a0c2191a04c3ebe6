// The structural baseline store: `__llm_baselines__/<test file>.json` beside each test
// file, snapshot-style. It shares the crash-safe file format and lock of the cassettes.
import { createHash } from 'node:crypto'
import { basename, dirname, join } from 'node:path'
import { onCi } from '../ci.js'
import type { StoreFileSystem } from '../store/file.js'
import { KeyedStore } from '../store/keyed.js'
import type { Fingerprint } from './fingerprint.js'

/**
 * When the store writes, as snapshots do:
 * - `new` (local default): write missing entries; mismatches fail.
 * - `all` (`-u` or ASSAY_UPDATE=1): also rewrite mismatches and delete obsolete entries.
 * - `none` (default when CI is set): write nothing; a missing entry fails.
 */
export type UpdateMode = 'new' | 'all' | 'none'

/** Whether the runner was asked to update snapshots (`vitest -u`, `jest -u`), read from `expect.getState()`. */
export function runnerUpdates(state: unknown): boolean {
  return (state as { snapshotState?: { _updateSnapshot?: string } } | undefined)?.snapshotState?._updateSnapshot === 'all'
}

/**
 * The mode in force: `all` when asked to update, `none` on CI and under `assay prune`
 * (ASSAY_PRUNE=1), `new` otherwise. Prune removes obsolete cassette entries and nothing
 * else: it must never accept a drifted baseline, so it writes none.
 */
export function resolveUpdateMode(runnerUpdate: boolean, env: NodeJS.ProcessEnv = process.env): UpdateMode {
  if (runnerUpdate || env.ASSAY_UPDATE === '1') return 'all'
  if (env.ASSAY_PRUNE === '1') return 'none'
  return onCi(env) ? 'none' : 'new'
}

/** The baseline file of a test file. */
export function baselinePath(testPath: string): string {
  return join(dirname(testPath), '__llm_baselines__', `${basename(testPath)}.json`)
}

/** A stable hash of the input an output was made from. */
export function inputHash(input: string): string {
  return createHash('sha256').update(input).digest('hex').slice(0, 16)
}

/** One recorded baseline. */
export interface BaselineEntry {
  fingerprint: Fingerprint
  /** The output that produced the fingerprint, so a drift can be shown as a diff. */
  sample: string
  inputHash?: string | undefined
  entities?: string[] | undefined
}

/**
 * The baselines of one test file: entries are keyed `<full test name> <n>` (the n-th
 * assertion in the test), or `<full test name> › <name>` when a name is given.
 */
export class BaselineFile extends KeyedStore<BaselineEntry> {
  readonly #counters = new Map<string, number>()
  written = 0
  updated = 0

  constructor(fs: StoreFileSystem, path: string) {
    super(fs, path, { assay: 'baseline', version: 1 })
  }

  /** The key of the next assertion in `testName`. */
  keyFor(testName: string, name?: string): string {
    if (name !== undefined) return `${testName} › ${name}`
    const n = (this.#counters.get(testName) ?? 0) + 1
    this.#counters.set(testName, n)
    return `${testName} ${n}`
  }

  /** Starts `testName` afresh (a retry): its next unnamed baseline is number 1 again. */
  restartTest(testName: string): void {
    this.#counters.delete(testName)
  }

  /** Stages an entry (written at the end of the file), counting it as written or updated. */
  save(key: string, entry: BaselineEntry, existed: boolean): void {
    this.stage(key, entry)
    if (existed) this.updated++
    else this.written++
  }
}
