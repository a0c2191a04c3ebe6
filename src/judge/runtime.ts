import { configGeneration, getConfig } from '../config.js'
import { nodeFileSystem } from '../store/file.js'
import { settle, type KeyedStore, type StoreReport } from '../store/keyed.js'
import { Cassette, cassettePath, openCassettes, resolveCacheMode } from './cassette.js'
import { JudgeClient, type Pacer } from './client.js'
import { remoteFlights, remotePacer } from './coordinator.js'
import type { Capabilities, JudgeRuntime } from './judge.js'
import { RateLimiter } from './limiter.js'

// One set of shared state per configuration: changing the configuration starts afresh.
let shared:
  | { generation: number; pacer: Pacer; capabilities: Capabilities; runtimes: Map<string, JudgeRuntime> }
  | undefined

let coordinator: string | undefined

/**
 * Routes pacing and single-flight through the coordinator at `url` (started by global
 * setup), so that every worker draws on one budget; `undefined` goes back to a local limiter.
 */
export function useCoordinator(url: string | undefined): void {
  coordinator = url
  shared = undefined
}

/** The coordinator in use, if any. */
export function coordinatorURL(): string | undefined {
  return coordinator
}

/** The judge runtime for `model` (the configured one by default), built from the configuration. */
export function judgeRuntime(model?: string): JudgeRuntime {
  const config = getConfig()
  if (!shared || shared.generation !== configGeneration()) {
    const { requestsPerMinute: rpm, tokensPerMinute: tpm } = config.judge
    shared = {
      generation: configGeneration(),
      pacer: coordinator ? remotePacer(coordinator, { rpm, tpm }) : new RateLimiter({ requestsPerMinute: rpm, tokensPerMinute: tpm }),
      capabilities: { logprobs: true, n: true, jsonSchema: true },
      runtimes: new Map(),
    }
  }
  const name = model ?? config.judge.model
  let runtime = shared.runtimes.get(name)
  if (!runtime) {
    const j = config.judge
    runtime = {
      client: new JudgeClient({
        endpoints: [{ model: name, baseURL: j.baseURL, apiKey: j.apiKey }, ...j.fallback],
        timeoutMs: j.timeoutMs,
        maxRetries: j.maxRetries,
        maxConcurrency: j.maxConcurrency,
        pacer: shared.pacer,
        prices: j.prices,
      }),
      model: name,
      temperature: j.temperature,
      cacheMode: resolveCacheMode(config.cache.mode),
      fs: nodeFileSystem(),
      cassettes: openCassettes(),
      capabilities: shared.capabilities,
      flights: coordinator ? remoteFlights(coordinator) : undefined,
    }
    shared.runtimes.set(name, runtime)
  }
  return runtime
}

/**
 * The cassette of a test file if the judge or the app's calls used it in this process, or
 * if it exists on disk, for obsolete-entry checks at the end of the file.
 */
export function cassetteFor(testPath: string): Cassette | undefined {
  const path = cassettePath(testPath)
  const used = openCassettes().get(path)
  if (used) return used
  const fs = nodeFileSystem()
  return fs.read(path) === undefined ? undefined : new Cassette(fs, path)
}

/** How a test file ended, for its cassette. */
export interface CassetteOutcome {
  fullRun: boolean
  update: boolean
  /** Tests of the file that failed. */
  failed: readonly string[]
}

/**
 * Ends a test file's use of its cassette (see {@link settle}). Cassette keys are request
 * hashes that name no test, so a failed test, which may have thrown before asking what it
 * recorded, keeps every entry of its file. A run with the cache off never read the
 * cassette, so it has no say over which entries are obsolete.
 */
export function settleCassette(testPath: string, outcome: CassetteOutcome): StoreReport | undefined {
  const cassette = cassetteFor(testPath)
  openCassettes().delete(cassettePath(testPath))
  // Recordings still waiting to be written go to disk first, whatever is decided below.
  cassette?.flush()
  if (resolveCacheMode(getConfig().cache.mode) === 'off') return undefined
  return settle(cassette as KeyedStore<unknown> | undefined, { fullRun: outcome.fullRun && outcome.failed.length === 0, update: outcome.update })
}
