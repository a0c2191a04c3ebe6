import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { z } from 'zod'
import { AssayUsageError } from '../../src/errors.js'
import { loadDataset } from '../../src/eval/dataset.js'

const root = resolve(import.meta.dirname, '../..')
const news = z.object({ id: z.string(), article: z.string() })

const scratch = mkdtempSync(join(tmpdir(), 'assay-dataset-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))
let files = 0
/** Writes a data file under a fresh project root and returns that root and its name. */
function project(name: string, text: string | Buffer): { root: string; data: string } {
  const dir = join(scratch, `p${++files}`)
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, name), text)
  return { root: dir, data: name }
}

/** The usage error `fn` throws. */
function usageError(fn: () => unknown): AssayUsageError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(AssayUsageError)
    return error as AssayUsageError
  }
  throw new Error('expected a usage error, but nothing was thrown')
}

describe('formats', () => {
  test('news.jsonl, news.json and news.csv give the same cases', () => {
    const jsonl = loadDataset('fixtures/datasets/news.jsonl', news, { root })
    const json = loadDataset('fixtures/datasets/news.json', news, { root })
    const csv = loadDataset('fixtures/datasets/news.csv', news, { root })
    expect(jsonl.map((c) => c.id)).toEqual(['harbour-bridge', 'library-reopens', 'rail-strike', 'rates-hold'])
    expect(json.map((c) => c.row)).toEqual(jsonl.map((c) => c.row))
    expect(csv.map((c) => c.row)).toEqual(jsonl.map((c) => c.row))
    expect(csv.map((c) => c.id)).toEqual(jsonl.map((c) => c.id))
    expect(jsonl[1]!.row.article).toContain('renovation.\nIt now')
    expect(jsonl.map((c) => c.where)).toEqual(['fixtures/datasets/news.jsonl:1', 'fixtures/datasets/news.jsonl:2', 'fixtures/datasets/news.jsonl:3', 'fixtures/datasets/news.jsonl:4'])
    expect(json[2]!.where).toBe('fixtures/datasets/news.json[2]')
    // The second article spans lines 3 and 4 of the CSV (a quoted newline).
    expect(csv.map((c) => c.where)).toEqual(['fixtures/datasets/news.csv:2', 'fixtures/datasets/news.csv:3', 'fixtures/datasets/news.csv:5', 'fixtures/datasets/news.csv:6'])
    expect(jsonl.every((c) => c.expected === undefined)).toBe(true)
  })

  test('an array, and a function returning one', () => {
    const rows = [{ article: 'a' }, { article: 'b' }]
    const schema = z.object({ article: z.string() })
    const fromArray = loadDataset(rows, schema, { root })
    expect(fromArray).toEqual([
      { id: '0', row: { article: 'a' }, where: 'data[0]' },
      { id: '1', row: { article: 'b' }, where: 'data[1]' },
    ])
    expect(loadDataset(() => rows, schema, { root })).toEqual(fromArray)
  })

  test("the row handed on is the schema's output", () => {
    const { root: dir, data } = project('prices.csv', 'item,price\napple,0.5\npear,0.75\n')
    const cases = loadDataset(data, z.object({ item: z.string().toUpperCase(), price: z.coerce.number() }), { root: dir })
    expect(cases.map((c) => c.row)).toEqual([
      { item: 'APPLE', price: 0.5 },
      { item: 'PEAR', price: 0.75 },
    ])
  })

  test('an absolute path works too', () => {
    const cases = loadDataset(join(root, 'fixtures/datasets/news.jsonl'), news, { root: scratch })
    expect(cases).toHaveLength(4)
  })
})

