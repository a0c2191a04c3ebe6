// What happens at the end of each test file, the same in every runner; the adapters only
// say which file ended, whether all its tests ran, and what the runner's state is.
import { assertNoObsoleteBaselines, settleBaselines } from './baseline/runtime.js'
import { runnerUpdates } from './baseline/store.js'
import { flushReports } from './judge/coordinator.js'
import { flushSecrets } from './judge/secret-sharing.js'
import { settleCassette } from './judge/runtime.js'
import { emitRecord } from './report/records.js'
import type { StoreReport } from './store/keyed.js'

/** The end-of-file reports of a test file's stores, where it had them. */
export interface FileReports {
  cassette?: StoreReport | undefined
  baselines?: StoreReport | undefined
}

/** How the runner says a test file ended. */
export interface FileEnd {
  /** Every test of the file ran: none skipped, todo or filtered out, no `.only`. */
  fullRun: boolean
  /** Full names (as `expect.getState().currentTestName` gives them) of the tests that failed. */
  failed: readonly string[]
}

/**
 * Ends a test file: settles its cassette and baselines (obsolete entries reported, or
 * pruned under `-u` / ASSAY_UPDATE=1, and for cassettes alone under `assay prune`), emits
 * their reports as records and hands them to `onReports`, waits until the run summary has
 * them and the reporters' process knows the worker's keys, then fails the file if obsolete
 * baselines remain on CI.
 */
export async function finishTestFile(testPath: string, end: FileEnd, expectState: unknown, onReports?: (reports: FileReports) => void): Promise<void> {
  const update = process.env.ASSAY_UPDATE === '1' || runnerUpdates(expectState)
  const cassette = settleCassette(testPath, { ...end, update: update || process.env.ASSAY_PRUNE === '1' })
  if (cassette) emitRecord({ kind: 'cassette', testPath, ...cassette })
  const baselines = settleBaselines(testPath, { ...end, update })
  if (baselines) emitRecord({ kind: 'baseline', testPath, ...baselines })
  onReports?.({ cassette, baselines })
  // The keys this file's worker learnt reach the reporters' process before the file is done.
  await Promise.all([flushReports(), flushSecrets()])
  assertNoObsoleteBaselines(baselines, update)
}
