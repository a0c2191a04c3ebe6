import { describe, expect, test } from 'vitest'
import { ClaimIndex, type SupportOptions } from '../../src/text/claims.js'
import { cardinalLength } from '../../src/text/numberWords.js'
import { extractNumbers } from '../../src/text/numbers.js'

// The same quantity written in another form: spoken compositions, scale letters, basis
// points, ranges with one scale, tallies in words, signs said in words, elided scales.

const keys = (text: string, implied = false) => extractNumbers(text, { implied }).filter((c) => !c.implied).map((c) => c.key)

// Whether every claim of `claim` is supported by `source`, read as the matcher reads them.
const supported = (claim: string, source: string, options: SupportOptions & { derived?: boolean } = {}) => {
  const index = new ClaimIndex(extractNumbers(source, { implied: options.derived !== false }), { text: source, derived: options.derived })
  const claims = extractNumbers(claim)
  expect(claims.length, `claims in ${JSON.stringify(claim)}`).toBeGreaterThan(0)
  return claims.every((c) => index.support(c, options) !== undefined)
}

describe('numbers said in words', () => {
  test('a run of number words is read as one number only where it composes as one', () => {
    expect(keys('we sold eight hundred and forty three million copies')).toEqual(['# 843000000'])
    expect(keys('a budget of two thousand and nine pounds')).toEqual(['GBP 2009'])
    expect(keys('somewhere between sixty one and sixty four million')).toEqual(['# 61', '# 64000000'])
    expect(keys('the dice showed six five')).toEqual(['# 6', '# 5'])
    expect(keys('thirty three hundred seats and forty-one rows')).toEqual(['# 3300', '# 41'])
  })

  test('cardinalLength stops where a second number starts', () => {
    expect(cardinalLength(['a', 'hundred', 'and', 'nine'])).toBe(4)
    expect(cardinalLength(['seventy', 'two', 'and', 'eighty'])).toBe(2)
    expect(cardinalLength(['twelve', 'fifteen'])).toBe(1)
    expect(cardinalLength(['three', 'million', 'two', 'thousand'])).toBe(4)
    expect(cardinalLength(['two', 'thousand', 'three', 'million'])).toBe(2)
  })

  test('halves, quarters and "k" after number words', () => {
    expect(keys('it fetched forty one and a half thousand')).toEqual(['# 41500'])
    expect(keys('roughly three and a half million viewers')).toEqual(['# 3500000'])
    expect(keys('we waited two and a half hours')).toEqual(['# 2.5'])
    expect(keys('a deal worth six hundred k')).toEqual(['# 600000'])
    expect(keys('nearly half a billion users and half a dozen staff')).toEqual(['# 500000000', '# 6'])
    expect(keys('a quarter-point rise, then a rise of half a percentage point')).toEqual(['# 0.25', '% 0.5'])
  })

  test('digits said one by one, "oh" among them, and years said in pairs', () => {
    expect(keys('under clause two oh four')).toEqual(['# 204'])
    expect(keys('the twenty nineteen model')).toEqual(['# 2019'])
    expect(keys('since twenty twenty one')).toEqual(['# 2021'])
  })

  test('a dealer price said as thousands and hundreds supports the amount, and only it', () => {
    expect(supported('£18,700', 'best i can do is eighteen seven for it')).toBe(true)
    expect(supported('£18,600', 'best i can do is eighteen seven for it')).toBe(false)
    expect(supported('£18,700', 'best i can do is eighteen seven for it', { derived: false })).toBe(false)
  })

  test('a smaller number is not found inside a larger one in words', () => {
    expect(supported('two buses', 'there were twenty two buses')).toBe(false)
    expect(supported('61 tickets', 'between sixty one and sixty four million tickets')).toBe(true)
    expect(supported('125 tickets', 'between sixty one and sixty four million tickets')).toBe(false)
  })

  test('an amount in words supports the same amount in figures, and no other', () => {
    expect(supported('£14k', 'the fee was fourteen thousand pounds')).toBe(true)
    expect(supported('€40,000', 'forty thousand euros were raised')).toBe(true)
    expect(supported('€45,000', 'forty thousand euros were raised')).toBe(false)
    expect(supported('$3.2m', 'bookings of three point two million dollars')).toBe(true)
    expect(supported('$3.3m', 'bookings of three point two million dollars')).toBe(false)
  })
})

