import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest'
import { toMatchStructuralBaseline } from '../../matchers/toMatchStructuralBaseline.js'
import { settleBaselines } from '../../src/baseline/runtime.js'
import { inTrial } from '../../src/eval/trial.js'
import type { MatcherContext } from '../../src/context.js'
import { usageError } from '../helpers.js'

// The matcher is called directly with the runner's real message utilities, so that the
// baselines go to a temporary folder rather than beside this test file.
let utils: MatcherContext['utils']
beforeAll(() => {
  expect.extend({
    captureUtils(this: MatcherContext) {
      utils = this.utils
      return { pass: true, message: () => '' }
    },
  })
  ;(expect('') as unknown as { captureUtils(): void }).captureUtils()
})

let dir: string
let testPath: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'assay-baseline-matcher-'))
  testPath = join(dir, 'summary.test.ts')
  vi.stubEnv('CI', '')
  vi.stubEnv('ASSAY_UPDATE', '')
})
afterEach(() => {
  settleBaselines(testPath, { fullRun: false, update: false, failed: [] })
  vi.unstubAllEnvs()
  rmSync(dir, { recursive: true, force: true })
})

const ANSI = /\u001b\[[0-9;]*m/g
const check = (text: unknown, options?: Parameters<typeof toMatchStructuralBaseline>[1], ctx: Record<string, unknown> = {}) => {
  const result = toMatchStructuralBaseline.call({ isNot: false, utils, testPath, currentTestName: 'summary > is stable', ...ctx }, text, options)
  return { pass: result.pass, message: result.message().replace(ANSI, '') }
}
/** A new test file run: counters start again, as they do when the file runs again. */
const rerun = () => settleBaselines(testPath, { fullRun: false, update: false, failed: [] })
const stored = () => {
  rerun()
  return JSON.parse(readFileSync(join(dir, '__llm_baselines__', 'summary.test.ts.json'), 'utf8')).entries
}

const three = '- Apple rose 5% in the quarter.\n- Tim Cook thanked customers.\n- Shares rose after hours.'

describe('toMatchStructuralBaseline', () => {
  test('the first run records; a rerun with other words but the same shape passes', () => {
    expect(check(three).pass).toBe(true)
    expect(Object.keys(stored())).toEqual(['summary > is stable 1'])
    rerun()
    expect(check('- Revenue was up five percent.\n- The CEO thanked buyers.\n- The stock climbed late.').pass).toBe(true)
  })

  test('a drift fails with each changed property and a diff of the samples', () => {
    check(three)
    rerun()
    const result = check('Apple rose 5% in the quarter and Tim Cook thanked customers, while shares rose after hours.')
    expect(result.pass).toBe(false)
    expect(result.message).toContain('Expected the structure of the output to match baseline "summary > is stable 1", but 3 properties changed.')
    expect(result.message).toContain('Changed:  format: bulleted list → prose')
    expect(result.message).toContain('list items: 3 → 0')
    expect(result.message).toContain('--- baseline sample')
    expect(result.message).toContain('-- Tim Cook thanked customers.')
    expect(result.message).toContain('+Apple rose 5% in the quarter and Tim Cook')
  })

  test('a changed input is reported as a new case, not a regression', () => {
    check(three, { input: 'Summarise the Q3 article.' })
    rerun()
    const result = check('One paragraph now.', { input: 'Summarise the Q4 article.' })
    expect(result.pass).toBe(false)
    expect(result.message).toContain('The input changed since baseline "summary > is stable 1" was recorded, so this is a new case rather than a regression.')
  })

  test('names key several baselines in one test; entities can be tracked', () => {
    check(three, { name: 'summary', entities: true })
    check('{"title": "Q3"}', { name: 'reply' })
    expect(Object.keys(stored())).toEqual(['summary > is stable › reply', 'summary > is stable › summary'])
    rerun()
    const result = check(three.replace('Tim Cook', 'Satya Nadella'), { name: 'summary', entities: true })
    expect(result.pass).toBe(false)
    expect(result.message).toMatch(/entities: .*−Tim Cook/)
  })

  test("in a dataset case's trial, the key is the case's own test, whichever test the runner says is running", async () => {
    // Concurrent cases: the runner's current test is another case (another prompt version's).
    const ctx = { currentTestName: 'news > summarizer@v1 > a' }
    await inTrial(0, () => check(three, undefined, ctx), { owner: { testName: 'news > summarizer@v2 > a' } })
    await inTrial(0, () => check('One sentence of prose.', undefined, ctx), { owner: { testName: 'news > summarizer@v3 > a' } })
    // Vitest's global expect names no test after an await in a concurrent test.
    await inTrial(0, () => check(three, undefined, { currentTestName: undefined }), { owner: { testName: 'news > summarizer@v3 > b' } })
    const entries = stored()
    expect(Object.keys(entries).sort()).toEqual(['news > summarizer@v2 > a 1', 'news > summarizer@v3 > a 1', 'news > summarizer@v3 > b 1'])
    expect(entries['news > summarizer@v3 > a 1'].fingerprint.format).toBe('prose')
    // Outside a trial the runner's name keys it, as before.
    rerun()
    check(three, undefined, ctx)
    expect(Object.keys(stored())).toContain('news > summarizer@v1 > a 1')
  })

  test('on CI a missing baseline fails and nothing is written; -u rewrites a drift', () => {
    vi.stubEnv('CI', 'true')
    const missing = check(three)
    expect(missing.pass).toBe(false)
    expect(missing.message).toContain('No structural baseline "summary > is stable 1"')
    expect(missing.message).toContain('nothing is written when CI is set')
    vi.stubEnv('CI', '')
    rerun()
    check(three)
    rerun()
    expect(check('Now prose.', undefined, { snapshotState: { _updateSnapshot: 'all' } }).pass).toBe(true)
    expect(stored()['summary > is stable 1'].fingerprint.format).toBe('prose')
  })

  test('usage errors: .not, outside a test, bad options, non-string', () => {
    expect(usageError(() => toMatchStructuralBaseline.call({ isNot: true, utils, testPath, currentTestName: 't' }, three))).toContain('cannot be used with .not')
    expect(usageError(() => toMatchStructuralBaseline.call({ isNot: false, utils }, three))).toContain('needs to run inside a Vitest or Jest test')
    expect(usageError(() => check(three, { ignore: ['colour'] } as never))).toContain('options.ignore[0]')
    expect(usageError(() => check(42))).toContain('received must be a string')
  })
})
