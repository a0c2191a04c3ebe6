// How one verdict gets its answers: from the test file's cassette, from another worker
// asking the identical question at the same time, or from the judge, with the request
// adapted to what the endpoint supports.
import type { ChatCompletion } from 'openai/resources/chat/completions'
import { cassetteEntry, CassetteMissError, normaliseUsage, requestKey, type Cassette, type CassetteEntry } from './cassette.js'
import { JudgeError, MissingKeyError, type JudgeRequest } from './client.js'
import { rerunCommand } from '../runner.js'
import type { JudgeRuntime, Verdict } from './judge.js'
import { currentTrial, trialKeyMaterial } from '../eval/trial.js'
import { batchMode, type PendingQuestion } from '../batch/pending.js'
import { collectJudge } from '../batch/collect.js'

/** One answer of the judge, live or replayed. */
export interface Answer {
  completion: ChatCompletion
  replayed: boolean
  /** The cassette key of the request. */
  key: string
  requests: number
  model: string
  judge: number
  usage: Verdict['usage']
  cost: number | undefined
  latencyMs: number
}

/**
 * One attempt at a verdict and its use of the test file's cassette. Live answers wait in
 * `pending` and are recorded only once the whole verdict stands, so a refusal, a cut-off
 * or an unreadable reply is never replayed; a repaired verdict records both of its answers.
 */
export interface Attempt {
  rt: JudgeRuntime
  cassette: Cassette | undefined
  testPath: string | undefined
  /** False when asking again because a recorded answer held no verdict. */
  replay: boolean
  pending: Map<string, CassetteEntry>
  /** HTTP requests the verdict has sent so far, failed and adapted ones included. */
  spent: Spent
  /** What a collect pass keeps with a request it collects for the batch. */
  question?: PendingQuestion | undefined
}

/** A verdict's running count of HTTP requests. */
export interface Spent {
  requests: number
}

function unsupported(error: unknown, pattern: RegExp): boolean {
  return error instanceof JudgeError && error.failures.some((f) => /^400\b/.test(f.error) && pattern.test(f.error))
}

/** The cassette key of a judge request. Each trial of a dataset case (after the first) has its own answers. */
export const answerKey = (rt: JudgeRuntime, body: JudgeRequest): string => requestKey({ model: rt.model, ...body, ...trialKeyMaterial() })

export async function ask(body: JudgeRequest, a: Attempt): Promise<Answer> {
  const { rt, cassette } = a
  const key = answerKey(rt, body)
  if (cassette && a.replay && (rt.cacheMode === 'auto' || rt.cacheMode === 'lockdown')) {
    const hit = cassette.lookup(key)
    // A hand-edited entry may lack any part; the verdict checks what the response holds.
    if (hit) return { completion: hit.response as ChatCompletion, replayed: true, key, requests: 0, model: (hit.response as ChatCompletion | null)?.model ?? rt.model, judge: 0, usage: normaliseUsage(hit.usage), cost: hit.cost, latencyMs: hit.latencyMs ?? 0 }
    if (rt.cacheMode === 'lockdown' && batchMode() !== 'collect') throw new CassetteMissError(cassette.path, key, a.testPath ?? '<test file>')
  }
  // A collect pass sends nothing: the request waits for the batch, and the verdict fails.
  if (cassette && a.question && batchMode() === 'collect') throw collectJudge(key, rt.model, body as unknown as Record<string, unknown>, cassette.path, a.question)
  const answer = await shared(body, key, rt).catch((error: unknown) => {
    if (error instanceof MissingKeyError && cassette) throw error.withCassette(cassette.path, key, rerunCommand(a.testPath ?? cassette.path, 'OPENAI_API_KEY=sk-...'))
    throw error
  })
  a.spent.requests += answer.requests
  // Every test file that asked records the answer, the one that sent the request or not.
  if (cassette && rt.cacheMode !== 'off') a.pending.set(key, cassetteEntry(rt.model, body, { response: answer.completion, usage: answer.usage, cost: answer.cost, latencyMs: answer.latencyMs }))
  return answer
}

/** A live answer, shared with every worker that asks the identical question at the same time. */
async function shared(body: JudgeRequest, key: string, rt: JudgeRuntime): Promise<Answer> {
  if (rt.flights) {
    const flight = await rt.flights.begin(key)
    if (!flight.lead && flight.result) return { ...(flight.result as Answer), replayed: false, requests: 0 }
    if (flight.lead) {
      try {
        const answer = await askLive(body, key, rt)
        await rt.flights.end(key, answer)
        return answer
      } catch (error) {
        await rt.flights.end(key, null)
        throw error
      }
    }
  }
  return askLive(body, key, rt)
}

async function askLive(body: JudgeRequest, key: string, rt: JudgeRuntime): Promise<Answer> {
  // A dataset case that ran out of time cancels its trial's requests (see TrialScope.signal).
  const call = await rt.client.complete(body, currentTrial()?.signal)
  // Read the answer as a replay will read it: after JSON, which turns ±Infinity into null.
  const completion = JSON.parse(JSON.stringify(call.completion)) as ChatCompletion
  return { completion, replayed: false, key, requests: call.requests, model: call.model, judge: call.endpoint, usage: call.usage, cost: call.cost, latencyMs: call.latencyMs }
}

/** Sends `body`, dropping parameters the endpoint rejects (and remembering that it does). */
export async function askAdapting(build: () => JudgeRequest, a: Attempt): Promise<Answer> {
  for (;;) {
    try {
      return await ask(build(), a)
    } catch (error) {
      const caps = a.rt.capabilities
      if (caps.logprobs && unsupported(error, /logprob/i)) caps.logprobs = false
      else if (caps.n && unsupported(error, /\bn\b|choices/i)) caps.n = false
      else if (caps.jsonSchema && unsupported(error, /response_format|json_schema/i)) caps.jsonSchema = false
      else throw error
      // The rejected request was sent all the same.
      a.spent.requests += error instanceof JudgeError ? error.requests : 0
    }
  }
}
