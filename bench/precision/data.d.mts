import type { BenchRecord } from './score.mjs'
import type { loadWritten } from './written.mjs'

export const BUILD_EXTERNAL: string
export function loadData(dir: string): { written: ReturnType<typeof loadWritten>; external: BenchRecord[] | null }
