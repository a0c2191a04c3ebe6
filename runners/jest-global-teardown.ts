// Jest global teardown, the pair of `assay/jest/global-setup`: stops the coordinator.
import { formatSummary, type Coordinator } from '../src/judge/coordinator.js'
import { summaryClaimed } from '../reporters/claim.js'

export default async function globalTeardown(): Promise<void> {
  const coordinator = (globalThis as { __assayCoordinator?: Coordinator }).__assayCoordinator
  if (!coordinator) return
  const summary = formatSummary(coordinator.summary())
  // An assay reporter prints a fuller summary of its own.
  const claimed = summaryClaimed()
  if (summary && !claimed) console.log(summary)
  const { late } = coordinator.summary()
  await coordinator.close()
  // The assay reporter fails the run for these itself; without it, this does.
  if (late.length > 0 && !claimed) throw new Error(`assay: judged assertions started after their test file ended, so the run cannot pass:\n${late.join('\n')}`)
}
