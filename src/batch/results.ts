// A finished batch's answers, written into the cassettes as the live path records them:
// the same keys, judge answers slim and only when they hold a verdict, secrets redacted,
// each entry naming the test that asked, its cost at the batch price.
import type { ChatCompletion } from 'openai/resources/chat/completions'
import { Cassette, cassetteEntry, normaliseUsage, type CassetteEntry } from '../judge/cassette.js'
import { batchCostOf, costOf, priceOf, type Price } from '../judge/prices.js'
import { slimEntry } from '../judge/slim.js'
import { parseVerdict } from '../judge/verdict.js'
import { parseClaims } from '../judge/claims.js'
import { redactText } from '../secrets.js'
import type { StoreFileSystem } from '../store/file.js'
import type { PendingRequest } from './pending.js'
import { embeddingAnswer } from './embed-results.js'

/** One line of a batch's output or error file, as the Batch API writes it. */
export interface ResultLine {
  custom_id: string
  response: { status_code: number; body: unknown } | null
  error: { code?: string; message?: string } | null
}

/** A request the batch did not answer with something the cassette can keep. */
export interface FailedRequest {
  key: string
  /** The tests that asked for it. */
  tests: string[]
  reason: string
}

/** What writing a batch's results did. */
export interface Written {
  /** Requests whose answers went into cassettes. */
  written: number
  /** Judge answers that hold no verdict: the replay pass asks for them live, with a repair if needed. */
  noVerdict: FailedRequest[]
  failed: FailedRequest[]
  /** Dollars at the batch price, and what the same tokens cost at the standard price; undefined when a model has no price. */
  cost: number | undefined
  standardCost: number | undefined
  /** Unreadable lines that name no request, reported by file and line whether or not a request went without an answer. */
  unreadable: BadLine[]
}

/** A line of a result file that is not a result line (a truncated download, a corrupt byte): where it is, and its request when its text still names one. */
export interface BadLine {
  file: string
  line: number
  customId?: string | undefined
  problem: string
}

/**
 * The result lines of one output or error file, and the lines that are not: one bad line
 * costs only its own answer, never the file's others.
 */
export function parseResultFile(text: string, file: string): { lines: ResultLine[]; bad: BadLine[] } {
  const lines: ResultLine[] = []
  const bad: BadLine[] = []
  text.split('\n').forEach((raw, i) => {
    if (!raw.trim()) return
    let parsed: unknown
    let problem: string
    try {
      parsed = JSON.parse(raw)
      const line = parsed as Partial<ResultLine> | null
      if (line && typeof line === 'object' && typeof line.custom_id === 'string' && (line.response !== undefined || line.error !== undefined)) {
        lines.push({ custom_id: line.custom_id, response: line.response ?? null, error: line.error ?? null })
        return
      }
      problem = 'it is JSON, but not a result line (custom_id with response or error)'
    } catch (error) {
      problem = `it is not JSON (${(error as Error).message})`
    }
    // A cut-off line usually still starts with its custom_id.
    const customId = /"custom_id"\s*:\s*"([^"\\]+)"/.exec(raw)?.[1]
    bad.push({ file, line: i + 1, customId, problem })
  })
  return { lines, bad }
}

const tests = (r: PendingRequest) => r.cassettes.map((c) => c.test ?? '(a concurrent test)')

/** Why a judge answer holds no verdict, or undefined when every choice holds one. */
function verdictProblem(body: unknown, r: PendingRequest): string | undefined {
  const q = r.question
  const choices = (body as Partial<ChatCompletion> | null)?.choices
  if (!q || !Array.isArray(choices) || choices.length === 0) return 'the answer holds no choice'
  for (const choice of choices) {
    if (choice?.message?.refusal) return `the judge refused: ${choice.message.refusal}`
    if (choice?.finish_reason !== 'stop') return `finish_reason "${String(choice?.finish_reason)}"`
    const content = typeof choice.message.content === 'string' ? choice.message.content : ''
    const parsed = 'claims' in q ? parseClaims(content, q.claims.output, new Set(q.quoted)) : parseVerdict(content, q.criteria, q.scale, new Set(q.quoted))
    if (!parsed.ok) return parsed.error
  }
  return undefined
}

// Redacted here too: the reason is part of the result a caller may print as it likes.
const errorOf = (line: ResultLine): string => {
  const body = line.response?.body as { error?: { message?: string } } | undefined
  if (line.error) return redactText(`${line.error.code ?? 'error'}: ${line.error.message ?? 'no message'}`)
  return redactText(`status ${line.response?.status_code ?? '?'}: ${body?.error?.message ?? JSON.stringify(body)}`)
}

/** An answer that holds what a cassette keeps, checked as every batch answer is (see checkResults). */
export interface CheckedAnswer {
  key: string
  line: ResultLine
  entry: CassetteEntry
  /** Dollars at the batch price, and at the standard price; undefined when the model has no price. */
  cost: number | undefined
  standard: number | undefined
}

/** What checking a batch's result lines found: the answers a cassette can keep, and the rest sorted out as in {@link Written}. */
export interface Checked {
  answers: CheckedAnswer[]
  noVerdict: FailedRequest[]
  failed: FailedRequest[]
  unreadable: BadLine[]
}

