import { nodeFileSystem } from '../store/file.js'
import { settle, type StoreReport } from '../store/keyed.js'
import { BaselineFile, baselinePath, resolveUpdateMode } from './store.js'

const files = new Map<string, BaselineFile>()

/** The baseline file of a test file, one instance per process, so keys count across a file. */
export function baselineFor(testPath: string): BaselineFile {
  const path = baselinePath(testPath)
  let file = files.get(path)
  if (!file) {
    file = new BaselineFile(nodeFileSystem(), path)
    files.set(path, file)
  }
  return file
}

/**
 * Called as each test starts (each attempt of a retried test too): its unnamed baselines
 * count from 1 again, so a retry reuses the keys of the attempt before it, as snapshots do.
 */
export function beginTest(testPath: string | undefined, testName: string | undefined): void {
  if (testPath && testName) files.get(baselinePath(testPath))?.restartTest(testName)
}

/** Whether `key` names a baseline of one of the `tests` (`<name> <n>` or `<name> › <label>`). */
export function belongsToTests(key: string, tests: readonly string[]): boolean {
  return tests.some((t) => key.startsWith(`${t} › `) || (key.startsWith(`${t} `) && /^\d+$/.test(key.slice(t.length + 1))))
}

/**
 * A test file's baselines at its end: obsolete entries reported or pruned, writes counted.
 * A failed test keeps its baselines: it may have thrown before reaching its assertion.
 */
export function settleBaselines(testPath: string, outcome: { fullRun: boolean; update: boolean; failed: readonly string[] }): (StoreReport & { written: number; updated: number }) | undefined {
  const path = baselinePath(testPath)
  const used = files.get(path)
  const fs = nodeFileSystem()
  const file = used ?? (fs.read(path) === undefined ? undefined : new BaselineFile(fs, path))
  if (!file) return undefined
  files.delete(path)
  file.flush()
  const report = settle(file, { fullRun: outcome.fullRun, update: outcome.update, keep: (key) => belongsToTests(key, outcome.failed) })
  return report && { ...report, written: file.written, updated: file.updated }
}

/**
 * On CI (mode `none`), obsolete baselines fail the run with their list, as obsolete
 * snapshots do in Vitest; elsewhere they are only reported. Called by the runner adapters
 * after {@link settleBaselines}.
 */
export function assertNoObsoleteBaselines(report: StoreReport | undefined, runnerUpdate: boolean): void {
  if (!report || report.obsolete.length === 0 || resolveUpdateMode(runnerUpdate) !== 'none') return
  throw new Error(
    `${report.obsolete.length} obsolete structural baseline${report.obsolete.length === 1 ? '' : 's'} in ${report.path}, which no assertion used:\n` +
      `${report.obsolete.map((k) => `  • ${k}`).join('\n')}\nRemove ${report.obsolete.length === 1 ? 'it' : 'them'} with -u or ASSAY_UPDATE=1 where CI is not set, then commit the file.`,
  )
}
