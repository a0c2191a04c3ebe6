// Turns what a runner reported (its tests plus assay's records) into results.json. The
// runner adapters only translate their own result objects into a RunInput; everything
// else, totals included, is computed here once for both runners.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { relative, sep } from 'node:path'
import { stripVTControlCharacters } from 'node:util'
import { batchSavingOf, type BatchSaving } from '../batch/saving.js'
import { datasetsOf, evalCaseOf } from './datasets.js'
import { lookupOf, semanticTotals } from './semantic.js'
import type { AssayRecord, AssertionBase, FaithfulnessRecord, JudgeRecord, LlmCallRecord, SimilarityRecord, StoreRecord } from './records.js'
import { RESULTS_VERSION, type AssertionResult, type FileResult, type LlmCallResult, type Results, type TestResult, type Totals } from './schema.js'

/** A test as the runner reported it, with the records assay attached to it. */
export interface TestInput {
  titles: string[]
  state: TestResult['state']
  durationMs: number | null
  errors: string[]
  records: AssayRecord[]
}

/** A test file as the runner reported it. */
export interface FileInput {
  /** Absolute path. */
  path: string
  durationMs: number | null
  errors: string[]
  tests: TestInput[]
  /** The file's store records (cassette and baselines at its end). */
  records: AssayRecord[]
}

/** A whole run, in runner-neutral terms. */
export interface RunInput {
  runner: Results['run']['runner']
  root: string
  startedAt: Date
  durationMs: number
  status: Results['run']['status']
  errors: string[]
  files: FileInput[]
  /** Names the run across shards (see `runId`). */
  id?: string | undefined
  /** The runner's `--shard`, 1-based. */
  shard?: { index: number; count: number } | undefined
  /** How the runner was told to run only some tests (see `run.filtered`); empty or absent when it was not. */
  filtered?: string[] | undefined
  /** The batch whose answers this run replayed (see `totals.batch`). @default what `assay batch` put in the environment */
  batch?: BatchSaving | undefined
}

function rel(root: string, path: string): string {
  const r = relative(root, path)
  return (r.startsWith('..') ? path : r).split(sep).join('/')
}

/** Error text without colours, and without the trailing stack frames both runners append. */
export function cleanError(text: string): string {
  return stripVTControlCharacters(text)
    .split('\n')
    .filter((line) => !/^\s+at .+(:\d+:\d+\)?|\(native\)|<anonymous>\)?)$/.test(line))
    .join('\n')
    .trimEnd()
}

/** What every assertion says, judged or not. */
function base(r: AssertionBase): AssertionResult {
  return {
    matcher: r.matcher,
    pass: r.pass,
    negated: r.negated,
    ...(r.message === undefined ? {} : { message: cleanError(r.message) }),
    ...(r.location ? { location: r.location } : {}),
  }
}

const finite = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n)

/**
 * Why a recorded verdict is none: a score that is not a finite number. JSON has no NaN or
 * Infinity (they become null, which a Jest side file then holds), so one would make
 * results.json unreadable; such a record is reported as a judge failure instead.
 */
function unsound(v: NonNullable<JudgeRecord['verdict']>): string | undefined {
  const scores: [string, unknown][] = [
    ['the overall score', v.overall],
    ...Object.entries(v.criteria ?? {}).map(([k, c]): [string, unknown] => [`${k}'s score`, c?.score]),
    ...(v.samples ?? []).map((n, i): [string, unknown] => [`sample ${i + 1}'s score`, n]),
    ['the spread', v.spread],
    ['the scale', v.scale?.[0]],
    ['the scale', v.scale?.[1]],
  ]
  const bad = scores.filter(([, n]) => !finite(n))
  return bad.length ? `The recorded verdict is no verdict: ${bad.map(([k, n]) => `${k} is ${String(n)}`).join(', ')}, not a finite number.` : undefined
}

