// Merges the results of a run's shards (`--shard=i/n` on several machines) into the results
// of the whole run. Each shard ran whole test files, so the files of the shards are
// disjoint and the merged file list is their union; everything derived from the files
// (totals, datasets, the run's status) is recomputed from it, and the rest of the run
// header is combined from the shards'. What
// would make the merge a lie — shards of different runs or runners, a shard or a file
// twice, shards missing — is refused before anything is combined.
import { totalsOf } from '../report/build.js'
import type { Results } from '../report/schema.js'
import { failuresOf, listed, passedWithErrors, recomputeDatasets, totalsContradictions } from './recompute.js'
import { MergeError, type Shard } from './shard.js'

export { MergeError, type Shard } from './shard.js'

/** Options of {@link mergeShards}. */
export interface MergeOptions {
  /** Merge although some of the shards 1..count are missing (a warning says which). @default false */
  allowMissing?: boolean
}

/** The merged results, and what the caller should print about them. */
export interface Merged {
  results: Results
  warnings: string[]
}

/** The shards grouped by a value, in the order the values first appear. */
function groupBy(shards: readonly Shard[], value: (s: Shard) => string): Map<string, string[]> {
  const groups = new Map<string, string[]>()
  for (const s of shards) {
    const key = value(s)
    groups.set(key, [...(groups.get(key) ?? []), s.source])
  }
  return groups
}

const describeGroups = (groups: Map<string, string[]>, label: (value: string) => string = (v) => v) =>
  [...groups].map(([value, sources]) => `${sources.join(', ')}: ${label(value)}`).join('; ')

/** Refuses shards that are not parts of one run; returns the warnings for what cannot be checked. */
function check(shards: readonly Shard[], options: MergeOptions): string[] {
  const warnings: string[] = []
  if (shards.length === 0) throw new MergeError('no results to merge: name the report folders of the shards, e.g. npx assay merge shards/* --out assay-report', 2)
  for (const s of shards) {
    if (s.results.run.mergedFrom !== undefined) throw new MergeError(`${s.source} is already a merge of ${s.results.run.mergedFrom} shards: merge the shards' own report folders, once.`)
    if (!s.results.run.shard) throw new MergeError(`${s.source} is not a shard (it has no run.shard): merge only runs made with the runner's --shard=index/count, all of one run.`)
  }
  const runners = groupBy(shards, (s) => s.results.run.runner)
  if (runners.size > 1) throw new MergeError(`the shards come from different runners (${describeGroups(runners)}). Merge the shards of one suite run by one runner.`)

  const ids = groupBy(
    shards.filter((s) => s.results.run.id !== undefined),
    (s) => s.results.run.id!,
  )
  if (ids.size > 1) {
    throw new MergeError(
      `the shards are of different runs (${describeGroups(ids)}). Merge only the shards of one run: on GitHub Actions, those of one workflow run and attempt (re-run all jobs, not only the failed ones, or set ASSAY_RUN_ID to the run's id in every job); elsewhere, set ASSAY_RUN_ID to the same value in every shard's job.`,
    )
  }
  const unnamed = shards.filter((s) => s.results.run.id === undefined).map((s) => s.source)
  if (unnamed.length > 0) warnings.push(`no run id in ${unnamed.join(', ')}: these shards cannot be checked to be of one run. Set ASSAY_RUN_ID to the same value in every shard's job (on GitHub Actions, GitLab CI, CircleCI, Buildkite and Azure Pipelines the CI's run id is used without it).`)

  const counts = groupBy(shards, (s) => String(s.results.run.shard!.count))
  if (counts.size > 1) throw new MergeError(`the shards split the run differently (${describeGroups(counts, (n) => `into ${n}`)}). Merge shards of one --shard=index/count split.`)
  const count = shards[0]!.results.run.shard!.count
  const indices = groupBy(shards, (s) => String(s.results.run.shard!.index))
  for (const [index, sources] of indices) if (sources.length > 1) throw new MergeError(`${sources.join(' and ')} are both shard ${index} of ${count}: a shard was given twice, or two jobs ran the same --shard.`)

  const owner = new Map<string, string>()
  for (const s of shards) {
    for (const f of s.results.files) {
      const other = owner.get(f.path)
      if (other !== undefined) throw new MergeError(`${f.path} is in both ${other} and ${s.source}: a test file runs in one shard only, so these are not shards of one --shard split.`)
      owner.set(f.path, s.source)
    }
  }

  const missing: number[] = []
  for (let i = 1; i <= count; i++) if (!indices.has(String(i))) missing.push(i)
  if (missing.length > 0) {
    const what = `${missing.length === 1 ? 'shard' : 'shards'} ${listed(missing)} of ${count} ${missing.length === 1 ? 'is' : 'are'} missing`
    if (!options.allowMissing) throw new MergeError(`${what}: their results were not given (a failed or cancelled job?). Pass every shard's report folder, or --allow-missing to merge the ones there are.`)
    warnings.push(`${what}: the merged run covers ${owner.size} of its test files only.`)
  }
  return warnings
}

