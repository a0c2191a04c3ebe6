// Setup file for Vitest 4 and 5: `test: { setupFiles: ['assay/vitest'] }`.
import { expect } from 'vitest'
import * as matchers from '../matchers/index.js'

expect.extend(matchers)