function judgeAssertion(r: JudgeRecord): AssertionResult {
  const problem = r.verdict && unsound(r.verdict)
  const v = problem ? undefined : r.verdict
  return {
    ...base(r),
    ...(problem ? { pass: false } : {}),
    judge: v
      ? {
          threshold: r.threshold,
          every: r.every,
          score: v.overall,
          scale: [v.scale[0], v.scale[1]],
          criteria: Object.entries(v.criteria).map(([name, c]) => ({ name, description: c.description, score: c.score, reasoning: c.reasoning })),
          samples: v.samples,
          spread: v.spread,
          model: v.model,
          fallback: v.judge,
          replayed: v.replayed,
          requests: finite(v.requests) ? v.requests : 0,
          weighted: v.weighted,
          tokens: finite(v.usage.total_tokens) ? v.usage.total_tokens : 0,
          cost: finite(v.cost) ? v.cost : null,
          latencyMs: finite(v.latencyMs) ? v.latencyMs : 0,
          ...(v.reusedFrom ? { reusedFrom: { output: v.reusedFrom.output, similarity: v.reusedFrom.similarity, key: v.reusedFrom.key, ...(finite(v.reusedFrom.calls) ? { calls: v.reusedFrom.calls } : {}) } } : {}),
          ...lookupOf(v.semanticCache ?? r.semanticCache),
        }
      : { threshold: r.threshold, every: r.every, criteria: [], samples: [], replayed: false, requests: r.requests ?? 0, tokens: 0, cost: null, latencyMs: 0, error: cleanError(problem ?? r.error ?? 'no verdict'), ...(r.cassetteMiss ? { cassetteMiss: true } : {}), ...lookupOf(r.semanticCache ?? r.verdict?.semanticCache) },
  }
}

function faithfulnessAssertion(r: FaithfulnessRecord): AssertionResult {
  const v = r.verdict
  return {
    ...base(r),
    faithfulness: v
      ? {
          claims: v.claims.map((c) => ({ claim: c.claim, verdict: c.verdict, reason: c.reason })),
          model: v.model,
          fallback: v.judge,
          replayed: v.replayed,
          requests: finite(v.requests) ? v.requests : 0,
          tokens: finite(v.usage.total_tokens) ? v.usage.total_tokens : 0,
          cost: finite(v.cost) ? v.cost : null,
          latencyMs: finite(v.latencyMs) ? v.latencyMs : 0,
        }
      : { claims: [], replayed: false, requests: r.requests ?? 0, tokens: 0, cost: null, latencyMs: 0, error: cleanError(r.error ?? 'no verdict'), ...(r.cassetteMiss ? { cassetteMiss: true } : {}) },
  }
}

function similarityAssertion(r: SimilarityRecord): AssertionResult {
  // A similarity that is not a finite number (null in a Jest side file) is none.
  const measured = finite(r.similarity)
  return {
    ...base(r),
    ...(r.similarity !== undefined && !measured ? { pass: false } : {}),
    similarity: {
      threshold: r.threshold,
      ...(measured ? { similarity: r.similarity } : {}),
      model: r.model,
      replayed: r.replayed ?? false,
      requests: finite(r.requests) ? r.requests : 0,
      tokens: finite(r.tokens) ? r.tokens : 0,
      cost: finite(r.cost) ? r.cost : null,
      latencyMs: finite(r.latencyMs) ? r.latencyMs : 0,
      ...(measured ? {} : { error: cleanError(r.error ?? `the recorded similarity is ${String(r.similarity)}, not a finite number`) }),
      ...(r.cassetteMiss ? { cassetteMiss: true } : {}),
    },
  }
}

function assertionOf(r: AssayRecord): AssertionResult | undefined {
  if (r.kind === 'judge') return judgeAssertion(r)
  if (r.kind === 'faithfulness') return faithfulnessAssertion(r)
  if (r.kind === 'similarity') return similarityAssertion(r)
  if (r.kind !== 'check') return undefined
  const d = r.details ?? {}
  return {
    ...base(r),
    ...(d.summary === undefined ? {} : { summary: d.summary }),
    ...(d.entities ? { entities: d.entities } : {}),
    ...(d.numbers ? { numbers: d.numbers } : {}),
    ...(d.drift ? { drift: { baseline: d.drift.baseline, status: d.drift.status, changes: d.drift.changes, ...(d.drift.diff === undefined ? {} : { diff: d.drift.diff }) } } : {}),
  }
}

