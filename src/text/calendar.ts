// Calendar arithmetic for resolving the dates a text implies: day numbers, weekdays and the
// names of months and weekdays. Pure functions over the proleptic Gregorian calendar.

import { alternation } from './regex.js'

/** A weekday name or its usual abbreviation ("Tuesday", "Tue", "Tues", "Thurs"). */
export const WEEKDAY = String.raw`\b(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:rs?(?:day)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?)\b\.?`

/** A month name or its usual abbreviation, as a regex source. */
export const MONTH = `\\b${alternation(['Jan', 'January', 'Feb', 'February', 'Mar', 'March', 'Apr', 'April', 'May', 'Jun', 'June', 'Jul', 'July', 'Aug', 'August', 'Sep', 'Sept', 'September', 'Oct', 'October', 'Nov', 'November', 'Dec', 'December'])}\\b`

const MONTH_KEYS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']
const WEEKDAY_KEYS = ['mo', 'tu', 'we', 'th', 'fr', 'sa', 'su']

/** The month (1–12) a name or abbreviation names, or 0. */
export function monthNumber(name: string): number {
  return MONTH_KEYS.indexOf(name.slice(0, 3).toLowerCase()) + 1
}

/** The weekday (0 Monday … 6 Sunday) a name or abbreviation names, or -1. */
export function weekdayNumber(name: string): number {
  return WEEKDAY_KEYS.indexOf(name.slice(0, 2).toLowerCase())
}

/** Days since 1970-01-01 of a calendar date. */
export function dayNumber(year: number, month: number, day: number): number {
  // Counting years from March puts the leap day last, so each year's length is known by
  // the time it is needed.
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const mp = (month + 9) % 12
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
}

/** The calendar date of a day number (see {@link dayNumber}). */
export function civilDate(days: number): { year: number; month: number; day: number } {
  const z = days + 719468
  const era = Math.floor(z / 146097)
  const doe = z - era * 146097
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365)
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1
  const month = mp < 10 ? mp + 3 : mp - 9
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day }
}

/** The weekday (0 Monday … 6 Sunday) of a day number. */
export function weekdayOf(days: number): number {
  // 1970-01-01 was a Thursday.
  return (((days + 3) % 7) + 7) % 7
}

/** Days in a month of a year. */
export function daysInMonth(year: number, month: number): number {
  return dayNumber(month === 12 ? year + 1 : year, month === 12 ? 1 : month + 1, 1) - dayNumber(year, month, 1)
}
