// The results.json schema: the one source for the HTML report, CI gates and the run
// history. Changing the meaning or shape of a field means a new version; readers check
// `version` and refuse what they do not know.
import { z } from 'zod'

/** The version of the results.json format this assay writes. */
export const RESULTS_VERSION = 1

const count = z.number().int().min(0)
const location = z.object({ line: z.number().int(), column: z.number().int() })

const judgeDetail = z.object({
  threshold: z.number(),
  /** True when every criterion had to reach the threshold, not just the overall score. */
  every: z.boolean(),
  score: z.number().optional(),
  scale: z.tuple([z.number(), z.number()]).optional(),
  criteria: z.array(z.object({ name: z.string(), description: z.string(), score: z.number(), reasoning: z.string() })),
  samples: z.array(z.number()),
  spread: z.number().optional(),
  model: z.string().optional(),
  /** The judge's place in the fallback chain; 0 is the configured judge. */
  fallback: z.number().int().optional(),
  replayed: z.boolean(),
  requests: count,
  weighted: z.boolean().optional(),
  tokens: count,
  cost: z.number().nullable(),
  latencyMs: z.number(),
  /** Why the judge gave no verdict. */
  error: z.string().optional(),
  cassetteMiss: z.boolean().optional(),
  /** Set when the semantic judge cache reused the recorded verdict of a near-duplicate output: that output, its similarity and its cassette key. */
  reusedFrom: z.object({ output: z.string(), similarity: z.number(), key: z.string(), /** The judge calls the earlier verdict took, which the reuse spared. */ calls: count.optional() }).optional(),
  /** The semantic judge cache's embedding of the output, to look it up: its share of the requests, tokens and cost ($0 when replayed). */
  semanticCache: z.object({ replayed: z.boolean(), requests: count, tokens: count, cost: z.number().nullable() }).optional(),
})

/** What one judged or embedded assertion's calls cost, and why it has no answer if it has none. */
const callSpend = {
  replayed: z.boolean(),
  requests: count,
  tokens: count,
  cost: z.number().nullable(),
  latencyMs: z.number(),
  /** Why no answer was given. */
  error: z.string().optional(),
  /** Under lockdown the cassette had no answer, so no request was sent. */
  cassetteMiss: z.boolean().optional(),
}

/** toBeFaithfulTo: the judge's claims of the output, each with its verdict against the source. */
const faithfulnessDetail = z.object({
  claims: z.array(z.object({ claim: z.string(), verdict: z.enum(['supported', 'unsupported', 'contradicted']), reason: z.string() })),
  model: z.string().optional(),
  /** The judge's place in the fallback chain; 0 is the configured judge. */
  fallback: z.number().int().optional(),
  ...callSpend,
})

/** A `toBeSemanticallySimilarTo` assertion: the similarity against its threshold, or why there is none. */
const similarityDetail = z.object({
  threshold: z.number(),
  similarity: z.number().optional(),
  /** The embedding model asked. */
  model: z.string(),
  ...callSpend,
})

const assertion = z.object({
  matcher: z.string(),
  /** The outcome after `.not`. */
  pass: z.boolean(),
  negated: z.boolean(),
  message: z.string().optional(),
  location: location.optional(),
  summary: z.string().optional(),
  judge: judgeDetail.optional(),
  faithfulness: faithfulnessDetail.optional(),
  similarity: similarityDetail.optional(),
  entities: z.object({ kept: z.array(z.string()), missing: z.array(z.string()) }).optional(),
  numbers: z.object({ invented: z.array(z.string()), checked: count }).optional(),
  drift: z
    .object({
      baseline: z.string(),
      status: z.enum(['matched', 'written', 'updated', 'drifted', 'missing']),
      changes: z.array(z.string()),
      diff: z.string().optional(),
    })
    .optional(),
})

const llmCall = z.object({
  url: z.string(),
  model: z.string().nullable(),
  replayed: z.boolean(),
  status: z.number().int(),
  tokens: count.nullable(),
  cost: z.number().nullable(),
  latencyMs: z.number(),
  /** Under lockdown the cassette had no answer, so the call got HTTP 424 and reached no model. */
  cassetteMiss: z.boolean().optional(),
})

/** A value with its confidence interval. */
const interval = z.object({ value: z.number(), lower: z.number(), upper: z.number(), confidence: z.number().gt(0).lt(1) })

/** One trial of a dataset case: the task run once and its assertions checked. */
const evalTrial = z.object({
  /** 0-based; trial 0 records under the same cassette keys as a test without trials. */
  trial: count,
  pass: z.boolean(),
  /** The mean overall score of the trial's judge verdicts, on their scale; absent without a verdict. */
  score: z.number().optional(),
  scale: z.tuple([z.number(), z.number()]).optional(),
  /** What the task returned (a string as is, anything else as JSON), cut to 2,000 characters. */
  output: z.string(),
  /** $ spent live by the trial: its judge verdicts and app calls. Replays cost nothing. */
  cost: z.number(),
  /** Wall time of the task and its assertions. */
  latencyMs: z.number(),
  /** Why the trial failed: the first assertion error, or the task's. */
  error: z.string().optional(),
  /**
   * Set when the trial did not run to its end: the case's timeout stopped it, or came
   * before it started. Such a trial fails with the timeout as its error.
   */
  unfinished: z.literal(true).optional(),
})

