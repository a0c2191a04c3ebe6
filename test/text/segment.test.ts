import { describe, expect, test } from 'vitest'
import { countSentences, countWords, splitSentences } from '../../src/text/segment.js'
import { randomText } from './random.js'

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

  // The speed itself is measured in bench/pathological.mjs; the time limit here only catches
  // a blow-up (minutes), generously, so a loaded machine does not fail it.
  test('long texts without spaces are counted in bounded time', () => {
    const chinese = '苹果公司的收入增长了。'.repeat(100_000)
    expect(countWords(chinese)).toBeGreaterThan(400_000)
    expect(countSentences(chinese)).toBe(100_000)
    expect(countWords('x'.repeat(1_000_000))).toBeGreaterThan(0)
  }, 60_000)

  test('slicing a long text does not change the counts', () => {
    const text = "Dr. Smith's team, e.g. the U.S. unit, grew 3.14% in 2024. ".repeat(2_000)
    expect(countWords(text)).toBe(2_000 * countWords("Dr. Smith's team, e.g. the U.S. unit, grew 3.14% in 2024. "))
    expect(countSentences(text)).toBe(2_000)
  })
})

const segmenter = new Intl.Segmenter('en', { granularity: 'word' })
const segmenterWords = (text: string) => [...segmenter.segment(text)].filter((s) => s.isWordLike).length

describe('segment on long and degenerate inputs', () => {
  // The ASCII scanner must agree with the segmenter it stands in for, on the characters
  // whose rules it encodes and next to the non-ASCII text still handed to the segmenter.
  const ascii = Array.from({ length: 128 }, (_, c) => String.fromCharCode(c))
  const tricky = ['a', 'Z', '7', '.', "'", ',', ';', ':', '_', ' ', '  ', '\n', '\r', '\r\n', '-', '"', '\t', 'ab', '12']
  const unicode = ['é', '\u0301', '漢字', 'א', '٥', '\u200d', '👍', '\u00a0', '\u3000', 'カタカナ', '🇫🇷', '’', '\u200b', '\u2014', '\u2026', '\u201c', '\u3001']

  test('counts ASCII words exactly as Intl.Segmenter does', () => {
    for (let seed = 1; seed <= 3000; seed++) {
      const text = randomText(seed, seed % 3 === 0 ? ascii : [...tricky, ...ascii.slice(32, 64)], 60)
      expect(countWords(text), JSON.stringify(text)).toBe(segmenterWords(text))
    }
  })

  test('counts mixed ASCII and non-ASCII words exactly as Intl.Segmenter does', () => {
    for (let seed = 1; seed <= 3000; seed++) {
      const text = randomText(seed, [...tricky, ...unicode], 60)
      expect(countWords(text), JSON.stringify(text)).toBe(segmenterWords(text))
    }
  })

  test('counts a few KB of random ASCII prose exactly as Intl.Segmenter does', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const text = randomText(seed, ['word', ' ', 'U.S.', "isn't", '3.14', '1,000', ', ', '. ', '\n', '-', 'a_b', '(x)'], 2000)
      expect(countWords(text)).toBe(segmenterWords(text))
    }
  })

  test('carrying text over many abbreviations keeps them in one sentence', () => {
    expect(splitSentences(`${'Dr. '.repeat(5000)}Smith left. Next one.`)).toEqual([`${'Dr. '.repeat(5000)}Smith left.`, 'Next one.'])
    expect(splitSentences('1.\u2028 Dr.  \u2028Smith')).toEqual(['1.', 'Dr.  \u2028Smith'])
  })

  const MB = 1 << 20
  const fill = (unit: string) => unit.repeat(Math.ceil(MB / unit.length)).slice(0, MB)

  test.each([
    ['Dr. ', 1, MB / 4],
    ['\n', 0, 0],
    ['# ', 0, 0],
    ['a-', undefined, MB / 2],
    ['abcdefghij', undefined, undefined],
    ['\u200b', 0, 0],
    ['- item\n', Math.ceil(MB / 7), Math.ceil(MB / 7)],
  ])('counts 1 MB of %j', (unit, sentences, words) => {
    // A run with no boundary is cut into bounded slices, so only a lower bound is exact.
    const text = fill(unit)
    if (words === undefined) expect(countWords(text)).toBeGreaterThanOrEqual(1)
    else expect(countWords(text)).toBe(words)
    if (sentences === undefined) expect(countSentences(text)).toBeGreaterThanOrEqual(1)
    else expect(countSentences(text)).toBe(sentences)
  })
})

describe('sentences in plain ASCII lines', () => {
  const sentenceSegmenter = new Intl.Segmenter('en', { granularity: 'sentence' })

  test('a line without a terminator is one sentence, as the segmenter says', () => {
    const pieces = ['- ', 'item', ' ', '\t', '1)', 'a)', ',', ';', ':', '"', '(x)', '#', '*', '\r\n', '\n', '\r', 'A', '9']
    for (let seed = 1; seed <= 2000; seed++) {
      const text = randomText(seed, pieces, 30)
      const expected = text
        .split(/(?<=\n)/)
        .flatMap((line) => [...sentenceSegmenter.segment(line)].map((s) => s.segment.trim()))
        .filter((s) => /[\p{L}\p{N}]/u.test(s))
      if (!/\d\)|[a-z]\)/.test(text)) expect(splitSentences(text), JSON.stringify(text)).toEqual(expected)
      else expect(countSentences(text)).toBeLessThanOrEqual(expected.length)
    }
  })
})
