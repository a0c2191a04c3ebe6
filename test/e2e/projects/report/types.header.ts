/// <reference types="assay/vitest/v4" />
import { expect } from 'vitest'
import type { TaskMeta } from 'vitest'
const meta: TaskMeta = {}
export const recordKinds: ('check' | 'judge' | 'faithfulness' | 'similarity' | 'llm-call' | 'cassette' | 'baseline' | 'eval-case')[] | undefined = meta.assay?.records?.map((r) => r.kind)
