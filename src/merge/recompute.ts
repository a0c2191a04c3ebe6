// A merge goes by the shards' test records, not by the aggregates each shard wrote beside
// them: a shard's results.json is an input like any other, and one edited by hand, or
// written by a job that went wrong, must not make a failed run read as passed. Datasets,
// totals and the run's status are recomputed from the tests; where a shard's own aggregate
// says otherwise, a warning names the shard and the field, and the merge keeps what it
// recomputed. The records themselves (test states, trials, assertions, errors) cannot be
// checked against anything, so they are taken as they are.
import type { EvalThresholds } from '../eval/types.js'
import { totalsOf } from '../report/build.js'
import { datasetKey, groupDatasets, summarizeGroup, type DatasetGroup } from '../report/datasets.js'
import { versionName } from '../prompts/order.js'
import type { PromptRef } from '../prompts/types.js'
import type { DatasetResult, Results } from '../report/schema.js'
import { MergeError, type Shard } from './shard.js'

/** `a`, `a and b`, `a, b and c`. */
export const listed = (xs: readonly (string | number)[]) => (xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)}`)

// A dataset run with several prompt versions has one entry per version.
const keyOf = (d: DatasetResult) => datasetKey(d.file, { dataset: d.name, prompt: d.prompt })
const named = (name: string, prompt: PromptRef | undefined) => (prompt ? `"${name}" with prompt ${versionName(prompt)}` : `"${name}"`)

/** The thresholds a dataset was declared with, as its gates and its intervals' confidence show them. */
function thresholdsOf(d: DatasetResult): EvalThresholds {
  const thresholds: EvalThresholds = { confidence: d.passRate.confidence }
  for (const g of d.gates) thresholds[g.name] = g.threshold
  return thresholds
}

type Value = number | string | null

// Two computations of one figure from the same records agree to the last bit; the margin
// only keeps a shard written by a build with another floating-point summation order quiet.
const same = (a: Value, b: Value) => a === b || (typeof a === 'number' && typeof b === 'number' && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)))

const shownValue = (v: Value) => (typeof v === 'number' ? String(Number(v.toPrecision(6))) : v === null ? 'none' : v)

/** The fields a shard states and the merge recomputes, each `[name, value]`, named as in a message. */
function differences(stated: readonly [string, Value][], recomputed: readonly [string, Value][]): string[] {
  return stated.flatMap(([name, value], i) => {
    const again = recomputed[i]![1]
    return same(value, again) ? [] : [`${name} ${shownValue(value)} (recomputed: ${shownValue(again)})`]
  })
}

const datasetFields = (d: DatasetResult): [string, Value][] => [
  ['cases', d.cases],
  ['trials', d.trials],
  ['passedTrials', d.passedTrials],
  ['passRate', d.passRate.value],
  ['passRate.lower', d.passRate.lower],
  ['passRate.upper', d.passRate.upper],
  ['meanScore', d.meanScore?.value ?? null],
  ['meanScore.lower', d.meanScore?.lower ?? null],
  ['cost', d.cost],
  ['p95LatencyMs', d.p95LatencyMs],
  ['flaky', d.flaky.join(', ') || null],
  ['agreement.kappa', d.agreement?.kappa?.value ?? null],
  ['agreement.rho', d.agreement?.rho?.value ?? null],
  ['gates', d.gates.map((g) => `${g.name} ${g.pass ? 'passed' : 'failed'}`).join(', ') || null],
  ['status', d.status],
]

/** Every number of the totals, by its path (`judge.verdicts`). */
function leaves(value: unknown, path = ''): [string, Value][] {
  if (value === null || typeof value !== 'object') return [[path, value as Value]]
  if (Array.isArray(value)) return [[path, JSON.stringify(value)]]
  return Object.entries(value).flatMap(([k, v]) => leaves(v, path ? `${path}.${k}` : k))
}

/**
 * The warning for a shard whose totals are not those of its own tests, or undefined. The
 * merged totals are recomputed from the merged tests anyway; this says which shard lied.
 */
export function totalsContradictions(shard: Shard): string | undefined {
  const recomputed = new Map(leaves(totalsOf(shard.results.files)))
  const stated = leaves(shard.results.totals)
  const diffs = differences(
    stated,
    stated.map(([name]) => [name, recomputed.get(name) ?? null]),
  )
  return diffs.length ? `${shard.source}: its totals do not match its tests: ${diffs.join(', ')}; the merged totals are recomputed from the tests.` : undefined
}

/** A merged dataset, with the shard whose test file declared it. */
export interface ShardDataset {
  shard: Shard
  dataset: DatasetResult
}

/**
 * Every dataset of the merged files, summed up again from its cases' trials (in file order,
 * then in the order its cases first appear), with the thresholds its shard's gates show.
 * An entry the shard lists without cases is summed up over none, so its gates fail for
 * want of trials rather than vanish.
 */
export function recomputeDatasets(shards: readonly Shard[], files: Results['files']): { datasets: ShardDataset[]; warnings: string[] } {
  const warnings: string[] = []
  const owner = new Map<string, Shard>()
  for (const s of shards) for (const f of s.results.files) owner.set(f.path, s)

  const stated = new Map<string, DatasetResult>()
  for (const s of shards) {
    for (const d of s.results.datasets ?? []) {
      const runBy = owner.get(d.file)
      if (runBy !== s) {
        warnings.push(`${s.source} has a datasets entry for dataset "${d.name}" of ${d.file}, a test file it did not run${runBy ? ` (${runBy.source} did)` : ''}: left out.`)
      } else if (stated.has(keyOf(d))) {
        warnings.push(`${s.source} lists dataset ${named(d.name, d.prompt)} (${d.file}) more than once: the first entry's thresholds are used.`)
      } else {
        stated.set(keyOf(d), d)
      }
    }
  }

  const groups = groupDatasets(files, (test) => test.eval)
  const datasets: ShardDataset[] = []
  for (const file of files) {
    const shard = owner.get(file.path)!
    const own: Pick<DatasetGroup<unknown>, 'key' | 'file' | 'name' | 'prompt' | 'cases'>[] = groups.filter((g) => g.file === file.path)
    const ran = new Set(own.map((g) => g.key))
    for (const [key, d] of stated) if (d.file === file.path && !ran.has(key)) own.push({ key, file: d.file, name: d.name, prompt: d.prompt, cases: [] })
    for (const group of own) {
      const entry = stated.get(group.key)
      const where = `dataset ${named(group.name, group.prompt)} (${file.path})`
      if (!entry) warnings.push(`${shard.source} has cases of ${where} but no datasets entry for it, so its thresholds are unknown: the merged report sums it up without gates.`)
      let dataset: DatasetResult
      try {
        dataset = summarizeGroup(group, { source: entry?.source, thresholds: entry ? thresholdsOf(entry) : undefined })
      } catch (e) {
        throw new MergeError(`${shard.source}: ${where} has a gate no run writes: ${(e as Error).message}`)
      }
      const diffs = entry ? differences(datasetFields(entry), datasetFields(dataset)) : []
      if (diffs.length) warnings.push(`${shard.source}: ${where} says ${diffs.join(', ')}; the merged report has the values recomputed from its cases' trials.`)
      datasets.push({ shard, dataset })
    }
  }
  return { datasets, warnings }
}