describe('scales written as letters, words or after a hyphen', () => {
  test('a lone "m" after a number is a million or a unit, and either reading is supported', () => {
    expect(supported('42m subscribers', 'The service has 42 million subscribers.')).toBe(true)
    expect(supported('42 million subscribers', 'The service has 42m subscribers.')).toBe(true)
    expect(supported('a 7.4m leap', 'She cleared 7.4 metres.')).toBe(true)
    expect(supported('43m subscribers', 'The service has 42 million subscribers.')).toBe(false)
    expect(supported('42 thousand subscribers', 'The service has 42m subscribers.')).toBe(false)
  })

  test('a scale or currency after a hyphen belongs to the number', () => {
    expect(keys('a $2.7-billion-a-year business')).toEqual(['USD 2700000000'])
    expect(keys('a 600-million-strong audience')).toEqual(['# 600000000'])
    expect(keys('a 15,000-euro grant')).toEqual(['EUR 15000'])
    expect(supported('€30,000 in grants', 'a 15,000-euro grant and a second 15,000-euro grant')).toBe(true)
  })

  test('basis points and percentage points are one quantity', () => {
    expect(supported('a 25bp hike', 'the bank made a quarter-point hike')).toBe(true)
    expect(supported('a 75 basis point rise', 'rates rose by 0.75 points')).toBe(true)
    expect(supported('a 50bp cut', 'a cut of half a percentage point')).toBe(true)
    expect(supported('a half-point cut', 'analysts expect a 50-basis-point cut')).toBe(true)
    expect(supported('a 50bp cut', 'the bank made a quarter-point cut')).toBe(false)
    // Converting the unit is a derivation, as the reader does it.
    expect(supported('a 25bp hike', 'the bank made a quarter-point hike', { derived: false })).toBe(false)
    expect(supported('a quarter-point hike', 'the bank made a quarter-point hike', { derived: false })).toBe(true)
  })

  test('the first figure of a range takes the scale written after the second', () => {
    expect(supported('sales of £1.2bn to £1.4bn', 'sales of £1.2–1.4bn')).toBe(true)
    expect(supported('sales of £1.2–1.4bn', 'sales of between £1.2 billion and £1.4 billion')).toBe(true)
    expect(supported('profit of €61m', 'profit of between sixty one and sixty four million euros')).toBe(true)
    expect(supported('sales of £1.1bn to £1.4bn', 'sales of £1.2–1.4bn')).toBe(false)
    // "and" joins a range only after "between".
    expect(supported('£6 million', '6 shops and £4 million of debt')).toBe(false)
  })
})

describe('tallies written two ways', () => {
  test('"N votes to M" and a score support each other', () => {
    expect(supported('passed by 9 votes to 3', 'The council voted 9-3 in favour.')).toBe(true)
    expect(supported('approved 14–1', 'the board backed it by fourteen votes to one')).toBe(true)
    expect(supported('approved 14–2', 'the board backed it by fourteen votes to one')).toBe(false)
  })

  test('"nil" is a side of a score', () => {
    expect(supported('a 4-0 win', 'they won four nil at home')).toBe(true)
    expect(supported('a 4-1 win', 'they won four nil at home')).toBe(false)
    // A side of a score supports only a side of a score, as before.
    expect(supported('four players', 'they won four nil at home')).toBe(true)
    expect(supported('four players', 'they won 4-0 at home')).toBe(false)
  })

  test('a bare "one" in an output is still no claim', () => {
    expect(keys('passed by six votes to one')).toEqual(['# 6'])
  })
})

