import { describe, expect, test } from 'vitest'
import { seriesIn, seriesLength } from '../../src/text/derive.js'
import { placesIn } from '../../src/text/ranks.js'
import { failure } from '../helpers.js'

// Blow-up guards for long sources: each case took minutes before its fix, and takes well
// under a second after it; the limits are generous so that a loaded machine never fails them.
const GENEROUS = 20_000

describe('long sources', () => {
  test('a sentence of spaces without a comma is no list, and is read in linear time', { timeout: GENEROUS }, () => {
    expect(seriesLength(' '.repeat(256 * 1024))).toBeUndefined()
    expect(seriesLength(`Alpha ${' '.repeat(100_000)}, Beta${' '.repeat(100_000)}and Gamma`)).toEqual({ count: 3, items: 'Alpha, Beta, Gamma' })
  })

  test('a sentence of many short "and" lists, or of many finishing orders, is read in linear time', { timeout: GENEROUS }, () => {
    expect(seriesIn('Then Ada, Bo and Cy, '.repeat(20_000))).toHaveLength(20_000)
    expect(placesIn('Ada won ahead of Bo, Cy and Di in front of '.repeat(20_000)).length).toBeGreaterThan(20_000)
  })

  test('toHaveNoInventedNumbers checks a text against 256 KB of spaces', { timeout: GENEROUS }, () => {
    const source = `Growth was 8%.${' '.repeat(256 * 1024)}`
    expect('It grew 8%.').toHaveNoInventedNumbers(source)
    expect(failure(() => expect('It grew 9%.').toHaveNoInventedNumbers(source))).toContain('✗ "9%"')
  })
})
