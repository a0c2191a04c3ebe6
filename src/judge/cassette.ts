import { createHash } from 'node:crypto'
import { basename, dirname, join } from 'node:path'
import stableStringify from 'fast-json-stable-stringify'
import { onCi } from '../ci.js'
import type { StoreFileSystem } from '../store/file.js'
import { KeyedStore } from '../store/keyed.js'
import { rerunCommand } from '../runner.js'
import { currentTest } from '../report/records.js'
import { currentTrial } from '../eval/trial.js'
import { redact, redactDeep } from '../secrets.js'

/**
 * How judge calls use cassettes:
 * - `auto` (local default): replay a recorded answer, record a missing one.
 * - `lockdown` (default when `CI` is set): replay only; a missing answer fails the test.
 * - `refresh`: call the judge for everything touched and re-record it.
 * - `off`: always call the judge, record nothing.
 */
export type CacheMode = 'auto' | 'lockdown' | 'refresh' | 'off'

const MODES: readonly CacheMode[] = ['auto', 'lockdown', 'refresh', 'off']

/** The mode in force: `ASSAY_CACHE`, else the configured one, else `lockdown` on CI and `auto` locally. */
export function resolveCacheMode(configured: CacheMode | undefined, env: NodeJS.ProcessEnv = process.env): CacheMode {
  const fromEnv = env.ASSAY_CACHE?.trim().toLowerCase()
  if (fromEnv) {
    if (!(MODES as readonly string[]).includes(fromEnv)) throw new Error(`ASSAY_CACHE is "${env.ASSAY_CACHE}", but it must be one of ${MODES.join(', ')}.`)
    return fromEnv as CacheMode
  }
  if (configured) return configured
  return onCi(env) ? 'lockdown' : 'auto'
}

/** The cassette of a test file: `__llm_cassettes__/<file>.json` beside it. */
export function cassettePath(testPath: string): string {
  return join(dirname(testPath), '__llm_cassettes__', `${basename(testPath)}.json`)
}

/**
 * The key of a request: a hash of its stable JSON (model, messages and parameters).
 * Headers, and so API keys, are never part of it.
 */
export function requestKey(request: object): string {
  return createHash('sha256').update(stableStringify(request)).digest('hex').slice(0, 32)
}

/** The header of cassette files: written at version 3, versions 1 and 2 read too (a file may hold entries of each). */
export const CASSETTE_HEADER = { assay: 'cassette', version: 3, reads: [1, 2], objectEntries: true } as const

/**
 * One recorded call. The judge keeps its answers slim (see `slimEntry`): the request
 * without the system message and schema it builds from the rubric, and the response with
 * only the model, each choice's content and its score tokens' log-probs. Version 1
 * entries, and the app's calls, keep the whole response.
 */
export interface CassetteEntry {
  /** The request as sent (for a judge entry, less what the rubric alone determines), for people reading the file; the key covers all of it. */
  request: { model: string; messages: { role: string; content: unknown }[]; params: Record<string, unknown> }
  response: unknown
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number }
  cost?: number | undefined
  latencyMs: number
  recordedAt: string
  /**
   * The full name of the test that recorded it. A test that fails keeps the entries it
   * recorded, as snapshots do, even when it threw before asking for them.
   */
  test?: string | undefined
}

/** Token counts with every field present, from whatever usage an answer reported. */
export function normaliseUsage(usage: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number } | undefined): CassetteEntry['usage'] {
  return { prompt_tokens: usage?.prompt_tokens ?? 0, completion_tokens: usage?.completion_tokens ?? 0, total_tokens: usage?.total_tokens ?? 0 }
}

/**
 * The entry recorded for a live call: a readable copy of the request, and what it cost.
 * Known secrets are redacted from the request and the response (an endpoint may echo its key).
 */
export function cassetteEntry(
  model: string,
  body: { messages?: unknown; [param: string]: unknown },
  call: { response: unknown; usage: CassetteEntry['usage']; cost: number | undefined; latencyMs: number },
): CassetteEntry {
  const { messages, ...params } = redactDeep(body)
  return {
    request: { model, messages: Array.isArray(messages) ? (messages as CassetteEntry['request']['messages']) : [], params },
    response: redactDeep(call.response),
    usage: call.usage,
    cost: call.cost,
    latencyMs: Math.round(call.latencyMs),
    recordedAt: new Date().toISOString(),
  }
}

