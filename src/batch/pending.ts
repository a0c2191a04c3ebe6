// Batch mode's seam with the test run. A collect pass (ASSAY_BATCH=collect) writes every
// request that misses its cassette to one pending-requests file instead of sending it, and
// the assertion that asked fails; `npx assay batch` sends the file through the Batch API
// and writes the answers into the cassettes. Every worker writes the same file, under its
// lock (see updateStore), so the file holds each request once, with every cassette that
// wants its answer.
import { join } from 'node:path'
import { nodeFileSystem, parseStore, updateStore, type StoreFileSystem } from '../store/file.js'
import type { Criterion } from '../judge/prompt.js'
import { redactDeep } from '../secrets.js'

/** How a run takes part in batch mode: a collect pass, or not at all. */
export type BatchMode = 'collect' | undefined

/** The batch mode `ASSAY_BATCH` asks for; anything but `collect` or nothing is an error saying so. */
export function batchMode(env: NodeJS.ProcessEnv = process.env): BatchMode {
  const value = env.ASSAY_BATCH?.trim().toLowerCase()
  if (!value) return undefined
  if (value === 'collect') return value
  throw new Error(`ASSAY_BATCH is "${env.ASSAY_BATCH}", but the only value it takes is "collect" (a pass that collects the requests missing from the cassettes instead of sending them). To run a suite through the Batch API, use: npx assay batch [runner arguments]`)
}

/** The folder of the pending-requests and batch-state files: `ASSAY_BATCH_DIR`, else `__llm_cassettes__` in `cwd`. */
export function batchDir(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  return env.ASSAY_BATCH_DIR || join(cwd, '__llm_cassettes__')
}

export const PENDING_FILE = 'batch-pending.json'
export const PENDING_HEADER = { assay: 'batch-pending', version: 1, objectEntries: true } as const

/** What the judge asked, so that its answer is kept as slim as a live one (see slimEntry) and checked for a verdict. */
export type PendingQuestion = ScoreQuestion | ClaimsQuestion

/** A scoring judge's question (toScoreAtLeast): its answer must give every criterion a score on the scale. */
export interface ScoreQuestion {
  criteria: Criterion[]
  scale: [number, number]
  quoted: string[]
  system: string
  boundary?: string | undefined
}

/** A faithfulness judge's question (toBeFaithfulTo): its answer must list the output's claims (see parseClaims). */
export interface ClaimsQuestion {
  claims: { output: string }
  /** Claims objects the output or source carries, which the answer must not copy (see quotedClaims). */
  quoted: string[]
  system: string
  boundary?: string | undefined
}

/** One request a collect pass did not send, keyed in the file by its cassette key (the batch line's custom_id). */
export interface PendingRequest {
  /** `embedding`: one input of an assay embedding (toBeSemanticallySimilarTo), recorded as embed-cassette.ts records it. */
  kind: 'judge' | 'app' | 'embedding'
  /** The Batch API endpoint of its line. */
  url: '/v1/chat/completions' | '/v1/embeddings'
  /** The endpoint's base URL; undefined means OPENAI_BASE_URL, else OpenAI's. */
  baseURL?: string | undefined
  /** The body as sent, model included. */
  body: Record<string, unknown>
  /** What the cassette entry is built from, as the live path builds it (see cassetteEntry); for an embedding, `body` is `{ input }`. */
  entry: { model: string; body: Record<string, unknown> }
  question?: PendingQuestion | undefined
  /** Every cassette that wants the answer, with the test that asked. */
  cassettes: { path: string; test?: string | undefined }[]
  /**
   * Set when the request holds a secret. A batch line would have to carry it to disk, or
   * carry a redacted text whose answer is not the answer to this one, so it is not batched:
   * its body is not kept, and the replay pass asks it live (see collectRequest).
   */
  secret?: true | undefined
}

/**
 * Adds a request to the pending-requests file in `dir`, merging the cassettes that want it.
 * A request that holds a secret is kept without its body or question, marked `secret`.
 */
export function collectRequest(key: string, request: PendingRequest, dir = batchDir(), fs: StoreFileSystem = nodeFileSystem()): void {
  const asked = JSON.stringify([request.body, request.question ?? null])
  if (JSON.stringify(redactDeep([request.body, request.question ?? null])) !== asked) request = { kind: request.kind, url: request.url, baseURL: request.baseURL, body: {}, entry: { model: request.entry.model, body: {} }, cassettes: request.cassettes, secret: true }
  updateStore<PendingRequest>(fs, join(dir, PENDING_FILE), PENDING_HEADER, (entries) => {
    const old = entries[key]
    const cassettes = [...(old?.cassettes ?? [])]
    for (const c of request.cassettes) if (!cassettes.some((o) => o.path === c.path)) cassettes.push(c)
    entries[key] = { ...request, cassettes }
  })
}

/** The pending requests in `dir`, by key; empty when none were collected. */
export function readPending(dir: string, fs: StoreFileSystem = nodeFileSystem()): Record<string, PendingRequest> {
  const path = join(dir, PENDING_FILE)
  return parseStore<PendingRequest>(path, fs.read(path), PENDING_HEADER)
}

// Tests of this worker that collected a request: they fail even when the app under test
// swallowed the error its client got, since they ran without the answer.
const collected = new Set<string>()

/** Notes that the test named `testName` collected an app request for the batch. */
export function markCollected(testName: string | undefined): void {
  if (testName !== undefined) collected.add(testName)
}

/** Whether the test named `testName` collected an app request for the batch; forgets it. */
export function takeCollected(testName: string | undefined): boolean {
  return collected.delete(String(testName))
}

/** A request was collected for the batch instead of being sent, so the assertion has no answer and cannot pass. */
export class BatchCollectedError extends Error {
  override readonly name = 'BatchCollectedError'
  constructor(
    readonly key: string,
    what: string,
    /** How many more keys the same request was collected under (an embedding's other inputs). */
    others = 0,
  ) {
    super(
      `Collected for the batch: ${what} (key ${key}${others > 0 ? ` and ${others} more` : ''}) has no recorded answer, and this is a collect pass (ASSAY_BATCH=collect), which sends nothing. ` +
        'It fails here; `npx assay batch` sends the collected requests through the Batch API, writes the answers into the cassettes and runs the suite again in replay.',
    )
  }
}

/** The failure of a test that collected a request but whose assertions did not fail (the app under test swallowed its client's error). */
export function collectedTestError(testName: string | undefined): Error {
  const error = new Error(`Collected for the batch: "${testName}" asked for an LLM answer that is not recorded yet, so it ran without it and cannot pass in a collect pass (ASSAY_BATCH=collect). \`npx assay batch\` runs it again once the batch has answered.`)
  error.name = 'BatchCollectedError'
  return error
}