/**
 * The tests a shard marks passed that carry errors. Both reporters record a test's errors
 * only when it failed (Vitest's of a failed result, Jest's failure messages, which a retry
 * clears), so such a test was marked passed after the fact; it counts as failed.
 */
export function passedWithErrors(shard: Shard): string[] {
  return shard.results.files.flatMap((f) => f.tests.filter((t) => t.state === 'passed' && t.errors.length > 0).map((t) => `${f.path} > ${t.titles.join(' > ')}`))
}

/** What fails a shard, as its records show it: failed tests, file and run errors, failed datasets. */
export function failuresOf(shard: Shard, datasets: readonly ShardDataset[]): string[] {
  const files = shard.results.files
  const counts: [number, string, string][] = [
    [files.flatMap((f) => f.tests).filter((t) => t.state === 'failed').length, 'failed test', 'failed tests'],
    [passedWithErrors(shard).length, 'test marked passed with errors', 'tests marked passed with errors'],
    [files.reduce((n, f) => n + f.errors.length, 0), 'file error', 'file errors'],
    [shard.results.run.errors.length, 'run error', 'run errors'],
    [datasets.filter((d) => d.shard === shard && d.dataset.status === 'failed').length, 'failed dataset', 'failed datasets'],
  ]
  return counts.filter(([n]) => n > 0).map(([n, one, more]) => `${n} ${n === 1 ? one : more}`)
}
