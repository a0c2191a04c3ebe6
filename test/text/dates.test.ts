import { describe, expect, test } from 'vitest'
import { civilDate, dayNumber, daysInMonth, weekdayNumber, weekdayOf } from '../../src/text/calendar.js'
import { ClaimIndex, type SupportOptions } from '../../src/text/claims.js'
import { impliedDates, isDayOfMonth } from '../../src/text/dates.js'
import { extractNumbers } from '../../src/text/numbers.js'

const supported = (claim: string, source: string, options: SupportOptions & { derived?: boolean } = {}) => {
  const index = new ClaimIndex(extractNumbers(source, { implied: options.derived !== false }), { text: source, derived: options.derived })
  const claims = extractNumbers(claim)
  expect(claims.length, `claims in ${JSON.stringify(claim)}`).toBeGreaterThan(0)
  return claims.every((c) => index.support(c, options) !== undefined)
}

const keys = (source: string) => impliedDates(source, extractNumbers(source)).map((c) => c.key)

describe('calendar', () => {
  test('day numbers round-trip and give the weekday', () => {
    for (const [y, m, d] of [[1970, 1, 1], [2000, 2, 29], [2024, 12, 31], [1899, 3, 1]] as const) {
      expect(civilDate(dayNumber(y, m, d))).toEqual({ year: y, month: m, day: d })
    }
    // 9 May 2031 is a Friday; 1 January 2001 a Monday.
    expect(weekdayOf(dayNumber(2031, 5, 9))).toBe(4)
    expect(weekdayOf(dayNumber(2001, 1, 1))).toBe(0)
    expect(daysInMonth(2028, 2)).toBe(29)
    expect(daysInMonth(2027, 2)).toBe(28)
    expect(weekdayNumber('Thurs')).toBe(3)
    expect(weekdayNumber('sunday')).toBe(6)
  })
})

describe('a day of the month in the claim', () => {
  test('a number after a weekday, or a digit ordinal after "the", is a day', () => {
    const at = (text: string, n: string) => isDayOfMonth(text, text.indexOf(n), text.indexOf(n) + n.length)
    expect(at('Thu 9: site visit', '9')).toBe(true)
    expect(at('Saturday 14th and Sunday', '14')).toBe(true)
    expect(at('payment is due by the 30th.', '30')).toBe(true)
    // A noun after it makes it a rank or a count.
    expect(at('she played the 12th hole twice', '12')).toBe(false)
    expect(at('on Monday 3 crates arrived', '3')).toBe(false)
    expect(at('Monday 9:30 stand-up', '9')).toBe(false)
    expect(at('we finished 30th overall', '30')).toBe(false)
    expect(at('beat the 3rd-placed side', '3')).toBe(false)
  })

  test('extractNumbers reads such a number as a date with only its day', () => {
    const days = extractNumbers('Closed on the 3rd and the 21st; open Sat 4.').map((c) => [c.text, c.kind, c.date?.day])
    expect(days).toEqual([['3rd', 'date', 3], ['21st', 'date', 21], ['4', 'date', 4]])
    expect(extractNumbers('She won the 3rd seed.').map((c) => c.kind)).toEqual(['number'])
  })

  test('a day is supported by a source date on that day, or by the number the source writes', () => {
    expect(supported('Fri 9: rehearsal', 'The rehearsal moves to Friday 9 May.')).toBe(true)
    expect(supported('Fri 9: rehearsal', 'The rehearsal moves to Friday 10 May.')).toBe(false)
    expect(supported('due by the 30th', 'invoices are due on the thirtieth')).toBe(true)
    expect(supported('16 goals', 'Kickoff is on Sunday 16 at noon.')).toBe(true)
  })
})

describe('days resolved from an anchor date', () => {
  const note = 'Notes, Thursday 6 November 2031.\nThe auditors arrive on Wednesday the 12th, and the report is due by the 27th. Payroll closes on Monday 1st.'

  test('a weekday and day resolve to the month where that day falls on that weekday', () => {
    expect(supported('auditors arrive 12 November', note)).toBe(true)
    expect(supported('payroll closes 1 December', note)).toBe(true)
    expect(supported('report due 27 November 2031', note)).toBe(true)
    expect(keys(note)).toContain('date 2031-11-12')
  })

  test('a day the weekday does not fit, or another month, is not supported', () => {
    expect(supported('auditors arrive 12 December', note)).toBe(false)
    expect(supported('payroll closes 1 November', note)).toBe(false)
    expect(supported('report due 27 November 2030', note)).toBe(false)
    // Wednesday the 13th: no 13th within reach of the anchor is a Wednesday.
    expect(supported('on 13 November', 'Call of Thursday 6 November 2031: visit on Wednesday the 13th.')).toBe(false)
  })

  test('the weekday may come from the anchor alone, without a year', () => {
    const minutes = 'Ops call, Tue 8 Jul. Stock count on saturday the nineteenth, invoices by friday the 4th.'
    expect(supported('stock count on 19 July', minutes)).toBe(true)
    expect(supported('invoices by 4 July', minutes)).toBe(true)
    expect(supported('invoices by 4 August', minutes)).toBe(false)
  })

  test('a weekday said alone is the next or last such day around the anchor', () => {
    const mail = 'Sent Tuesday 14 October 2031. Please reply by next Friday; we met last Monday.'
    expect(supported('reply by 17 October', mail)).toBe(true)
    expect(supported('reply by 24 October', mail)).toBe(true)
    expect(supported('we met on 13 October', mail)).toBe(true)
    expect(supported('reply by 18 October', mail)).toBe(false)
  })

  test('with derived: false a resolved day supports nothing', () => {
    expect(supported('auditors arrive 12 November', note, { derived: false })).toBe(false)
  })

  test('without any full date in the source, a day resolves to no month', () => {
    expect(supported('due 27 June', 'The report is due by the 27th.')).toBe(false)
  })
})

describe('ranges and months in a stated year', () => {
  test('a short range holds its first and inner days, not the days outside it', () => {
    const trip = 'The retreat runs from Monday 9 to Thursday 12 June 2031.'
    expect(supported('arrive 9 June', trip)).toBe(true)
    expect(supported('workshop on Wednesday 11 June', trip)).toBe(true)
    expect(supported('leave 13 June', trip)).toBe(false)
    expect(supported('arrive 8 June', trip)).toBe(false)
  })

  test('a long range does not make every day inside it stated', () => {
    expect(supported('on 14 August', 'The exhibition is open 2–30 August.')).toBe(false)
  })

  test('"next" or "last" with a month counts from the date of the text', () => {
    const letter = 'Date: 20 October 2031\nThe lease ends next March; it was renewed last November.'
    expect(supported('ends in March 2032', letter)).toBe(true)
    expect(supported('renewed in November 2030', letter)).toBe(true)
    expect(supported('ends in March 2031', letter)).toBe(false)
    expect(supported('renewed in November 2031', letter)).toBe(false)
  })

  test('a month named alone takes the year written just before it', () => {
    const life = 'She sailed in 1912: first to Lisbon in May, then home that September.'
    expect(supported('Lisbon in May 1912', life)).toBe(true)
    expect(supported('home in September 1912', life)).toBe(true)
    expect(supported('home in September 1913', life)).toBe(false)
    expect(supported('home in October 1912', life)).toBe(false)
  })
})
