import { join } from 'node:path'
import { nodeFileSystem } from '../store/file.js'
import { compareFingerprints, fingerprint, type FingerprintProperty } from './fingerprint.js'
import { BaselineFile, inputHash } from './store.js'

/** Options of {@link saveBaseline} and {@link checkRegression}. */
export interface BaselineApiOptions {
  /** The folder holding `__llm_baselines__/`. @default process.cwd() */
  dir?: string
  /** @default 0.5 */
  lengthTolerance?: number
  ignore?: readonly FingerprintProperty[]
}

/** The outcome of {@link checkRegression}. */
export interface RegressionResult {
  status: 'pass' | 'fail' | 'no_baseline'
  /** One line per changed property, or why there is nothing to compare. */
  issues: string[]
}

function file(options: BaselineApiOptions): BaselineFile {
  return new BaselineFile(nodeFileSystem(), join(options.dir ?? process.cwd(), '__llm_baselines__', 'programmatic.json'))
}

/**
 * Records the structural baseline `name` for scripts outside a test runner, in the same
 * store format the matcher uses (`__llm_baselines__/programmatic.json`).
 *
 * @example
 * ```ts
 * saveBaseline('q3-summary', prompt, await summarise(article))
 * ```
 */
export function saveBaseline(name: string, input: string, output: string, options: BaselineApiOptions = {}): void {
  const store = file(options)
  store.save(name, { fingerprint: fingerprint(output), sample: output, inputHash: inputHash(input) }, store.lookup(name) !== undefined)
  store.flush()
}

/**
 * Compares `output` with the baseline `name`: `pass`, `fail` with the changed properties,
 * or `no_baseline`. A different input than the one saved is a failure that says so.
 *
 * @example
 * ```ts
 * const { status, issues } = checkRegression('q3-summary', prompt, await summarise(article))
 * ```
 */
export function checkRegression(name: string, input: string, output: string, options: BaselineApiOptions = {}): RegressionResult {
  const entry = file(options).lookup(name)
  if (!entry) return { status: 'no_baseline', issues: [`no baseline named "${name}"; save one with saveBaseline()`] }
  if (entry.inputHash !== undefined && entry.inputHash !== inputHash(input)) {
    return { status: 'fail', issues: ['the input changed since the baseline was saved; save a new baseline for it'] }
  }
  const issues = compareFingerprints(entry.fingerprint, fingerprint(output), { lengthTolerance: options.lengthTolerance, ignore: options.ignore })
  return { status: issues.length ? 'fail' : 'pass', issues }
}
