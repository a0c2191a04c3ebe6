// Turns describeEval's `data` into validated cases: reads the file (or takes the array),
// gives each row its stable id and human label, and checks it against the schema. Every
// problem is a usage error that names the file and line, so a bad row is fixed in one look.
import { readFileSync } from 'node:fs'
import { extname, isAbsolute, relative, resolve, sep } from 'node:path'
import { AssayUsageError } from '../errors.js'
import { describeValue, formatZodIssues } from '../validate.js'
import { readCsv, readJson, readJsonl, type RawRow } from './data-files.js'
import type { DatasetCase, HumanLabel } from './types.js'

/** Where describeEval's rows come from: a data file's path, an array, or a function returning one. */
export type DatasetSource = string | readonly unknown[] | (() => readonly unknown[])

interface SchemaIssue {
  readonly message: string
  readonly path?: readonly PropertyKey[] | undefined
}

/** A zod schema (3 or 4) for a row; the case's `row` is what it outputs. */
export interface RowSchema<Row> {
  safeParse(value: unknown): { success: true; data: Row } | { success: false; error: { issues: readonly SchemaIssue[] } }
}

/** Where paths are resolved from. */
export interface LoadOptions {
  /** The project root: the runner's root (Vitest) or rootDir (Jest), else the working directory. */
  root: string
}

const fail = (message: string, callSite: Function = loadDataset): never => {
  throw new AssayUsageError('describeEval', message, callSite)
}

const isThenable = (v: unknown) => v !== null && (typeof v === 'object' || typeof v === 'function') && typeof (v as { then?: unknown }).then === 'function'

const LOAD_FIRST = 'load the data before describeEval: `const rows = await loadRows()` at the top level of the test file, then `data: rows`.'

