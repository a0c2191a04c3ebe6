import { describe, expect, test } from 'vitest'
import { failure } from '../helpers.js'

const article = 'word '.repeat(100).trim()

describe('toBeConcise', () => {
  test('pass', () => {
    expect('Apple grew. Tim Cook was pleased.').toBeConcise({ maxWords: 6, maxChars: 40, maxSentences: 2 })
  })

  test('fail', () => {
    expect(failure(() => expect('Apple grew. Tim Cook was pleased. Services rose.').toBeConcise({ maxWords: 6, maxSentences: 2 }))).toMatchInlineSnapshot(`
      "expect(received).toBeConcise(options)

      Expected the text to be concise (words ≤ 6, sentences ≤ 2), but it exceeds words: 8 > 6; sentences: 3 > 2.

      Expected: words ≤ 6, sentences ≤ 2
      Received: ✗ words: 8
                ✗ sentences: 3
                "Apple grew. Tim Cook was pleased. Services rose.""
    `)
  })

  test('.not pass', () => {
    expect('one two three').not.toBeConcise({ maxWords: 2 })
  })

  test('.not fail', () => {
    expect(failure(() => expect('one two').not.toBeConcise({ maxWords: 2 }))).toMatchInlineSnapshot(`
      "expect(received).not.toBeConcise(options)

      Expected the text to exceed a limit (words ≤ 2), but it is within all of them.

      Expected: words ≤ 2
      Received: ✓ words: 2
                "one two""
    `)
  })

  test('maxRatio measures the reduction against of', () => {
    expect('word '.repeat(20)).toBeConcise({ of: article, maxRatio: 0.2 })
    expect(failure(() => expect('word '.repeat(21)).toBeConcise({ of: article, maxRatio: 0.2 }))).toContain('length ratio: 0.210 (21 of the source\'s 100 words) > 0.2')
  })

  test('characters are code points, so an emoji is one', () => {
    expect('👍👍').toBeConcise({ maxChars: 2 })
    expect('👍👍👍').not.toBeConcise({ maxChars: 2 })
  })

  test('edge cases: empty text, non-Latin text, 1 MB text', () => {
    expect('').toBeConcise({ maxWords: 0, maxSentences: 0 })
    expect('苹果公司的收入增长了。').toBeConcise({ maxSentences: 1 })
    const big = 'word '.repeat(220_000)
    expect(failure(() => expect(big).toBeConcise({ maxWords: 10 }))).toContain('words: 220000 > 10')
  })

  // Degenerate model output of 1 MB: each finishes (the benchmark in bench/ measures how fast).
  test.each(['Dr. ', '\n', '# ', 'a-', 'abcdefghij', '- item\n', '\u200b', '漢字仮名交じり文'])('finishes on 1 MB of %j', (unit) => {
    const text = unit.repeat(Math.ceil((1 << 20) / unit.length)).slice(0, 1 << 20)
    expect(text).not.toBeConcise({ maxChars: 10, maxWords: 1 << 20, maxSentences: 1 << 20 })
  })
})
