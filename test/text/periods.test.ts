import { describe, expect, test } from 'vitest'
import { ClaimIndex, type SupportOptions } from '../../src/text/claims.js'
import { extractNumbers } from '../../src/text/numbers.js'

const supported = (claim: string, source: string, options: SupportOptions & { derived?: boolean } = {}) => {
  const index = new ClaimIndex(extractNumbers(source, { implied: options.derived !== false }), { text: source, derived: options.derived })
  const claims = extractNumbers(claim)
  expect(claims.length, `claims in ${JSON.stringify(claim)}`).toBeGreaterThan(0)
  return claims.every((c) => index.support(c, options) !== undefined)
}

describe('years said relative to another year', () => {
  const bio = 'The mill opened in 1874. The following year it burned down; it was rebuilt three years later.'

  test('"the following year" and "N years later" count from the year written before them', () => {
    expect(supported('burned down in 1875', bio)).toBe(true)
    expect(supported('rebuilt in 1878', bio)).toBe(true)
    expect(supported('rebuilt in 1877', bio)).toBe(false)
    expect(supported('burned down in 1873', bio)).toBe(false)
  })

  test('"last year" and "N years ago" count from the date of the text', () => {
    const news = 'LYON, 3 March 2031 — Ticket sales doubled compared with last year, and the club was founded forty years ago.'
    expect(supported('up on 2030', news)).toBe(true)
    expect(supported('founded in 1991', news)).toBe(true)
    expect(supported('founded in 1990', news)).toBe(false)
    expect(supported('opened in 2011', 'LYON, 3 March 2031 — The stadium opened two decades ago.')).toBe(true)
    expect(supported('opened in 2021', 'LYON, 3 March 2031 — The stadium opened two decades ago.')).toBe(false)
    // Without a date at its head, the text says nothing of which year "last year" was.
    expect(supported('up on 2030', 'Ticket sales doubled compared with last year.')).toBe(false)
  })

  test('with derived: false a relative year supports nothing', () => {
    expect(supported('burned down in 1875', bio, { derived: false })).toBe(false)
  })
})

describe('quarters and fiscal years', () => {
  test('a quarter named by its months or its end is its number in the calendar year', () => {
    expect(supported('Q3 sales', 'Sales between July and September fell.')).toBe(true)
    expect(supported('Q2 sales', 'Sales from April to June fell.')).toBe(true)
    expect(supported('Q3 sales', 'Sales from April to June fell.')).toBe(false)
    expect(supported('Q2 sales', 'Sales in the three months to 30 June rose.')).toBe(true)
    expect(supported('fourth-quarter sales', 'The final quarter was the strongest.')).toBe(true)
    expect(supported('Q3 sales', 'Sales in the three months to 30 June rose.')).toBe(false)
    // Four months are no quarter.
    expect(supported('Q3 sales', 'Sales between June and September fell.')).toBe(false)
  })

  test('a fiscal year the text states moves the quarters', () => {
    const report = 'For the fiscal year ending 31 March, profit in the October–December quarter rose.'
    expect(supported('Q3 profit', report)).toBe(true)
    expect(supported('Q4 profit', report)).toBe(false)
  })

  test('a quarter without its year, in a dated text, is the current or the last completed one', () => {
    const results = 'OSLO, 9 February 2031 — The shipper posted fourth-quarter profit of NOK 1.2 billion.'
    expect(supported('Q4 2030 profit of NOK 1.2 billion', results)).toBe(true)
    expect(supported('Q4 2029 profit', results)).toBe(false)
    // A quarter ahead of the date is a forecast: its year is not implied.
    expect(supported('Q3 2030', 'OSLO, 9 February 2031 — A new ship is due in the third quarter.')).toBe(false)
  })

  test('H1 and H2 are half-years, supported by a half-year and by nothing else', () => {
    expect(extractNumbers('H1 sales and 2H margin').map((c) => [c.text, c.value, c.unit])).toEqual([['H1', 1, 'half'], ['2H', 2, 'half']])
    expect(supported('H1 sales rose', 'Sales rose in the first half.')).toBe(true)
    expect(supported('H1 sales rose', 'Sales rose in the six months to 30 June.')).toBe(true)
    expect(supported('H2 sales rose', 'Sales rose in the first half.')).toBe(false)
    expect(supported('H2 sales rose', 'Sales rose in the six months to 30 June.')).toBe(false)
    expect(supported('H1 sales rose', 'Sales rose in the six months to 30 June.', { derived: false })).toBe(false)
    // The second half of a match is no count of two.
    expect(supported('2 goals', 'He scored in the second half.')).toBe(false)
  })

  test('a fiscal year is its own claim, supported by a calendar year only as a derivation', () => {
    const outlook = 'Guidance for the fiscal year ending March 2032 was raised.'
    expect(supported('FY32 guidance', outlook)).toBe(true)
    expect(supported("FY’32 guidance", outlook)).toBe(true)
    expect(supported('FY32 guidance', outlook, { derived: false })).toBe(false)
    expect(supported('FY32 guidance', 'Guidance for FY2032 was raised.', { derived: false })).toBe(true)
    expect(supported('FY2032 guidance', 'Guidance for fiscal 2032 was raised.', { derived: false })).toBe(true)
    expect(supported('fiscal year 2032 guidance', 'Guidance for FY32 was raised.', { derived: false })).toBe(true)
    expect(supported('FY31 guidance', outlook)).toBe(false)
  })
})

