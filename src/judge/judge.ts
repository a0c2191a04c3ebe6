import type { ChatCompletion } from 'openai/resources/chat/completions'
import { answerKey, askAdapting, type Answer, type Attempt } from './ask.js'
import type { CacheMode, Cassette } from './cassette.js'
import type { JudgeClient, JudgeRequest } from './client.js'
import { buildJudgeMessages, normaliseCriteria, type Criterion } from './prompt.js'
import { aggregate, parseVerdict, quotedVerdicts, verdictJsonSchema, verdictProblem, weightedScores, type SampleScores } from './verdict.js'
import { slimEntry, tokensOf } from './slim.js'
import type { StoreFileSystem } from '../store/file.js'
import type { FlightControl } from './coordinator.js'
import { callOf, choicesOf, JudgeReplyError, originOf, repair, replyContent, runVerdict, type Read as ReadOf } from './run.js'
import { lookUp, questionKey, type LookupSpend, type ReusedFrom, type SemanticCache } from './semantic-cache.js'
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
  /** What the semantic cache's embedding of the output cost, when it looked the output up. */
  semanticCache?: LookupSpend
}

export { JudgeReplyError, requestsSpent, VerdictNotRecordedError, type AnswerOrigin } from './run.js'

type Read = ReadOf<SampleScores>

// The judge calls (answers, live or replayed) behind each verdict, for what a reuse spared.
const callsOf = new WeakMap<Verdict, number>()
// A look-up's spend on a judgement that then failed, so that its record still counts it.
const lookupSpentBy = new WeakMap<object, LookupSpend>()

/** What the semantic cache's look-up cost a judgement that failed with `error`, if it looked up. */
export function semanticSpent(error: unknown): LookupSpend | undefined {
  return typeof error === 'object' && error !== null ? lookupSpentBy.get(error) : undefined
}

function readChoice(choice: ChatCompletion['choices'][number], answer: Answer, q: Question, cassette: Cassette | undefined): Read {
  const raw = replyContent(choice, answer, cassette, 'score')
  const parsed = parseVerdict(raw, q.criteria, q.scale, q.quoted)
  if (!parsed.ok) return { error: parsed.error, raw }
  const tokens = tokensOf(choice.logprobs, raw)
  const weighted = tokens.length > 0 ? weightedScores(raw, tokens, q.criteria, q.scale, parsed.span, parsed.scores) : {}
  return { value: { criteria: Object.fromEntries(Object.entries(parsed.scores).map(([k, v]) => [k, weighted[k] === undefined ? v : { ...v, weighted: weighted[k] }])) }, raw }
}

/** What one verdict asks, prepared once for every attempt. */
interface Question {
  criteria: Criterion[]
  scale: readonly [number, number]
  samples: number
  quoted: Set<string>
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
  const criteria = normaliseCriteria(q.criteria)
  const scale = q.scale ?? [1, 10]
  const samples = q.samples ?? 1
  const { messages, boundary } = buildJudgeMessages({ output: q.output, source: q.source, criteria, scale })
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
  const question: Question = { criteria, scale, samples, quoted: quotedVerdicts(q.output, q.source), build }
  // What a Batch API collect pass keeps of the question, to check the batch's answer with.
  const batch = { criteria, scale: [scale[0], scale[1]] as [number, number], quoted: [...question.quoted], system: messages[0]!.content as string, boundary }
  // The semantic cache compares the rubric without its fence, which is derived from the output.
  let spent: LookupSpend | undefined
  const reuse = rt.semantic
    ? async (cassette: Cassette) => {
        const found = await reuseNearDuplicate(q, rt, cassette, question, messages[0]!.content.split(boundary).join('<fence>'))
        spent = found.spent
        return found
      }
    : undefined
  try {
    const verdict = await runVerdict({ testPath: q.testPath, question: batch, reuse, judge: (attempt) => judge(question, attempt), slim: (entry) => slimEntry(entry, { ...question, system: messages[0]!.content, boundary }) }, rt)
    return spent ? { ...verdict, semanticCache: spent } : verdict
  } catch (error) {
    if (spent && typeof error === 'object' && error !== null) lookupSpentBy.set(error, spent)
    throw error
  }
}

// The recorded verdict of a near-duplicate output of the identical question, replayed from
// the cassette alone, with nothing asked or recorded for it.
async function reuseNearDuplicate(q: JudgeAsk, rt: JudgeRuntime, cassette: Cassette, question: Question, system: string): ReturnType<typeof lookUp> {
  const { messages: _, ...params } = question.build()
  const key = questionKey({ model: rt.model, system, params, source: q.source, criteria: question.criteria, scale: question.scale, samples: question.samples, trial: trialKeyMaterial() })
  const replayOnly: JudgeRuntime = { ...rt, cacheMode: 'lockdown', semantic: undefined }
  let calls: number | undefined
  const found = await lookUp(rt.semantic!, { cassette, question: key, output: q.output, testPath: q.testPath, key: answerKey(rt, question.build()) }, async (output) => {
    const earlier = await runJudge({ ...q, output }, replayOnly)
    calls = callsOf.get(earlier)
    return earlier
  })
  if ('verdict' in found && calls !== undefined) found.verdict.reusedFrom.calls = calls
  return found
}

async function judge(q: Question, attempt: Attempt): Promise<Verdict> {
  const { cassette } = attempt
  const answers: Answer[] = [await askAdapting(() => q.build(), attempt)]
  // An endpoint without `n` answers with fewer choices: the rest are asked one by one.
  for (let i = choicesOf(answers[0]!, cassette).length; i < q.samples; i++) answers.push(await askAdapting(() => q.build(i), attempt))

  const results: SampleScores[] = []
  const raws: string[] = []
  const read = (choice: ChatCompletion['choices'][number], answer: Answer) => readChoice(choice, answer, q, cassette)
  for (const answer of [...answers]) {
    for (const choice of choicesOf(answer, cassette).slice(0, q.samples - results.length)) {
      let got = read(choice, answer)
      if (!('value' in got)) {
        const repaired = await repair(got, q.build(), attempt, read)
        answers.push(repaired.answer)
        got = repaired
      }
      results.push(got.value)
      raws.push(got.raw)
    }
  }

  const verdict = aggregate(results, q.criteria)
  const problem = verdictProblem(results, verdict, q.scale)
  if (problem) throw new JudgeReplyError(problem, raws.join('\n---\n'), answers.every((a) => a.replayed) ? originOf(answers[0]!, cassette) : { live: true })
  const result: Verdict = {
    overall: verdict.overall,
    criteria: Object.fromEntries(q.criteria.map((c) => [c.key, { description: c.description, score: verdict.criteria[c.key]!, reasoning: verdict.reasoning[c.key]! }])),
    scale: q.scale,
    samples: verdict.samples,
    spread: verdict.spread,
    ...callOf(answers, attempt.spent),
    weighted: results.some((r) => Object.values(r.criteria).some((c) => c.weighted !== undefined)),
  }
  callsOf.set(result, answers.length)
  return result
}
