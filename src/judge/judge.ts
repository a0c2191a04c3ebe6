import type { ChatCompletion } from 'openai/resources/chat/completions'
import { answerKey, ask, askAdapting, type Answer, type Attempt, type Spent } from './ask.js'
import { cassettePath, openCassette, sameAnswer, type CacheMode, type Cassette, type CassetteEntry } from './cassette.js'
import { JudgeError, type JudgeClient, type JudgeRequest } from './client.js'
import { buildJudgeMessages, normaliseCriteria, type Criterion } from './prompt.js'
import { aggregate, parseVerdict, quotedVerdicts, verdictJsonSchema, verdictProblem, weightedScores, type SampleScores } from './verdict.js'
import { slimEntry, tokensOf } from './slim.js'
import { StoreWriteError, type StoreFileSystem } from '../store/file.js'
import type { FlightControl } from './coordinator.js'
import { redact } from '../secrets.js'
import { rerunCommand } from '../runner.js'
import { lookUp, questionKey, type ReusedFrom, type SemanticCache } from './semantic-cache.js'
import { trialKeyMaterial } from '../eval/trial.js'

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
  /** The semantic judge cache, when on (see semantic-cache.ts). */
  semantic?: SemanticCache | undefined
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
  /** Set when the semantic cache reused the recorded verdict of a near-duplicate output. */
  reusedFrom?: ReusedFrom
}

/** Where the answer that held no verdict came from. */
export type AnswerOrigin = { live: true } | { live: false; cassette: string; key: string }

/** The judge answered, but not with a usable verdict. Known secrets are redacted from the reply. */
export class JudgeReplyError extends Error {
  override readonly name = 'JudgeReplyError'
  readonly raw: string
  constructor(
    problem: string,
    raw: string,
    readonly origin: AnswerOrigin = { live: true },
  ) {
    const clean = redact(raw)
    const from = origin.live ? 'The answer was live and is not recorded, so the next run asks the judge again.' : `The answer was replayed from ${origin.cassette} (key ${origin.key}).`
    super(redact(`${problem}\n${from}\nRaw judge reply:\n${clean.length > 2000 ? `${clean.slice(0, 2000)}… (+${clean.length - 2000} chars)` : clean}`))
    this.raw = clean
  }
}

const origin = (answer: Answer, cassette: Cassette | undefined): AnswerOrigin => (answer.replayed && cassette ? { live: false, cassette: cassette.path, key: answer.key } : { live: true })

// Finish reasons that mean the content is not the judge's whole, freely given answer.
const NO_VERDICT: Record<string, string> = {
  length: 'The judge reply was cut off at its token limit (finish_reason "length"), so it holds no complete verdict. Raise the limit or shorten the criteria.',
  content_filter: "The judge reply was stopped by the endpoint's content filter (finish_reason \"content_filter\"), so it is not the judge's verdict. Check the output and source for content the filter blocks.",
  tool_calls: 'The judge called a tool (finish_reason "tool_calls") instead of giving a verdict.',
  function_call: 'The judge called a function (finish_reason "function_call") instead of giving a verdict.',
}

type Read = { sample: SampleScores; raw: string } | { error: string; raw: string }

/** The choices of an answer; a recorded or live answer without any holds no verdict. */
function choicesOf(answer: Answer, q: Question): ChatCompletion['choices'] {
  const choices = (answer.completion as Partial<ChatCompletion> | null)?.choices
  if (Array.isArray(choices) && choices.length > 0 && choices.every((c) => typeof c?.message === 'object' && c.message !== null)) return choices
  throw new JudgeReplyError("The judge's answer holds no choice with a message, so it holds no verdict.", JSON.stringify(answer.completion) ?? '', origin(answer, q.cassette))
}

function readChoice(choice: ChatCompletion['choices'][number], answer: Answer, q: Question): Read {
  const raw = typeof choice.message.content === 'string' ? choice.message.content : ''
  if (choice.message.refusal) throw new JudgeReplyError(`The judge refused to score: ${choice.message.refusal}`, raw, origin(answer, q.cassette))
  const stop = NO_VERDICT[choice.finish_reason as string]
  if (stop) throw new JudgeReplyError(stop, raw, origin(answer, q.cassette))
  const parsed = parseVerdict(raw, q.criteria, q.scale, q.quoted)
  if (!parsed.ok) return { error: parsed.error, raw }
  const tokens = tokensOf(choice.logprobs, raw)
  const weighted = tokens.length > 0 ? weightedScores(raw, tokens, q.criteria, q.scale, parsed.span, parsed.scores) : {}
  return { sample: { criteria: Object.fromEntries(Object.entries(parsed.scores).map(([k, v]) => [k, weighted[k] === undefined ? v : { ...v, weighted: weighted[k] }])) }, raw }
}