describe('ids', () => {
  test('without an id field: the JSONL line, blank lines counted; numbers become strings', () => {
    const { root: dir, data } = project('rows.jsonl', '{"article":"a"}\n\n   \n{"article":"b"}\r\n{"id":7,"article":"c"}\n')
    const cases = loadDataset(data, z.object({ article: z.string() }), { root: dir })
    expect(cases.map((c) => [c.id, c.where])).toEqual([
      ['1', 'rows.jsonl:1'],
      ['4', 'rows.jsonl:4'],
      ['7', 'rows.jsonl:5'],
    ])
  })

  test('without an id column: the CSV line where the row starts, the header being line 1', () => {
    const text = '\uFEFFarticle,topic\r\n"two\r\nlines",x\r\n\r\nplain,y\r\n"café\nau lait",z\r\nlast,w'
    const { root: dir, data } = project('rows.csv', text)
    const cases = loadDataset(data, z.object({ article: z.string(), topic: z.string() }), { root: dir })
    expect(cases.map((c) => [c.id, c.row.topic])).toEqual([
      ['2', 'x'],
      ['5', 'y'],
      ['6', 'z'],
      ['8', 'w'],
    ])
  })

  test('ids stay put when rows are appended', () => {
    const first = project('grow.jsonl', '{"article":"a"}\n{"article":"b"}\n')
    const grown = project('grow.jsonl', '{"article":"a"}\n{"article":"b"}\n{"article":"c"}\n')
    const schema = z.object({ article: z.string() })
    const before = loadDataset(first.data, schema, { root: first.root }).map((c) => c.id)
    const after = loadDataset(grown.data, schema, { root: grown.root }).map((c) => c.id)
    expect(after.slice(0, 2)).toEqual(before)
  })

  test('an id that is not a string or a number is a usage error naming the row', () => {
    const { root: dir, data } = project('ids.jsonl', '{"id":"a","article":"x"}\n{"id":{"n":1},"article":"y"}\n')
    const error = usageError(() => loadDataset(data, z.object({ article: z.string() }), { root: dir }))
    expect(error.message).toBe('describeEval: ids.jsonl:2: the id field must be a string or a number, but got an object. Give every row a unique string or number id, or leave id out to use the line (JSONL, CSV) or index (JSON, arrays).')
    expect(usageError(() => loadDataset([{ id: '' }], z.object({}), { root })).message).toMatch(/data\[0\]: the id field must be a non-empty string \(not only whitespace\) or a number, but got string ""/)
  })

  test('an id of only whitespace is a usage error naming the row', () => {
    expect(usageError(() => loadDataset([{ id: 'a' }, { id: ' \t' }], z.object({}), { root })).message).toMatch(/^describeEval: data\[1\]: the id field must be a non-empty string \(not only whitespace\) or a number, but got string " \\t"/)
    const { root: dir, data } = project('blank-id.csv', 'id,text\n" ",x\n')
    expect(usageError(() => loadDataset(data, z.object({ text: z.string() }), { root: dir })).message).toMatch(/^describeEval: blank-id\.csv:2: the id field must be a non-empty string \(not only whitespace\)/)
  })

  test('ids equal after Unicode NFC normalisation are duplicates, naming both', () => {
    const composed = 'caf\u00e9'
    const decomposed = 'cafe\u0301'
    const { root: dir, data } = project('nfc.jsonl', `${JSON.stringify({ id: composed, text: 'x' })}\n${JSON.stringify({ id: decomposed, text: 'y' })}\n`)
    const error = usageError(() => loadDataset(data, z.object({ id: z.string(), text: z.string() }), { root: dir }))
    expect(error.message).toBe(
      `describeEval: two rows have ids that are the same text once Unicode-normalised (NFC): "${composed}" at nfc.jsonl:1 and "${decomposed}" at nfc.jsonl:2, which show alike but are written with different code points. Ids name cases in reports, cassettes and comparisons between runs, so each must be unique: change one of them, or write both the same way.`,
    )
  })

  test('duplicate ids are a usage error naming both places', () => {
    const { root: dir, data } = project('dup.jsonl', '{"id":"a","article":"x"}\n{"id":"b","article":"y"}\n{"id":"a","article":"z"}\n')
    const error = usageError(() => loadDataset(data, news, { root: dir }))
    expect(error.message).toBe('describeEval: two rows have the id "a": dup.jsonl:1 and dup.jsonl:3. Ids name cases in reports, cassettes and comparisons between runs, so each must be unique: change one of them.')
    // A line id can collide with an explicit one.
    expect(usageError(() => loadDataset([{ id: 1 }, {}], z.object({}), { root })).message).toContain('two rows have the id "1": data[0] and data[1]')
  })
})

