import { describe, expect, test } from 'vitest'
import { failure } from '../helpers.js'

const three = '- Apple posted record revenue\n- Services grew 14%\n- Tim Cook thanked customers'

describe('toHaveBullets', () => {
  test('pass', () => {
    expect(three).toHaveBullets({ max: 3, maxWordsPerBullet: 5 })
  })

  test('fail', () => {
    expect(failure(() => expect(three).toHaveBullets({ max: 2 }))).toMatchInlineSnapshot(`
      "expect(received).toHaveBullets(options)

      Expected 1 to 2 list items, but found 3.

      Expected: 1 to 2 list items
      Received: 3 items
                - "Apple posted record revenue" (4 words)
                - "Services grew 14%" (3 words)
                - "Tim Cook thanked customers" (4 words)"
    `)
  })

  test('.not pass', () => {
    expect('Apple posted record revenue - again.').not.toHaveBullets()
  })

  test('.not fail', () => {
    expect(failure(() => expect(three).not.toHaveBullets())).toMatchInlineSnapshot(`
      "expect(received).not.toHaveBullets(options)

      Expected the text not to have at least 1 list item, but it does.

      Expected: at least 1 list item
      Received: 3 items
                - "Apple posted record revenue" (4 words)
                - "Services grew 14%" (3 words)
                - "Tim Cook thanked customers" (4 words)"
    `)
  })

  test('word limit failure lists each item with its count', () => {
    expect(failure(() => expect(three).toHaveBullets({ maxWordsPerBullet: 3 }))).toMatchInlineSnapshot(`
      "expect(received).toHaveBullets(options)

      Expected every list item to have at most 3 words, but 2 items are longer.

      Expected: at least 1 list item, at most 3 words each
      Received: 3 items
                - "Apple posted record revenue" (4 words)  ← over 3
                - "Services grew 14%" (3 words)
                - "Tim Cook thanked customers" (4 words)  ← over 3"
    `)
  })

  test('Japanese and fullwidth markers are list items', () => {
    const japanese = '・売上高は増加\n・営業利益は減少\n１．来期の見通し\n（２）配当'
    expect(japanese).toHaveBullets({ exactly: 4 })
    expect(failure(() => expect(japanese).not.toHaveBullets())).toMatchInlineSnapshot(`
      "expect(received).not.toHaveBullets(options)

      Expected the text not to have at least 1 list item, but it does.

      Expected: at least 1 list item
      Received: 4 items
                ・ "売上高は増加" (4 words)
                ・ "営業利益は減少" (4 words)
                １． "来期の見通し" (3 words)
                （２） "配当" (1 word)"
    `)
    expect(failure(() => expect('・売上高は増加').toHaveBullets({ style: 'numbered' }))).toContain('Expected only numbered items, but found 1 bulleted item.')
    expect('ティム・クックは語った。').not.toHaveBullets()
  })

  test('1 MB of near-markers in fullwidth and CJK forms completes', () => {
    const prose = '１．５倍\nティム・クック\n（１２３４５６７８９０）\n'.repeat(40_000)
    expect(prose.length).toBeGreaterThan(1_000_000)
    expect(prose).not.toHaveBullets()
    const digits = `${'１'.repeat(1_050_000)}．\n（${'１'.repeat(1_050_000)}\n・売上高`
    expect(digits).toHaveBullets({ exactly: 1 })
  })

  test('exactly, min and style', () => {
    expect(three).toHaveBullets({ exactly: 3, style: 'bulleted' })
    expect('1. one\n2. two').toHaveBullets({ min: 2, style: 'numbered' })
    expect(failure(() => expect('1. one\n- two').toHaveBullets({ style: 'numbered' }))).toContain('Expected only numbered items, but found 1 bulleted item.')
    expect(failure(() => expect(three).toHaveBullets({ exactly: 2 }))).toContain('Expected exactly 2 list items, but found 3.')
    expect('no list').toHaveBullets({ min: 0, max: 0 })
  })

  test('edge cases: empty text, non-Latin text, 1 MB text', () => {
    expect(failure(() => expect('').toHaveBullets())).toContain('Received: no list items in ""')
    expect('- 苹果公司的收入增长了\n- Выручка выросла\n- الإيرادات ارتفعت').toHaveBullets({ exactly: 3, maxWordsPerBullet: 10 })
    const big = '- Apple posted record revenue this quarter\n'.repeat(25_000)
    expect(big.length).toBeGreaterThan(1_000_000)
    expect(big).toHaveBullets({ exactly: 25_000, maxWordsPerBullet: 6 })
    expect(failure(() => expect(big).toHaveBullets({ max: 3 }))).toContain('… and 24950 more')
  })

  test.each(['- item\n', '1. item\n', '-', '\n'])('finishes on 1 MB of %j', (unit) => {
    const text = unit.repeat(Math.ceil((1 << 20) / unit.length)).slice(0, 1 << 20)
    expect(text).not.toHaveBullets({ max: 3 })
  })
})
