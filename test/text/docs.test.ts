import { describe, expect, test } from 'vitest'
import { ClaimIndex, sameClaim } from '../../src/text/claims.js'
import { EntityHaystack } from '../../src/text/entities.js'
import { foldText, skeleton } from '../../src/text/fold.js'
import { extractNumbers } from '../../src/text/numbers.js'
import { countSentences, splitSentences } from '../../src/text/segment.js'

// The @example blocks of the public API, run as written.
describe('TSDoc examples', () => {
  test('EntityHaystack', () => {
    const haystack = new EntityHaystack("Nestle's chief met\nTim Cook.")
    expect(haystack.find('Nestlé')).toEqual({ text: "Nestle's", line: 1, column: 1, index: 0 })
    expect(haystack.find('Tim Cook')).toEqual({ text: 'Tim Cook', line: 2, column: 1, index: 19 })
  })

  test('sameClaim and ClaimIndex', () => {
    const [claim] = extractNumbers('$10M')
    const [source] = extractNumbers('ten million dollars')
    expect(sameClaim(claim!, source!)).toBe(true)
    const index = new ClaimIndex(extractNumbers('Revenue was $94.9 billion.'))
    expect(extractNumbers('It made $95B and $3B.').filter((c) => !index.support(c, 0.01)).map((c) => c.text)).toEqual(['$3B'])
  })

  test('ClaimIndex with the source text', () => {
    const article = 'The festival showed Alpha, Beta and Gamma. Sales rose from 2,400 to 4,500.'
    const source = new ClaimIndex(extractNumbers(article, { implied: true }), { text: article })
    const invented = extractNumbers('Three films; sales up 88% to 4,520.').filter((c) => !source.support(c, { tolerance: 0.01 }))
    expect(invented.map((c) => c.text)).toEqual([])
    expect(extractNumbers('Four films; sales up 88% to 4,520.').filter((c) => !source.support(c, { tolerance: 0.01 })).map((c) => c.text)).toEqual(['Four'])
  })

  test('foldText and skeleton', () => {
    const { folded, toOriginal } = foldText('Up ９\u200B５％')
    expect(folded).toBe('Up 95%')
    expect(toOriginal(5)).toBe(6)
    expect(skeleton('\u0410\u0440\u0440l\u0435')).toBe('Apple')
  })

  test('splitSentences and countSentences', () => {
    expect(splitSentences('Dr. Smith left. Sales rose!\n1. Next item')).toEqual(['Dr. Smith left.', 'Sales rose!', '1. Next item'])
    expect(countSentences('One. Two.')).toBe(2)
  })

  test('extractNumbers', () => {
    expect(extractNumbers('Revenue rose 25% to $10M.').map((c) => c.key)).toEqual(['% 25', 'USD 10000000'])
  })
})
