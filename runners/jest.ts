// Setup file for Jest 30: `setupFilesAfterEnv: ['assay/jest']`. It extends the `expect`
// that `@jest/globals` hands out, which is also the global one when globals are injected.
import { expect } from '@jest/globals'
import * as matchers from '../matchers/index.js'

expect.extend(matchers)
