// Jest global setup: `globalSetup: 'assay/jest/global-setup'` with
// `globalTeardown: 'assay/jest/global-teardown'`. Starts the coordinator that gives every
// worker one shared rate limit. (The folder for the per-worker records belongs to the
// assay reporter, which makes and removes it; without a reporter, nothing is written.)
import { startCoordinator, type Coordinator } from '../src/judge/coordinator.js'
import { configFlag } from '../src/runner.js'

export default async function globalSetup(): Promise<void> {
  const coordinator = await startCoordinator()
  // Workers inherit the environment, which is how they find the coordinator.
  process.env.ASSAY_COORDINATOR = coordinator.url
  process.env.ASSAY_LATE_DIR = coordinator.lateDir
  // Messages that give a command need the run's --config, which workers cannot see.
  const config = configFlag(process.argv)
  if (config) process.env.ASSAY_RUNNER_CONFIG = config
  ;(globalThis as { __assayCoordinator?: Coordinator }).__assayCoordinator = coordinator
}