function readFile(data: string, root: string): { rows: RawRow[]; name: string } {
  const path = resolve(root, data)
  const rel = relative(root, path)
  const name = rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : path
  const ext = extname(path).toLowerCase()
  if (ext !== '.jsonl' && ext !== '.json' && ext !== '.csv') {
    fail(`the data file ${name} has the extension "${extname(path)}", but a data file must be .jsonl (one JSON object a line), .json (an array of objects) or .csv (a header row, then one row a line). Convert it, or read it yourself and pass the rows as an array.`)
  }
  let bytes: Buffer
  try {
    bytes = readFileSync(path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') fail(`the data file ${data} was not found: looked for ${path}. Give a path relative to the project root (${root}) or an absolute path.`)
    return fail(`the data file ${path} cannot be read (${(error as Error).message}).`)
  }
  if (ext === '.csv') return { rows: readCsv(bytes, name), name }
  const text = bytes.toString('utf8')
  return { rows: ext === '.jsonl' ? readJsonl(text, name) : readJson(text, name), name }
}

function rowsOf(data: unknown): { rows: RawRow[]; name: string } {
  const fromArray = (list: readonly unknown[]) => ({ rows: list.map((value, i) => ({ value, where: `data[${i}]`, fallbackId: String(i) })), name: 'data' })
  if (Array.isArray(data)) return fromArray(data)
  if (typeof data === 'function') {
    const list: unknown = (data as () => unknown)()
    if (isThenable(list)) fail(`data() returned a Promise, but describeEval declares its cases synchronously, when the test file is collected; ${LOAD_FIRST}`)
    if (!Array.isArray(list)) fail(`data() must return an array of rows, but returned ${describeValue(list)}.`)
    return fromArray(list as unknown[])
  }
  if (isThenable(data)) fail(`data is a Promise, but describeEval declares its cases synchronously, when the test file is collected; ${LOAD_FIRST}`)
  return fail(`data must be a path to a .jsonl, .json or .csv file, an array of rows, or a function returning one, but got ${describeValue(data)}.`)
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v)

function idOf(raw: RawRow): string {
  if (!isRecord(raw.value) || !('id' in raw.value) || raw.value.id === undefined) return raw.fallbackId
  const id = raw.value.id
  if (typeof id === 'number' && Number.isFinite(id)) return String(id)
  // An id of only whitespace names nothing a reader can see in a test list or a report.
  if (typeof id === 'string' && id.trim() !== '') return id
  const what = typeof id === 'string' ? 'a non-empty string (not only whitespace)' : 'a string'
  return fail(`${raw.where}: the id field must be ${what} or a number, but got ${describeValue(id)}. Give every row a unique string or number id, or leave id out to use the line (JSONL, CSV) or index (JSON, arrays).`)
}

const LABEL = 'a human label { pass?: boolean, score?: number }'

function labelOf(expected: unknown, where: string): HumanLabel | undefined {
  if (!isRecord(expected)) {
    return fail(`${where}: expected must be ${LABEL}, but got ${describeValue(expected)}. \`expected\` is kept for human labels: rename a reference answer to another field, such as \`reference\`.`)
  }
  const label: HumanLabel = {}
  for (const [key, value] of Object.entries(expected)) {
    if (key === 'pass') {
      if (typeof value !== 'boolean') fail(`${where}: expected.pass must be true or false, but got ${describeValue(value)}.`)
      label.pass = value as boolean
    } else if (key === 'score') {
      if (typeof value !== 'number' || !Number.isFinite(value)) fail(`${where}: expected.score must be a finite number, but got ${describeValue(value)}.`)
      label.score = value as number
    } else {
      fail(`${where}: expected has an unknown field "${key}": a label has only pass and score (${LABEL}).`)
    }
  }
  return label.pass === undefined && label.score === undefined ? undefined : label
}

/** The row without its label, which is for the judge's calibration, not for the task. */
function splitLabel(raw: RawRow): { value: unknown; label: HumanLabel | undefined } {
  if (raw.csvLabel !== undefined || !isRecord(raw.value) || !('expected' in raw.value)) return { value: raw.value, label: raw.csvLabel }
  const { expected, ...value } = raw.value
  return { value, label: labelOf(expected, raw.where) }
}

const MAX_REPORTED = 5

/**
 * Loads a dataset's rows as cases: from a `.jsonl`, `.json` or `.csv` file (a path
 * relative to `root`), an array, or a synchronous function returning one. Each row is
 * checked against `schema`; a case's id is the row's `id` field (a string or number),
 * else its 1-based line (JSONL, CSV) or 0-based index (JSON, arrays). A row's `expected`
 * field (`{ pass?, score? }`, in CSV the columns `expected.pass` and `expected.score`)
 * becomes the case's human label and is taken out of the row.
 *
 * @throws AssayUsageError naming the file and line: a missing file, an unknown extension,
 *   malformed JSON or CSV, rows failing the schema (the first 5), a bad id or label,
 *   duplicate ids, an empty dataset, a schema that is not zod, data that is a Promise.
 *
 * @example
 * ```ts
 * const cases = loadDataset('fixtures/datasets/news.jsonl', z.object({ id: z.string(), article: z.string() }), { root: process.cwd() })
 * ```
 */
export function loadDataset<Row>(data: DatasetSource, schema: RowSchema<Row>, options: LoadOptions): DatasetCase<Row>[] {
  if (schema === null || typeof schema !== 'object' || typeof (schema as { safeParse?: unknown }).safeParse !== 'function') {
    fail(`schema must be a zod schema (with safeParse), such as z.object({ id: z.string(), article: z.string() }), but got ${describeValue(schema)}.`)
  }
  const { rows, name } = typeof data === 'string' ? readFile(data, options.root) : rowsOf(data)
  if (rows.length === 0) fail(`the dataset ${name} has no rows. Add at least one row.`)

  const cases: DatasetCase<Row>[] = []
  const bad: string[] = []
  let badCount = 0
  // Keyed by the NFC form: "café" composed and decomposed show as one test name.
  const seen = new Map<string, { id: string; where: string }>()
  const unique = 'Ids name cases in reports, cassettes and comparisons between runs, so each must be unique: change one of them'
  for (const raw of rows) {
    const id = idOf(raw)
    const first = seen.get(id.normalize('NFC'))
    if (first !== undefined && first.id === id) fail(`two rows have the id "${id}": ${first.where} and ${raw.where}. ${unique}.`)
    if (first !== undefined) {
      fail(`two rows have ids that are the same text once Unicode-normalised (NFC): "${first.id}" at ${first.where} and "${id}" at ${raw.where}, which show alike but are written with different code points. ${unique}, or write both the same way.`)
    }
    seen.set(id.normalize('NFC'), { id, where: raw.where })
    const { value, label } = splitLabel(raw)
    let parsed: ReturnType<RowSchema<Row>['safeParse']>
    try {
      parsed = schema.safeParse(value)
    } catch (error) {
      return fail(`${raw.where}: the schema threw instead of validating (${(error as Error).message}). A dataset schema must validate synchronously: remove async refinements and transforms.`)
    }
    if (!parsed.success) {
      if (++badCount <= MAX_REPORTED) {
        const idNote = raw.fallbackId === id ? '' : ` (id ${JSON.stringify(id)})`
        bad.push(`${raw.where}${idNote}:\n${formatZodIssues(parsed.error.issues as Parameters<typeof formatZodIssues>[0], value, '')}`)
      }
      continue
    }
    cases.push({ id, row: parsed.data, where: raw.where, ...(label ? { expected: label } : {}) })
  }
  if (badCount > 0) {
    const more = badCount > MAX_REPORTED ? `\n… and ${badCount - MAX_REPORTED} more rows.` : ''
    fail(`${badCount === 1 ? '1 row does not' : `${badCount} rows do not`} match the schema:\n${bad.join('\n')}${more}\nFix the rows, or change the schema to accept them.`)
  }
  return cases
}
