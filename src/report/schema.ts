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

const test = z.object({
  /** Describe blocks and the test's own name. */
  titles: z.array(z.string()).min(1),
  state: z.enum(['passed', 'failed', 'skipped', 'todo']),
  durationMs: z.number().nullable(),
  errors: z.array(z.string()),
  assertions: z.array(assertion),
  llmCalls: z.array(llmCall),
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
  }),
  appCalls: z.object({ calls: count, live: count, replayed: count, tokens: count, cost: z.number() }),
  baselines: z.object({ written: count, updated: count, drifted: count, obsolete: count }),
  cassettes: z.object({ misses: count, obsolete: count, pruned: count }),
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
  }),
  totals,
  files: z.array(file),
})

/** results.json, as written by both reporters. */
export type Results = z.infer<typeof resultsSchema>
export type FileResult = Results['files'][number]
export type TestResult = FileResult['tests'][number]
export type AssertionResult = TestResult['assertions'][number]
export type JudgeDetail = NonNullable<AssertionResult['judge']>
export type LlmCallResult = TestResult['llmCalls'][number]
export type Totals = Results['totals']

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
