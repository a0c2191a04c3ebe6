// Reads a dataset's file into raw rows, each with where it came from (file:line for JSONL
// and CSV, file[index] for JSON) and the id it gets without an id field. Every reader is
// one pass over the text, so a 100,000-row file loads in linear time.
import { parse } from 'csv-parse/sync'
import { AssayUsageError } from '../errors.js'
import { describeValue } from '../validate.js'
import type { HumanLabel } from './types.js'

/** A row as read, before its id, label and schema are looked at. */
export interface RawRow {
  value: unknown
  /** `news.jsonl:12`, `news.json[3]`, `data[3]`. */
  where: string
  /** The id without an `id` field: the 1-based line (JSONL, CSV) or 0-based index. */
  fallbackId: string
  /** CSV rows carry their label as columns, read here; other rows keep `expected` in `value`. */
  csvLabel?: HumanLabel | undefined
}

const fail = (message: string): never => {
  throw new AssayUsageError('describeEval', message)
}

export function readJsonl(text: string, name: string): RawRow[] {
  const rows: RawRow[] = []
  let line = 0
  let start = 0
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  while (start <= body.length) {
    let end = body.indexOf('\n', start)
    if (end === -1) end = body.length
    line++
    const content = body.slice(start, end).trim()
    start = end + 1
    if (content === '') continue
    let value: unknown
    try {
      value = JSON.parse(content)
    } catch (error) {
      fail(`${name}:${line} is not valid JSON (${(error as Error).message}). Each line of a .jsonl file must be one JSON object, such as {"id": "a", "article": "…"}; fix the line.`)
    }
    rows.push({ value, where: `${name}:${line}`, fallbackId: String(line) })
  }
  return rows
}

export function readJson(text: string, name: string): RawRow[] {
  let value: unknown
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text)
  } catch (error) {
    fail(`${name} is not valid JSON (${(error as Error).message}). Fix the file.`)
  }
  if (!Array.isArray(value)) fail(`${name} must hold an array of rows, such as [{"id": "a", "article": "…"}], but holds ${describeValue(value)}.`)
  return (value as unknown[]).map((v, i) => ({ value: v, where: `${name}[${i}]`, fallbackId: String(i) }))
}

const LABEL_COLUMNS = new Set(['expected.pass', 'expected.score'])

function csvLabel(cells: Record<string, string>, where: string): HumanLabel | undefined {
  const label: HumanLabel = {}
  const pass = cells['expected.pass']?.trim()
  if (pass) {
    const lower = pass.toLowerCase()
    if (lower !== 'true' && lower !== 'false') fail(`${where}: the expected.pass column must be true or false (or empty), but got ${describeValue(cells['expected.pass'])}.`)
    label.pass = lower === 'true'
  }
  const score = cells['expected.score']?.trim()
  if (score) {
    const n = Number(score)
    if (!Number.isFinite(n)) fail(`${where}: the expected.score column must be a number (or empty), but got ${describeValue(cells['expected.score'])}.`)
    label.score = n
  }
  return label.pass === undefined && label.score === undefined ? undefined : label
}

/**
 * CSV with a header row. csv-parse's own line count drifts on CRLF files, so each row's
 * first line is counted here from the byte offset where the previous record ended.
 */
export function readCsv(bytes: Buffer, name: string): RawRow[] {
  let header: string[] | undefined
  const rows: RawRow[] = []
  let offset = 0
  let line = 1
  /** The 1-based line where the next record starts, skipping blank lines. */
  const nextStart = () => {
    let at = offset
    let l = line
    while (at < bytes.length && (bytes[at] === 0x0a || bytes[at] === 0x0d)) {
      if (bytes[at] === 0x0a) l++
      at++
    }
    return l
  }
  const advance = (to: number) => {
    for (; offset < to; offset++) if (bytes[offset] === 0x0a) line++
  }
  try {
    parse(bytes, {
      bom: true,
      skip_empty_lines: true,
      on_record: (record: string[], context: { bytes: number }) => {
        const start = nextStart()
        advance(context.bytes)
        if (!header) {
          header = record
          const seen = new Set<string>()
          for (const column of header) {
            if (seen.has(column)) fail(`${name}:1: the header names the column "${column}" twice. Give each column its own name.`)
            // Assigned to a row, "__proto__" would set its prototype and its cells vanish.
            if (column === '__proto__') fail(`${name}:1: the header names a column "__proto__", a name JavaScript objects reserve for their prototype, so its cells cannot be kept as a field of the row. Rename the column.`)
            seen.add(column)
          }
          return null
        }
        const cells: Record<string, string> = {}
        const value: Record<string, string> = {}
        header.forEach((column, i) => {
          cells[column] = record[i]!
          if (!LABEL_COLUMNS.has(column)) value[column] = record[i]!
        })
        const where = `${name}:${start}`
        rows.push({ value, where, fallbackId: String(start), csvLabel: csvLabel(cells, where) })
        return null
      },
    })
  } catch (error) {
    if (error instanceof AssayUsageError) throw error
    const reason = (error as Error).message.replace(/\s+(?:on|at) line \d+/g, '')
    fail(`${name}:${nextStart()} cannot be read as CSV: ${reason.replace(/\.$/, '')}. Every row needs as many cells as the header has columns, and a cell with a comma, quote or line break must be quoted ("…", with "" for a quote).`)
  }
  return rows
}