/** Whether two entries record the same answer to the same request, whenever and however fast it came. */
export function sameAnswer(a: CassetteEntry, b: CassetteEntry): boolean {
  const answer = (e: CassetteEntry) => stableStringify({ request: e.request, response: e.response, usage: e.usage, cost: e.cost })
  return answer(a) === answer(b)
}

/** A replay-only run asked for an answer that was never recorded. */
export class CassetteMissError extends Error {
  override readonly name = 'CassetteMissError'
  constructor(
    readonly path: string,
    readonly key: string,
    testPath: string,
  ) {
    super(redact(
      `No recorded answer for this LLM request (key ${key}) in ${path}, and the cache mode is lockdown (the default when CI is set), which never calls the model.\n` +
        `Record it with the model reachable, then commit the cassette:\n  ${rerunCommand(testPath, 'ASSAY_CACHE=auto')}`,
    ))
  }
}

/**
 * The cassette of one test file: recorded answers keyed by request, written at once and
 * merged with other workers' writes, with the keys touched tracked for pruning.
 */
export class Cassette extends KeyedStore<CassetteEntry> {
  constructor(fs: StoreFileSystem, path: string) {
    // Judge entries since version 2 are slim (see slim.ts), and version 3 keeps their score
    // tokens by key, which an older assay would replay without their log-prob weighting: it
    // refuses the file instead. Older entries stay readable, and stay as they are until
    // recorded again.
    super(fs, path, CASSETTE_HEADER)
  }

  /**
   * Records an entry, naming as its owner the dataset case whose trial asks, else the test
   * running now, unless it names one (or tests run concurrently).
   */
  override record(key: string, entry: CassetteEntry): void {
    // Under concurrent tests the runner cannot say which test is asking: such an entry
    // names none, and is kept whenever a test of its file fails. A dataset case's trial
    // carries its own test's name through its awaits, which concurrent cases cannot confuse.
    const running = currentTest()
    const test = entry.test ?? currentTrial()?.owner?.testName ?? (running.concurrent ? undefined : running.testName)
    super.record(key, test === undefined ? entry : { ...entry, test })
  }
}

/**
 * Whether a failed test can claim an entry: it recorded it, or the entry names no test
 * (recorded before entries did), so nothing can be ruled out.
 */
export function claimedByFailed(entry: CassetteEntry | undefined, failed: readonly string[]): boolean {
  if (failed.length === 0) return false
  return entry?.test === undefined || failed.includes(entry.test)
}

// Invariant: one Cassette object per cassette file in a process, whoever uses it (the
// judge, the app's calls through recordingFetch). "Touched" and "obsolete" are computed
// from that one object, so no user's keys can look unused to the end-of-file check. The
// map outlives configuration changes; the end of a test file removes its entry.
const open = new Map<string, Cassette>()

/** Every cassette opened in this process, by path: the judge runtime's and recordingFetch's shared map. */
export function openCassettes(): Map<string, Cassette> {
  return open
}

/** How long a recorded answer may wait to be written with the ones after it. */
export const WRITE_BEHIND_MS = 500

let flushOnExit = false

/**
 * The cassette object of the file at `path`, opened once per process. Its recordings are
 * written behind (see {@link KeyedStore.writeBehind}), and at the latest at the end of the
 * test file or when the process exits.
 */
export function openCassette(path: string, fs: StoreFileSystem, registry: Map<string, Cassette> = open): Cassette {
  let cassette = registry.get(path)
  if (!cassette) {
    cassette = new Cassette(fs, path)
    // Only the process's own registry is flushed at the end of each test file and at exit;
    // a private one (a test's) writes at once.
    if (registry === open) cassette.writeBehind(WRITE_BEHIND_MS)
    registry.set(path, cassette)
  }
  if (!flushOnExit) {
    flushOnExit = true
    process.on('exit', () => {
      for (const c of open.values()) {
        try {
          c.flush()
        } catch (error) {
          console.error(`assay: could not write the recorded answers to ${c.path}: ${(error as Error).message}`)
        }
      }
    })
  }
  return cassette
}