describe('spoken years, spans and hours', () => {
  test('a year said in two pairs is that year, also as a month and year', () => {
    const call = 'caller: it was registered in twenty twenty three and the cover runs to april twenty thirty'
    expect(supported('registered in 2023', call)).toBe(true)
    expect(supported('cover until April 2030', call)).toBe(true)
    expect(supported('cover until May 2030', call)).toBe(false)
    expect(supported('registered in 2023', call, { derived: false })).toBe(true)
  })

  test('"m:ss" is supported by the minutes and seconds written out, not as a time of day', () => {
    const race = 'The leaders built a gap of four minutes and 20 seconds.'
    expect(supported('a gap of 4:20', race)).toBe(true)
    expect(supported('a gap of 4:25', race)).toBe(false)
    expect(supported('at 4:20pm', race)).toBe(false)
  })

  test('a time said in words is that time on either half of the day', () => {
    const call = "we'll meet at half past six, the shop shuts at quarter to five and opens at nine o'clock"
    expect(supported('meet at 6:30pm', call)).toBe(true)
    expect(supported('shuts at 4:45', call)).toBe(true)
    expect(supported('opens at 9am', call)).toBe(true)
    expect(supported('meet at 6:15pm', call)).toBe(false)
    expect(supported('shuts at 5:15', call)).toBe(false)
    // An hour in words alone already supports a time on that hour.
    expect(supported('dinner at 6pm', 'dinner is at six in the evening')).toBe(true)
  })

  test('two hours after a weekday are a range of hours', () => {
    expect(supported('practice Friday 3–5pm', 'ok friday 3-5 then, room booked')).toBe(true)
    expect(supported('practice Friday 3–6pm', 'ok friday 3-5 then, room booked')).toBe(false)
    // A score is no range of hours.
    expect(supported('kick-off 5pm', 'They won 3-5 away.')).toBe(false)
  })

  test("a stoppage-time minute (90+3') is the minute after 90, said in words or as an ordinal", () => {
    expect(extractNumbers("Osei 90+3'").map((c) => [c.text, c.value])).toEqual([["90+3'", 93]])
    expect(supported("Osei 90+3'", 'Osei scored three minutes into stoppage time.')).toBe(true)
    expect(supported("Osei 90+3'", 'Osei scored in the third minute of five added on.')).toBe(true)
    expect(supported("Osei 90+3'", 'Osei scored in the 93rd minute.')).toBe(true)
    expect(supported("Osei 90+4'", 'Osei scored three minutes into stoppage time.')).toBe(false)
    expect(supported("Osei 90+3'", 'Osei scored in stoppage time.')).toBe(false)
  })

  test('minutes after the restart are a match minute of either half length', () => {
    const report = 'Silva equalised six minutes after the restart.'
    expect(supported("Silva 51'", report)).toBe(true)
    expect(supported("Silva 46'", report)).toBe(true)
    expect(supported("Silva 52'", report)).toBe(false)
  })
})
