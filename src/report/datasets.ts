// The datasets of a run for results.json: each test's eval case, and per (test file,
// dataset, prompt version) the aggregate of the cases that ran, computed the same way in both runners and
// again by `assay merge`.
import { summarizeDataset } from '../eval/aggregate.js'
import type { EvalThresholds } from '../eval/types.js'
import type { PromptRef } from '../prompts/types.js'
import type { AssayRecord, EvalCaseRecord } from './records.js'
import type { DatasetResult, EvalCaseResult } from './schema.js'

/** The test's last eval-case record (a retried test keeps its last attempt). */
function evalRecordOf(records: readonly AssayRecord[]): EvalCaseRecord | undefined {
  return records.findLast((r): r is EvalCaseRecord => r.kind === 'eval-case')
}

/** The test's eval case: its last eval-case record's (a retried test keeps its last attempt). */
export function evalCaseOf(records: readonly AssayRecord[]): EvalCaseResult | undefined {
  return evalRecordOf(records)?.case
}

/**
 * Which dataset a case of a test file belongs to: its name and the prompt version it ran
 * with. Cases with one key are summed up together; every grouping of cases into datasets
 * (the reporters', `assay merge`'s) keys by this alone.
 */
export const datasetKey = (file: string, c: { dataset: string; prompt?: PromptRef | undefined }): string =>
  JSON.stringify(c.prompt ? [file, c.dataset, c.prompt.name, c.prompt.version] : [file, c.dataset])

/** The cases of one dataset of one test file, with the tests they came from. */
export interface DatasetGroup<Test> {
  key: string
  /** The test file, as `files[].path` gives it. */
  file: string
  name: string
  /** The prompt version its cases ran with, for a dataset run with several. */
  prompt?: PromptRef | undefined
  cases: EvalCaseResult[]
  tests: Test[]
}

/**
 * The eval cases of `files` grouped by {@link datasetKey}: in file order, then in the
 * order each dataset's first case appears. Tests without a case are left out.
 */
export function groupDatasets<Test>(files: readonly { path: string; tests: readonly Test[] }[], caseOf: (test: Test) => EvalCaseResult | undefined): DatasetGroup<Test>[] {
  const groups = new Map<string, DatasetGroup<Test>>()
  for (const file of files) {
    for (const test of file.tests) {
      const c = caseOf(test)
      if (!c) continue
      const key = datasetKey(file.path, c)
      let group = groups.get(key)
      if (!group) groups.set(key, (group = { key, file: file.path, name: c.dataset, ...(c.prompt ? { prompt: c.prompt } : {}), cases: [], tests: [] }))
      group.cases.push(c)
      group.tests.push(test)
    }
  }
  return [...groups.values()]
}

/** A dataset's aggregate over its group's cases, with the data file and thresholds it was declared with. */
export function summarizeGroup(group: Pick<DatasetGroup<unknown>, 'file' | 'name' | 'prompt' | 'cases'>, declared: { source?: string | undefined; thresholds?: EvalThresholds | undefined }): DatasetResult {
  return summarizeDataset({ name: group.name, file: group.file, source: declared.source, prompt: group.prompt, cases: group.cases, thresholds: declared.thresholds })
}

/** A test file's tests, as far as datasets need them. */
export interface DatasetFile {
  /** Relative to the project root, as in `files[].path`. */
  path: string
  tests: { records: readonly AssayRecord[] }[]
}

/**
 * One aggregate per dataset (and prompt version) of each file, in file order then declaration order, from the
 * cases that ran; `relative` turns a data file's absolute path into the report's form.
 */
export function datasetsOf(files: readonly DatasetFile[], relative: (path: string) => string): DatasetResult[] {
  return groupDatasets(files, (test) => evalCaseOf(test.records)).map((group) => {
    // Every case of a dataset carries the same declaration; the first one's stands for all.
    const declared = evalRecordOf(group.tests[0]!.records)!
    return summarizeGroup(group, { source: declared.source === undefined ? undefined : relative(declared.source), thresholds: declared.thresholds })
  })
}
