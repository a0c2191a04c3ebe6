// Numeric claims in free text, normalised so that "$10M", "$10 million", "ten million
// dollars" and "10,000,000 dollars" are one value with one unit. The parser is a handful
// of regular expressions run once over the text, which keeps a 1 MB input well under the
// time of a single LLM call.

/** What a numeric claim states. */
export type ClaimKind = 'number' | 'money' | 'percent' | 'year' | 'date'

/** A number, amount, percentage, year or date found in text. */
export interface NumericClaim {
  /** The claim as written, e.g. `$10M` or `March 5, 2024`. */
  text: string
  /** Offset of `text` in the scanned string. */
  index: number
  kind: ClaimKind
  /** The value with scale applied (`1.5k` → 1500). For dates, the year or `NaN`. */
  value: number
  /** `''`, `'%'` or an ISO currency code such as `'USD'`. */
  unit: string
  /** Present for dates; missing parts are left out. */
  date?: { year?: number; month?: number; day?: number }
  /** A canonical spelling: `USD 10000000`, `% 25`, `date 2024-03-05`. */
  key: string
}

const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']
// Capitalised only, so the verb "may" and the word "march" in prose are not dates.
const MONTH = '(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)'
const ORD = '(?:st|nd|rd|th)?'
const DATE_PATTERNS: { re: RegExp; parts: ('year' | 'month' | 'day')[] }[] = [
  { re: /(?<![\d-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\d-])/g, parts: ['year', 'month', 'day'] },
  { re: new RegExp(`\\b(${MONTH})\\.?\\s+(\\d{1,2})${ORD}(?:,?\\s+(\\d{4}))?(?![\\d,.]\\d)`, 'g'), parts: ['month', 'day', 'year'] },
  { re: new RegExp(`\\b(\\d{1,2})${ORD}\\s+(?:of\\s+)?(${MONTH})\\.?(?:,?\\s+(\\d{4}))?(?!\\d)`, 'g'), parts: ['day', 'month', 'year'] },
  { re: new RegExp(`\\b(${MONTH})\\.?,?\\s+(\\d{4})(?!\\d)`, 'g'), parts: ['month', 'year'] },
]

const CURRENCY_SYMBOLS: Record<string, string> = { $: 'USD', 'US$': 'USD', A$: 'AUD', C$: 'CAD', NZ$: 'NZD', HK$: 'HKD', '€': 'EUR', '£': 'GBP', '¥': 'JPY', '₹': 'INR', '₩': 'KRW' }
const CURRENCY_WORDS: Record<string, string> = { dollar: 'USD', euro: 'EUR', pound: 'GBP', yen: 'JPY', yuan: 'CNY', rupee: 'INR' }
const CODES = 'USD|EUR|GBP|JPY|CNY|INR|CAD|AUD|CHF|KRW|NZD|HKD'
const SCALES: Record<string, number> = { k: 1e3, thousand: 1e3, m: 1e6, mm: 1e6, mn: 1e6, million: 1e6, b: 1e9, bn: 1e9, billion: 1e9, t: 1e12, tn: 1e12, trillion: 1e12 }
const PERCENT = String.raw`(?<pct>\s?(?:%|percent\b|per\s?cent\b|pct\b|percentage\s+points?\b))`
const CURRENCY_AFTER = String.raw`(?<cw>\s?(?:(?:dollars?|euros?|pounds?(?:\s+sterling)?|yen|yuan|rupees?)\b|(?:${CODES})\b))`

const DIGITS = new RegExp(
  String.raw`(?<cur>(?:US|A|C|NZ|HK)?\$|[€£¥₹₩]|\b(?:${CODES})\s?)?` +
    String.raw`(?<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)` +
    String.raw`(?:(?<s1>mn|bn|tn|MM|[kKmMbBT])(?![\p{L}\p{N}])|\s?(?<s2>thousand|million|billion|trillion)\b)?` +
    `(?:${PERCENT}|${CURRENCY_AFTER})?`,
  'gu',
)

