import { expect } from 'vitest'
import * as matchers from '../matchers/index.js'
import type { AssayMatchers } from '../matchers/types.js'

expect.extend(matchers)

declare module 'vitest' {
  interface Matchers<T = any> extends AssayMatchers<T> {}
}
