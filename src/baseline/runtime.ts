import { nodeFileSystem } from '../store/file.js'
import { settle, type KeyedStore, type StoreReport } from '../store/keyed.js'
import { BaselineFile, baselinePath } from './store.js'

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

/** A test file's baselines at its end: obsolete entries reported or pruned, writes counted. */
export function settleBaselines(testPath: string, fullRun: boolean, update: boolean): (StoreReport & { written: number; updated: number }) | undefined {
  const path = baselinePath(testPath)
  const used = files.get(path)
  const fs = nodeFileSystem()
  const file = used ?? (fs.read(path) === undefined ? undefined : new BaselineFile(fs, path))
  if (!file) return undefined
  files.delete(path)
  file.flush()
  const report = settle(file as KeyedStore<unknown>, fullRun, update)
  return report && { ...report, written: file.written, updated: file.updated }
}