/**
 * Checks the answered lines against the requests in `pending`, and sorts out the rest: a
 * request answered twice differently, a failed line, a judge answer with no verdict, an
 * embedding with no vector, an unreadable line. Lines of requests not in `pending` are ignored.
 */
export function checkResults(lines: readonly ResultLine[], pending: Readonly<Record<string, PendingRequest>>, prices: Readonly<Record<string, Price>> = {}, bad: readonly BadLine[] = []): Checked {
  const out: Checked = { answers: [], noVerdict: [], failed: [], unreadable: [] }
  const answered = new Set<string>()
  // A request answered twice in two ways has no answer to trust: which one is the file's
  // mistake cannot be told. The same answer twice is written once.
  const seen = new Map<string, { text: string; times: number; conflict: boolean }>()
  for (const line of lines) {
    const text = JSON.stringify(line)
    const s = seen.get(line.custom_id)
    if (!s) seen.set(line.custom_id, { text, times: 1, conflict: false })
    else Object.assign(s, { times: s.times + 1, conflict: s.conflict || s.text !== text })
  }
  for (const line of lines) {
    const r = pending[line.custom_id]
    if (!r || answered.has(line.custom_id)) continue
    answered.add(line.custom_id)
    const twice = seen.get(line.custom_id)!
    if (twice.conflict) {
      out.failed.push({ key: line.custom_id, tests: tests(r), reason: `the batch answered custom_id ${line.custom_id} ${twice.times} times, with different answers, so none of them was written` })
      continue
    }
    const ok = line.response?.status_code === 200 && line.error === null
    if (!ok) {
      out.failed.push({ key: line.custom_id, tests: tests(r), reason: errorOf(line) })
      continue
    }
    const body = JSON.parse(JSON.stringify(line.response!.body)) as { usage?: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number } }
    if (r.kind === 'judge') {
      const problem = verdictProblem(body, r)
      if (problem) {
        out.noVerdict.push({ key: line.custom_id, tests: tests(r), reason: problem })
        continue
      }
    }
    const usage = normaliseUsage(body.usage)
    const price = priceOf(r.entry.model, prices)
    const cost = batchCostOf(usage, price)
    const embedding = r.kind === 'embedding' ? embeddingAnswer(r, body, usage, cost) : undefined
    if (embedding && 'problem' in embedding) {
      out.failed.push({ key: line.custom_id, tests: tests(r), reason: embedding.problem })
      continue
    }
    let entry: CassetteEntry = embedding ?? cassetteEntry(r.entry.model, r.entry.body, { response: body, usage, cost, latencyMs: 0 })
    if (r.kind === 'judge' && r.question) entry = slimEntry(entry, { ...r.question, quoted: new Set(r.question.quoted) })
    out.answers.push({ key: line.custom_id, line, entry, cost, standard: costOf(usage, price) })
  }
  // A bad line that names its request fails that request; one that names none is reported
  // beside every request the batch returned no readable line for, since it may be any of them.
  const unnamed = bad.filter((b) => b.customId === undefined)
  out.unreadable.push(...unnamed)
  for (const b of bad) {
    const r = b.customId === undefined ? undefined : pending[b.customId]
    if (!r || answered.has(b.customId!)) continue
    answered.add(b.customId!)
    out.failed.push({ key: b.customId!, tests: tests(r), reason: `line ${b.line} of ${b.file} is unreadable: ${b.problem}` })
  }
  const where = unnamed.length ? ` (unreadable, naming no request: ${unnamed.map((b) => `line ${b.line} of ${b.file}`).join(', ')})` : ''
  for (const [key, r] of Object.entries(pending)) if (!answered.has(key)) out.failed.push({ key, tests: tests(r), reason: `the batch returned no readable line for it${where}` })
  return out
}

/**
 * Writes the answered lines into every cassette that asked for them (one update per
 * cassette file), and sorts out the rest (see checkResults).
 */
export function writeResults(lines: readonly ResultLine[], pending: Readonly<Record<string, PendingRequest>>, fs: StoreFileSystem, prices: Readonly<Record<string, Price>> = {}, bad: readonly BadLine[] = []): Written {
  const checked = checkResults(lines, pending, prices, bad)
  const out: Written = { written: 0, noVerdict: checked.noVerdict, failed: checked.failed, cost: 0, standardCost: 0, unreadable: checked.unreadable }
  const byCassette = new Map<string, Cassette>()
  for (const { key, entry, cost, standard } of checked.answers) {
    out.cost = cost === undefined || out.cost === undefined ? undefined : out.cost + cost
    out.standardCost = standard === undefined || out.standardCost === undefined ? undefined : out.standardCost + standard
    for (const c of pending[key]!.cassettes) {
      let cassette = byCassette.get(c.path)
      if (!cassette) byCassette.set(c.path, (cassette = new Cassette(fs, c.path)))
      cassette.stage(key, c.test === undefined ? entry : { ...entry, test: c.test })
    }
    out.written++
  }
  for (const cassette of byCassette.values()) cassette.flush()
  return out
}
