// Comparing numeric claims: does a source support what the output states?
import { wordsBeside } from './ages.js'
import { articleUnits, oneByArticle } from './articles.js'
import { impliedDates } from './dates.js'
import { type DerivedValue, deriveValues } from './derive.js'
import type { NumericClaim } from './numbers.js'
import { impliedPeriods } from './periods.js'
import { isMeasure, withinBound } from './qualifiers.js'
import { asReading, Claim } from './numericClaim.js'
import { boundBrokenBySibling, leadWords } from './bounds.js'

/** How {@link ClaimIndex.support} compares a claim with the source. */
export interface SupportOptions {
  /**
   * Relative tolerance for rounding (`0.01` accepts `$95B` for `$94.9B`). Never applied
   * to years, dates or clock times.
   * @default 0
   */
  tolerance?: number
  /**
   * Relative tolerance for a claim stated as approximate ("about 90%", "nearly 40",
   * "~12"): `0.05` accepts 88.6% for "about 90%". Never applied to years or dates.
   * @default 0.05
   */
  approximate?: number
  /**
   * Require the supporting number to share a noun or unit phrase with the claim: "a
   * four-wicket win" is not supported by "four ducks", nor a bare year by the date of an
   * event the claim does not name.
   * @default false
   */
  context?: boolean
}

/** Options for a {@link ClaimIndex}. */
export interface ClaimIndexOptions {
  /** The source text, which lets the index derive counts, sums and percent changes from it. */
  text?: string
  /**
   * Whether values derived from the source (counts of listed items, sums, percent changes),
   * numbers stated by ordinal or multiplier words ("sixth", "twice") and the dates, years
   * and quarters it implies ("Tuesday the 25th" after "Monday 3 November", "the following
   * year", "the July–September quarter") support a claim.
   * @default true
   */
  derived?: boolean
}

/** A synthetic claim that stands for a derived value in messages. */
function derivedClaim(d: DerivedValue): NumericClaim {
  return { text: d.text, index: -1, kind: d.unit === '%' ? 'percent' : d.unit ? 'money' : 'number', value: d.value, unit: d.unit, key: `${d.how} ${d.value}` }
}

const exactKinds = new Set(['year', 'date', 'time'])
/** Source numbers of an age's value that are asked whether they are said of its name. */
const MAX_AGE_CANDIDATES = 64
/** Source figures that meet a bound and are asked whether a figure beside them breaks it. */
const MAX_BOUND_CANDIDATES = 8
/** Source figures of a bound's magnitude read before the bound is given up on. */
const MAX_BOUND_SCAN = 1000

// Each claim, and each claim read as its other value ("17m" as 17 million too).
function withReadings(claims: readonly NumericClaim[]): NumericClaim[] {
  const out = [...claims]
  for (const c of claims) {
    const other = asReading(c)
    if (other) out.push(other)
  }
  return out
}

// A claim without a unit matches any unit. An amount also matches a plain number, since a
// transcript or a table often states the currency once ("Total (EUR): 840"); a percentage
// or a quarter needs its own unit ("40%" is not "40 stores").
function unitFits(claim: Pick<NumericClaim, 'unit' | 'kind'>, unit: string): boolean {
  return claim.unit === '' || claim.unit === unit || (claim.kind === 'money' && unit === '')
}
const anywhere = () => true

function sharesContext(claim: NumericClaim, words: readonly string[] | ReadonlySet<string>): boolean {
  const c = claim.context
  const want = c ? (c.after.length ? c.after : c.before) : []
  if (want.length === 0) return true
  const has = (w: string) => (words instanceof Set ? words.has(w) : (words as readonly string[]).includes(w))
  return want.some(has)
}

// A sum is said of each of its addends: "the CEO earned $5 million and the CFO $7 million"
// gives the CEO no $12 million, so each addend must have every word the claim is said of.
function sharedByAddends(claim: NumericClaim, addends: readonly NumericClaim[]): boolean {
  const c = claim.context
  const want = c ? (c.after.length ? c.after : c.before) : []
  return addends.every((a) => want.every((w) => sourceWords(a).includes(w)))
}