describe('human labels', () => {
  test('labelled.jsonl: expected pass and score become the case label and leave the row', () => {
    const cases = loadDataset('fixtures/datasets/labelled.jsonl', news.strict(), { root })
    expect(cases.map((c) => [c.id, c.expected])).toEqual([
      ['harbour-bridge', { pass: true, score: 9 }],
      ['library-reopens', { pass: true }],
      ['rail-strike', { pass: false, score: 3 }],
      ['rates-hold', { score: 7 }],
      ['ferry-timetable', undefined],
    ])
    expect(Object.keys(cases[0]!.row)).toEqual(['id', 'article'])
  })

  test('CSV columns expected.pass and expected.score, an empty cell being no label', () => {
    const text = 'id,article,expected.pass,expected.score\na,x,true,8\nb,y,FALSE,\nc,z,,2.5\nd,w,,\n'
    const { root: dir, data } = project('labels.csv', text)
    const cases = loadDataset(data, news.strict(), { root: dir })
    expect(cases.map((c) => c.expected)).toEqual([{ pass: true, score: 8 }, { pass: false }, { score: 2.5 }, undefined])
    expect(cases[0]!.row).toEqual({ id: 'a', article: 'x' })
  })

  test.each([
    ['{"id":"a","expected":"a good summary"}', /rows\.jsonl:1: expected must be a human label \{ pass\?: boolean, score\?: number \}, but got string "a good summary"\. `expected` is kept for human labels: rename a reference answer to another field, such as `reference`\./],
    ['{"id":"a","expected":{"pass":"yes"}}', /rows\.jsonl:1: expected\.pass must be true or false, but got string "yes"/],
    ['{"id":"a","expected":{"score":"9"}}', /rows\.jsonl:1: expected\.score must be a finite number, but got string "9"/],
    ['{"id":"a","expected":{"passed":true}}', /rows\.jsonl:1: expected has an unknown field "passed": a label has only pass and score/],
  ])('a malformed label is a usage error naming the row: %s', (line, message) => {
    const { root: dir, data } = project('rows.jsonl', `${line}\n`)
    expect(usageError(() => loadDataset(data, z.object({ id: z.string() }), { root: dir })).message).toMatch(message)
  })

  test('a CSV column named __proto__ is a usage error naming the file and the column; constructor and prototype are kept as fields', () => {
    const { root: dir, data } = project('proto.csv', 'id,__proto__,text\na,polluted,x\n')
    expect(usageError(() => loadDataset(data, z.object({ text: z.string() }), { root: dir })).message).toBe(
      'describeEval: proto.csv:1: the header names a column "__proto__", a name JavaScript objects reserve for their prototype, so its cells cannot be kept as a field of the row. Rename the column.',
    )
    const kept = project('ctor.csv', 'id,constructor,prototype\na,c1,p1\n')
    const [row] = loadDataset(kept.data, z.object({ constructor: z.string(), prototype: z.string() }), { root: kept.root })
    expect(row!.row).toEqual({ constructor: 'c1', prototype: 'p1' })
    expect(Object.getPrototypeOf(row!.row)).toBe(Object.prototype)
  })

  test('a malformed CSV label names the row and the column', () => {
    const { root: dir, data } = project('labels.csv', 'id,expected.pass,expected.score\na,yes,\nb,,nine\n')
    expect(usageError(() => loadDataset(data, z.object({ id: z.string() }), { root: dir })).message).toMatch(/labels\.csv:2: the expected\.pass column must be true or false \(or empty\), but got string "yes"/)
  })
})

