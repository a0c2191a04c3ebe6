// Setup file for Jest 30: `setupFilesAfterEnv: ['assay/jest']`. It extends the `expect`
// that `@jest/globals` hands out, which is also the global one when globals are injected.
import { appendFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { expect } from '@jest/globals'
import * as matchers from '../matchers/index.js'
import { useCoordinator } from '../src/judge/runtime.js'
import { setRecordSink, setTestContextProvider } from '../src/report/records.js'

expect.extend(matchers)
setTestContextProvider(() => {
  const state = expect.getState()
  return { testPath: state.testPath, testName: state.currentTestName }
})
useCoordinator(process.env.ASSAY_COORDINATOR)

// Jest has no per-test metadata: records go to a side file per worker, for the reporters.
const records = process.env.ASSAY_RECORDS_DIR
if (records) {
  const file = join(records, `worker-${process.env.JEST_WORKER_ID ?? '1'}-${process.pid}.jsonl`)
  mkdirSync(records, { recursive: true })
  setRecordSink((record) => appendFileSync(file, `${JSON.stringify(record)}\n`))
}
