import type { ChatCompletion } from 'openai/resources/chat/completions'
import { askAdapting, type Answer, type Attempt } from './ask.js'
import { buildClaimsMessages, parseClaims, quotedClaims, claimsJsonSchema, type Claim } from './claims.js'
import type { JudgeRequest } from './client.js'
import type { JudgeRuntime } from './judge.js'
import { callOf, choicesOf, repair, replyContent, runVerdict, type Read, type VerdictCall } from './run.js'
import { slimEntry } from './slim.js'

/** What one faithfulness assertion asks. */
export interface FaithfulnessAsk {
  output: string
  source: string
  /** The test file, whose cassette records and replays the call. */
  testPath?: string | undefined
}

/** The judge's check of an output against its source: every claim of the output, with its verdict. */
export interface Faithfulness extends VerdictCall {
  claims: Claim[]
}

/**
 * Asks the judge to split the output into claims and check each against the source, in one
 * request with structured output where the endpoint supports it. Answers are recorded to and
 * replayed from the test file's cassette as {@link runJudge}'s are, only once the claims
 * stand. An invalid reply (no claims for an output that states something, a claim not
 * quoted from the output, a claim listed twice, a verdict word outside the three) is
 * repaired once; invalid twice, a refusal or a truncated reply is a {@link JudgeReplyError}.
 *
 * @example
 * ```ts
 * const { claims } = await runFaithfulness({ output: summary, source: article }, judgeRuntime())
 * ```
 */
export function runFaithfulness(q: FaithfulnessAsk, rt: JudgeRuntime): Promise<Faithfulness> {
  const { messages, boundary } = buildClaimsMessages(q.output, q.source)
  // No log-probs and no samples: a claim's verdict is a word, not a score to weight or average.
  const build = (): JudgeRequest => ({
    messages,
    temperature: rt.temperature,
    ...(rt.capabilities.jsonSchema ? { response_format: { type: 'json_schema', json_schema: { name: 'assay_claims', strict: true, schema: claimsJsonSchema } } } : {}),
  })
  const quoted = quotedClaims(q.output, q.source)
  const judge = async (attempt: Attempt): Promise<Faithfulness> => {
    const read = (choice: ChatCompletion['choices'][number], answer: Answer): Read<Claim[]> => {
      const raw = replyContent(choice, answer, attempt.cassette, 'check the claims')
      const parsed = parseClaims(raw, q.output, quoted)
      return parsed.ok ? { value: parsed.claims, raw } : { error: parsed.error, raw }
    }
    const answers = [await askAdapting(build, attempt)]
    let got = read(choicesOf(answers[0]!, attempt.cassette)[0]!, answers[0]!)
    if (!('value' in got)) {
      const repaired = await repair(got, build(), attempt, read)
      answers.push(repaired.answer)
      got = repaired
    }
    return { claims: got.value, ...callOf(answers, attempt.spent) }
  }
  // What a Batch API collect pass keeps of the question, to check the batch's answer with.
  const question = { claims: { output: q.output }, quoted: [...quoted], system: messages[0]!.content, boundary }
  return runVerdict({ testPath: q.testPath, question, judge, slim: (entry) => slimEntry(entry, { system: messages[0]!.content, boundary }) }, rt)
}
