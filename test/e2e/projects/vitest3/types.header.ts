/// <reference types="assay/vitest/v4" />
import { expect } from 'vitest'
import type { TaskMeta } from 'vitest'
const meta: TaskMeta = {}
export const recordKinds: ('check' | 'judge' | 'faithfulness' | 'similarity' | 'llm-call' | 'cassette' | 'baseline' | 'eval-case')[] | undefined = meta.assay?.records?.map((r) => r.kind)
import AssayReporter from 'assay/reporter'
export const reporter = new AssayReporter({ outputDir: 'reports/assay', history: 20 })
// @ts-expect-error history is a count or false
export const badReporter = new AssayReporter({ history: 'all' })
