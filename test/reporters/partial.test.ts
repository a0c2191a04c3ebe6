import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { sampleRun } from '../../fixtures/report/sample-run.js'
import { writeReport } from '../../reporters/output.js'
import { buildResults } from '../../src/report/build.js'
import { parseResults } from '../../src/report/schema.js'

let root: string
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'assay-output-'))
  mkdirSync(join(root, 'test'))
})
afterEach(() => rmSync(root, { recursive: true, force: true }))

/** A run over the first `files` of three test files, which exist on disk. */
function run(files: number, minute: number) {
  const input = sampleRun({ tests: 150, perFile: 50, root })
  for (const f of input.files) writeFileSync(f.path, `// ${f.path}\n`)
  input.files = input.files.slice(0, files)
  input.startedAt = new Date(Date.UTC(2026, 10, 28, 9, minute))
  return buildResults(input)
}

test('a partial run writes its report to partial/ and says so; the full run’s report stays in place', () => {
  const lines: string[] = []
  const full = writeReport(run(3, 0), root, {}, (l) => lines.push(l))
  expect(full.dir).toBe(join(root, 'assay-report'))
  const before = readFileSync(join(root, 'assay-report/index.html'), 'utf8')

  const partial = writeReport(run(1, 1), root, {}, (l) => lines.push(l))
  expect(partial.dir).toBe(join(root, 'assay-report/partial'))
  expect(readFileSync(join(root, 'assay-report/index.html'), 'utf8')).toBe(before)
  expect(parseResults(readFileSync(join(root, 'assay-report/results.json'), 'utf8')).run).toMatchObject({ scope: ['test/summaries-000.test.ts', 'test/summaries-001.test.ts', 'test/summaries-002.test.ts'] })
  const results = parseResults(readFileSync(join(root, 'assay-report/partial/results.json'), 'utf8'))
  expect(results.run).toMatchObject({ scope: ['test/summaries-000.test.ts'], partialOf: 3 })
  expect(readFileSync(join(root, 'assay-report/partial/index.html'), 'utf8')).toContain('Partial run: 1 of 3 files.')
  expect(lines.at(-1)!.split('\n').at(-1)).toMatch(/^assay: report .*assay-report\/partial\/index\.html \(partial run: 1 of 3 files; the full run's report stays in .*assay-report\)$/)

  // Both runs are in the one history; the next full run writes the main report again.
  const again = writeReport(run(3, 2), root, {}, () => {})
  expect(again.dir).toBe(join(root, 'assay-report'))
  expect(readFileSync(join(root, 'assay-report/index.html'), 'utf8')).not.toBe(before)
  expect(readFileSync(join(root, 'assay-report/index.html'), 'utf8')).toContain('(2 runs)')
})

test('a shard writes its report to the report folder, never to partial/, though it covers only some of the files', () => {
  writeReport(run(3, 0), root, {}, () => {})
  const shard = run(1, 1)
  shard.run.shard = { index: 1, count: 3 }
  const written = writeReport(shard, root, {}, () => {})
  expect(written.dir).toBe(join(root, 'assay-report'))
  const results = parseResults(readFileSync(join(root, 'assay-report/results.json'), 'utf8'))
  expect(results.run.shard).toEqual({ index: 1, count: 3 })
  expect(results.run.partialOf).toBeUndefined()
})

test('writeReport can be told the folder to write to, whatever ASSAY_REPORT_DIR says', () => {
  const saved = process.env.ASSAY_REPORT_DIR
  process.env.ASSAY_REPORT_DIR = join(root, 'elsewhere')
  try {
    const written = writeReport(run(3, 0), root, {}, () => {}, join(root, 'merged'))
    expect(written.dir).toBe(join(root, 'merged'))
    expect(parseResults(readFileSync(join(root, 'merged/results.json'), 'utf8')).files).toHaveLength(3)
  } finally {
    if (saved === undefined) delete process.env.ASSAY_REPORT_DIR
    else process.env.ASSAY_REPORT_DIR = saved
  }
})
