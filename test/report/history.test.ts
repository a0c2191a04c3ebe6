import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { sampleRun } from '../../fixtures/report/sample-run.js'
import { buildResults } from '../../src/report/build.js'
import { appendHistory, readHistory } from '../../src/report/history.js'
import { nodeFileSystem } from '../../src/store/file.js'

let dir: string
const fs = nodeFileSystem()
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'assay-history-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const runAt = (minute: number) => {
  const input = sampleRun({ tests: 7 })
  input.startedAt = new Date(Date.UTC(2026, 10, 28, 9, minute))
  return buildResults(input)
}

test('a missing history folder is an empty history', () => {
  expect(readHistory(fs, join(dir, 'nope'))).toEqual({ entries: [], unreadable: [] })
})

test('runs are kept oldest first, and only the newest `retain` survive', () => {
  for (let m = 0; m < 5; m++) appendHistory(fs, dir, runAt(m), 3, `0000000${m}`)
  const { entries } = readHistory(fs, dir)
  expect(entries.map((e) => e.run.startedAt)).toEqual(['2026-11-28T09:02:00.000Z', '2026-11-28T09:03:00.000Z', '2026-11-28T09:04:00.000Z'])
  expect(readdirSync(dir)).toHaveLength(3)
  // An entry holds the run header and totals, not every test.
  expect(entries[0]).toEqual({ schema: 'assay-history', version: 1, run: runAt(2).run, totals: runAt(2).totals })
})

test('two runs started in the same millisecond are both kept', () => {
  appendHistory(fs, dir, runAt(1), 50, 'aaaaaaaa')
  appendHistory(fs, dir, runAt(1), 50, 'bbbbbbbb')
  expect(readHistory(fs, dir).entries).toHaveLength(2)
})

test('an unreadable entry is reported and left in place, and the others still load', () => {
  appendHistory(fs, dir, runAt(1), 50, '00000001')
  const bad = join(dir, 'run-2026-11-28T09-05-00-000Z-deadbeef.json')
  writeFileSync(bad, '{"schema": "assay-history", "vers')
  const read = readHistory(fs, dir)
  expect(read.entries).toHaveLength(1)
  expect(read.unreadable).toEqual([{ file: bad, problem: expect.stringContaining('JSON') }])
  expect(readFileSync(bad, 'utf8')).toBe('{"schema": "assay-history", "vers')
})
