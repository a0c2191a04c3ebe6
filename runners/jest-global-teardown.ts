// Jest global teardown, the pair of `assay/jest/global-setup`: stops the coordinator.
import { formatSummary, lateRunError, type Coordinator } from '../src/judge/coordinator.js'
import { summaryClaimed } from '../reporters/claim.js'

export default async function globalTeardown(): Promise<void> {
  const coordinator = (globalThis as { __assayCoordinator?: Coordinator }).__assayCoordinator
  if (!coordinator) return
  const summary = formatSummary(coordinator.summary())
  // An assay reporter prints a fuller summary of its own, and fails the run for late assertions.
  const claimed = summaryClaimed()
  if (summary && !claimed) console.log(summary)
  const late = coordinator.late()
  await coordinator.close()
  delete process.env.ASSAY_LATE_DIR
  if (late.length > 0 && !claimed) throw lateRunError(late)
}
