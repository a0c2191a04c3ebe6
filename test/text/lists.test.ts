import { describe, expect, test } from 'vitest'
import { extractListItems } from '../../src/text/lists.js'

const summary = (text: string) => extractListItems(text).map((i) => [i.marker, i.kind, i.depth, i.text])

describe('extractListItems', () => {
  test('finds every bullet marker', () => {
    const markers = ['•', '◦', '▪', '-', '*', '+', '–']
    const text = markers.map((m, i) => `${m} item ${i}`).join('\n')
    expect(extractListItems(text).map((i) => i.marker)).toEqual(markers)
    expect(extractListItems(text).every((i) => i.kind === 'bulleted')).toBe(true)
  })

  test('finds ordered markers: 1. 1) a) (a) i. iv)', () => {
    expect(summary('1. one\n2) two\na) three\n(b) four\ni. five\niv) six')).toEqual([
      ['1.', 'numbered', 0, 'one'],
      ['2)', 'numbered', 0, 'two'],
      ['a)', 'numbered', 0, 'three'],
      ['(b)', 'numbered', 0, 'four'],
      ['i.', 'numbered', 0, 'five'],
      ['iv)', 'numbered', 0, 'six'],
    ])
  })

  test('counts nested items with their depth', () => {
    expect(summary('- Apple\n  - Tim Cook\n    1. CEO\n- Microsoft')).toEqual([
      ['-', 'bulleted', 0, 'Apple'],
      ['-', 'bulleted', 1, 'Tim Cook'],
      ['1.', 'numbered', 2, 'CEO'],
      ['-', 'bulleted', 0, 'Microsoft'],
    ])
  })

  test('ignores code fences, horizontal rules and hyphens in prose', () => {
    const text = [
      'A state-of-the-art model - fast - and cheap.',
      '```md',
      '- not an item',
      '1. nor this',
      '```',
      '---',
      '***',
      '* * *',
      '~~~',
      '- still fenced',
      '~~~',
      '- the only item',
    ].join('\n')
    expect(summary(text)).toEqual([['-', 'bulleted', 0, 'the only item']])
  })

  test('joins continuation lines to their item and counts their words', () => {
    const [item] = extractListItems('- Apple posted record\n  revenue this quarter\n\nNext paragraph.')
    expect(item).toMatchObject({ text: 'Apple posted record revenue this quarter', words: 6, line: 1 })
  })

  test('does not take "A. Smith" or a bare marker for an item', () => {
    expect(extractListItems('A. Smith wrote this.\n-\n1.\n*emphasis* here')).toEqual([])
  })

  test('handles CRLF line endings and tab indents', () => {
    expect(summary('- a\r\n\t- b\r\n- c')).toEqual([
      ['-', 'bulleted', 0, 'a'],
      ['-', 'bulleted', 1, 'b'],
      ['-', 'bulleted', 0, 'c'],
    ])
  })

  test('counts words in non-Latin items with Intl.Segmenter', () => {
    const [item] = extractListItems('- 苹果公司的收入增长了')
    expect(item!.words).toBeGreaterThan(3)
  })
})
