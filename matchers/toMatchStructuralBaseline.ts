import { createTwoFilesPatch } from 'diff'
import { z } from 'zod'
import { compareFingerprints, fingerprint, FINGERPRINT_VERSION } from '../src/baseline/fingerprint.js'
import { baselineFor } from '../src/baseline/runtime.js'
import { inputHash, resolveUpdateMode, runnerUpdates, type BaselineEntry } from '../src/baseline/store.js'
import type { MatcherContext, MatcherResult } from '../src/context.js'
import type { CheckDetails } from '../src/report/records.js'
import { AssayUsageError } from '../src/errors.js'
import { extractEntities } from '../src/text/entities.js'
import { currentTrial } from '../src/eval/trial.js'
import { rerunCommand } from '../src/runner.js'
import { parseOptions } from '../src/validate.js'
import { assertString, formatMessage, reported, truncate } from './utils.js'

const schema = z.strictObject({
  name: z.string().min(1).optional(),
  lengthTolerance: z.number().min(0).optional(),
  input: z.string().optional(),
  ignore: z.array(z.enum(['format', 'listItems', 'headings', 'paragraphs', 'sentences', 'codeBlocks', 'length', 'json'])).optional(),
  entities: z.boolean().optional(),
})

/** Options for {@link toMatchStructuralBaseline}. */
export type StructuralBaselineOptions = z.input<typeof schema>

interface SnapshotContext extends MatcherContext {
  snapshotState?: unknown
}

type Drift = NonNullable<CheckDetails['drift']>

function entitySet(text: string): string[] {
  return [...new Set(extractEntities(text, ['person', 'organization', 'place']).map((e) => e.text))].sort()
}

function sampleDiff(before: string, after: string): string {
  const patch = createTwoFilesPatch('baseline sample', 'received', `${before}\n`, `${after}\n`, '', '', { context: 2 })
  // Drop the "=====" and "Index" lines; the ---/+++ header says which side is which.
  return patch.split('\n').filter((l) => !/^={5,}$/.test(l)).join('\n').trimEnd()
}

/**
 * Asserts that the output's structure has not drifted from the baseline recorded for this
 * assertion: its format, list items, headings, paragraphs, sentences, code blocks, length
 * band and JSON shape. The first run records the baseline in `__llm_baselines__/`, beside
 * the test file; `-u` or ASSAY_UPDATE=1 re-records; on CI nothing is written.
 *
 * @example
 * ```ts
 * expect(summary).toMatchStructuralBaseline({ input: prompt })
 * ```
 */
export function toMatchStructuralBaseline(this: SnapshotContext, received: unknown, options?: StructuralBaselineOptions): MatcherResult {
  if (this.isNot) {
    throw new AssayUsageError('toMatchStructuralBaseline', 'cannot be used with .not: a baseline records what the output is, not what it is not.\nRemove the .not.', toMatchStructuralBaseline)
  }
  const text = assertString('toMatchStructuralBaseline', received, toMatchStructuralBaseline)
  const o = parseOptions('toMatchStructuralBaseline', schema, options ?? {}, toMatchStructuralBaseline, "Example: toMatchStructuralBaseline({ name: 'reply', lengthTolerance: 0.5, input: prompt }).")
  // In a dataset case, the runner's current test may be another concurrent case, or none
  // after an await; the trial knows its own test (a case per prompt version, so a new
  // version is new keys, not a drift).
  const testName = currentTrial()?.owner?.testName ?? this.currentTestName
  if (!this.testPath || !testName) {
    throw new AssayUsageError('toMatchStructuralBaseline', 'needs to run inside a Vitest or Jest test, whose file and name key the baseline.', toMatchStructuralBaseline)
  }
  const testPath = this.testPath
  const mode = resolveUpdateMode(runnerUpdates(this))
  const file = baselineFor(this.testPath)
  const key = file.keyFor(testName, o.name)
  const entry: BaselineEntry = { fingerprint: fingerprint(text), sample: text, inputHash: o.input === undefined ? undefined : inputHash(o.input), entities: o.entities ? entitySet(text) : undefined }
  const existing = file.lookup(key)
  const done = (result: MatcherResult, drift: Omit<Drift, 'baseline'>) => reported(this, 'toMatchStructuralBaseline', result, () => ({ drift: { baseline: key, ...drift } }))

  if (!existing) {
    if (mode === 'none') {
      return done({
        pass: false,
        message: () =>
          formatMessage(this, 'toMatchStructuralBaseline', `No structural baseline "${key}" in ${file.path}, and nothing is written when CI is set.`, [
            ['Fix', `record it where CI is not set, then commit ${file.path}:\n${rerunCommand(testPath)}`],
          ], 'options'),
      }, { status: 'missing', changes: [] })
    }
    file.save(key, entry, false)
    return done({ pass: true, message: () => '' }, { status: 'written', changes: [] })
  }

  const stale = existing.fingerprint.version !== FINGERPRINT_VERSION
  const inputChanged = entry.inputHash !== undefined && existing.inputHash !== undefined && entry.inputHash !== existing.inputHash
  const changes = stale ? [] : compareFingerprints(existing.fingerprint, entry.fingerprint, { lengthTolerance: o.lengthTolerance, ignore: o.ignore })
  if (o.entities && existing.entities) {
    const lost = existing.entities.filter((e) => !entry.entities!.includes(e))
    const gained = entry.entities!.filter((e) => !existing.entities!.includes(e))
    if (lost.length || gained.length) changes.push(`entities: ${[...lost.map((e) => `−${e}`), ...gained.map((e) => `+${e}`)].join(', ')}`)
  }
  if (!stale && !inputChanged && changes.length === 0) return done({ pass: true, message: () => '' }, { status: 'matched', changes: [] })
  if (mode === 'all') {
    file.save(key, entry, true)
    return done({ pass: true, message: () => '' }, { status: 'updated', changes })
  }
  return done({
    pass: false,
    message: () => {
      const sentence = stale
        ? `The baseline "${key}" was recorded with fingerprint version ${existing.fingerprint.version}; this assay uses version ${FINGERPRINT_VERSION}. Re-record it with -u or ASSAY_UPDATE=1.`
        : inputChanged
          ? `The input changed since baseline "${key}" was recorded, so this is a new case rather than a regression. Re-record it with -u or ASSAY_UPDATE=1.`
          : `Expected the structure of the output to match baseline "${key}", but ${changes.length} propert${changes.length === 1 ? 'y' : 'ies'} changed.`
      const blocks: [string, string][] = []
      if (changes.length) blocks.push(['Changed', changes.join('\n')])
      blocks.push(['Diff', truncate(sampleDiff(existing.sample, text), 4000)])
      blocks.push(['Baseline', `${file.path} (update with -u or ASSAY_UPDATE=1)`])
      return formatMessage(this, 'toMatchStructuralBaseline', sentence, blocks, 'options')
    },
  }, { status: 'drifted', changes: stale ? ['fingerprint version changed'] : inputChanged ? ['input changed', ...changes] : changes, diff: sampleDiff(existing.sample, text) })
}
