// Where in the test file a failed assertion was made, for the report and for CI
// annotations. Both runners source-map stack traces of test files, so the frame that names
// the test file carries the line the user wrote.
import { fileURLToPath } from 'node:url'
import type { SourceLocation } from './records.js'

// "at fn (file:line:col)" or "at file:line:col"; the file may be a file:// URL.
const FRAME = /^at (?:async )?(?:.*? \()?((?:file:\/\/)?.+?):(\d+):(\d+)\)?$/

/**
 * The first stack frame in `testPath`, or undefined when there is none (the assertion ran
 * in a helper module, say). Only called for failed assertions: capturing a stack costs a
 * few microseconds.
 */
export function callSiteIn(testPath: string | undefined): SourceLocation | undefined {
  if (!testPath) return undefined
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = 50
  const stack = new Error().stack ?? ''
  Error.stackTraceLimit = limit
  for (const line of stack.split('\n').slice(1)) {
    const m = FRAME.exec(line.trim())
    if (!m) continue
    const file = m[1]!.startsWith('file://') ? fileURLToPath(m[1]!) : m[1]!
    if (file === testPath) return { line: Number(m[2]), column: Number(m[3]) }
  }
  return undefined
}
