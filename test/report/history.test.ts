import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { gateRun } from '../../fixtures/report/gate-runs.js'
import { sampleRun } from '../../fixtures/report/sample-run.js'
import { buildResults } from '../../src/report/build.js'
import { appendHistory, comparableRuns, historyEntry, outcomeFlips, partialOf, readHistory, scopeOf, testTrends, type HistoryEntry } from '../../src/report/history.js'
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
  // An entry holds the run header, the totals and each test's outcome, not the details.
  expect(entries[0]).toEqual({ schema: 'assay-history', version: 1, run: runAt(2).run, totals: runAt(2).totals, tests: expect.any(Array), hashes: {} })
  expect(entries[0]!.run.scope).toEqual(['test/summaries-000.test.ts'])
  expect(entries[0]!.tests.slice(0, 4)).toEqual([
    ['test/summaries-000.test.ts › summary of article 0 › keeps the entities', 'passed', []],
    ['test/summaries-000.test.ts › summary of article 0 › scores well', 'passed', [8]],
    ['test/summaries-000.test.ts › summary of article 0 › has no invented numbers', 'passed', []],
    ['test/summaries-000.test.ts › summary of article 0 › keeps its structure', 'failed', []],
  ])
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

test('per-test trends: one letter per run a test was in, for tests seen before', () => {
  const first = historyEntry(runAt(1))
  const second = historyEntry(runAt(2))
  second.tests[0]![1] = 'failed'
  second.tests.push(['new.test.ts › only now', 'passed', []])
  const trends = testTrends([first, second])
  expect(trends['test/summaries-000.test.ts › summary of article 0 › keeps the entities']).toBe('pf')
  expect(trends['test/summaries-000.test.ts › summary of article 0 › is skipped']).toBe('tt')
  expect(trends['new.test.ts › only now']).toBe('p')
})

test('an entry whose test rows are malformed is unreadable, not half-read', () => {
  const entry = historyEntry(runAt(1))
  ;(entry.tests as unknown[]).push(['key', 'exploded', []])
  writeFileSync(join(dir, 'run-2026-11-28T09-01-00-000Z-0000000a.json'), JSON.stringify(entry))
  const read = readHistory(fs, dir)
  expect(read.entries).toEqual([])
  expect(read.unreadable).toEqual([{ file: join(dir, 'run-2026-11-28T09-01-00-000Z-0000000a.json'), problem: 'not an assay history entry of this version' }])
})

describe('flakiness: the outcome flips while the test stays the same', () => {
  test.each([
    ['ffpp', 1, 'failed, then fixed: one flip, not flaky'],
    ['pf', 1, 'broke once: not flaky'],
    ['pfp', 2, 'pass-fail-pass: flaky'],
    ['fpf', 2, 'fail-pass-fail: flaky'],
    ['pspstf', 1, 'skipped and todo runs do not count'],
    ['pfp|pf', 1, 'flips before the test file changed do not count'],
    ['fp|fp|pp', 0, 'only the runs since the last change count'],
    ['', 0, 'no runs'],
  ])('%s → %i flips (%s)', (trend, flips) => {
    expect(outcomeFlips(trend)).toBe(flips)
  })

  test('a change of the test file is marked in the trend; entries without hashes count as unchanged', () => {
    const key = 'test/summaries-000.test.ts › summary of article 0 › keeps the entities'
    const files = new Map([[key, 'test/summaries-000.test.ts']])
    const at = (state: 'passed' | 'failed', hash?: string): HistoryEntry => {
      const e: HistoryEntry = { ...historyEntry(runAt(1)), tests: [[key, state, []]] }
      if (hash) e.hashes = { 'test/summaries-000.test.ts': hash }
      else delete e.hashes
      return e
    }
    // Passed, failed, the test was edited, passed, failed: the flips span an edit, so it is not flaky.
    expect(testTrends([at('passed', 'a'), at('failed', 'a'), at('passed', 'b'), at('failed', 'b')], files)[key]).toBe('pf|pf')
    expect(outcomeFlips('pf|pf')).toBe(1)
    // With the same source throughout, the same outcomes are flaky.
    expect(outcomeFlips(testTrends([at('passed', 'a'), at('failed', 'a'), at('passed', 'a'), at('failed', 'a')], files)[key]!)).toBe(3)
    expect(testTrends([at('passed'), at('failed', 'a'), at('passed')], files)[key]).toBe('pfp')
    // Tests no longer in the run are left out.
    expect(testTrends([at('passed', 'a')], new Map())).toEqual({})
  })
})