const SMALL: Record<string, number> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19,
  twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90,
}
const WORD = `(?:${Object.keys(SMALL).join('|')}|hundred|thousand|million|billion|trillion|dozen)`
const WORDS = new RegExp(
  String.raw`\b(?:a(?=\s+(?:hundred|thousand|million|billion|trillion|dozen)\b)|${WORD})(?:(?:\s+and\s+|[\s-]+)${WORD})*\b` +
    `(?:${PERCENT}|${CURRENCY_AFTER})?`,
  'gi',
)
// "1." or "2)" opening a line (optionally after a heading mark) is a list marker, not a claim.
const LIST_MARKER = /^[ \t]*(?:#{1,6}[ \t]+)?\(?(\d{1,9})[.)](?=[ \t])/gm

function keyOf(kind: ClaimKind, value: number, unit: string, date?: NumericClaim['date']): string {
  if (kind === 'date') {
    const d = date ?? {}
    const pad = (n: number | undefined, w: number) => (n === undefined ? '*'.repeat(w) : String(n).padStart(w, '0'))
    return `date ${pad(d.year, 4)}-${pad(d.month, 2)}-${pad(d.day, 2)}`
  }
  return `${unit || '#'} ${Number(value.toPrecision(12))}`
}

function claim(text: string, index: number, kind: ClaimKind, value: number, unit: string, date?: NumericClaim['date']): NumericClaim {
  const c: NumericClaim = { text, index, kind, value, unit, key: keyOf(kind, value, unit, date) }
  if (date) c.date = date
  return c
}

function unitOf(groups: Record<string, string | undefined>): string {
  if (groups.pct) return '%'
  const cur = groups.cur?.trim()
  if (cur) return CURRENCY_SYMBOLS[cur] ?? cur.toUpperCase()
  const word = groups.cw?.trim().toLowerCase()
  if (!word) return ''
  if (/^[a-z]{3}$/.test(word) && CODES.toLowerCase().split('|').includes(word)) return word.toUpperCase()
  return CURRENCY_WORDS[word.replace(/s?(\s+sterling)?$/, '')] ?? ''
}

function parseWords(text: string): number {
  let total = 0
  let current = 0
  for (const token of text.toLowerCase().split(/[\s-]+/)) {
    if (token === 'and') continue
    if (token === 'a') current = 1
    else if (token === 'hundred') current = (current || 1) * 100
    else if (token === 'dozen') current = (current || 1) * 12
    else if (token in SCALES) {
      total += (current || 1) * SCALES[token]!
      current = 0
    } else current += SMALL[token] ?? 0
  }
  return total + current
}

/**
 * Finds every numeric claim in `text`: integers, decimals, money with currency and scale,
 * percentages, years, dates and number words. List markers such as `1.` are skipped, and
 * so is a bare "one", which in prose is nearly always a pronoun.
 *
 * @example
 * ```ts
 * extractNumbers('Revenue rose 25% to $10M.').map((c) => c.key) // ['% 25', 'USD 10000000']
 * ```
 */
export function extractNumbers(text: string): NumericClaim[] {
  const claims: NumericClaim[] = []
  // One byte per character marks text already claimed, so that later passes skip it in
  // time proportional to the span rather than to the number of claims so far.
  const taken = new Uint8Array(text.length)
  const overlaps = (start: number, end: number) => {
    for (let i = start; i < end; i++) if (taken[i]) return true
    return false
  }
  const take = (start: number, end: number) => taken.fill(1, start, end)

  for (const { re, parts } of DATE_PATTERNS) {
    re.lastIndex = 0
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (overlaps(m.index, m.index + m[0].length)) continue
      const date: NonNullable<NumericClaim['date']> = {}
      parts.forEach((part, i) => {
        const raw = m![i + 1]
        if (raw === undefined) return
        date[part] = part === 'month' && /\D/.test(raw) ? MONTH_NAMES.indexOf(raw.slice(0, 3).toLowerCase()) + 1 : Number(raw)
      })
      if ((date.month ?? 1) < 1 || (date.month ?? 1) > 12 || (date.day ?? 1) < 1 || (date.day ?? 1) > 31) continue
      take(m.index, m.index + m[0].length)
      // The optional dot after a month belongs to "Sept." but reads as a full stop after "March".
      const written = /^[A-Z][a-z]{4,}\.$|\d\.$/.test(m[0].split(/\s+/).pop() ?? '') ? m[0].slice(0, -1) : m[0]
      claims.push(claim(written, m.index, 'date', date.year ?? Number.NaN, '', date))
    }
  }

  const markers = new Set<number>()
  LIST_MARKER.lastIndex = 0
  for (let m = LIST_MARKER.exec(text); m; m = LIST_MARKER.exec(text)) markers.add(m.index + m[0].indexOf(m[1]!))

  DIGITS.lastIndex = 0
  for (let m = DIGITS.exec(text); m; m = DIGITS.exec(text)) {
    const g = m.groups as Record<string, string | undefined>
    const numStart = m.index + (g.cur?.length ?? 0)
    if (markers.has(numStart) || overlaps(m.index, m.index + m[0].length)) continue
    const raw = g.num!
    const scale = g.s1 ?? g.s2
    const value = Number(raw.replace(/,/g, '')) * (scale ? SCALES[scale.toLowerCase()]! : 1)
    const unit = unitOf(g)
    const kind: ClaimKind = unit === '%' ? 'percent' : unit ? 'money' : !scale && /^[12]\d{3}$/.test(raw) ? 'year' : 'number'
    const text_ = m[0].trimEnd()
    take(m.index, m.index + text_.length)
    claims.push(claim(text_, m.index, kind, value, unit))
  }

  WORDS.lastIndex = 0
  for (let m = WORDS.exec(text); m; m = WORDS.exec(text)) {
    const g = (m.groups ?? {}) as Record<string, string | undefined>
    if (overlaps(m.index, m.index + m[0].length)) continue
    if (/^one$/i.test(m[0].trim())) continue
    const unit = unitOf(g)
    const words = m[0].slice(0, m[0].length - (g.pct?.length ?? g.cw?.length ?? 0))
    const value = parseWords(words)
    claims.push(claim(m[0].trimEnd(), m.index, unit === '%' ? 'percent' : unit ? 'money' : 'number', value, unit))
  }

  return claims.sort((a, b) => a.index - b.index)
}

