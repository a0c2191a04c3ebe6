import { describe, expect, test } from 'vitest'
import { extractNumbers } from '../../src/text/numbers.js'
import { riskPercent } from '../../src/text/restated.js'

const restated = (text: string) =>
  extractNumbers(text, { implied: true })
    .filter((c) => c.implied === 'restated')
    .map((c) => `${c.kind} ${c.value}`)

describe('figures a source states that a summary restates in other terms', () => {
  test('a risk ratio is a percent higher or lower risk, to the places it gives', () => {
    expect(riskPercent('1.27')).toBe(27)
    expect(riskPercent('0.82')).toBe(-18)
    expect(riskPercent('1.185')).toBe(18.5)
    expect(riskPercent('2.1')).toBe(110)
    expect(restated('deaths rose (adjusted HR 1.31, 95% CI 1.02–1.69); odds ratio of 0.75; RR = 1.4')).toEqual(['percent 31', 'percent -25', 'percent 40'])
  })

  test('no ratio: "or" in lower case, a ratio of 1 or over 10, a figure after another word', () => {
    expect(restated('one or 2.5 kg; the HR team of 1.5 people')).toEqual([])
    expect(restated('hazard ratio 1.00, odds ratio 12.5')).toEqual([])
    expect(riskPercent('1')).toBeUndefined()
  })

  test('decades and centuries are years; a century by its ordinal is none', () => {
    expect(restated('in three decades, a decade ago, over 2 decades, half a century, two centuries')).toEqual(['number 30', 'number 10', 'number 20', 'number 50', 'number 200'])
    expect(restated('the 19th century, for decades, the decade of growth')).toEqual([])
  })

  test('an output restates nothing: the readings are a source\'s only', () => {
    expect(extractNumbers('HR 1.27 over three decades').filter((c) => c.implied === 'restated')).toEqual([])
  })
})
