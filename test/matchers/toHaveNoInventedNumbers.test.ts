import { describe, expect, test } from 'vitest'
import { failure } from '../helpers.js'

const article = 'Apple reported revenue of $94.9 billion, up 8% from a year earlier, on August 1, 2024. It opened 12 stores.'

describe('toHaveNoInventedNumbers', () => {
  test('pass', () => {
    expect('1. Revenue hit 94.9 billion dollars\n2. Growth was eight percent\n3. Reported Aug 1, 2024 in 2024').toHaveNoInventedNumbers(article)
  })

  test('fail', () => {
    expect(failure(() => expect('Revenue rose 9% to $95 billion across 12 stores.').toHaveNoInventedNumbers(article))).toMatchInlineSnapshot(`
      "expect(received).toHaveNoInventedNumbers(source)

      Expected every number in the text to appear in the source, but 2 claims are not supported.

      Expected: numbers supported by the source (4 numeric claims there)
      Received: 3 numeric claims, 2 unsupported
                ✗ "9%" (% 9) at line 1: closest in the source: "8%", "12", "$94.9 billion"
                ✗ "$95 billion" (USD 95000000000) at line 1: closest in the source: "$94.9 billion", "12", "8%""
    `)
  })

  test('.not pass', () => {
    expect('Revenue was $100 billion.').not.toHaveNoInventedNumbers(article)
  })

  test('.not fail', () => {
    expect(failure(() => expect('Revenue was $94.9B, up 8%.').not.toHaveNoInventedNumbers(article))).toMatchInlineSnapshot(`
      "expect(received).not.toHaveNoInventedNumbers(source)

      Expected the text to contain a number the source does not support, but all 2 numeric claims are supported.

      Expected: numbers supported by the source (4 numeric claims there)
      Received: 2 numeric claims, 0 unsupported
                ✓ "$94.9B": in the source as "$94.9 billion"
                ✓ "8%": in the source as "8%""
    `)
  })

  test('normalises money, scale and words: $10M = $10 million = ten million dollars = 10,000,000 dollars', () => {
    for (const claim of ['$10M', '$10 million', 'ten million dollars', '10,000,000 dollars']) {
      expect(`They raised ${claim}.`).toHaveNoInventedNumbers('The round was $10 million.')
    }
    expect('25% of users').toHaveNoInventedNumbers('a quarter, 25 percent, of users')
    expect('1.5k users').toHaveNoInventedNumbers('1,500 users')
  })

  test('tolerance allows rounding', () => {
    expect('about $95 billion').not.toHaveNoInventedNumbers(article)
    expect('about $95 billion').toHaveNoInventedNumbers(article, { tolerance: 0.01 })
    expect(failure(() => expect('about $99 billion').toHaveNoInventedNumbers(article, { tolerance: 0.01 }))).toContain('within 1%')
  })

  test('a wrong date or year is invented', () => {
    expect('Reported on August 2, 2024.').not.toHaveNoInventedNumbers(article)
    expect('Reported in 2023.').not.toHaveNoInventedNumbers(article)
  })

  test('edge cases: empty text, non-Latin text, 1 MB text', () => {
    expect('').toHaveNoInventedNumbers(article)
    expect('收入增长了8%').toHaveNoInventedNumbers(article)
    const big = 'Revenue was $94.9 billion, up 8%. '.repeat(32_000)
    expect(big.length).toBeGreaterThan(1_000_000)
    expect(big).toHaveNoInventedNumbers(article)
    expect(failure(() => expect(`${big} It had 13 stores.`).toHaveNoInventedNumbers(article))).toContain('✗ "13"')
  })
})
