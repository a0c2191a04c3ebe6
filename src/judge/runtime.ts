import { configGeneration, getConfig } from '../config.js'
import { nodeFileSystem } from '../store/file.js'
import { settle, type KeyedStore, type StoreReport } from '../store/keyed.js'
import { Cassette, cassettePath, resolveCacheMode } from './cassette.js'
import { JudgeClient, type Pacer } from './client.js'
import { remoteFlights, remotePacer } from './coordinator.js'
import type { Capabilities, JudgeRuntime } from './judge.js'
import { PacingQueue, RateLimiter } from './limiter.js'

// One set of shared state per configuration: changing the configuration starts afresh.
let shared:
  | { generation: number; pacer: Pacer; cassettes: Map<string, Cassette>; capabilities: Capabilities; runtimes: Map<string, JudgeRuntime> }
  | undefined

let coordinator: string | undefined
let runnerConcurrency: () => number | undefined = () => undefined

/**
 * Tells the judge how many tests the runner runs at once in a worker (its `maxConcurrency`),
 * which is the default for `judge.maxConcurrency`: a lower one would queue the requests of
 * concurrent tests behind each other.
 */
export function useRunnerConcurrency(read: () => number | undefined): void {
  runnerConcurrency = read
  shared = undefined
}

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
      pacer: coordinator ? remotePacer(coordinator, { rpm, tpm }) : new PacingQueue(new RateLimiter({ requestsPerMinute: rpm, tokensPerMinute: tpm })),
      cassettes: new Map(),
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
        maxConcurrency: j.maxConcurrency ?? validConcurrency(runnerConcurrency()) ?? 5,
        maxRateLimitWaitMs: j.maxRateLimitWaitMs,
        pacer: shared.pacer,
        prices: j.prices,
      }),
      model: name,
      temperature: j.temperature,
      cacheMode: resolveCacheMode(config.cache.mode),
      fs: nodeFileSystem(),
      cassettes: shared.cassettes,
      capabilities: shared.capabilities,
      flights: coordinator ? remoteFlights(coordinator) : undefined,
    }
    shared.runtimes.set(name, runtime)
  }
  return runtime
}

const validConcurrency = (n: number | undefined) => (Number.isInteger(n) && n! > 0 ? n : undefined)

/**
 * The cassette of a test file if the judge used it in this process or it exists on disk,
 * for obsolete-entry checks at the end of the file.
 */
export function cassetteFor(testPath: string): Cassette | undefined {
  const path = cassettePath(testPath)
  const used = shared?.cassettes.get(path)
  if (used) return used
  const fs = nodeFileSystem()
  return fs.read(path) === undefined ? undefined : new Cassette(fs, path)
}

/**
 * Ends a test file's use of its cassette: see {@link settle}.
 */
export function settleCassette(testPath: string, fullRun: boolean, update: boolean): StoreReport | undefined {
  return settle(cassetteFor(testPath) as KeyedStore<unknown> | undefined, fullRun, update)
}
