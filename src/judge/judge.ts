import type { ChatCompletion } from 'openai/resources/chat/completions'
import { Cassette, cassetteEntry, CassetteMissError, cassettePath, requestKey, type CacheMode } from './cassette.js'
import { JudgeError, type JudgeClient, type JudgeRequest } from './client.js'
import { buildJudgeMessages, normaliseCriteria, type Criterion } from './prompt.js'
import { aggregate, parseVerdict, verdictJsonSchema, weightedScores, type SampleScores, type TokenLogprob } from './verdict.js'
import type { StoreFileSystem } from '../store/file.js'
import type { FlightControl } from './coordinator.js'

/** What one judged assertion asks. */
export interface JudgeAsk {
  output: string
  source?: string | undefined
  criteria?: string | readonly string[] | undefined
  scale?: readonly [number, number] | undefined
  samples?: number | undefined
  /** The test file, whose cassette records and replays the call. */
  testPath?: string | undefined
}

/** Features an endpoint turned out not to support; learnt once per process. */
export interface Capabilities {
  logprobs: boolean
  n: boolean
  jsonSchema: boolean
}

/** Everything a verdict needs beyond the question. */
export interface JudgeRuntime {
  client: JudgeClient
  /** The primary judge model, part of every cassette key. */
  model: string
  temperature: number
  cacheMode: CacheMode
  fs: StoreFileSystem
  cassettes: Map<string, Cassette>
  capabilities: Capabilities
  /** Cross-worker single-flight, when a coordinator runs. */
  flights?: FlightControl | undefined
}

/** A judge's verdict on one output. */
export interface Verdict {
  /** The mean score over criteria and samples, log-prob weighted where available. */
  overall: number
  criteria: Record<string, { description: string; score: number; reasoning: string }>
  scale: readonly [number, number]
  /** Overall score of each sample, and their spread (max − min). */
  samples: number[]
  spread: number
  /** The model that answered, and its place in the chain (0 = the primary judge). */
  model: string
  judge: number
  /** True when every call came from the cassette. */
  replayed: boolean
  /** HTTP requests sent (0 when replayed). */
  requests: number
  weighted: boolean
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number }
  cost: number | undefined
  latencyMs: number
}

/** The judge answered, but not with a usable verdict. */
export class JudgeReplyError extends Error {
  override readonly name = 'JudgeReplyError'
  constructor(
    problem: string,
    readonly raw: string,
  ) {
    super(`${problem}\nRaw judge reply:\n${raw.length > 2000 ? `${raw.slice(0, 2000)}… (+${raw.length - 2000} chars)` : raw}`)
  }
}

interface Answer {
  completion: ChatCompletion
  replayed: boolean
  requests: number
  model: string
  judge: number
  usage: Verdict['usage']
  cost: number | undefined
  latencyMs: number
}

function unsupported(error: unknown, pattern: RegExp): boolean {
  return error instanceof JudgeError && error.failures.some((f) => /^400\b/.test(f.error) && pattern.test(f.error))
}

async function ask(body: JudgeRequest, rt: JudgeRuntime, cassette: Cassette | undefined, testPath: string | undefined): Promise<Answer> {
  const key = requestKey({ model: rt.model, ...body })
  if (cassette && (rt.cacheMode === 'auto' || rt.cacheMode === 'lockdown')) {
    const hit = cassette.lookup(key)
    if (hit) return { completion: hit.response as ChatCompletion, replayed: true, requests: 0, model: (hit.response as ChatCompletion).model, judge: 0, usage: hit.usage, cost: hit.cost, latencyMs: hit.latencyMs }
    if (rt.cacheMode === 'lockdown') throw new CassetteMissError(cassette.path, key, testPath ?? '<test file>')
  }
  // Another worker may be asking the very same question right now: wait for its answer.
  if (rt.flights) {
    const flight = await rt.flights.begin(key)
    if (!flight.lead && flight.result) return { ...(flight.result as Answer), replayed: false, requests: 0 }
    if (flight.lead) {
      try {
        const answer = await askLive(body, key, rt, cassette)
        await rt.flights.end(key, answer)
        return answer
      } catch (error) {
        await rt.flights.end(key, null)
        throw error
      }
    }
  }
  return askLive(body, key, rt, cassette)
}