/** What one verdict asks, prepared once for every attempt. */
interface Question {
  criteria: Criterion[]
  scale: readonly [number, number]
  samples: number
  messages: JudgeRequest['messages']
  quoted: Set<string>
  cassette: Cassette | undefined
  build: (seed?: number) => JudgeRequest
}

/**
 * Asks the judge for a verdict: one request scores every criterion, with structured
 * output, log-prob weighting and `n` samples where the endpoint supports them. Answers come
 * from the test file's cassette when recorded, and are recorded there only when they gave
 * a verdict. An invalid reply is repaired once; a refusal, a truncated or filtered reply, a
 * second invalid reply or a score that is not a finite number in the scale is a
 * {@link JudgeReplyError}. A recorded answer that holds no verdict is asked again live in
 * `auto` mode (and overwritten), and is an error that says so under `lockdown`.
 */
export async function runJudge(q: JudgeAsk, rt: JudgeRuntime): Promise<Verdict> {
  const spent: Spent = { requests: 0 }
  try {
    return await verdictFor(q, rt, spent)
  } catch (error) {
    if (typeof error === 'object' && error !== null) spentBy.set(error, spent.requests + (error instanceof JudgeError ? error.requests : 0))
    throw error
  }
}

const spentBy = new WeakMap<object, number>()

/**
 * The HTTP requests a verdict sent before it failed with `error`, for the run's request
 * count (a verdict's own count is in {@link Verdict.requests}).
 */
export function requestsSpent(error: unknown): number {
  return (typeof error === 'object' && error !== null && spentBy.get(error)) || 0
}

