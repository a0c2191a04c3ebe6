import { describe, expect, test } from 'vitest'
import { ClaimIndex, sameClaim } from '../../src/text/claims.js'
import { extractNumbers } from '../../src/text/numbers.js'

const keys = (text: string) => extractNumbers(text).map((c) => c.key)
const one = (text: string) => {
  const claims = extractNumbers(text)
  expect(claims).toHaveLength(1)
  return claims[0]!
}

describe('extractNumbers', () => {
  test.each([
    ['$10M', 'USD 10000000'],
    ['$10 million', 'USD 10000000'],
    ['ten million dollars', 'USD 10000000'],
    ['10,000,000 dollars', 'USD 10000000'],
    ['USD 10m', 'USD 10000000'],
    ['€4bn', 'EUR 4000000000'],
    ['£1.2 billion', 'GBP 1200000000'],
    ['25%', '% 25'],
    ['25 percent', '% 25'],
    ['25 per cent', '% 25'],
    ['twenty-five percent', '% 25'],
    ['1.5k', '# 1500'],
    ['1,500', '# 1500'],
    ['one hundred and twenty', '# 120'],
    ['a million', '# 1000000'],
    ['3.14', '# 3.14'],
    ['2024', '# 2024'],
  ])('normalises %s to %s', (text, key) => {
    expect(one(text).key).toBe(key)
  })

  test('recognises dates in several spellings', () => {
    expect(keys('March 5, 2024; 5 March 2024; 2024-03-05; Sept. 2023; Dec 25th')).toEqual([
      'date 2024-03-05',
      'date 2024-03-05',
      'date 2024-03-05',
      'date 2023-09-**',
      'date ****-12-25',
    ])
  })

  test('reads fiscal quarters in every spelling as one claim', () => {
    expect(keys('Q3, 3Q, third quarter, 3rd-quarter, Q5')).toEqual(['quarter 3', 'quarter 3', 'quarter 3', 'quarter 3'])
  })

  test('classifies kinds', () => {
    expect(extractNumbers('In 2023 revenue rose 8% to $5B across 12 stores on May 1').map((c) => c.kind)).toEqual([
      'year',
      'percent',
      'money',
      'number',
      'date',
    ])
  })

  test('skips list markers, a bare "one" and the verb "may"', () => {
    expect(keys('1. One of the best\n2) Sales may rise\n## 3. Heading')).toEqual([])
    expect(keys('1. Sales rose 4%')).toEqual(['% 4'])
    expect(keys('１．売上は８％増\n（２）利益\n3、收入\n1.5x')).toEqual(['% 8', '# 1.5'])
  })

  test('keeps the written text and offset of each claim', () => {
    const text = 'Revenue: $94.9 billion.'
    const claim = one(text)
    expect(claim.text).toBe('$94.9 billion')
    expect(text.slice(claim.index, claim.index + claim.text.length)).toBe('$94.9 billion')
  })

  test('reads digits of every script, fullwidth forms and hidden characters, and keeps the text as written', () => {
    const text = 'Up ９５％ to ＄１０, ٩٥٪ or ۹۵, ९५ and ৯\u200B৫ units'
    const claims = extractNumbers(text)
    expect(claims.map((c) => c.key)).toEqual(['% 95', 'USD 10', '% 95', '# 95', '# 95', '# 95'])
    for (const c of claims) expect(text.slice(c.index, c.index + c.text.length)).toBe(c.text)
    expect(claims.map((c) => c.text)).toEqual(['９５％', '＄１０', '٩٥٪', '۹۵', '९५', '৯\u200B৫'])
  })

  test('keeps a minus sign, ASCII or U+2212, but not a hyphen in a range, a word or a list dash', () => {
    expect(keys('-8% and −8% and (−$5M) and -3')).toEqual(['% -8', '% -8', 'USD -5000000', '# -3'])
    expect(extractNumbers('fell −8%')[0]!.text).toBe('−8%')
    expect(keys('5-8%, 2023-24, COVID-19, Q3-2024')).toEqual(['# 5', '% 8', '# 2023', '# 24', 'quarter 3', '# 2024'])
    expect(keys('- 8%\n  - 9%\n-10% overall')).toEqual(['% 8', '% 9', '% -10'])
    expect(keys('a –8% move, ‐3 and ‑4')).toEqual(['% 8', '# 3', '# 4'])
  })

  test('marks a value beside a word of decrease', () => {
    const decrease = (text: string) => extractNumbers(text).map((c) => c.decrease)
    expect(decrease('fell 8%, down by about 9%, a decline of 10%, an 11% drop, 12% lower')).toEqual([true, true, true, true, true])
    expect(decrease('rose 8%, fell to 9%, down from 10%, 11% higher')).toEqual([false, false, false, false])
  })

  test('returns nothing for text without numbers, including the empty string', () => {
    expect(extractNumbers('')).toEqual([])
    expect(extractNumbers('No figures were given.')).toEqual([])
  })
})