/** The prompt version a case ran with (`describeEval`'s `prompts` option). */
const promptRef = z.object({
  name: z.string(),
  version: z.string(),
  /** sha256 of the version file's bytes, hex. */
  hash: z.string(),
})

/** A test that is one case of a dataset eval (`describeEval`). */
const evalCase = z.object({
  dataset: z.string(),
  /** The row's `id` field, else its 1-based line (JSONL, CSV) or 0-based index (JSON, arrays), as a string. */
  id: z.string(),
  /** The row as JSON, cut to 2,000 characters. */
  input: z.string(),
  /** The human label the row carries, for judge calibration. */
  expected: z.object({ pass: z.boolean().optional(), score: z.number().optional() }).optional(),
  trials: z.array(evalTrial),
  /** Passed trials ÷ trials. */
  passRate: z.number().min(0).max(1),
  /** Some trials passed and some failed. */
  flaky: z.boolean(),
  /** The prompt version the case ran with, when the eval compares prompt versions. */
  prompt: promptRef.optional(),
})

const test = z.object({
  /** Describe blocks and the test's own name. */
  titles: z.array(z.string()).min(1),
  state: z.enum(['passed', 'failed', 'skipped', 'todo']),
  durationMs: z.number().nullable(),
  errors: z.array(z.string()),
  assertions: z.array(assertion),
  llmCalls: z.array(llmCall),
  /** Set when the test is a case of a dataset eval. */
  eval: evalCase.optional(),
})

const store = z.object({
  kind: z.enum(['cassette', 'baseline']),
  path: z.string(),
  obsolete: z.array(z.string()),
  pruned: count,
  written: count,
  updated: count,
})

const file = z.object({
  /** Relative to the project root, with forward slashes. */
  path: z.string(),
  durationMs: z.number().nullable(),
  /** Errors outside any test: a syntax error, a failing afterAll. */
  errors: z.array(z.string()),
  /** SHA-256 (16 hex digits) of the test file's source: a changed file means changed test inputs. */
  hash: z.string().optional(),
  tests: z.array(test),
  stores: z.array(store),
})

const totals = z.object({
  files: count,
  tests: count,
  passed: count,
  failed: count,
  skipped: count,
  todo: count,
  /** assay assertions (judged and deterministic). */
  assertions: z.object({ total: count, passed: count, failed: count }),
  /** Failed assay assertions ÷ all assay assertions; 0 when there were none. */
  failureRate: z.number().min(0).max(1),
  /** Passed tests ÷ tests that ran; null when none ran. */
  passRate: z.number().min(0).max(1).nullable(),
  judge: z.object({
    verdicts: count,
    live: count,
    replayed: count,
    /** Judged assertions that got no verdict. */
    failures: count,
    requests: count,
    /** Tokens and $ spent on live calls; replays cost nothing. */
    tokens: count,
    cost: z.number(),
    /** What the replayed verdicts cost when they were recorded. */
    saved: z.number(),
    /** Mean overall score, on the shared scale, or 0–1 when the scales differ. */
    meanScore: z.object({ value: z.number(), scale: z.tuple([z.number(), z.number()]) }).nullable(),
    p50LatencyMs: z.number().nullable(),
    p95LatencyMs: z.number().nullable(),
    /**
     * The semantic judge cache (present when it looked an output up or reused a verdict):
     * its look-ups and what their embeddings cost live, and the verdicts it reused, the
     * judge calls that spared and what those verdicts cost when recorded.
     */
    semanticCache: z.object({ lookups: count, requests: count, tokens: count, cost: z.number(), reused: count, callsSaved: count, saved: z.number() }).optional(),
  }),
  appCalls: z.object({ calls: count, live: count, replayed: count, tokens: count, cost: z.number() }),
  /** Similarity assertions' embeddings (present when the run had any): live and replayed, failures, and what the live ones cost. */
  embeddings: z.object({ assertions: count, live: count, replayed: count, failures: count, requests: count, tokens: count, cost: z.number() }).optional(),
  baselines: z.object({ written: count, updated: count, drifted: count, obsolete: count }),
  cassettes: z.object({ misses: count, obsolete: count, pruned: count }),
  /**
   * Present on the replay pass of `npx assay batch`: the answers the batch wrote, their cost
   * at the batch price, what the same tokens cost live, and the difference (null without a price).
   */
  batch: z.object({ requests: count, cost: z.number().nullable(), liveCost: z.number().nullable(), saved: z.number().nullable() }).optional(),
})