function close(a: number, b: number, tolerance: number): boolean {
  const scale = Math.max(Math.abs(a), Math.abs(b))
  return Math.abs(a - b) <= tolerance * scale + 1e-9 * Math.max(1, scale)
}

/**
 * Whether `source` supports `claim`: the same value (within a relative `tolerance`) in a
 * compatible unit. A claim without a unit matches any unit; a claim with a unit needs the
 * same unit in the source ("40%" is not supported by "40 stores"). A date needs every part it names to agree, and a year
 * is supported by a date in that year.
 */
export function sameClaim(claim: NumericClaim, source: NumericClaim, tolerance = 0): boolean {
  if (claim.kind === 'date') {
    if (source.kind !== 'date') return false
    const c = claim.date ?? {}
    const s = source.date ?? {}
    return (['year', 'month', 'day'] as const).every((k) => c[k] === undefined || c[k] === s[k])
  }
  if (source.kind === 'date') return claim.unit === '' && source.date?.year !== undefined && claim.value === source.date.year
  if (claim.unit !== '' && claim.unit !== source.unit) return false
  return close(Math.abs(claim.value), Math.abs(source.value), tolerance)
}

/**
 * The numeric claims of a source text, indexed for fast support look-ups: a sorted value
 * array makes each look-up a binary search rather than a scan.
 */
export class ClaimIndex {
  readonly claims: readonly NumericClaim[]
  readonly #byValue: NumericClaim[]
  readonly #dates: NumericClaim[]

  constructor(claims: readonly NumericClaim[]) {
    this.claims = claims
    this.#dates = claims.filter((c) => c.kind === 'date')
    this.#byValue = claims.filter((c) => c.kind !== 'date').sort((a, b) => Math.abs(a.value) - Math.abs(b.value))
  }

  /** The first source claim that supports `claim`, if any. */
  support(claim: NumericClaim, tolerance = 0): NumericClaim | undefined {
    const dated = this.#dates.find((s) => sameClaim(claim, s, tolerance))
    if (dated || claim.kind === 'date') return dated
    const v = Math.abs(claim.value)
    const eps = 1e-9 * Math.max(1, v)
    const low = v * (1 - tolerance) - eps
    const high = v / (1 - tolerance) + eps
    let lo = 0
    let hi = this.#byValue.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (Math.abs(this.#byValue[mid]!.value) < low) lo = mid + 1
      else hi = mid
    }
    for (let i = lo; i < this.#byValue.length && Math.abs(this.#byValue[i]!.value) <= high; i++) {
      if (sameClaim(claim, this.#byValue[i]!, tolerance)) return this.#byValue[i]
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
