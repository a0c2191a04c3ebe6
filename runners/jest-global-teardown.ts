// Jest global teardown, the pair of `assay/jest/global-setup`: stops the coordinator.
import { formatSummary, type Coordinator } from '../src/judge/coordinator.js'
import { summaryClaimed } from '../reporters/claim.js'

export default async function globalTeardown(): Promise<void> {
  const coordinator = (globalThis as { __assayCoordinator?: Coordinator }).__assayCoordinator
  if (!coordinator) return
  const summary = formatSummary(coordinator.summary())
  // An assay reporter prints a fuller summary of its own.
  if (summary && !summaryClaimed()) console.log(summary)
  await coordinator.close()
}
