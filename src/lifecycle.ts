// What happens at the end of each test file, the same in every runner; the adapters only
// say which file ended, whether all its tests ran, and what the runner's state is.
import { assertNoObsoleteBaselines, settleBaselines } from './baseline/runtime.js'
import { runnerUpdates } from './baseline/store.js'
import { flushReports } from './judge/coordinator.js'
import { settleCassette } from './judge/runtime.js'
import { emitRecord } from './report/records.js'
import type { StoreReport } from './store/keyed.js'

/** The end-of-file reports of a test file's stores, where it had them. */
export interface FileReports {
  cassette?: StoreReport | undefined
  baselines?: StoreReport | undefined
}

/**
 * Ends a test file: settles its cassette and baselines (obsolete entries reported, or
 * pruned under `-u` / ASSAY_UPDATE=1), emits their reports as records and hands them to
 * `onReports`, waits until the run summary has them, then fails the file if obsolete
 * baselines remain on CI.
 */
export async function finishTestFile(testPath: string, fullRun: boolean, expectState: unknown, onReports?: (reports: FileReports) => void): Promise<void> {
  const update = process.env.ASSAY_UPDATE === '1' || runnerUpdates(expectState)
  const cassette = settleCassette(testPath, fullRun, update)
  if (cassette) emitRecord({ kind: 'cassette', testPath, ...cassette })
  const baselines = settleBaselines(testPath, fullRun, update)
  if (baselines) emitRecord({ kind: 'baseline', testPath, ...baselines })
  onReports?.({ cassette, baselines })
  await flushReports()
  assertNoObsoleteBaselines(baselines, update)
}