const byPath = <T extends { path?: string; file?: string }>(key: (t: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)

/** The run header of the merged run; `failed` when the shards' records show a failure. */
function mergedRun(shards: readonly Shard[], files: Results['files'], failed: boolean): Results['run'] {
  const runs = shards.map((s) => s.results.run)
  const start = Math.min(...runs.map((r) => Date.parse(r.startedAt)))
  const end = Math.max(...runs.map((r) => Date.parse(r.startedAt) + r.durationMs))
  const statuses = new Set(runs.map((r) => r.status))
  const scope = [...new Set(runs.flatMap((r) => r.scope ?? []).concat(files.map((f) => f.path)))].sort()
  const id = runs.find((r) => r.id !== undefined)?.id
  // One filtered shard makes the whole run filtered: it ran only some of its tests.
  const filtered = [...new Set(runs.flatMap((r) => r.filtered ?? []))]
  return {
    runner: runs[0]!.runner,
    startedAt: new Date(start).toISOString(),
    durationMs: Math.max(0, end - start),
    // A shard's "failed" is kept even where its records show nothing: it may know of more.
    status: failed || statuses.has('failed') ? 'failed' : statuses.has('interrupted') ? 'interrupted' : 'passed',
    errors: shards.flatMap((s) => s.results.run.errors),
    scope,
    ...(id === undefined ? {} : { id }),
    mergedFrom: shards.length,
    ...(filtered.length ? { filtered } : {}),
  }
}

/**
 * Merges the results of a run's shards into the results of the whole run: the test files
 * joined; the totals, the datasets (from their cases' trials, with the thresholds their
 * gates show) and the run's status (failed when a test, a file, the run or a dataset
 * failed, whatever a shard's own status says) recomputed from the tests; and the rest of
 * the run header combined (earliest start, the span from it to the last shard's end, errors
 * and scope joined, the shared run id, `mergedFrom` the number of shards). A warning names
 * each shard whose own aggregates contradict its tests. Throws a {@link MergeError} when
 * the shards are not all parts of one run.
 *
 * @example
 * ```ts
 * const { results, warnings } = mergeShards([{ source: 'shard-1/results.json', results: one }, { source: 'shard-2/results.json', results: two }])
 * ```
 */
export function mergeShards(shards: readonly Shard[], options: MergeOptions = {}): Merged {
  const warnings = check(shards, options)
  // The order of buildResults: by path, so a merge equals the unsharded run's results.
  const files = shards.flatMap((s) => s.results.files).sort(byPath((f) => f.path))
  const recomputed = recomputeDatasets(shards, files)
  for (const s of shards) {
    const w = totalsContradictions(s)
    if (w) warnings.push(w)
    const marked = passedWithErrors(s)
    if (marked.length) warnings.push(`${s.source}: ${marked.length === 1 ? '1 test is marked passed but carries' : `${marked.length} tests are marked passed but carry`} errors (${listed(marked.slice(0, 3))}${marked.length > 3 ? ', …' : ''}), which a runner records only for a failed test: the merged run counts them as failures.`)
  }
  warnings.push(...recomputed.warnings)
  let failed = false
  for (const s of shards) {
    const failures = failuresOf(s, recomputed.datasets)
    failed ||= failures.length > 0
    if (failures.length && s.results.run.status === 'passed') warnings.push(`${s.source} says run.status "passed", but it has ${listed(failures)}; the merged run is failed.`)
  }
  const datasets = recomputed.datasets.map((d) => d.dataset)
  const results: Results = {
    schema: 'assay-results',
    version: shards[0]!.results.version,
    run: mergedRun(shards, files, failed),
    totals: totalsOf(files),
    files,
    ...(datasets.length ? { datasets } : {}),
  }
  return { results, warnings }
}