describe('"one" and "a single" in a source', () => {
  test('a "one" that counts a noun supports 1, and a pronoun or an idiom does not', () => {
    expect(supported('1 complaint', 'We received one complaint about the noise.')).toBe(true)
    expect(supported('1 stop', 'The tour makes a single stop in Leeds.')).toBe(true)
    expect(supported('1 complaint', 'One of the complaints was about noise.')).toBe(false)
    expect(supported('1 complaint', 'This is the one that mattered.')).toBe(false)
    expect(supported('1 visit', 'One day we will visit.')).toBe(false)
    expect(supported('2 complaints', 'We received one complaint about the noise.')).toBe(false)
    expect(supported('1 complaint', 'We received one complaint about the noise.', { derived: false })).toBe(false)
  })
})

describe('a direction said in words for a minus sign', () => {
  test('a decrease verb with its object before "by" meets a negative figure', () => {
    expect(supported('the drug cut blood pressure by 6.1 mmHg', 'Change in blood pressure: −6.1 mmHg.')).toBe(true)
    expect(supported('the diet lowered cholesterol by 0.3', 'Difference in cholesterol −0.3.')).toBe(true)
    expect(supported('the drug raised blood pressure by 6.1 mmHg', 'Change in blood pressure: −6.1 mmHg.')).toBe(false)
    expect(supported('blood pressure was 6.1 mmHg', 'Change in blood pressure: −6.1 mmHg.')).toBe(false)
  })

  test('"fewer" after a figure, and a figure compared with a decrease', () => {
    expect(supported('3.4 fewer sick days', 'sick days changed by −3.4')).toBe(true)
    expect(supported('it reduced sick days by 5 versus 3.4 with usual care', 'sick days: −5.0 (drug) vs −3.4 (usual care)')).toBe(true)
    expect(supported('it increased sick days by 5 versus 3.4 with usual care', 'sick days: −5.0 (drug) vs −3.4 (usual care)')).toBe(false)
  })
})

describe('a scale written once for several figures of a source', () => {
  test('a bare number after a figure with a scale, of a like size and with no noun, takes that scale', () => {
    const call = 'bookings came in at three point one million dollars. we had budgeted two point eight for the year, then'
    expect(supported('$2.8m budget', call)).toBe(true)
    expect(supported('£52m capex', 'capex was about fifty million, a little below the fifty two we planned')).toBe(true)
  })

  test('a bare figure in the sentence of a figure in percentage points is in points too', () => {
    const abstract = 'Scores fell by 0.52 percentage points with the drug and 0.11 points with placebo (difference −0.41; p=0.01).'
    expect(supported('the drug lowered scores by 0.41 percentage points more', abstract)).toBe(true)
    expect(supported('the drug lowered scores by 0.41 percentage points more', abstract, { derived: false })).toBe(false)
    expect(supported('the drug lowered scores by 0.41 percentage points more', 'Scores fell by 0.52 percentage points. The gap was −0.41.')).toBe(false)
    expect(supported('the drug lowered scores by 0.41 percentage points more', 'Scores fell by 0.52 percentage points; the gap was −0.41.')).toBe(true)
    expect(supported('a 0.41% gap', 'Prices rose 0.4%, and the index hit 0.41 later.')).toBe(false)
  })

  test('a number with its own noun, of another size, or far away keeps its value', () => {
    expect(supported('$12m', 'revenue of 40 million dollars across 12 stores')).toBe(false)
    expect(supported('$900m', 'revenue of 40 million dollars, up from 900 last year')).toBe(false)
    expect(supported('$38m', `revenue of 40 million dollars. ${'Nothing else. '.repeat(40)}Then 38 came up.`)).toBe(false)
    expect(supported('$38m', 'revenue of 40 million dollars, up from 38', { derived: false })).toBe(false)
  })
})