describe('sameClaim and ClaimIndex', () => {
  const source = new ClaimIndex(extractNumbers('Revenue was $10 million, up 25 percent, on March 5, 2024. There were 40 stores.'))

  test('supports equal values in compatible units', () => {
    for (const text of ['$10M', 'ten million dollars', '10 million', '25%', 'March 5', 'in 2024', '40']) {
      expect(source.support(one(text)), text).toBeDefined()
    }
  })

  test('rejects other values, other units and other dates', () => {
    for (const text of ['$11M', '€10 million', '25 dollars', '40%', 'March 6', '2023', '41']) {
      expect(source.support(one(text)), text).toBeUndefined()
    }
  })

  test('applies a relative tolerance', () => {
    expect(source.support(one('$10.4M'), 0.05)).toBeDefined()
    expect(source.support(one('$10.6M'), 0.05)).toBeUndefined()
    expect(sameClaim(one('99'), one('100'), 0.01)).toBe(true)
    expect(sameClaim(one('98'), one('100'), 0.01)).toBe(false)
  })

  test('a negative claim needs a negative value or a word of decrease in the source, and the reverse', () => {
    const supported = (claim: string, source: string) => new ClaimIndex(extractNumbers(source)).support(one(claim)) !== undefined
    expect(supported('-8%', '8%')).toBe(false)
    expect(supported('−8%', 'up 8%')).toBe(false)
    expect(supported('-8%', '−8%')).toBe(true)
    expect(supported('-8%', 'sales fell 8%')).toBe(true)
    expect(supported('−8%', 'a decline of 8%')).toBe(true)
    expect(supported('8%', '-8%')).toBe(false)
    expect(supported('down 8%', '-8%')).toBe(true)
    expect(supported('an 8% drop', '−8%')).toBe(true)
    expect(supported('8%', '8%')).toBe(true)
    expect(sameClaim(one('-$5M'), one('$5M'))).toBe(false)
  })

  test('lists the closest source numbers, same kind first', () => {
    expect(source.closest(one('$12M')).map((c) => c.text)).toEqual(['$10 million', '40', '25 percent'])
  })
})

