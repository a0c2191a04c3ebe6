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

  test('finds the other common bullet glyphs, and the Japanese middle dot with or without a space', () => {
    const markers = ['●', '○', '■', '□', '►', '▸', '‣', '⁃', '◆', '◇', '▫', '∙', '➢', '➤']
    const text = markers.map((m, i) => `${m} item ${i}`).join('\n')
    expect(extractListItems(text).map((i) => i.marker)).toEqual(markers)
    expect(summary('・売上高\n・ 営業利益\n・\u3000純利益\n･半角')).toEqual([
      ['・', 'bulleted', 0, '売上高'],
      ['・', 'bulleted', 0, '営業利益'],
      ['・', 'bulleted', 0, '純利益'],
      ['･', 'bulleted', 0, '半角'],
    ])
    expect(extractListItems('ティム・クック\n→ see above\n· middle dot\n✓ done')).toEqual([])
  })

  test('finds fullwidth and CJK numbered markers: １． １） （１） 1、 and digits of other scripts', () => {
    expect(summary('１．売上高\n２） 営業利益\n（３）純利益\n4、收入\n٥. بند\n１２．最後')).toEqual([
      ['１．', 'numbered', 0, '売上高'],
      ['２）', 'numbered', 0, '営業利益'],
      ['（３）', 'numbered', 0, '純利益'],
      ['4、', 'numbered', 0, '收入'],
      ['٥.', 'numbered', 0, 'بند'],
      ['１２．', 'numbered', 0, '最後'],
    ])
    expect(extractListItems('１．５倍に増加した\n1.5 times\n1.Revenue')).toEqual([])
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
