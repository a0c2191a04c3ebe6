import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { checkRegression, saveBaseline } from '../../src/baseline/api.js'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'assay-baseline-api-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('saveBaseline and checkRegression', () => {
  const three = '- Apple rose 5%.\n- Tim Cook spoke.\n- Shares rose.'

  test('no baseline, then pass on the same shape, fail on drift, fail on a changed input', () => {
    expect(checkRegression('q3', 'prompt', three, { dir })).toEqual({ status: 'no_baseline', issues: ['no baseline named "q3"; save one with saveBaseline()'] })
    saveBaseline('q3', 'prompt', three, { dir })
    expect(checkRegression('q3', 'prompt', '- Revenue up.\n- CEO spoke.\n- Stock up.', { dir })).toEqual({ status: 'pass', issues: [] })
    expect(checkRegression('q3', 'prompt', 'One paragraph about Apple and its chief.', { dir, ignore: ['length', 'sentences'] })).toEqual({
      status: 'fail',
      issues: ['format: bulleted list → prose', 'list items: 3 → 0'],
    })
    expect(checkRegression('q3', 'another prompt', three, { dir }).status).toBe('fail')
  })

  test('shares the store format of the matcher', () => {
    saveBaseline('q3', 'prompt', three, { dir })
    const file = JSON.parse(readFileSync(join(dir, '__llm_baselines__', 'programmatic.json'), 'utf8'))
    expect(file).toMatchObject({ assay: 'baseline', version: 1, entries: { q3: { sample: three, fingerprint: { format: 'bulleted list' } } } })
  })
})
