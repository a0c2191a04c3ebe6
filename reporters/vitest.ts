// `assay/reporter`: the Vitest reporter (Vitest 4 and 5). It reads only the public
// reporter API: TestModule/TestCase, their result(), diagnostic() and meta(), where the
// setup file left assay's records. The `assay()` plugin adds it; without the plugin, list
// it in `test.reporters`.
import { fileURLToPath } from 'node:url'
import type { Reporter, TestCase, TestModule, TestRunEndReason, Vitest } from 'vitest/node'
import { startCoordinator, type Coordinator } from '../src/judge/coordinator.js'
import { buildResults, type FileInput, type TestInput } from '../src/report/build.js'
import type { AssayRecord, StoreRecord } from '../src/report/records.js'
import type { Results } from '../src/report/schema.js'
import { runId } from '../src/report/run-id.js'
import { errorText } from './errors.js'
import { claimSummary } from './claim.js'
import { parseReporterOptions, writeReport, type ReporterOptions, type WrittenReport } from './output.js'
import { progressMode } from '../src/eval/progress.js'
import { vitestFilters } from './filters.js'
import { startProgress, vitestReportersPrint, type RunningProgress } from './progress.js'

interface AssayMeta {
  records?: AssayRecord[]
  cassette?: Omit<StoreRecord, 'kind' | 'testPath'>
  baselines?: Omit<StoreRecord, 'kind' | 'testPath'>
}

const assayMeta = (meta: object) => (meta as { assay?: AssayMeta }).assay

function titles(test: TestCase): string[] {
  const names = [test.name]
  for (let p = test.parent; p.type === 'suite'; p = p.parent) names.unshift(p.name)
  return names
}

function testInput(test: TestCase): TestInput {
  const result = test.result()
  const state: TestInput['state'] = test.options.mode === 'todo' ? 'todo' : result.state === 'passed' ? 'passed' : result.state === 'failed' ? 'failed' : 'skipped'
  return {
    titles: titles(test),
    state,
    durationMs: state === 'passed' || state === 'failed' ? (test.diagnostic()?.duration ?? null) : null,
    errors: result.state === 'failed' ? (result.errors ?? []).map(errorText) : [],
    records: assayMeta(test.meta())?.records ?? [],
  }
}

function fileInput(module: TestModule): FileInput {
  const meta = assayMeta(module.meta())
  const records: AssayRecord[] = []
  if (meta?.cassette) records.push({ kind: 'cassette', testPath: module.moduleId, ...meta.cassette })
  if (meta?.baselines) records.push({ kind: 'baseline', testPath: module.moduleId, ...meta.baselines })
  return {
    path: module.moduleId,
    durationMs: module.diagnostic().duration,
    errors: module.errors().map(errorText),
    tests: [...module.children.allTests()].map(testInput),
    records,
  }
}

/**
 * The assay reporter for Vitest: writes results.json, index.html and the run history to
 * the report folder, prints a summary, and on GitHub Actions writes the step summary and
 * `::error` annotations.
 *
 * @example
 * ```ts
 * // vitest.config.ts (the assay() plugin adds it for you)
 * export default defineConfig({ test: { reporters: ['default', ['assay/reporter', { outputDir: 'assay-report' }]] } })
 * ```
 */
export default class AssayReporter implements Reporter {
  readonly #options: ReporterOptions
  #vitest: Vitest | undefined
  #started = new Date()
  /** Where workers send the keys they learn when no assay global setup runs a coordinator. */
  #keys: Coordinator | undefined
  #progress: RunningProgress | undefined
  #filesLeft: number | undefined
  /** The last run's results and files, for programmatic use. */
  last: { results: Results; written: WrittenReport } | undefined

  constructor(options: ReporterOptions = {}) {
    this.#options = parseReporterOptions(options)
  }

  async onInit(vitest: Vitest): Promise<void> {
    this.#vitest = vitest
    claimSummary()
    // Keys a worker learns must reach this process, where the runner's errors are redacted:
    // through the coordinator of assay's global setup, or, without it, one of this reporter's.
    const projects = vitest.projects ?? []
    const globalSetup = fileURLToPath(new URL('../runners/vitest-global-setup.js', import.meta.url))
    if (projects.length === 0 || projects.some((p) => [p.config.globalSetup ?? []].flat().includes(globalSetup))) return
    if (!this.#keys) {
      const keys = (this.#keys = await startCoordinator())
      vitest.onClose(() => keys.close())
    }
    for (const project of projects) (project.provide as (key: string, value: unknown) => void)('assaySecretsURL', this.#keys.url)
  }

  onTestRunStart(specifications?: ReadonlyArray<unknown>): void {
    this.#started = new Date()
    this.#progress?.stop()
    const vitest = this.#vitest
    const mode = progressMode({ env: process.env, option: this.#options.progress, tty: process.stderr.isTTY === true, runnerPrints: vitestReportersPrint((vitest as { reporters?: unknown[] } | undefined)?.reporters, this) })
    // Through Vitest's logger, which its default reporter keeps above the summary it redraws.
    this.#progress = startProgress(mode, (line) => (vitest ? vitest.logger.log(line) : console.log(line)))
    // Files not yet run declare their datasets later: the line must not read as the end before.
    this.#filesLeft = specifications?.length
    if (this.#filesLeft !== undefined) this.#progress.files(this.#filesLeft)
  }

  onTestModuleEnd(): void {
    if (this.#filesLeft === undefined) return
    this.#progress?.files((this.#filesLeft = Math.max(0, this.#filesLeft - 1)))
  }

  /** How this run was told to run only some tests: `-t`, file filters (the CLI's, kept on the instance, not in the config), --changed, related. */
  #filters(): string[] {
    const vitest = this.#vitest
    if (!vitest) return []
    const config = vitest.config as { testNamePattern?: RegExp | string; changed?: boolean | string; related?: string[]; tagsFilter?: string[] }
    return vitestFilters({ ...config, filenamePattern: (vitest as unknown as { filenamePattern?: string[] }).filenamePattern })
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>, reason: TestRunEndReason): void {
    this.#progress?.stop()
    this.#progress = undefined
    const root = this.#vitest?.config.root ?? process.cwd()
    const shard = this.#vitest?.config.shard
    const results = buildResults({
      runner: 'vitest',
      root,
      startedAt: this.#started,
      durationMs: Date.now() - this.#started.getTime(),
      status: reason,
      errors: unhandledErrors.map(errorText),
      files: testModules.map(fileInput),
      id: runId(process.env),
      shard: shard ? { index: shard.index, count: shard.count } : undefined,
      filtered: this.#filters(),
    })
    const log = (text: string) => (this.#vitest ? this.#vitest.logger.log(text) : console.log(text))
    this.last = { results, written: writeReport(results, root, this.#options, log) }
  }
}