describe('extractNumbers: dates in any case, units, names, times and scores', () => {
  test('reads month names in lower case, but not the verb "may"', () => {
    expect(keys('on may 30, 2021 and in june 2020, since march 3')).toEqual(['date 2021-05-30', 'date 2020-06-**', 'date ****-03-03'])
    expect(keys('MAY 30 2021')).toEqual(['date 2021-05-30'])
    expect(keys('about 30 may attend; 30 May')).toEqual(['# 30', 'date ****-05-30'])
    expect(keys('Sales may rise, they may 2x')).toEqual(['# 2'])
  })

  test('reads "m" as million only after a currency', () => {
    expect(keys('a 5.68m jump')).toEqual(['# 5.68'])
    expect(keys('$2.6 m, £3m, $ 160 million, € 5bn')).toEqual(['USD 2600000', 'GBP 3000000', 'USD 160000000', 'EUR 5000000000'])
    expect(keys('10M users, 2 mm')).toEqual(['# 10000000', '# 2'])
    expect(keys('5 mln bucks, $3 mln')).toEqual(['USD 5000000', 'USD 3000000'])
  })

  test('reads spoken dates, decimals and digit sequences', () => {
    expect(keys('on the fourth of march, the twenty first of November 2024, March the third, 14th of march')).toEqual([
      'date ****-03-04',
      'date 2024-11-21',
      'date ****-03-03',
      'date ****-03-14',
    ])
    expect(keys('six point two percent, two point four million dollars, one point three')).toEqual(['% 6.2', 'USD 2400000', '# 1.3'])
    expect(keys('the code is four four eight two one')).toEqual(['# 44821'])
    expect(extractNumbers('eight pounds seventy five each', { implied: true }).map((c) => [c.value, c.unit, c.implied])).toEqual([
      [8, 'GBP', undefined],
      [8.75, 'GBP', 'spoken'],
      [75, '', undefined],
    ])
  })

  test('reads two spoken number words as hundreds, and as a price when asked for implied numbers', () => {
    expect(keys('in nineteen ninety-five, twelve fifty, seventy five')).toEqual(['# 1995', '# 1250', '# 75'])
    expect(extractNumbers('it costs twelve fifty', { implied: true }).map((c) => [c.text, c.value, c.implied])).toEqual([
      ['twelve fifty', 1250, undefined],
      ['twelve fifty', 12.5, 'spoken'],
      ['twelve fifty', 770, 'spoken'],
    ])
  })

  test('numbers inside names are not claims', () => {
    expect(keys('They met at Eighty Mile Beach to read Catch-22 and watch Formula One, then flew an A380 to the G7.')).toEqual([])
    expect(keys('Eighty Mile Beach is long. Eighty people came, and eighty more.')).toEqual(['# 80', '# 80'])
    expect(keys('In mid-2020, 3 fans')).toEqual(['# 2020', '# 3'])
  })

  test('the first hour of a range takes the meridiem written once after the second', () => {
    expect(keys('open 2–6pm, and 10 to 12 pm')).toEqual(['time 14:00', 'time 18:00', 'time 10:00', 'time 12:00'])
    // A start later on the clock than the end is before noon; an a.m. range stays in the morning.
    expect(keys('lunch 11–1pm, classes 8-10am')).toEqual(['time 11:00', 'time 13:00', 'time 08:00', 'time 10:00'])
    // Not an hour: a figure over 12, or one apart from the time.
    expect(keys('aged 14–3pm; 4 kids at 5pm')).toEqual(['# 14', 'time 15:00', '# 4', 'time 17:00'])
  })

  test('reads clock times as one claim, and marks the sides of a score', () => {
    expect(keys('at 03:30, 3:30 pm, 5 a.m., 15:30')).toEqual(['time 03:30', 'time 15:30', 'time 05:00', 'time 15:30'])
    const claims = extractNumbers('won 2-7 and 3:1, aged 5-8%, 2023-24')
    expect(claims.map((c) => [c.key, c.joined === true])).toEqual([
      ['# 2', true],
      ['# 7', true],
      ['# 3', true],
      ['# 1', true],
      ['# 5', false],
      ['% 8', false],
      ['# 2023', false],
      ['# 24', false],
    ])
  })

  test('reads ordinal and multiplier words only when asked', () => {
    expect(keys('his sixth title, twice, both sides, the twenty-first')).toEqual([])
    const implied = extractNumbers('his sixth title, twice, both sides, the twenty-first, the first and second', { implied: true })
    expect(implied.map((c) => [c.text, c.value, c.implied])).toEqual([
      ['sixth', 6, 'ordinal'],
      ['twice', 2, 'multiplier'],
      ['both', 2, 'multiplier'],
      ['twenty-first', 21, 'ordinal'],
    ])
  })

  test('reads the bound or approximation before a number', () => {
    const bounds = (text: string) => extractNumbers(text).map((c) => c.bound)
    expect(bounds('more than 100, over 5, at least 3, 100+ fans, fewer than 50, under 9, up to 7, about 90%, nearly 40, ~12, 66')).toEqual([
      'above', 'above', 'atLeast', 'atLeast', 'below', 'below', 'atMost', 'about', 'about', 'about', undefined,
    ])
  })
})

describe('extractNumbers: notation and spoken signs', () => {
  const read = (text: string) => extractNumbers(text).map((c) => [c.text, c.value, c.kind, c.ordinal === true])

  test('reads powers of ten, scientific notation, fractions and circled digits at their value', () => {
    expect(read('10⁶ people, 2.5e-3 g, 2¾ hours, ½ of it, ⑩ dollars, in 2024²')).toEqual([
      ['10⁶', 1_000_000, 'number', false],
      ['2.5e-3', 0.0025, 'number', false],
      ['2¾', 2.75, 'number', false],
      ['½', 0.5, 'number', false],
      ['⑩ dollars', 10, 'money', false],
      ['2024', 2024, 'year', false],
    ])
  })

  test('a spoken sign makes a number negative; a digit ordinal is marked as one', () => {
    expect(read('minus 40 degrees, negative 5%, the 3rd seed and 21st')).toEqual([
      ['minus 40', -40, 'number', false],
      ['negative 5%', -5, 'percent', false],
      ['3rd', 3, 'number', true],
      ['21st', 21, 'number', true],
    ])
  })

  test('a digit ordinal and a cardinal support each other only with derived values on, or when said of the same thing', () => {
    const [rank] = extractNumbers('3rd')
    const [count] = extractNumbers('3 teams')
    expect(new ClaimIndex([count!]).support(rank!)).toBe(count)
    expect(new ClaimIndex([count!], { derived: false }).support(rank!)).toBeUndefined()
    expect(new ClaimIndex([rank!], { derived: false }).support(count!)).toBeUndefined()
    // Said of the same thing, a rank and a count state one fact.
    const [minute] = extractNumbers('in the 88th minute')
    const [minutes] = extractNumbers('after 88 minutes')
    expect(new ClaimIndex([minutes!], { derived: false }).support(minute!)).toBe(minutes)
  })
})
