// Jest global setup: `globalSetup: 'assay/jest/global-setup'` with
// `globalTeardown: 'assay/jest/global-teardown'`. Starts the coordinator that gives every
// worker one shared rate limit, and a folder for the per-worker judge records.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startCoordinator, type Coordinator } from '../src/judge/coordinator.js'

export default async function globalSetup(): Promise<void> {
  const coordinator = await startCoordinator()
  // Workers inherit the environment, which is how they find the coordinator.
  process.env.ASSAY_COORDINATOR = coordinator.url
  process.env.ASSAY_RECORDS_DIR ??= mkdtempSync(join(tmpdir(), 'assay-records-'))
  ;(globalThis as { __assayCoordinator?: Coordinator }).__assayCoordinator = coordinator
}
