import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { Cassette, CassetteMissError, cassettePath, requestKey, resolveCacheMode, type CassetteEntry } from '../../src/judge/cassette.js'
import { nodeFileSystem } from '../../src/store/file.js'
import { inTrial } from '../../src/eval/trial.js'
import { setTestContextProvider } from '../../src/report/records.js'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'assay-cassette-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const entry = (content: string): CassetteEntry => ({
  request: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Score.' }], params: { temperature: 0 } },
  response: { choices: [{ message: { content } }] },
  usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
  cost: 1e-6,
  latencyMs: 12,
  recordedAt: '2026-11-27T00:00:00.000Z',
})

describe('cache modes', () => {
  test('ASSAY_CACHE wins, then the configured mode, then lockdown on CI and auto locally', () => {
    expect(resolveCacheMode('refresh', { ASSAY_CACHE: 'off', CI: 'true' })).toBe('off')
    expect(resolveCacheMode('refresh', { CI: 'true' })).toBe('refresh')
    expect(resolveCacheMode(undefined, { CI: 'true' })).toBe('lockdown')
    expect(resolveCacheMode(undefined, { CI: 'false' })).toBe('auto')
    expect(resolveCacheMode(undefined, {})).toBe('auto')
    expect(() => resolveCacheMode(undefined, { ASSAY_CACHE: 'sometimes' })).toThrow('ASSAY_CACHE is "sometimes", but it must be one of auto, lockdown, refresh, off.')
  })
})

describe('cassettes', () => {
  test('live beside the test file', () => {
    expect(cassettePath('/repo/test/summary.test.ts')).toBe('/repo/test/__llm_cassettes__/summary.test.ts.json')
  })

  test('key requests by their content in any key order, never by headers', () => {
    const a = requestKey({ model: 'm', messages: [{ role: 'user', content: 'x' }], temperature: 0 })
    expect(requestKey({ temperature: 0, messages: [{ content: 'x', role: 'user' }], model: 'm' })).toBe(a)
    expect(requestKey({ model: 'm', messages: [{ role: 'user', content: 'y' }], temperature: 0 })).not.toBe(a)
    expect(a).toMatch(/^[0-9a-f]{32}$/)
  })

  test('record at once, replay, and report and prune what no test touched', () => {
    const path = cassettePath(join(dir, 'a.test.ts'))
    const first = new Cassette(nodeFileSystem(), path)
    expect(first.lookup('k1')).toBeUndefined()
    first.record('k1', entry('one'))
    first.record('k2', entry('two'))
    expect(JSON.parse(readFileSync(path, 'utf8')).entries.k1.response.choices[0].message.content).toBe('one')

    const next = new Cassette(nodeFileSystem(), path)
    expect(next.lookup('k2')).toEqual(entry('two'))
    expect(next.obsolete()).toEqual(['k1'])
    expect(next.prune()).toBe(1)
    expect(Object.keys(JSON.parse(readFileSync(path, 'utf8')).entries)).toEqual(['k2'])
  })

  test('an entry names the test running now, none under concurrent tests, and a dataset case its own test', async () => {
    const path = cassettePath(join(dir, 'a.test.ts'))
    const cassette = new Cassette(nodeFileSystem(), path)
    const names = () => Object.fromEntries(Object.entries(JSON.parse(readFileSync(path, 'utf8')).entries as Record<string, CassetteEntry>).map(([k, e]) => [k, e.test]))
    try {
      setTestContextProvider(() => ({ testName: 'plain' }))
      cassette.record('plain', entry('one'))
      // The runner's idea of the running test, under concurrent tests, is whichever started last.
      setTestContextProvider(() => ({ testName: 'news > c', concurrent: true }))
      cassette.record('concurrent', entry('two'))
      await inTrial(2, () => cassette.record('case', entry('three')), { owner: { testName: 'news > b' } })
      // Vitest forgets its running test when a concurrent one ends: a trial still knows its own.
      setTestContextProvider(() => ({ testName: 'news > c' }))
      await inTrial(0, () => cassette.record('case-alone', entry('four')), { owner: { testName: 'news > b' } })
      expect(names()).toEqual({ plain: 'plain', concurrent: undefined, case: 'news > b', 'case-alone': 'news > b' })
    } finally {
      setTestContextProvider(() => ({}))
    }
  })

  test('a miss in lockdown names the file and the command that records it', () => {
    const error = new CassetteMissError('/repo/test/__llm_cassettes__/a.test.ts.json', 'abc', 'test/a.test.ts')
    expect(error.message).toContain('No recorded answer for this LLM request (key abc) in /repo/test/__llm_cassettes__/a.test.ts.json')
    expect(error.message).toContain('ASSAY_CACHE=auto npx vitest run test/a.test.ts')
  })
})