async function verdictFor(q: JudgeAsk, rt: JudgeRuntime, spent: Spent): Promise<Verdict> {
  const criteria = normaliseCriteria(q.criteria)
  const scale = q.scale ?? [1, 10]
  const samples = q.samples ?? 1
  const { messages, boundary } = buildJudgeMessages({ output: q.output, source: q.source, criteria, scale })
  let cassette: Cassette | undefined
  if (q.testPath && rt.cacheMode !== 'off') {
    const path = cassettePath(q.testPath)
    cassette = openCassette(path, rt.fs, rt.cassettes)
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
  const question: Question = { criteria, scale, samples, messages, quoted: quotedVerdicts(q.output, q.source), cassette, build }
  const semantic = rt.semantic && cassette ? await reuseNearDuplicate(q, rt, cassette, question, messages[0]!.content.split(boundary).join('<fence>')) : undefined
  if (semantic && 'verdict' in semantic) return semantic.verdict

  let attempt: Attempt = { rt, cassette, testPath: q.testPath, replay: true, pending: new Map(), spent }
  let verdict: Verdict
  try {
    verdict = await judge(question, attempt)
  } catch (error) {
    if (!(error instanceof JudgeReplyError) || error.origin.live) throw error
    if (rt.cacheMode === 'lockdown') throw recordedNoVerdict(error, q.testPath)
    // An answer recorded before only verdicts were: ask again, and record what gives one.
    attempt = { ...attempt, replay: false, pending: new Map() }
    verdict = await judge(question, attempt)
  }
  try {
    for (const [key, entry] of attempt.pending) record(cassette!, key, slimEntry(entry, { ...question, system: messages[0]!.content, boundary }))
    if (semantic && 'remember' in semantic) semantic.remember?.()
  } catch (error) {
    if (error instanceof StoreWriteError) throw new VerdictNotRecordedError(verdict, error)
    throw error
  }
  return verdict
}

// The recorded verdict of a near-duplicate output of the identical question, replayed from
// the cassette alone, with nothing asked or recorded for it.
// `system` is the rubric without its fence, which is derived from the output.
function reuseNearDuplicate(q: JudgeAsk, rt: JudgeRuntime, cassette: Cassette, question: Question, system: string): ReturnType<typeof lookUp> {
  const { messages: _, ...params } = question.build()
  const key = questionKey({ model: rt.model, system, params, source: q.source, criteria: question.criteria, scale: question.scale, samples: question.samples, trial: trialKeyMaterial() })
  const replayOnly: JudgeRuntime = { ...rt, cacheMode: 'lockdown', semantic: undefined }
  return lookUp(rt.semantic!, { cassette, question: key, output: q.output, testPath: q.testPath, key: answerKey(rt, question.build()) }, (output) => verdictFor({ ...q, output }, replayOnly, { requests: 0 }))
}

/**
 * The judge gave a verdict, but the cassette could not be written (a read-only folder, a
 * full disk): the assertion must fail all the same, or the next run on CI would miss the
 * answer. The verdict is kept for the message.
 */
export class VerdictNotRecordedError extends Error {
  override readonly name = 'VerdictNotRecordedError'
  constructor(
    readonly verdict: Verdict,
    readonly writeError: StoreWriteError,
  ) {
    super(writeError.message, { cause: writeError })
  }
}

// An answer recorded again unchanged keeps its entry, time and latency included, so
// refreshing a cassette shows only the answers that changed.
function record(cassette: Cassette, key: string, entry: CassetteEntry): void {
  const old = cassette.lookup(key)
  if (!old || !sameAnswer(old, entry)) cassette.record(key, entry)
}

function recordedNoVerdict(error: JudgeReplyError, testPath: string | undefined): JudgeReplyError {
  const { cassette, key } = error.origin as Extract<AnswerOrigin, { live: false }>
  const problem = error.message.slice(0, error.message.indexOf('\nThe answer was replayed'))
  return new JudgeReplyError(
    `The answer recorded in ${cassette} (key ${key}) holds no verdict: ${problem}\n` +
      'Only answers that give a verdict are recorded, so an older assay wrote this entry, or it was edited. Record it again with the judge reachable (auto mode asks again for such an answer), then commit the cassette:\n' +
      `  ${rerunCommand(testPath ?? '<test file>', 'ASSAY_CACHE=auto')}`,
    error.raw,
    error.origin,
  )
}

async function judge(q: Question, attempt: Attempt): Promise<Verdict> {
  const answers: Answer[] = [await askAdapting(() => q.build(), attempt)]
  // An endpoint without `n` answers with fewer choices: the rest are asked one by one.
  for (let i = choicesOf(answers[0]!, q).length; i < q.samples; i++) answers.push(await askAdapting(() => q.build(i), attempt))

  const results: SampleScores[] = []
  const raws: string[] = []
  for (const answer of [...answers]) {
    for (const choice of choicesOf(answer, q).slice(0, q.samples - results.length)) {
      const read = readChoice(choice, answer, q)
      if ('sample' in read) {
        results.push(read.sample)
        raws.push(read.raw)
        continue
      }
      const format = q.build().response_format
      const repairBody: JudgeRequest = {
        messages: [...q.messages, { role: 'assistant', content: read.raw }, { role: 'user', content: `That reply is not valid: ${read.error}\nReply again with only the JSON object in the required format.` }],
        temperature: attempt.rt.temperature,
        ...(format ? { response_format: format } : {}),
      }
      const repair = await ask(repairBody, attempt)
      answers.push(repair)
      const again = readChoice(choicesOf(repair, q)[0]!, repair, q)
      if (!('sample' in again)) throw new JudgeReplyError(`The judge's reply was invalid twice, even after a request to repair it: ${again.error}`, again.raw, origin(repair, q.cassette))
      results.push(again.sample)
      raws.push(again.raw)
    }
  }

  const verdict = aggregate(results, q.criteria)
  const problem = verdictProblem(results, verdict, q.scale)
  if (problem) throw new JudgeReplyError(problem, raws.join('\n---\n'), answers.every((a) => a.replayed) ? origin(answers[0]!, q.cassette) : { live: true })
  const first = answers[0]!
  const sum = (f: (a: Answer) => number) => answers.reduce((n, a) => n + f(a), 0)
  const costs = answers.map((a) => a.cost)
  return {
    overall: verdict.overall,
    criteria: Object.fromEntries(q.criteria.map((c) => [c.key, { description: c.description, score: verdict.criteria[c.key]!, reasoning: verdict.reasoning[c.key]! }])),
    scale: q.scale,
    samples: verdict.samples,
    spread: verdict.spread,
    model: first.model,
    judge: first.judge,
    replayed: answers.every((a) => a.replayed),
    requests: attempt.spent.requests,
    weighted: results.some((r) => Object.values(r.criteria).some((c) => c.weighted !== undefined)),
    usage: { prompt_tokens: sum((a) => a.usage.prompt_tokens), completion_tokens: sum((a) => a.usage.completion_tokens), total_tokens: sum((a) => a.usage.total_tokens) },
    cost: costs.every((c) => c !== undefined) ? costs.reduce((a, b) => a! + b!, 0) : undefined,
    latencyMs: sum((a) => a.latencyMs),
  }
}
