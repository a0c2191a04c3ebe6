import { configGeneration, getConfig } from '../config.js'
import { nodeFileSystem } from '../store/file.js'
import { settle, type StoreReport } from '../store/keyed.js'
import { Cassette, cassettePath, claimedByFailed, openCassettes, resolveCacheMode } from './cassette.js'
import { JudgeClient, type Pacer } from './client.js'
import { remoteFlights, remotePacer } from './coordinator.js'
import { remoteBreaker } from './remote-breaker.js'
import { indexInUse, semanticCacheFor } from './semantic-cache.js'
import { embedTexts } from './embed.js'
import type { Capabilities, JudgeRuntime } from './judge.js'
import { PacingQueue, RateLimiter } from './limiter.js'
import { currentTest } from '../report/records.js'
import { coordinatorURL } from './coordinator-url.js'

export { coordinatorURL, useCoordinator } from './coordinator-url.js'

// One set of shared state per configuration and coordinator: changing either starts afresh.
let shared:
  | { generation: number; coordinator: string | undefined; pacer: Pacer; capabilities: Capabilities; runtimes: Map<string, JudgeRuntime> }
  | undefined
let runnerConcurrency: () => number | undefined = () => undefined

/**
 * Tells the judge how many tests the runner runs at once in a worker (its `maxConcurrency`),
 * which is the default for `judge.maxConcurrency`: a lower one would queue the requests of
 * concurrent tests behind each other.
 */
export function useRunnerConcurrency(read: () => number | undefined): void {
  runnerConcurrency = read
  configuredRunnerConcurrency = undefined
  shared = undefined
}

// The runner's limit as configured, once describeEval raised it for a test file: Jest's
// state (and Vitest's, without the plugin) then holds the raised one, which is the
// dataset's, not the judge's default for the file's other tests.
let configuredRunnerConcurrency: { value: number | undefined } | undefined

/** Tells the judge the runner's configured limit before `describeEval` raises it for a test file. */
export function keepRunnerConcurrency(configured: number | undefined): void {
  configuredRunnerConcurrency ??= { value: configured }
}

const runnerLimit = () => (configuredRunnerConcurrency ? configuredRunnerConcurrency.value : runnerConcurrency())

// The concurrency of each dataset eval case running now in this worker, as counts per value.
const evalRaises = new Map<number, number>()
const evalConcurrency = () => Math.max(0, ...evalRaises.keys())

/**
 * Lets the judge send at least `n` requests at once in this worker, unless its
 * `maxConcurrency` is configured, until the returned function is called: `describeEval`
 * holds it with its `concurrency` while each of its cases runs, so that cases running at
 * once are not queued behind the runner's own limit, and other tests keep that limit.
 */
export function raiseJudgeConcurrency(n: number): () => void {
  evalRaises.set(n, (evalRaises.get(n) ?? 0) + 1)
  let held = true
  return () => {
    if (!held) return
    held = false
    const left = evalRaises.get(n)! - 1
    if (left > 0) evalRaises.set(n, left)
    else evalRaises.delete(n)
  }
}

/** The judge runtime for `model` (the configured one by default), built from the configuration. */
export function judgeRuntime(model?: string): JudgeRuntime {
  const config = getConfig()
  const coordinator = coordinatorURL()
  if (!shared || shared.generation !== configGeneration() || shared.coordinator !== coordinator) {
    const { requestsPerMinute: rpm, tokensPerMinute: tpm } = config.judge
    shared = {
      generation: configGeneration(),
      coordinator,
      pacer: coordinator ? remotePacer(coordinator, { rpm, tpm }) : new PacingQueue(new RateLimiter({ requestsPerMinute: rpm, tokensPerMinute: tpm })),
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
        maxConcurrency: () => j.maxConcurrency ?? Math.max(validConcurrency(runnerLimit()) ?? 5, evalConcurrency()),
        maxRateLimitWaitMs: j.maxRateLimitWaitMs,
        pacer: shared.pacer,
        ...(coordinator ? { breaker: remoteBreaker(coordinator) } : {}),
        deadline: () => currentTest().deadline,
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
    // The semantic cache embeds outputs as toBeSemanticallySimilarTo does: through the
    // batcher, and recorded in (and under lockdown replayed from) the test file's cassette.
    const judge = runtime
    judge.semantic = semanticCacheFor(config.cache.semantic, judge.cacheMode, config.embedding.model, (texts, testPath) => embedTexts({ inputs: texts, testPath }, judge))
    shared.runtimes.set(name, runtime)
  }
  return runtime
}

const validConcurrency = (n: number | undefined) => (Number.isInteger(n) && n! > 0 ? n : undefined)

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
 * Ends a test file's use of its cassette (see {@link settle}). A failed test keeps the
 * entries it recorded (each names its test), since it may have thrown before asking for
 * them; entries that name no test are kept whenever a test failed. A run with the cache
 * off never read the cassette, so it has no say over which entries are obsolete.
 */
export function settleCassette(testPath: string, outcome: CassetteOutcome): StoreReport | undefined {
  const cassette = cassetteFor(testPath)
  openCassettes().delete(cassettePath(testPath))
  // Recordings still waiting to be written go to disk first, whatever is decided below.
  cassette?.flush()
  if (resolveCacheMode(getConfig().cache.mode) === 'off') return undefined
  return settle(cassette, { fullRun: outcome.fullRun, update: outcome.update, keep: (_key, entry) => claimedByFailed(entry, outcome.failed) || indexInUse(entry, cassette!.touched) })
}