// A place is said of whoever the words right before or after it name: "Holt (3rd)", "3rd Holt".
function saidOf(claim: NumericClaim, holder: ReadonlySet<string>): boolean {
  const c = claim.context
  return c !== undefined && [...c.after, ...c.before].some((w) => holder.has(w))
}

function sourceWords(source: NumericClaim): readonly string[] {
  return source.context ? [...source.context.after, ...source.context.before] : []
}

function dateKey(year?: number, month?: number, day?: number): string {
  return `${year ?? '*'}-${month ?? '*'}-${day ?? '*'}`
}

function close(a: number, b: number, tolerance: number): boolean {
  const scale = Math.max(Math.abs(a), Math.abs(b))
  return Math.abs(a - b) <= tolerance * scale + 1e-9 * Math.max(1, scale)
}

// A minus sign is part of what a claim states: "-8%" and "8%" are different values. A word
// of decrease ("fell 8%", "an 8% drop") says the same as the sign, so it stands in for it
// on either side; it never makes a claim fail, only lets the two spellings meet.
function signsAgree(claim: NumericClaim, source: NumericClaim): boolean {
  const negative = claim.value < 0
  if (negative === source.value < 0) return true
  return negative ? source.decrease === true : claim.decrease === true
}

/**
 * Whether `source` supports `claim`: the same value (within a relative `tolerance`) in a
 * compatible unit. A claim without a unit matches any unit; a claim with a unit needs the
 * same unit in the source ("40%" is not supported by "40 stores"), except that an amount
 * ("€840") is also supported by the plain number ("840"). A negative claim
 * (`-8%`) needs a negative value or a word of decrease (`fell 8%`) in the source, and a
 * negative source value supports only a negative claim or one beside a word of decrease.
 * A date needs every part it names to agree, and a year is supported by a date in that year.
 * Tolerance never applies to years, dates or clock times; a clock time supports only the
 * same time, and a side of a score (`2-7`) only a side of a score.
 *
 * @example
 * ```ts
 * const [claim] = extractNumbers('$10M')
 * const [source] = extractNumbers('ten million dollars')
 * sameClaim(claim, source) // true
 * ```
 */
export function sameClaim(claim: NumericClaim, source: NumericClaim, tolerance = 0): boolean {
  // A span written in words ("3 minutes 15 seconds") is no time of day: only `3:15` as written.
  if (claim.kind === 'time' || source.kind === 'time') return claim.kind === source.kind && (source.unit === 'duration' ? claim.value === source.value : claim.value % 720 === source.value % 720)
  if (source.joined && !claim.joined && !claim.tally) return false
  if (exactKinds.has(claim.kind) || exactKinds.has(source.kind)) tolerance = 0
  if (claim.kind === 'date') {
    if (source.kind !== 'date') return false
    const c = claim.date ?? {}
    const s = source.date ?? {}
    return (['year', 'month', 'day'] as const).every((k) => c[k] === undefined || c[k] === s[k])
  }
  if (source.kind === 'date') return claim.unit === '' && source.date?.year !== undefined && claim.value === source.date.year
  // "the second half" of a match is no 2: a half-year supports only a half-year.
  if (source.unit === 'half' && claim.unit !== 'half') return false
  if (!unitFits(claim, source.unit) || (source.unit === '' && claim.kind === 'money' && source.kind !== 'number')) return false
  return close(Math.abs(claim.value), Math.abs(source.value), tolerance) && signsAgree(claim, source)
}

/**
 * The numeric claims of a source text, indexed for fast support look-ups: a sorted value
 * array makes each look-up a binary search rather than a scan. Given the source text, the
 * index also derives counts, sums and percent changes from it (see `derive.ts`).
 *
 * @example
 * ```ts
 * const article = 'The festival showed Alpha, Beta and Gamma. Sales rose from 2,400 to 4,500.'
 * const source = new ClaimIndex(extractNumbers(article, { implied: true }), { text: article })
 * extractNumbers('Four films; sales up 88% to 4,520.').filter((c) => !source.support(c, { tolerance: 0.01 })) // "Four" only
 * ```
 */
