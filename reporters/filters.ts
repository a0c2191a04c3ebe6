// How the runner was told to run only some tests, as both reporters record it in
// `run.filtered`. A run over every file filtered by test name is no partial run (its scope
// is whole), yet it holds a handful of cases: it must not be what `assay gate` compares
// the next full run with. Files named on the command line are not such a filter: they
// choose the run's scope, and a run over fewer files than the last full run is already
// partial (`run.partialOf`); but a file filter with a line number picks tests. Only what
// the runner's configuration states is read here; Jest's setup file also notes a file with
// `.only`, which the Jest reporter adds. (Vitest resolves `.only` in its workers before any
// hook or reporter sees the tests, so there it is not told apart from `.skip`; on CI,
// where Vitest refuses `.only`, such a run fails.)

const quoted = (s: string) => JSON.stringify(s)
const some = (xs: unknown): xs is string[] => Array.isArray(xs) && xs.length > 0 && xs.every((x) => typeof x === 'string')

/** The parts of Vitest's resolved configuration (and its instance) that filter tests. */
export interface VitestFilterSource {
  /** `-t`. */
  testNamePattern?: RegExp | string | undefined
  /** The CLI's file filters (`vitest run a.test.ts b.test.ts:12`): those with a line pick tests. */
  filenamePattern?: readonly string[] | undefined
  /** `--changed`. */
  changed?: boolean | string | undefined
  /** `vitest related`. */
  related?: readonly string[] | undefined
  /** `--tags-filter`. */
  tagsFilter?: readonly string[] | undefined
}

/** The filters of a Vitest run, one phrase each, e.g. `-t "a1$"`; empty for a run of every test. */
export function vitestFilters(source: VitestFilterSource): string[] {
  const out: string[] = []
  const t = source.testNamePattern
  if (t !== undefined && t !== '') out.push(`-t ${quoted(t instanceof RegExp ? t.source : t)}`)
  const lines = (source.filenamePattern ?? []).filter((f) => /:\d+$/.test(f))
  if (lines.length) out.push(`line filters ${lines.map(quoted).join(' ')}`)
  if (source.changed) out.push(typeof source.changed === 'string' ? `--changed ${source.changed}` : '--changed')
  if (some(source.related)) out.push(`related to ${source.related.map(quoted).join(' ')}`)
  if (some(source.tagsFilter)) out.push(`--tags-filter ${source.tagsFilter.map(quoted).join(' ')}`)
  return out
}

/** The parts of Jest's global configuration (29 and 30) that filter tests. */
export interface JestFilterSource {
  testNamePattern?: string | null | undefined
  onlyChanged?: boolean | undefined
  onlyFailures?: boolean | undefined
  findRelatedTests?: boolean | undefined
  changedSince?: string | null | undefined
  /** With `findRelatedTests`, the source files named. */
  nonFlagArgs?: readonly string[] | undefined
}

/** The filters of a Jest run, one phrase each, e.g. `-t "a1$"`; empty for a run of every test. */
export function jestFilters(source: JestFilterSource): string[] {
  const out: string[] = []
  if (source.testNamePattern) out.push(`-t ${quoted(source.testNamePattern)}`)
  if (source.findRelatedTests) out.push(`--findRelatedTests${some(source.nonFlagArgs) ? ` ${source.nonFlagArgs.map(quoted).join(' ')}` : ''}`)
  if (source.onlyChanged) out.push('--onlyChanged')
  if (source.changedSince) out.push(`--changedSince ${source.changedSince}`)
  if (source.onlyFailures) out.push('--onlyFailures')
  return out
}
