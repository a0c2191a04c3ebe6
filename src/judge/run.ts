// What every kind of judge verdict shares, whatever it reads from the answers (scores,
// claims): the test file's cassette, the request count, asking again live for a recorded
// answer that holds no verdict, recording only once the whole verdict stands, the checks
// that an answer is the judge's whole and freely given one, and the single repair of an
// invalid reply.
import type { ChatCompletion } from 'openai/resources/chat/completions'
import { ask, type Answer, type Attempt, type Spent } from './ask.js'
import { cassettePath, openCassette, sameAnswer, type Cassette, type CassetteEntry } from './cassette.js'
import { JudgeError, type JudgeRequest } from './client.js'
import type { JudgeRuntime, Verdict } from './judge.js'
import { StoreWriteError } from '../store/file.js'
import { redact } from '../secrets.js'
import { rerunCommand } from '../runner.js'
import type { PendingQuestion } from '../batch/pending.js'
import type { ReusedFrom } from './semantic-cache.js'

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

/** Where `answer` came from, for a {@link JudgeReplyError} about it. */
export const originOf = (answer: Answer, cassette: Cassette | undefined): AnswerOrigin => (answer.replayed && cassette ? { live: false, cassette: cassette.path, key: answer.key } : { live: true })

/**
 * The judge gave a verdict, but the cassette could not be written (a read-only folder, a
 * full disk): the assertion must fail all the same, or the next run on CI would miss the
 * answer. The verdict is kept for the message.
 */
export class VerdictNotRecordedError<T = Verdict> extends Error {
  override readonly name = 'VerdictNotRecordedError'
  constructor(
    readonly verdict: T,
    readonly writeError: StoreWriteError,
  ) {
    super(writeError.message, { cause: writeError })
  }
}

/** What a kind of verdict brings to {@link runVerdict}. */
export interface VerdictSpec<T> {
  /** The test file, whose cassette records and replays the answers. */
  testPath: string | undefined
  /** Reads the verdict from answers asked through `attempt`; a {@link JudgeReplyError} when they hold none. */
  judge(attempt: Attempt): Promise<T>
  /** What the cassette keeps of a live answer. */
  slim(entry: CassetteEntry): CassetteEntry
  /** What a Batch API collect pass keeps to check the batch's answer; without it the verdict is asked live in that pass. */
  question?: PendingQuestion | undefined
  /**
   * A verdict found without asking (the semantic cache's reuse), or what to remember once a
   * fresh verdict is recorded.
   */
  reuse?: ((cassette: Cassette) => Promise<{ verdict: T } | { remember: (() => void) | undefined }>) | undefined
}

const spentBy = new WeakMap<object, number>()

/**
 * The HTTP requests a verdict sent before it failed with `error`, for the run's request
 * count (a verdict's own count is in its `requests`).
 */
export function requestsSpent(error: unknown): number {
  return (typeof error === 'object' && error !== null && spentBy.get(error)) || 0
}

/**
 * Gets a verdict: answers come from the test file's cassette when recorded, and are
 * recorded there only when the whole verdict stands. A recorded answer that holds no
 * verdict is asked again live in `auto` mode (and overwritten), and is an error that says
 * so under `lockdown`. A verdict the cassette cannot record is a {@link VerdictNotRecordedError}.
 */
export async function runVerdict<T>(spec: VerdictSpec<T>, rt: JudgeRuntime): Promise<T> {
  const spent: Spent = { requests: 0 }
  try {
    return await verdictFor(spec, rt, spent)
  } catch (error) {
    if (typeof error === 'object' && error !== null) spentBy.set(error, spent.requests + (error instanceof JudgeError ? error.requests : 0))
    throw error
  }
}

