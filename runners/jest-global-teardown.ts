// Jest global teardown, the pair of `assay/jest/global-setup`: stops the coordinator.
import type { Coordinator } from '../src/judge/coordinator.js'

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __assayCoordinator?: Coordinator }).__assayCoordinator?.close()
}
