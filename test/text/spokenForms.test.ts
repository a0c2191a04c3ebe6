import { describe, expect, test } from 'vitest'
import { ClaimIndex } from '../../src/text/claims.js'
import { extractNumbers } from '../../src/text/numbers.js'

// Whether every claim of `claim` is supported by `source`, read as the matcher reads them.
const supported = (claim: string, source: string) => {
  const index = new ClaimIndex(extractNumbers(source, { implied: true }), { text: source })
  const claims = extractNumbers(claim)
  expect(claims.length, `claims in ${JSON.stringify(claim)}`).toBeGreaterThan(0)
  return claims.every((c) => index.support(c) !== undefined)
}
const keys = (text: string) => extractNumbers(text).map((c) => c.key)

describe('a clock time before punctuation', () => {
  test('a colon, semicolon or dash after a time leaves it a time', () => {
    expect(keys('The lights came back at 21:17: the match resumed.')).toEqual(['time 21:17'])
    expect(keys('Doors shut at 09:05; nobody else got in.')).toEqual(['time 09:05'])
    expect(supported('power was back at 21:17: play went on', 'Power returned at 21:17.')).toBe(true)
    expect(supported('power was back at 21:18: play went on', 'Power returned at 21:17.')).toBe(false)
  })

  test('seconds after a second colon still make no time of hours and minutes alone', () => {
    expect(keys('lap time 1:02:33')).not.toContain('time 01:02')
  })
})

describe('a split said in words', () => {
  test('two tens words that make a hundred are two numbers', () => {
    expect(keys('the grant is shared sixty forty with the partner')).toEqual(['# 60', '# 40'])
    expect(keys('a fifty-fifty chance')).toEqual(['# 50', '# 50'])
    expect(supported('shared 60/40 with the partner', 'The grant is shared sixty forty with the partner.')).toBe(true)
    expect(supported('an 80:20 split', 'They agreed an eighty twenty split.')).toBe(true)
    expect(supported('shared 70/30', 'The grant is shared sixty forty.')).toBe(false)
  })

  test('pairs that do not make a hundred, and years said in pairs, stay one number', () => {
    expect(keys('in twenty twenty')).toEqual(['# 2020'])
    expect(keys('it cost seventy twenty')).not.toContain('# 70')
  })
})

describe('fractions in words in the source', () => {
  test('a fraction word supports its decimal, rounded as the summary writes it', () => {
    expect(supported('0.1 ml of the serum', 'Each dose holds a tenth of a millilitre of the serum.')).toBe(true)
    expect(supported('0.2 of the vote', 'The party took a fifth of the vote.')).toBe(true)
    expect(supported('0.75 of the seats', 'Three quarters of the seats were empty.')).toBe(true)
    expect(supported('0.33 of the budget', 'A third of the budget went on rent.')).toBe(true)
    expect(supported('0.667 of members', 'Two thirds of members voted yes.')).toBe(true)
    expect(supported('0.67 of members', 'Two-thirds of members voted yes.')).toBe(true)
  })

  test('another fraction, a rounding the summary does not write, or an ordinal is no support', () => {
    expect(supported('0.2 ml of the serum', 'Each dose holds a tenth of a millilitre of the serum.')).toBe(false)
    expect(supported('0.34 of the budget', 'A third of the budget went on rent.')).toBe(false)
    expect(supported('0.3 of the budget', 'A third of the budget went on rent.')).toBe(false)
    expect(supported('0.25 of sales', 'Sales rose in the third quarter.')).toBe(false)
    expect(supported('0.33 of sales', 'Sales rose in the third quarter.')).toBe(false)
  })

  test('a fraction in a summary is not read as a decimal claim', () => {
    expect(keys('a tenth of the staff left')).toEqual([])
  })
})

describe('"an hour", "a week" in the source', () => {
  test('the article supports a 1 with the same unit, in any spelling of it', () => {
    expect(supported('1 hr of homework', 'They set an hour of homework each night.')).toBe(true)
    expect(supported('the ferry takes 1 hour', 'The ferry takes an hour.')).toBe(true)
    expect(supported('paused for 1 week', 'Production paused for a week.')).toBe(true)
    expect(supported('1 yr later', 'A year later the shop closed.')).toBe(true)
  })

  test('a 1 of another unit, with no unit, or the unit of a rate is no support', () => {
    expect(supported('1 day of homework', 'They set an hour of homework each night.')).toBe(false)
    expect(supported('1 of the ferries', 'The ferry takes an hour.')).toBe(false)
    expect(supported('1 day', 'Read for an hour a day.')).toBe(false)
    expect(supported('1 hour', 'The train ran at 80 km an hour.')).toBe(false)
    expect(supported('2 hours', 'The ferry takes an hour.')).toBe(false)
  })

  test('the article adds no claim to the source', () => {
    expect(extractNumbers('A year later the shop closed.', { implied: true })).toEqual([])
  })
})
