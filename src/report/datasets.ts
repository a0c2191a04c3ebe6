// The datasets of a run for results.json: each test's eval case, and per (test file,
// dataset, prompt version) the aggregate of the cases that ran, computed the same way in
// both runners.
import { summarizeDataset } from '../eval/aggregate.js'
import type { CaseOutcome, EvalThresholds } from '../eval/types.js'
import type { PromptRef } from '../prompts/types.js'
import type { AssayRecord, EvalCaseRecord } from './records.js'
import type { DatasetResult, EvalCaseResult } from './schema.js'

/** The test's eval case: its last eval-case record's (a retried test keeps its last attempt). */
export function evalCaseOf(records: readonly AssayRecord[]): EvalCaseResult | undefined {
  return records.findLast((r): r is EvalCaseRecord => r.kind === 'eval-case')?.case
}

/** A test file's tests, as far as datasets need them. */
export interface DatasetFile {
  /** Relative to the project root, as in `files[].path`. */
  path: string
  tests: { records: readonly AssayRecord[] }[]
}

/** What tells a dataset's entries apart within a test file: its name and the prompt version its cases ran with. */
export function datasetKey(file: string, dataset: string, prompt: PromptRef | undefined): string {
  return JSON.stringify(prompt ? [file, dataset, prompt.name, prompt.version] : [file, dataset])
}

/**
 * One aggregate per dataset (and prompt version) of each file, in file order then
 * declaration order, from the cases that ran; `relative` turns a data file's absolute
 * path into the report's form.
 */
export function datasetsOf(files: readonly DatasetFile[], relative: (path: string) => string): DatasetResult[] {
  const groups = new Map<string, { name: string; file: string; source?: string; prompt?: PromptRef; thresholds: EvalThresholds; cases: CaseOutcome[] }>()
  for (const file of files) {
    for (const test of file.tests) {
      const record = test.records.findLast((r): r is EvalCaseRecord => r.kind === 'eval-case')
      if (!record) continue
      const key = datasetKey(file.path, record.case.dataset, record.case.prompt)
      let group = groups.get(key)
      if (!group) {
        group = { name: record.case.dataset, file: file.path, ...(record.source ? { source: relative(record.source) } : {}), ...(record.case.prompt ? { prompt: record.case.prompt } : {}), thresholds: record.thresholds, cases: [] }
        groups.set(key, group)
      }
      group.cases.push(record.case)
    }
  }
  return [...groups.values()].map((g) => summarizeDataset(g))
}