async function askLive(body: JudgeRequest, key: string, rt: JudgeRuntime, cassette: Cassette | undefined): Promise<Answer> {
  const call = await rt.client.complete(body)
  if (cassette && rt.cacheMode !== 'off') cassette.record(key, cassetteEntry(rt.model, body, { response: call.completion, usage: call.usage, cost: call.cost, latencyMs: call.latencyMs }))
  return { completion: call.completion, replayed: false, requests: call.requests, model: call.model, judge: call.endpoint, usage: call.usage, cost: call.cost, latencyMs: call.latencyMs }
}

/** Sends `body`, dropping parameters the endpoint rejects (and remembering that it does). */
async function askAdapting(build: () => JudgeRequest, rt: JudgeRuntime, cassette: Cassette | undefined, testPath: string | undefined, spent: Spent): Promise<Answer> {
  for (;;) {
    try {
      return counted(await ask(build(), rt, cassette, testPath), spent)
    } catch (error) {
      const caps = rt.capabilities
      if (caps.logprobs && unsupported(error, /logprob/i)) caps.logprobs = false
      else if (caps.n && unsupported(error, /\bn\b|choices/i)) caps.n = false
      else if (caps.jsonSchema && unsupported(error, /response_format|json_schema/i)) caps.jsonSchema = false
      else throw error
      // The rejected request was sent all the same.
      spent.requests += error instanceof JudgeError ? error.requests : 0
    }
  }
}

/** HTTP requests a verdict has sent so far, failed and adapted ones included. */
interface Spent {
  requests: number
}

function counted(answer: Answer, spent: Spent): Answer {
  spent.requests += answer.requests
  return answer
}

const spentBy = new WeakMap<object, number>()

/**
 * The HTTP requests a verdict sent before it failed with `error`, for the run's request
 * count (a verdict's own count is in {@link Verdict.requests}).
 */
export function requestsSpent(error: unknown): number {
  return (typeof error === 'object' && error !== null && spentBy.get(error)) || 0
}

function readChoice(choice: ChatCompletion['choices'][number], criteria: readonly Criterion[], scale: readonly [number, number]): { sample?: SampleScores; error?: string; raw: string } {
  const raw = choice.message.content ?? ''
  if (choice.message.refusal) throw new JudgeReplyError(`The judge refused to score: ${choice.message.refusal}`, raw)
  if (choice.finish_reason === 'length') throw new JudgeReplyError('The judge reply was cut off at its token limit (finish_reason "length"), so it holds no complete verdict. Raise the limit or shorten the criteria.', raw)
  const parsed = parseVerdict(raw, criteria, scale)
  if (!parsed.ok) return { error: parsed.error, raw }
  const tokens = (choice.logprobs?.content ?? []) as TokenLogprob[]
  const weighted = tokens.length > 0 ? weightedScores(raw, tokens, criteria, scale) : {}
  return { sample: { criteria: Object.fromEntries(Object.entries(parsed.scores).map(([k, v]) => [k, weighted[k] === undefined ? v : { ...v, weighted: weighted[k] }])) }, raw }
}

/**
 * Asks the judge for a verdict: one request scores every criterion, with structured
 * output, log-prob weighting and `n` samples where the endpoint supports them. Answers come
 * from the test file's cassette when recorded. An invalid reply is repaired once; a
 * refusal, a truncated reply or a second invalid reply is a {@link JudgeReplyError}.
 */
