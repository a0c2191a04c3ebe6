// Setup file for Vitest 4 and 5: `test: { setupFiles: ['assay/vitest'] }`, or the `assay()`
// plugin from `assay/vitest/plugin`, which also wires the global setup and passes options.
import { expect, inject, TestRunner } from 'vitest'
import * as matchers from '../matchers/index.js'
import { configure, type AssayConfig } from '../src/config.js'
import { useCoordinator } from '../src/judge/runtime.js'
import { setRecordSink, setTestContextProvider } from '../src/report/records.js'

expect.extend(matchers)
setTestContextProvider(() => {
  const state = expect.getState()
  return { testPath: state.testPath, testName: state.currentTestName }
})

const provided = inject as unknown as (key: string) => unknown
const options = provided('assayConfig') as AssayConfig | undefined
if (options) configure(options)
useCoordinator(provided('assayCoordinator') as string | undefined)

// Each judged assertion is attached to its test, where the reporters read it.
setRecordSink((record) => {
  const test = TestRunner.getCurrentTest()
  if (!test) return
  const meta = test.meta as { assay?: { records: unknown[] } }
  ;(meta.assay ??= { records: [] }).records.push(record)
})
