// What each matcher leaves for the reporters: one record per assertion, with its outcome
// after .not, the details the report shows, and (failures only) the message and the line.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { z } from 'zod'
import { startFixtureServer, type FixtureServer } from '../../fixtures/server/index.js'
import { configure } from '../../src/config.js'
import { emitRecord, recording, setRecordSink } from '../../src/report/records.js'
import { collectRecords } from '../helpers.js'

const records = collectRecords()
const here = import.meta.filename
const swallow = (f: () => unknown) => {
  try {
    f()
  } catch {
    // The failure itself is tested in the matcher's own file.
  }
}
/** The line of the caller, to compare with the recorded location. */
const nextLine = () => Number(/:(\d+):\d+\)?$/.exec(new Error().stack!.split('\n')[2]!.trim())![1]) + 1

describe('deterministic matchers', () => {
  test('a pass carries details but no message or location; .not is recorded as negated', () => {
    expect('- a\n- b').toHaveBullets({ max: 3 })
    expect('plain').not.toHaveBullets()
    expect(records).toEqual([
      { kind: 'check', matcher: 'toHaveBullets', testPath: here, testName: expect.stringContaining('a pass carries'), pass: true, negated: false, details: { summary: '2 list items' } },
      expect.objectContaining({ matcher: 'toHaveBullets', pass: true, negated: true, details: { summary: '0 list items' } }),
    ])
  })

  test('a failure carries the message without colours and the line of the expect', () => {
    const line = nextLine()
    swallow(() => expect('Apple and Nestlé').toPreserveEntities(['Apple', 'Tim Cook']))
    expect(records[0]).toMatchObject({ matcher: 'toPreserveEntities', pass: false, negated: false, location: { line, column: expect.any(Number) }, details: { entities: { kept: ['Apple'], missing: ['Tim Cook'] } } })
    expect(records[0]).toHaveProperty('message', expect.stringContaining('Expected all 2 entities to be preserved, but 1 is missing: "Tim Cook".'))
    expect((records[0] as { message: string }).message).not.toMatch(/\u001b\[/)
  })

  test('a failure under .not is a failed record', () => {
    swallow(() => expect('- a').not.toHaveBullets())
    expect(records[0]).toMatchObject({ pass: false, negated: true, message: expect.stringContaining('Expected the text not to have') })
  })

  test('numbers, concision and schema details', () => {
    swallow(() => expect('Revenue rose 9% to $95 billion.').toHaveNoInventedNumbers('Revenue rose 8% to $94.9 billion.'))
    expect('Short.').toBeConcise({ maxWords: 5 })
    expect('{"a": 1}').toMatchSchema(z.object({ a: z.number() }))
    swallow(() => expect('no json').toMatchSchema(z.object({ a: z.number() })))
    expect(records.map((r) => (r as { details?: unknown }).details)).toEqual([
      { summary: '2 numeric claims, 2 not in the source', numbers: { invented: ['9%', '$95 billion'], checked: 2 } },
      { summary: 'words 1 (max 5)' },
      { summary: 'the received JSON matches' },
      { summary: expect.stringMatching(/^no JSON: /) },
    ])
  })

  test('a usage error leaves no record: there was no verdict', () => {
    swallow(() => expect(42).toHaveBullets())
    expect(records).toEqual([])
  })
})

describe('structural baselines', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'assay-records-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  test('the record says whether the baseline was written, matched or drifted, with the diff', async () => {
    const { toMatchStructuralBaseline } = await import('../../matchers/toMatchStructuralBaseline.js')
    let utils: unknown
    expect.extend({
      captureUtils(this: { utils: unknown }) {
        utils = this.utils
        return { pass: true, message: () => '' }
      },
    })
    ;(expect('') as unknown as { captureUtils(): void }).captureUtils()
    const ctx = { isNot: false, utils: utils as never, testPath: join(dir, 'x.test.ts'), currentTestName: 'x', snapshotState: { _updateSnapshot: 'new' } }
    const prevCI = process.env.CI
    delete process.env.CI
    try {
      toMatchStructuralBaseline.call(ctx, '- a\n- b\n- c', { name: 'reply' })
      toMatchStructuralBaseline.call(ctx, '- d\n- e\n- f', { name: 'reply' })
      toMatchStructuralBaseline.call(ctx, 'Now prose instead.', { name: 'reply' })
    } finally {
      if (prevCI !== undefined) process.env.CI = prevCI
    }
    const drifts = records.map((r) => (r as { details: { drift: unknown } }).details.drift)
    expect(drifts[0]).toEqual({ baseline: 'x › reply', status: 'written', changes: [] })
    expect(drifts[1]).toEqual({ baseline: 'x › reply', status: 'matched', changes: [] })
    expect(records[2]).toMatchObject({ pass: false, message: expect.stringContaining('format: bulleted list → prose') })
    expect(drifts[2]).toMatchObject({ baseline: 'x › reply', status: 'drifted', changes: expect.arrayContaining(['format: bulleted list → prose']), diff: expect.stringContaining('+Now prose instead.') })
  })
})

describe('toScoreAtLeast', () => {
  let server: FixtureServer
  beforeAll(async () => {
    server = await startFixtureServer({ respond: () => ({ content: JSON.stringify({ criteria: { accuracy: { reasoning: 'Fine.', score: 4 } } }) }) })
  })
  afterAll(() => server.close())

  test('a failed verdict carries the message and line; .not passing is negated and passed', async () => {
    configure({ judge: { baseURL: server.url, apiKey: 'sk-x', maxRetries: 0 }, cache: { mode: 'off' } })
    const line = nextLine()
    await expect('Text.').toScoreAtLeast(7, { criteria: 'accuracy' }).catch(() => {})
    await expect('Text.').not.toScoreAtLeast(7, { criteria: 'accuracy' })
    expect(records[0]).toMatchObject({ kind: 'judge', pass: false, negated: false, location: { line }, message: expect.stringContaining('Expected an overall score of at least 7, but the judge gave 4.'), verdict: { overall: 4 } })
    expect(records[1]).toMatchObject({ kind: 'judge', pass: true, negated: true })
    expect(records[1]).not.toHaveProperty('message')
  })

  test('a judge that gives no verdict records the error, and a lockdown miss says so', async () => {
    configure({ judge: { baseURL: server.url, apiKey: 'sk-x' }, cache: { mode: 'lockdown' } })
    await expect('Text.').toScoreAtLeast(7).catch(() => {})
    expect(records[0]).toMatchObject({ kind: 'judge', pass: false, cassetteMiss: true, error: expect.stringContaining('No recorded answer'), message: expect.stringContaining('the judge gave no verdict') })
  })
})

test('without a sink nothing is recorded, and matchers skip building records', () => {
  setRecordSink(undefined)
  try {
    expect(recording()).toBe(false)
    expect('- a').toHaveBullets()
    emitRecord({ kind: 'check', matcher: 'x', pass: true, negated: false })
  } finally {
    setRecordSink((r) => records.push(r))
  }
  expect(records).toEqual([])
})