async function verdictFor<T>(spec: VerdictSpec<T>, rt: JudgeRuntime, spent: Spent): Promise<T> {
  const cassette = spec.testPath && rt.cacheMode !== 'off' ? openCassette(cassettePath(spec.testPath), rt.fs, rt.cassettes) : undefined
  const reused = spec.reuse && cassette ? await spec.reuse(cassette) : undefined
  if (reused && 'verdict' in reused) return reused.verdict
  let attempt: Attempt = { rt, cassette, testPath: spec.testPath, replay: true, pending: new Map(), spent, question: spec.question }
  let verdict: T
  try {
    verdict = await spec.judge(attempt)
  } catch (error) {
    if (!(error instanceof JudgeReplyError) || error.origin.live) throw error
    if (rt.cacheMode === 'lockdown') throw recordedNoVerdict(error, spec.testPath)
    // An answer recorded before only verdicts were: ask again, and record what gives one.
    attempt = { ...attempt, replay: false, pending: new Map() }
    verdict = await spec.judge(attempt)
  }
  try {
    for (const [key, entry] of attempt.pending) record(cassette!, key, spec.slim(entry))
    if (reused && 'remember' in reused) reused.remember?.()
  } catch (error) {
    if (error instanceof StoreWriteError) throw new VerdictNotRecordedError(verdict, error)
    throw error
  }
  return verdict
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

// Finish reasons that mean the content is not the judge's whole, freely given answer.
const NO_VERDICT: Record<string, string> = {
  length: 'The judge reply was cut off at its token limit (finish_reason "length"), so it holds no complete verdict. Raise the limit or shorten the criteria.',
  content_filter: "The judge reply was stopped by the endpoint's content filter (finish_reason \"content_filter\"), so it is not the judge's verdict. Check the output and source for content the filter blocks.",
  tool_calls: 'The judge called a tool (finish_reason "tool_calls") instead of giving a verdict.',
  function_call: 'The judge called a function (finish_reason "function_call") instead of giving a verdict.',
}

/** The choices of an answer; a recorded or live answer without any holds no verdict. */
export function choicesOf(answer: Answer, cassette: Cassette | undefined): ChatCompletion['choices'] {
  const choices = (answer.completion as Partial<ChatCompletion> | null)?.choices
  if (Array.isArray(choices) && choices.length > 0 && choices.every((c) => typeof c?.message === 'object' && c.message !== null)) return choices
  throw new JudgeReplyError("The judge's answer holds no choice with a message, so it holds no verdict.", JSON.stringify(answer.completion) ?? '', originOf(answer, cassette))
}

/**
 * The content of a choice that is the judge's whole, freely given answer. A refusal, a
 * reply cut off or filtered, or a tool call is a {@link JudgeReplyError}; `task` says what
 * the judge was asked to do ("score", "check the claims").
 */
export function replyContent(choice: ChatCompletion['choices'][number], answer: Answer, cassette: Cassette | undefined, task: string): string {
  const raw = typeof choice.message.content === 'string' ? choice.message.content : ''
  if (choice.message.refusal) throw new JudgeReplyError(`The judge refused to ${task}: ${choice.message.refusal}`, raw, originOf(answer, cassette))
  const stop = NO_VERDICT[choice.finish_reason as string]
  if (stop) throw new JudgeReplyError(stop, raw, originOf(answer, cassette))
  return raw
}

/** A reply read: what it gives, or why it is invalid. */
export type Read<V> = { value: V; raw: string } | { error: string; raw: string }

/**
 * Asks the judge once to repair an invalid reply: the conversation so far, the invalid
 * reply and what was wrong with it. A repair that is invalid again is a {@link JudgeReplyError}.
 */
export async function repair<V>(
  invalid: { error: string; raw: string },
  request: JudgeRequest,
  attempt: Attempt,
  read: (choice: ChatCompletion['choices'][number], answer: Answer) => Read<V>,
): Promise<{ value: V; raw: string; answer: Answer }> {
  const body: JudgeRequest = {
    messages: [...request.messages, { role: 'assistant', content: invalid.raw }, { role: 'user', content: `That reply is not valid: ${invalid.error}\nReply again with only the JSON object in the required format.` }],
    temperature: attempt.rt.temperature,
    ...(request.response_format ? { response_format: request.response_format } : {}),
  }
  const answer = await ask(body, attempt)
  const again = read(choicesOf(answer, attempt.cassette)[0]!, answer)
  if (!('value' in again)) throw new JudgeReplyError(`The judge's reply was invalid twice, even after a request to repair it: ${again.error}`, again.raw, originOf(answer, attempt.cassette))
  return { value: again.value, raw: again.raw, answer }
}

/** What a verdict's judge calls were: who answered, from where, and what they cost. */
export interface VerdictCall {
  /** The model that answered, and its place in the chain (0 = the primary judge). */
  model: string
  judge: number
  /** True when every call came from the cassette. */
  replayed: boolean
  /** HTTP requests sent (0 when replayed). */
  requests: number
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number }
  cost: number | undefined
  latencyMs: number
  /** Set when the semantic cache reused the recorded verdict of a near-duplicate output. */
  reusedFrom?: ReusedFrom | undefined
}

/** The calls behind a verdict, summed over its answers (the first names the judge). */
export function callOf(answers: readonly Answer[], spent: Spent): VerdictCall {
  const first = answers[0]!
  const sum = (f: (a: Answer) => number) => answers.reduce((n, a) => n + f(a), 0)
  const costs = answers.map((a) => a.cost)
  return {
    model: first.model,
    judge: first.judge,
    replayed: answers.every((a) => a.replayed),
    requests: spent.requests,
    usage: { prompt_tokens: sum((a) => a.usage.prompt_tokens), completion_tokens: sum((a) => a.usage.completion_tokens), total_tokens: sum((a) => a.usage.total_tokens) },
    cost: costs.every((c) => c !== undefined) ? costs.reduce((a, b) => a! + b!, 0) : undefined,
    latencyMs: sum((a) => a.latencyMs),
  }
}
