// Vitest global setup, wired by the `assay()` plugin: starts the coordinator that gives
// every test worker one shared rate limit and single-flight table.
import type { TestProject } from 'vitest/node'
import type { AssayConfig } from '../src/config.js'
import { formatSummary, startCoordinator } from '../src/judge/coordinator.js'
import { summaryClaimed } from '../reporters/claim.js'
import { configFlag } from '../src/runner.js'

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const options = (project.config.provide as Record<string, unknown> | undefined)?.assayConfig as AssayConfig | undefined
  const coordinator = await startCoordinator({ requestsPerMinute: options?.judge?.requestsPerMinute, tokensPerMinute: options?.judge?.tokensPerMinute })
  const provide = project.provide as (key: string, value: unknown) => void
  provide('assayCoordinator', coordinator.url)
  // Workers cannot see the command line; messages that give a command need its --config.
  provide('assayRunnerConfig', configFlag(process.argv))
  // Concurrent tests per worker: the default number of judge requests in flight per worker.
  provide('assayRunnerConcurrency', project.config.maxConcurrency)
  return async () => {
    const summary = formatSummary(coordinator.summary())
    // An assay reporter prints a fuller summary of its own.
    if (summary && !summaryClaimed()) console.log(summary)
    await coordinator.close()
  }
}
