// Jest global teardown, the pair of `assay/jest/global-setup`: stops the coordinator.
import { formatSummary, type Coordinator } from '../src/judge/coordinator.js'

export default async function globalTeardown(): Promise<void> {
  const coordinator = (globalThis as { __assayCoordinator?: Coordinator }).__assayCoordinator
  if (!coordinator) return
  const summary = formatSummary(coordinator.summary())
  if (summary) console.log(summary)
  await coordinator.close()
}