function llmCallOf(r: LlmCallRecord): LlmCallResult {
  const tokens = r.usage?.total_tokens
  return { url: r.url, model: r.model ?? null, replayed: r.replayed, status: r.status, tokens: finite(tokens) ? tokens : null, cost: finite(r.cost) ? r.cost : null, latencyMs: finite(r.latencyMs) ? r.latencyMs : 0, ...(r.cassetteMiss ? { cassetteMiss: true } : {}) }
}

function storeOf(root: string, r: StoreRecord): FileResult['stores'][number] {
  return { kind: r.kind, path: rel(root, r.path), obsolete: r.obsolete, pruned: r.pruned, written: r.written ?? 0, updated: r.updated ?? 0 }
}

/** The nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!
}

const withHash = (hash: string | undefined) => (hash === undefined ? {} : { hash })
const withEval = (c: TestResult['eval']) => (c === undefined ? {} : { eval: c })

const round = (n: number, digits = 6) => Math.round(n * 10 ** digits) / 10 ** digits

/** The totals of a run's files: what `buildResults` writes, and what `assay merge` recomputes for the merged files. */
export function totalsOf(files: readonly FileResult[]): Totals {
  const tests = files.flatMap((f) => f.tests)
  const assertions = tests.flatMap((t) => t.assertions)
  const scored = assertions.flatMap((a) => (a.judge ? [a.judge] : []))
  // Faithfulness checks are judge calls too: they count in the judge's totals, but have no score.
  const judged = [...scored, ...assertions.flatMap((a) => (a.faithfulness ? [a.faithfulness] : []))]
  const verdicts = judged.filter((j) => j.error === undefined)
  const scores = scored.filter((j) => j.error === undefined)
  const live = verdicts.filter((j) => !j.replayed)
  const replayed = verdicts.filter((j) => j.replayed)
  const similar = assertions.flatMap((a) => (a.similarity ? [a.similarity] : []))
  const measured = similar.filter((x) => x.error === undefined)
  const liveSimilar = measured.filter((x) => !x.replayed)
  const calls = tests.flatMap((t) => t.llmCalls)
  // A cassette miss reached no model: it is counted as a miss, not as a live call.
  const liveCalls = calls.filter((c) => !c.replayed && !c.cassetteMiss)
  const stores = files.flatMap((f) => f.stores)
  const latencies = verdicts.map((j) => j.latencyMs).sort((a, b) => a - b)
  const scales = new Set(scores.map((j) => `${j.scale![0]},${j.scale![1]}`))
  const sameScale = scales.size === 1 ? scores[0]!.scale! : undefined
  const mean = scores.length
    ? sameScale
      ? { value: round(scores.reduce((s, j) => s + j.score!, 0) / scores.length, 4), scale: sameScale }
      : { value: round(scores.reduce((s, j) => s + (j.score! - j.scale![0]) / (j.scale![1] - j.scale![0]), 0) / scores.length, 4), scale: [0, 1] as [number, number] }
    : null
  const passed = tests.filter((t) => t.state === 'passed').length
  const failed = tests.filter((t) => t.state === 'failed').length
  const failedAssertions = assertions.filter((a) => !a.pass).length
  const sum = (xs: { cost: number | null }[]) => round(xs.reduce((s, x) => s + (x.cost ?? 0), 0))
  return {
    files: files.length,
    tests: tests.length,
    passed,
    failed,
    skipped: tests.filter((t) => t.state === 'skipped').length,
    todo: tests.filter((t) => t.state === 'todo').length,
    assertions: { total: assertions.length, passed: assertions.length - failedAssertions, failed: failedAssertions },
    failureRate: assertions.length ? round(failedAssertions / assertions.length, 4) : 0,
    passRate: passed + failed ? round(passed / (passed + failed), 4) : null,
    judge: {
      verdicts: verdicts.length,
      live: live.length,
      replayed: replayed.length,
      failures: judged.length - verdicts.length,
      // Failed judgements sent requests too: every request the judge received is counted.
      requests: judged.reduce((s, j) => s + j.requests, 0),
      tokens: live.reduce((s, j) => s + j.tokens, 0),
      cost: sum(live),
      saved: sum(replayed),
      meanScore: mean,
      p50LatencyMs: percentile(latencies, 50),
      p95LatencyMs: percentile(latencies, 95),
      ...semanticTotals(scored),
    },
    appCalls: { calls: calls.length, live: liveCalls.length, replayed: calls.filter((c) => c.replayed).length, tokens: liveCalls.reduce((s, c) => s + (c.tokens ?? 0), 0), cost: sum(liveCalls) },
    ...(similar.length
      ? { embeddings: { assertions: similar.length, live: liveSimilar.length, replayed: measured.length - liveSimilar.length, failures: similar.length - measured.length, requests: similar.reduce((s, x) => s + x.requests, 0), tokens: liveSimilar.reduce((s, x) => s + x.tokens, 0), cost: sum(liveSimilar) } }
      : {}),
    baselines: {
      written: stores.filter((s) => s.kind === 'baseline').reduce((n, s) => n + s.written, 0),
      updated: stores.filter((s) => s.kind === 'baseline').reduce((n, s) => n + s.updated, 0),
      drifted: assertions.filter((a) => a.drift?.status === 'drifted').length,
      obsolete: stores.filter((s) => s.kind === 'baseline').reduce((n, s) => n + s.obsolete.length, 0),
    },
    cassettes: {
      misses: judged.filter((j) => j.cassetteMiss).length + similar.filter((x) => x.cassetteMiss).length + calls.filter((c) => c.cassetteMiss).length,
      obsolete: stores.filter((s) => s.kind === 'cassette').reduce((n, s) => n + s.obsolete.length, 0),
      pruned: stores.filter((s) => s.kind === 'cassette').reduce((n, s) => n + s.pruned, 0),
    },
  }
}