export class ClaimIndex {
  readonly claims: readonly NumericClaim[]
  readonly #byValue: NumericClaim[]
  // Every date is filed under each combination of its known parts, so that a claim naming
  // only some parts ("March 5") is found by one map look-up.
  readonly #dates = new Map<string, NumericClaim[]>()
  readonly #years = new Map<number, NumericClaim[]>()
  // Days the source writes without a month ("Tuesday 21", "the 21st"), by day.
  readonly #days = new Map<number, NumericClaim[]>()
  readonly #text: string | undefined
  readonly #derivedOn: boolean
  readonly #ordinals: boolean
  #derived: DerivedValue[] | undefined
  #articles: ReturnType<typeof articleUnits> | undefined
  readonly #beside = new Map<NumericClaim, Set<string>>()
  // The source's figures in text order, and the words each is said of (see bounds.ts).
  #byIndex: { claims: NumericClaim[]; at: Map<NumericClaim, number>; lead: Map<number, ReadonlySet<string>> } | undefined

  constructor(claims: readonly NumericClaim[], options: ClaimIndexOptions = {}) {
    this.claims = claims
    this.#text = options.text
    this.#derivedOn = options.derived !== false
    this.#ordinals = claims.some((c) => c.ordinal === true)
    // Dates, years and quarters the source states in words or implies (dates.ts, periods.ts).
    const periods = this.#text === undefined ? undefined : impliedPeriods(this.#text, claims)
    const implied = periods === undefined ? [] : this.#derivedOn ? [...periods.stated, ...periods.derived, ...impliedDates(this.#text!, claims)] : periods.stated
    const usable = [...(this.#derivedOn ? claims : claims.filter((c) => !c.implied)), ...implied]
    this.#byValue = withReadings(usable.filter((c) => c.kind !== 'date')).sort((a, b) => Math.abs(a.value) - Math.abs(b.value))
    const file = <K>(map: Map<K, NumericClaim[]>, key: K, c: NumericClaim) => {
      const list = map.get(key)
      if (list) list.push(c)
      else map.set(key, [c])
    }
    for (const c of [...claims, ...implied]) {
      if (c.kind !== 'date') continue
      const { year, month, day } = c.date ?? {}
      if (year !== undefined) file(this.#years, year, c)
      if (day !== undefined && month === undefined && year === undefined) file(this.#days, day, c)
      for (let mask = 0; mask < 8; mask++) {
        const parts = [mask & 1 ? year : undefined, mask & 2 ? month : undefined, mask & 4 ? day : undefined]
        if ((mask & 1 && year === undefined) || (mask & 2 && month === undefined) || (mask & 4 && day === undefined)) continue
        file(this.#dates, dateKey(parts[0], parts[1], parts[2]), c)
      }
    }
  }

  /**
   * The first source claim that supports `claim`, if any: the same value, a value inside
   * the claim's bound ("more than 100") or approximation ("about 90%"), or a value derived
   * from the source. `options` may be a tolerance alone, as in earlier versions.
   */
  support(claim: NumericClaim, options: number | SupportOptions = {}): NumericClaim | undefined {
    const found = this.#support(claim, options)
    if (found) return found
    const other = asReading(claim)
    return other && this.#support(other, options)
  }

  #support(claim: NumericClaim, options: number | SupportOptions): NumericClaim | undefined {
    const o = typeof options === 'number' ? { tolerance: options } : options
    const tolerance = o.tolerance ?? 0
    const inContext = o.context ? (s: NumericClaim) => sharesContext(claim, sourceWords(s)) : anywhere
    // A rank ("3rd place") and a count ("3 teams") meet only through a derivation, or when
    // they are said of the same thing ("the 88th minute", "88 minutes").
    const rankFits = (s: NumericClaim) => (s.ordinal === true) === (claim.ordinal === true) || ((claim.context?.after.length ?? 0) > 0 && sharesContext(claim, sourceWords(s)))
    const fits = this.#derivedOn || !(claim.ordinal || this.#ordinals) ? inContext : (s: NumericClaim) => rankFits(s) && inContext(s)
    if (claim.kind === 'date') {
      const { year, month, day } = claim.date ?? {}
      const found = this.#dates.get(dateKey(year, month, day))?.find(fits)
      if (found || year !== undefined || month !== undefined || day === undefined) return found
      // A day alone ("the 14th") is also supported by the number the source writes for it.
      return this.#sameMagnitude({ text: claim.text, index: claim.index, kind: 'number', value: day, unit: '', key: `# ${day}`, ordinal: claim.ordinal }, 0, false, fits)
    }
    // An age after a name is said of that person: only the same number said of the same
    // name supports it, never a count, a sum or another person's age.
    const age = this.#text === undefined ? undefined : claim.ageOf
    if (age !== undefined) return this.#age(claim, age, tolerance, fits)
    const direct = this.#sameMagnitude(claim, tolerance, false, fits)
    if (direct) return direct
    // ...and a number by a day alone in the source ("Tuesday 21", "the 21st").
    if (claim.unit === '' && claim.kind === 'number' && Number.isInteger(claim.value) && claim.value >= 1 && claim.value <= 31) {
      const day = this.#days.get(claim.value)?.find(fits)
      if (day) return day
    }
    if (claim.kind === 'time') return this.#otherHalfOfDay(claim, fits) ?? this.#hour(claim, fits)
    if (claim.unit === '' || (claim.unit === 'FY' && this.#derivedOn)) {
      const dated = this.#years.get(claim.value)?.find(fits)
      if (dated) return dated
    }
    // A fiscal year ("FY26") is derived from the calendar year it is named after.
    if (claim.unit === 'FY' && this.#derivedOn) {
      const calendar = this.#sameMagnitude({ text: claim.text, index: claim.index, kind: 'year', value: claim.value, unit: '', key: `# ${claim.value}` }, 0, false, fits)
      if (calendar) return calendar
    }
    if (exactKinds.has(claim.kind)) return undefined
    const bound = claim.bound
    if (bound) {
      const approximate = o.approximate ?? 0.05
      // Only the side of the claim's value that meets the bound is read. A claim gives up
      // after MAX_BOUND_SCAN source figures, or MAX_BOUND_CANDIDATES that meet the bound but
      // that a figure beside them breaks, so that it asks a few source figures, not all.
      const [low, high] = bound === 'about' ? [1 - approximate, 1 / (1 - approximate)] : bound === 'above' || bound === 'atLeast' ? [1, 2] : [0.5, 1]
      let scanned = 0
      let asked = 0
      let said: ReadonlySet<string> | undefined
      const found = this.#window(claim, low, high, (s) => {
        if (scanned++ >= MAX_BOUND_SCAN) return true
        if (exactKinds.has(s.kind) || !unitFits(claim, s.unit) || (s.joined && !claim.joined) || s.bound !== undefined || !withinBound(bound, claim.value, s.value, approximate) || !fits(s)) return false
        if (asked++ >= MAX_BOUND_CANDIDATES) return true
        return !this.#brokenBySibling(claim, bound, s, () => (said ??= (claim as Claim).lead()))
      })
      if (found && scanned <= MAX_BOUND_SCAN && asked <= MAX_BOUND_CANDIDATES) return found
    }
    if (this.#derivedOn && this.#text !== undefined && claim.value === 1) {
      const one = oneByArticle(claim, (this.#articles ??= articleUnits(this.#text)))
      if (one && fits(one)) return one
    }
    return this.#fromDerived(claim, tolerance, o.context === true)
  }

  // A bound met by one source figure and broken by another in the same sentence that the
  // output names before its bound ("petrol and diesel rose more than 5p"; see bounds.ts).
  #brokenBySibling(claim: NumericClaim, bound: NonNullable<NumericClaim['bound']>, s: NumericClaim, said: () => ReadonlySet<string>): boolean {
    const text = this.#text
    if (text === undefined || !(claim instanceof Claim)) return false
    return boundBrokenBySibling(bound, claim.value, said, () => {
      if (!this.#byIndex) {
        const claims = this.claims.filter((c) => c.index >= 0 && !c.implied).sort((a, b) => a.index - b.index)
        this.#byIndex = { claims, at: new Map(claims.map((c, i) => [c, i])), lead: new Map() }
      }
      const { claims, at, lead } = this.#byIndex
      const i = at.get(s)
      if (i === undefined) return undefined
      const wordsOf = (j: number) => {
        let words = lead.get(j)
        if (!words) lead.set(j, (words = leadWords(text, claims[j]!.index)))
        return words
      }
      return { text, byIndex: claims, at: i, wordsOf }
    })
  }

  // Only the first MAX_AGE_CANDIDATES source numbers of the age's value are asked, and
  // each source number reads the words beside it once, so that a source and an output
  // each stating one age a million times stay linear.
  #age(claim: NumericClaim, name: string, tolerance: number, fits: (s: NumericClaim) => boolean): NumericClaim | undefined {
    const v = Math.abs(claim.value)
    const lo = this.#firstFrom(v * (1 - tolerance) - 1e-9)
    const text = this.#text!
    const end = Math.min(this.#byValue.length, lo + MAX_AGE_CANDIDATES)
    for (let i = lo; i < end; i++) {
      const s = this.#byValue[i]!
      if (Math.abs(s.value) > v / (1 - tolerance) + 1e-9) return undefined
      if (s.implied !== undefined || !sameClaim(claim, s, tolerance) || !fits(s)) continue
      let words = this.#beside.get(s)
      if (!words) this.#beside.set(s, (words = wordsBeside(text, s.index, s.index + s.text.length)))
      if (words.has(name)) return s
    }
    return undefined
  }

  // A time without "am" or "pm" is read on either half of the day ("3:15" is "3:15pm").
  #otherHalfOfDay(claim: NumericClaim, fits: (s: NumericClaim) => boolean): NumericClaim | undefined {
    const other = claim.value >= 720 ? claim.value - 720 : claim.value + 720
    return this.#window({ text: claim.text, index: claim.index, kind: 'time', value: other, unit: '', key: claim.key }, 1, 1, (s) => sameClaim(claim, s) && fits(s))
  }

  // A time on the hour ("7 pm", "19:00") is supported by its hour written alone ("at 7").
  #hour(claim: NumericClaim, fits: (s: NumericClaim) => boolean): NumericClaim | undefined {
    if (claim.value % 60 !== 0) return undefined
    const hour = claim.value / 60
    for (const h of hour > 12 ? [hour, hour - 12] : [hour]) {
      const plain = (s: NumericClaim) => s.kind === 'number' && s.unit === '' && !s.joined && s.value === h && fits(s)
      const found = this.#window({ text: claim.text, index: claim.index, kind: 'number', value: h, unit: '', key: `# ${h}` }, 1, 1, plain)
      if (found) return found
    }
    return undefined
  }

  #fromDerived(claim: NumericClaim, tolerance: number, context: boolean): NumericClaim | undefined {
    if (!this.#derivedOn || this.#text === undefined || claim.joined) return undefined
    const derived = (this.#derived ??= deriveValues(this.#text, [...this.claims].sort((a, b) => a.index - b.index)).sort((a, b) => Math.abs(a.value) - Math.abs(b.value)))
    const v = Math.abs(claim.value)
    // A change is compared as rounded to the claim's written precision ("88%" for 87.5%),
    // which is never coarser than a half.
    const slack = Math.max(tolerance * v, 0.5)
    let lo = 0
    let hi = derived.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (Math.abs(derived[mid]!.value) < v - slack - 1e-9) lo = mid + 1
      else hi = mid
    }
    let decimals = 0
    if (lo < derived.length) while (decimals < 12 && Math.round(v * 10 ** decimals) !== v * 10 ** decimals) decimals++
    for (let i = lo; i < derived.length && Math.abs(derived[i]!.value) <= v + slack + 1e-9; i++) {
      const d = derived[i]!
      const a = Math.abs(d.value)
      if (d.how === 'rank' && (!claim.ordinal || a !== v || !saidOf(claim, d.holder!))) continue
      if (d.how === 'rank') return derivedClaim(d)
      if (d.how === 'count' ? claim.kind !== 'number' || claim.unit !== '' || a !== v : d.how === 'change' ? claim.unit !== '%' : !unitFits(claim, d.unit)) continue
      const off = Math.abs(a - v) > tolerance * Math.max(a, v) + 1e-9 * Math.max(1, v)
    if (off && (d.how !== 'change' || Math.round(a * 10 ** decimals) / 10 ** decimals !== v)) continue
      if (d.how === 'sum' && claim.kind === 'year') continue
      if (context && (!sharesContext(claim, d.context) || (d.addends !== undefined && !sharedByAddends(claim, d.addends)))) continue
      // A list counts things: "three months" or "three times" measures, and is no count.
      if (d.how === 'count' && (claim.context?.after.length ?? 0) > 0 && isMeasure(claim.context!.after[0]!)) continue
      return derivedClaim(d)
    }
    return undefined
  }

  /**
   * A source claim that would support `claim` but for its sign (`8%` for `-8%`), if any:
   * what a message names when a minus sign was added or dropped.
   */
  withOtherSign(claim: NumericClaim, tolerance = 0): NumericClaim | undefined {
    return claim.kind === 'date' ? undefined : this.#sameMagnitude(claim, tolerance, true, () => true)
  }

  // The first source claim of the same magnitude that supports `claim`, or with
  // `otherSign`, that does not but would with the sign flipped.
  #sameMagnitude(claim: NumericClaim, tolerance: number, otherSign: boolean, fits: (s: NumericClaim) => boolean): NumericClaim | undefined {
    const flipped: NumericClaim | undefined = otherSign ? { text: claim.text, index: claim.index, kind: claim.kind, value: -claim.value, unit: claim.unit, key: claim.key, joined: claim.joined } : undefined
    const t = exactKinds.has(claim.kind) ? 0 : tolerance
    if (!flipped && fits === anywhere) return this.#window(claim, 1 - t, 1 / (1 - t), undefined, t)
    return this.#window(claim, 1 - t, 1 / (1 - t), (s) => (flipped ? !sameClaim(claim, s, t) && sameClaim(flipped, s, t) : sameClaim(claim, s, t)) && fits(s))
  }

  // The index of the first source claim (by magnitude) whose magnitude is at least `from`.
  #firstFrom(from: number): number {
    let lo = 0
    let hi = this.#byValue.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (Math.abs(this.#byValue[mid]!.value) < from) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  // The first source claim with a magnitude between `low` and `high` times the claim's
  // that passes `test`, or without one, that supports the claim within `tolerance` (the
  // common case, which then makes no closure per claim).
  #window(claim: NumericClaim, low: number, high: number, test?: (s: NumericClaim) => boolean, tolerance = 0): NumericClaim | undefined {
    const v = Math.abs(claim.value)
    const eps = 1e-9 * Math.max(1, v)
    const from = v * low - eps
    const to = v * high + eps
    for (let i = this.#firstFrom(from); i < this.#byValue.length && Math.abs(this.#byValue[i]!.value) <= to; i++) {
      const s = this.#byValue[i]!
      if (test ? test(s) : sameClaim(claim, s, tolerance)) return s
    }
    return undefined
  }
  /** Up to `n` distinct source claims nearest to `claim`, same-kind ones first. */
  closest(claim: NumericClaim, n = 3): NumericClaim[] {
    const distance = (s: NumericClaim): number => {
      const kindPenalty = s.kind === claim.kind ? 0 : 1
      if (claim.kind === 'date' || s.kind === 'date') return kindPenalty + (claim.kind === s.kind ? 0 : 1)
      const a = Math.abs(claim.value)
      const b = Math.abs(s.value)
      return kindPenalty + Math.abs(a - b) / Math.max(a, b, 1e-12)
    }
    const seen = new Set<string>()
    return [...this.claims]
      .sort((x, y) => distance(x) - distance(y))
      .filter((c) => !seen.has(c.key) && seen.add(c.key))
      .slice(0, n)
  }
}
