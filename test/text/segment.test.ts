import { describe, expect, test } from 'vitest'
import { countSentences, countWords, splitSentences } from '../../src/text/segment.js'

describe('segment', () => {
  test('counts words, not punctuation or spaces', () => {
    expect(countWords("Apple's revenue rose 8% — a record!")).toBe(6)
    expect(countWords('')).toBe(0)
    expect(countWords('   \n ')).toBe(0)
  })

  test('counts CJK words', () => {
    expect(countWords('苹果公司的收入增长了')).toBeGreaterThanOrEqual(4)
  })

  test('splits sentences, keeping common abbreviations inside them', () => {
    expect(splitSentences('Dr. Smith met Mr. Jones. They talked, e.g. about sales! Done?')).toEqual([
      'Dr. Smith met Mr. Jones.',
      'They talked, e.g. about sales!',
      'Done?',
    ])
  })

  test('a line break ends a sentence, so each list item counts', () => {
    expect(countSentences('- one\n- two\n- three')).toBe(3)
    expect(splitSentences('1. The bank cut rates.\n2. Lagarde spoke.\niv. Done.')).toEqual(['1. The bank cut rates.', '2. Lagarde spoke.', 'iv. Done.'])
    expect(countSentences('')).toBe(0)
  })

  test('long texts without spaces are counted in bounded time', () => {
    const chinese = '苹果公司的收入增长了。'.repeat(100_000)
    expect(countWords(chinese)).toBeGreaterThan(400_000)
    expect(countSentences(chinese)).toBe(100_000)
    expect(countWords('x'.repeat(1_000_000))).toBeGreaterThan(0)
  })

  test('slicing a long text does not change the counts', () => {
    const text = "Dr. Smith's team, e.g. the U.S. unit, grew 3.14% in 2024. ".repeat(2_000)
    expect(countWords(text)).toBe(2_000 * countWords("Dr. Smith's team, e.g. the U.S. unit, grew 3.14% in 2024. "))
    expect(countSentences(text)).toBe(2_000)
  })
})
