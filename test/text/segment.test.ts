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
})