/** A dataset gate (`thresholds` of `describeEval`), as checked when the dataset's cases were done. */
const gate = z.object({
  name: z.enum(['passRate', 'meanScore', 'maxCost', 'p95LatencyMs', 'agreement']),
  threshold: z.number(),
  /** The figure the gate compares: the Wilson lower bound for `passRate`, the interval's lower bound for `meanScore` and `agreement`. */
  actual: z.number().nullable(),
  pass: z.boolean(),
  message: z.string(),
})

/** One dataset eval: its cases' aggregate, its gates and its judge's agreement with human labels. */
const dataset = z.object({
  name: z.string(),
  /** The test file that declared it, as in `files[].path`. */
  file: z.string(),
  /** The data file, relative to the project root, when the data came from one. */
  source: z.string().optional(),
  /** The prompt version of these cases: a dataset run with several versions has one entry per version. */
  prompt: promptRef.optional(),
  cases: count,
  trials: count,
  passedTrials: count,
  /** Passed trials ÷ trials, with its Wilson interval at `effectiveN`: the trials' worth as independent draws, as trials of one case are alike (absent in files written before it was added). */
  passRate: interval.extend({ effectiveN: z.number().positive().optional() }),
  /** Mean of the cases' mean judge scores (each over its trials that have one), with its t interval over the `n` cases; null without scores. */
  meanScore: interval.extend({ scale: z.tuple([z.number(), z.number()]), n: count }).nullable(),
  cost: z.number(),
  p95LatencyMs: z.number().nullable(),
  /** Ids of the cases that passed some trials and failed others. */
  flaky: z.array(z.string()),
  /** Present when rows carry human labels. */
  agreement: z
    .object({
      /** Cohen's kappa between human and judge pass/fail, per case (the judge's: a majority of trials). */
      kappa: interval.extend({ n: count }).nullable(),
      /** Spearman's rho between human scores and mean judge scores, per case. */
      rho: interval.extend({ n: count }).nullable(),
      /** The cases where humans and judge disagree most, worst first. */
      disagreements: z.array(z.object({ id: z.string(), expected: z.object({ pass: z.boolean().optional(), score: z.number().optional() }), pass: z.boolean(), score: z.number().optional() })),
    })
    .optional(),
  gates: z.array(gate),
  status: z.enum(['passed', 'failed']),
})

/** The whole of results.json. */
export const resultsSchema = z.object({
  schema: z.literal('assay-results'),
  version: z.literal(RESULTS_VERSION),
  run: z.object({
    runner: z.enum(['vitest', 'jest']),
    startedAt: z.string(),
    durationMs: z.number().min(0),
    status: z.enum(['passed', 'failed', 'interrupted']),
    /** Errors outside any test file, such as unhandled rejections. */
    errors: z.array(z.string()),
    /** The test files the run covered, sorted; runs over the same files are comparable. Absent in files written before it was added. */
    scope: z.array(z.string()).optional(),
    /** Set when the run covered only some of the files of the last full run: that run's number of files. */
    partialOf: z.number().int().min(1).optional(),
    /** Names the run across shards (`ASSAY_RUN_ID`, else the CI's run id); shards of one run share it. */
    id: z.string().optional(),
    /** Set on a shard's results (`--shard=index/count`, 1-based). */
    shard: z.object({ index: z.number().int().min(1), count: z.number().int().min(1) }).optional(),
    /** The shards `assay merge` merged into this file. */
    mergedFrom: count.optional(),
    /**
     * Set when the runner was told to run only some of the tests of its files: how (a test
     * name pattern, file filters, a focused test). Such a run is never the previous run
     * that `assay gate` compares later runs with.
     */
    filtered: z.array(z.string()).min(1).optional(),
  }),
  totals,
  files: z.array(file),
  /** Dataset evals of the run, in file order. */
  datasets: z.array(dataset).optional(),
})

/** results.json, as written by both reporters. */
export type Results = z.infer<typeof resultsSchema>
export type FileResult = Results['files'][number]
export type TestResult = FileResult['tests'][number]
export type AssertionResult = TestResult['assertions'][number]
export type JudgeDetail = NonNullable<AssertionResult['judge']>
export type LlmCallResult = TestResult['llmCalls'][number]
export type Totals = Results['totals']
export type EvalCaseResult = NonNullable<TestResult['eval']>
export type EvalTrialResult = EvalCaseResult['trials'][number]
export type DatasetResult = NonNullable<Results['datasets']>[number]
export type GateResult = DatasetResult['gates'][number]
export type Interval = z.infer<typeof interval>

/**
 * Reads results.json text, checking it against the schema.
 *
 * @example
 * ```ts
 * const results = parseResults(readFileSync('assay-report/results.json', 'utf8'))
 * if (results.totals.failureRate > 0.05) process.exit(1)
 * ```
 */
export function parseResults(text: string): Results {
  const data = JSON.parse(text) as { schema?: unknown; version?: unknown }
  if (data?.schema === 'assay-results' && data.version !== RESULTS_VERSION) {
    throw new Error(`results.json has format version ${String(data.version)}, but this assay reads version ${RESULTS_VERSION}. Read it with the assay version that wrote it.`)
  }
  return resultsSchema.parse(data)
}