describe('usage errors', () => {
  test('a missing file names the resolved path', () => {
    const error = usageError(() => loadDataset('fixtures/datasets/nope.jsonl', news, { root }))
    expect(error.message).toBe(`describeEval: the data file fixtures/datasets/nope.jsonl was not found: looked for ${join(root, 'fixtures/datasets/nope.jsonl')}. Give a path relative to the project root (${root}) or an absolute path.`)
  })

  test('an unknown extension', () => {
    const { root: dir, data } = project('rows.txt', 'hello\n')
    expect(usageError(() => loadDataset(data, news, { root: dir })).message).toBe('describeEval: the data file rows.txt has the extension ".txt", but a data file must be .jsonl (one JSON object a line), .json (an array of objects) or .csv (a header row, then one row a line). Convert it, or read it yourself and pass the rows as an array.')
  })

  test('malformed JSON on a JSONL line names file:line', () => {
    const { root: dir, data } = project('rows.jsonl', '{"id":"a","article":"x"}\n\n{"id":"b", article: y}\n')
    expect(usageError(() => loadDataset(data, news, { root: dir })).message).toMatch(/^describeEval: rows\.jsonl:3 is not valid JSON \(.+\)\. Each line of a \.jsonl file must be one JSON object, such as \{"id": "a", "article": "…"\}; fix the line\.$/)
  })

  test('a JSON file that is not an array of rows', () => {
    const bad = project('rows.json', '[{"id": "a",}]')
    expect(usageError(() => loadDataset(bad.data, news, { root: bad.root })).message).toMatch(/^describeEval: rows\.json is not valid JSON \(.+\)\. Fix the file\.$/)
    const object = project('rows.json', '{"rows": []}')
    expect(usageError(() => loadDataset(object.data, news, { root: object.root })).message).toBe('describeEval: rows.json must hold an array of rows, such as [{"id": "a", "article": "…"}], but holds an object.')
  })

  test('a CSV parse error names file:line', () => {
    const { root: dir, data } = project('rows.csv', 'id,article\r\na,"fine\r\nstill fine"\r\nb,x,extra\r\nc,y\r\n')
    const error = usageError(() => loadDataset(data, news, { root: dir }))
    expect(error.message).toMatch(/^describeEval: rows\.csv:4 cannot be read as CSV: Invalid Record Length: .+\. Every row needs as many cells as the header has columns, and a cell with a comma, quote or line break must be quoted \("…", with "" for a quote\)\.$/)
    const open = project('open.csv', 'id,article\na,x\nb,"never closed\nc,y\n')
    expect(usageError(() => loadDataset(open.data, news, { root: open.root })).message).toMatch(/^describeEval: open\.csv:3 cannot be read as CSV: Quote Not Closed/)
  })

  test('bad-row.jsonl: a row failing the schema names file:line, the path and the issue', () => {
    const error = usageError(() => loadDataset('fixtures/datasets/bad-row.jsonl', news, { root }))
    expect(error.message).toBe(
      'describeEval: 1 row does not match the schema:\n' +
        'fixtures/datasets/bad-row.jsonl:2 (id "rail-strike"):\n' +
        '  - article: Invalid input: expected string, received number (received number 42)\n' +
        'Fix the rows, or change the schema to accept them.',
    )
  })

  test('schema failures stop at the first 5 rows and count the rest', () => {
    const rows = Array.from({ length: 8 }, (_, i) => ({ id: `r${i}`, article: i % 2 ? 'fine' : null }))
    const message = usageError(() => loadDataset(rows, news, { root })).message
    expect(message.startsWith('describeEval: 4 rows do not match the schema:\n')).toBe(true)
    expect(message.match(/^data\[\d\]/gm)).toEqual(['data[0]', 'data[2]', 'data[4]', 'data[6]'])
    const many = Array.from({ length: 20 }, (_, i) => ({ id: `r${i}`, article: 1 }))
    const capped = usageError(() => loadDataset(many, news, { root })).message
    expect(capped.match(/^data\[\d+\]/gm)).toEqual(['data[0]', 'data[1]', 'data[2]', 'data[3]', 'data[4]'])
    expect(capped).toContain('… and 15 more rows.\nFix the rows')
  })

  test('an empty dataset', () => {
    const { root: dir, data } = project('empty.jsonl', '\n\n')
    expect(usageError(() => loadDataset(data, news, { root: dir })).message).toBe('describeEval: the dataset empty.jsonl has no rows. Add at least one row.')
    expect(usageError(() => loadDataset([], news, { root })).message).toBe('describeEval: the dataset data has no rows. Add at least one row.')
    const header = project('header.csv', 'id,article\n')
    expect(usageError(() => loadDataset(header.data, news, { root: header.root })).message).toContain('has no rows')
  })

  test('a schema that is not a zod schema', () => {
    expect(usageError(() => loadDataset([{}], { id: 'string' } as never, { root })).message).toBe(
      'describeEval: schema must be a zod schema (with safeParse), such as z.object({ id: z.string(), article: z.string() }), but got an object.',
    )
  })

  test('data that is a Promise, or a function returning one, asks to load the data first', () => {
    const asyncRows = async () => [{ id: 'a', article: 'x' }]
    const hint = /load the data before describeEval: `const rows = await loadRows\(\)` at the top level of the test file, then `data: rows`/
    expect(usageError(() => loadDataset(asyncRows as never, news, { root })).message).toMatch(/data\(\) returned a Promise, but describeEval declares its cases synchronously/)
    expect(usageError(() => loadDataset(asyncRows as never, news, { root })).message).toMatch(hint)
    expect(usageError(() => loadDataset(asyncRows() as never, news, { root })).message).toMatch(/data is a Promise/)
  })

  test('data of another kind', () => {
    expect(usageError(() => loadDataset(42 as never, news, { root })).message).toBe(
      'describeEval: data must be a path to a .jsonl, .json or .csv file, an array of rows, or a function returning one, but got number 42.',
    )
    expect(usageError(() => loadDataset(() => 'rows' as never, news, { root })).message).toMatch(/data\(\) must return an array of rows, but returned string "rows"/)
  })
})

describe('size', () => {
  test('100,000 rows load (JSONL and CSV)', { timeout: 60_000 }, () => {
    const lines = Array.from({ length: 100_000 }, (_, i) => `{"article":"Row ${i} says the harbour bridge opens in ${2020 + (i % 9)}."}`)
    const jsonl = project('big.jsonl', `${lines.join('\n')}\n`)
    const schema = z.object({ article: z.string() })
    const started = performance.now()
    const cases = loadDataset(jsonl.data, schema, { root: jsonl.root })
    expect(cases).toHaveLength(100_000)
    expect(cases[99_999]!.id).toBe('100000')
    const csv = project('big.csv', `article\n${Array.from({ length: 100_000 }, (_, i) => `"Row ${i}, quoted"`).join('\n')}\n`)
    const rows = loadDataset(csv.data, schema, { root: csv.root })
    expect(rows[99_999]).toMatchObject({ id: '100001', row: { article: 'Row 99999, quoted' } })
    // A generous bound: quadratic work at this size takes minutes; bench/dataset.mjs measures it.
    expect(performance.now() - started).toBeLessThan(20_000)
  })
})