export async function runJudge(q: JudgeAsk, rt: JudgeRuntime): Promise<Verdict> {
  const spent: Spent = { requests: 0 }
  try {
    return await judge(q, rt, spent)
  } catch (error) {
    if (typeof error === 'object' && error !== null) spentBy.set(error, spent.requests + (error instanceof JudgeError ? error.requests : 0))
    throw error
  }
}

async function judge(q: JudgeAsk, rt: JudgeRuntime, spent: Spent): Promise<Verdict> {
  const criteria = normaliseCriteria(q.criteria)
  const scale = q.scale ?? [1, 10]
  const samples = q.samples ?? 1
  const { messages } = buildJudgeMessages({ output: q.output, source: q.source, criteria, scale })
  let cassette: Cassette | undefined
  if (q.testPath && rt.cacheMode !== 'off') {
    const path = cassettePath(q.testPath)
    cassette = rt.cassettes.get(path) ?? new Cassette(rt.fs, path)
    rt.cassettes.set(path, cassette)
  }
  const build = (seed?: number): JudgeRequest => {
    const caps = rt.capabilities
    return {
      messages,
      temperature: rt.temperature,
      ...(caps.jsonSchema ? { response_format: { type: 'json_schema', json_schema: { name: 'assay_verdict', strict: true, schema: verdictJsonSchema(criteria, scale) } } } : {}),
      ...(caps.logprobs ? { logprobs: true, top_logprobs: 5 } : {}),
      ...(samples > 1 && caps.n && seed === undefined ? { n: samples } : {}),
      ...(seed === undefined ? {} : { seed }),
    }
  }

  const answers: Answer[] = [await askAdapting(() => build(), rt, cassette, q.testPath, spent)]
  // An endpoint without `n` answers with fewer choices: the rest are asked one by one.
  for (let i = answers[0]!.completion.choices.length; i < samples; i++) answers.push(await askAdapting(() => build(i), rt, cassette, q.testPath, spent))

  const results: SampleScores[] = []
  for (const answer of answers) {
    for (const choice of answer.completion.choices.slice(0, samples - results.length)) {
      const read = readChoice(choice, criteria, scale)
      if (read.sample) {
        results.push(read.sample)
        continue
      }
      const format = build().response_format
      const repairBody: JudgeRequest = {
        messages: [...messages, { role: 'assistant', content: read.raw }, { role: 'user', content: `That reply is not valid: ${read.error}\nReply again with only the JSON object in the required format.` }],
        temperature: rt.temperature,
        ...(format ? { response_format: format } : {}),
      }
      const repair = counted(await ask(repairBody, rt, cassette, q.testPath), spent)
      answers.push(repair)
      const again = readChoice(repair.completion.choices[0]!, criteria, scale)
      if (!again.sample) throw new JudgeReplyError(`The judge's reply was invalid twice, even after a request to repair it: ${again.error}`, again.raw)
      results.push(again.sample)
    }
  }

  const verdict = aggregate(results, criteria)
  const first = answers[0]!
  const sum = (f: (a: Answer) => number) => answers.reduce((n, a) => n + f(a), 0)
  const costs = answers.map((a) => a.cost)
  return {
    overall: verdict.overall,
    criteria: Object.fromEntries(criteria.map((c) => [c.key, { description: c.description, score: verdict.criteria[c.key]!, reasoning: verdict.reasoning[c.key]! }])),
    scale,
    samples: verdict.samples,
    spread: verdict.spread,
    model: first.model,
    judge: first.judge,
    replayed: answers.every((a) => a.replayed),
    requests: spent.requests,
    weighted: results.some((r) => Object.values(r.criteria).some((c) => c.weighted !== undefined)),
    usage: { prompt_tokens: sum((a) => a.usage.prompt_tokens), completion_tokens: sum((a) => a.usage.completion_tokens), total_tokens: sum((a) => a.usage.total_tokens) },
    cost: costs.every((c) => c !== undefined) ? costs.reduce((a, b) => a! + b!, 0) : undefined,
    latencyMs: sum((a) => a.latencyMs),
  }
}