/** The hash of a test file's source, or undefined when it cannot be read. */
export function sourceHash(path: string): string | undefined {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 16)
  } catch {
    return undefined
  }
}

const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)

const withBatch = (batch: BatchSaving | undefined) => (batch ? { batch } : {})

/** Builds results.json from a runner-neutral description of the run. */
export function buildResults(input: RunInput): Results {
  const files: FileResult[] = input.files
    .map((f) => ({
      path: rel(input.root, f.path),
      durationMs: f.durationMs,
      errors: f.errors.map(cleanError),
      ...withHash(sourceHash(f.path)),
      tests: f.tests.map((t) => ({
        titles: t.titles,
        state: t.state,
        durationMs: t.durationMs,
        errors: t.errors.map(cleanError),
        assertions: t.records.flatMap((r) => assertionOf(r) ?? []),
        llmCalls: t.records.flatMap((r) => (r.kind === 'llm-call' ? [llmCallOf(r)] : [])),
        ...withEval(evalCaseOf(t.records)),
      })),
      stores: f.records.flatMap((r) => (r.kind === 'cassette' || r.kind === 'baseline' ? [storeOf(input.root, r)] : [])),
    }))
    .sort(byPath)
  // The datasets in the files' order, each summed up from its cases (see datasetsOf).
  const datasets = datasetsOf(
    input.files.map((f) => ({ path: rel(input.root, f.path), tests: f.tests })).sort(byPath),
    (path) => rel(input.root, path),
  )
  return {
    schema: 'assay-results',
    version: RESULTS_VERSION,
    run: { runner: input.runner, startedAt: input.startedAt.toISOString(), durationMs: Math.max(0, Math.round(input.durationMs)), status: input.status, errors: input.errors.map(cleanError), scope: files.map((f) => f.path), ...(input.id === undefined ? {} : { id: input.id }), ...(input.shard ? { shard: input.shard } : {}), ...(input.filtered?.length ? { filtered: input.filtered } : {}) },
    totals: { ...totalsOf(files), ...withBatch(input.batch ?? batchSavingOf()) },
    files,
    ...(datasets.length ? { datasets } : {}),
  }
}