describe('scope: which files a run covered', () => {
  const over = (files: string[], partial?: number): HistoryEntry => {
    const e = historyEntry(runAt(1))
    return { ...e, run: { ...e.run, scope: files, ...(partial ? { partialOf: partial } : {}) } }
  }

  test('runs are comparable only over the same files', () => {
    const runs = [over(['a', 'b', 'c']), over(['b']), over(['a', 'b', 'c']), over(['a', 'b'])]
    expect(comparableRuns(runs, ['a', 'b', 'c'])).toEqual([runs[0], runs[2]])
    expect(comparableRuns(runs, ['b'])).toEqual([runs[1]])
  })

  test('an entry written before scopes were kept is placed by the files of its tests', () => {
    const legacy = historyEntry(runAt(1))
    delete legacy.run.scope
    expect(scopeOf(legacy)).toEqual(['test/summaries-000.test.ts'])
  })

  test('a run is partial when its files are a strict subset of the last full run’s files that still exist', () => {
    expect(partialOf([], ['a'])).toBeUndefined()
    expect(partialOf([over(['a', 'b', 'c'])], ['b'])).toBe(3)
    expect(partialOf([over(['a', 'b', 'c'])], ['a', 'b', 'c'])).toBeUndefined()
    // Partial runs in between do not move the reference.
    expect(partialOf([over(['a', 'b', 'c']), over(['b'], 3)], ['a', 'c'])).toBe(3)
    // A run over other files, or over more, is a full run of its own.
    expect(partialOf([over(['a', 'b'])], ['c'])).toBeUndefined()
    expect(partialOf([over(['a'])], ['a', 'b'])).toBeUndefined()
    // A deleted test file does not make every later run partial.
    expect(partialOf([over(['a', 'b', 'c'])], ['a', 'b'], (f) => f !== 'c')).toBeUndefined()
  })

  test('a shard is never the full run a later run is measured against', () => {
    const shard = (files: string[], index: number): HistoryEntry => {
      const e = over(files)
      return { ...e, run: { ...e.run, shard: { index, count: 3 } } }
    }
    // After a full run and a shard of it, one file is still partial against the full run.
    expect(partialOf([over(['a', 'b', 'c']), shard(['a'], 1)], ['b'])).toBe(3)
    // A file of a shard run alone is not partial: with only shards, there is no full run yet.
    expect(partialOf([shard(['a', 'b'], 1)], ['a'])).toBeUndefined()
  })
})

test('an entry keeps each dataset case compactly, so a later run can be paired with it; a run without cases adds nothing', () => {
  const results = gateRun({
    cases: [
      { id: 'a', trials: [true, false, true], scores: [8, 4, 7] },
      { id: 'b', dataset: 'translator', file: 'test/t.test.ts', trials: [false] },
    ],
    tests: [{ titles: ['plain'], state: 'passed', scores: [9] }],
  })
  appendHistory(fs, dir, results, 50, '00000001')
  const [entry] = readHistory(fs, dir).entries
  expect(entry!.evals).toEqual([
    ['test/evals.test.ts › summariser › case a', 'test/evals.test.ts', 'summariser', 'a', 3, 2, 19 / 3],
    ['test/t.test.ts › translator › case b', 'test/t.test.ts', 'translator', 'b', 1, 0, null],
  ])
  expect(historyEntry(runAt(1))).not.toHaveProperty('evals')
})

test('an entry whose case rows are malformed is reported as unreadable', () => {
  const entry = { ...historyEntry(runAt(1)), evals: [['key', 'file', 'dataset', 'id', -1, 0, null]] }
  writeFileSync(join(dir, 'run-2026-11-28T09-05-00-000Z-deadbeef.json'), JSON.stringify(entry))
  expect(readHistory(fs, dir)).toMatchObject({ entries: [], unreadable: [{ problem: 'not an assay history entry of this version' }] })
})
