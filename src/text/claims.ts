// Comparing numeric claims: does a source support what the output states?
import type { NumericClaim } from './numbers.js'

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
 * same unit in the source ("40%" is not supported by "40 stores"). A negative claim
 * (`-8%`) needs a negative value or a word of decrease (`fell 8%`) in the source, and a
 * negative source value supports only a negative claim or one beside a word of decrease.
 * A date needs every part it names to agree, and a year is supported by a date in that year.
 *
 * @example
 * ```ts
 * const [claim] = extractNumbers('$10M')
 * const [source] = extractNumbers('ten million dollars')
 * sameClaim(claim, source) // true
 * ```
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
  return close(Math.abs(claim.value), Math.abs(source.value), tolerance) && signsAgree(claim, source)
}

/**
 * The numeric claims of a source text, indexed for fast support look-ups: a sorted value
 * array makes each look-up a binary search rather than a scan.
 *
 * @example
 * ```ts
 * const source = new ClaimIndex(extractNumbers(article))
 * const invented = extractNumbers(summary).filter((c) => !source.support(c, 0.01))
 * ```
 */
export class ClaimIndex {
  readonly claims: readonly NumericClaim[]
  readonly #byValue: NumericClaim[]
  // Every date is filed under each combination of its known parts, so that a claim naming
  // only some parts ("March 5") is found by one map look-up.
  readonly #dates = new Map<string, NumericClaim>()
  readonly #years = new Map<number, NumericClaim>()

  constructor(claims: readonly NumericClaim[]) {
    this.claims = claims
    this.#byValue = claims.filter((c) => c.kind !== 'date').sort((a, b) => Math.abs(a.value) - Math.abs(b.value))
    for (const c of claims) {
      if (c.kind !== 'date') continue
      const { year, month, day } = c.date ?? {}
      if (year !== undefined && !this.#years.has(year)) this.#years.set(year, c)
      for (let mask = 0; mask < 8; mask++) {
        const parts = [mask & 1 ? year : undefined, mask & 2 ? month : undefined, mask & 4 ? day : undefined]
        if ((mask & 1 && year === undefined) || (mask & 2 && month === undefined) || (mask & 4 && day === undefined)) continue
        const key = dateKey(parts[0], parts[1], parts[2])
        if (!this.#dates.has(key)) this.#dates.set(key, c)
      }
    }
  }

  /** The first source claim that supports `claim`, if any. */
  support(claim: NumericClaim, tolerance = 0): NumericClaim | undefined {
    if (claim.kind === 'date') {
      const { year, month, day } = claim.date ?? {}
      return this.#dates.get(dateKey(year, month, day))
    }
    return this.#sameMagnitude(claim, tolerance, false) ?? (claim.unit === '' ? this.#years.get(claim.value) : undefined)
  }

  /**
   * A source claim that would support `claim` but for its sign (`8%` for `-8%`), if any:
   * what a message names when a minus sign was added or dropped.
   */
  withOtherSign(claim: NumericClaim, tolerance = 0): NumericClaim | undefined {
    return claim.kind === 'date' ? undefined : this.#sameMagnitude(claim, tolerance, true)
  }

  // The first source claim of the same magnitude that supports `claim`, or with
  // `otherSign`, that does not but would with the sign flipped.
  #sameMagnitude(claim: NumericClaim, tolerance: number, otherSign: boolean): NumericClaim | undefined {
    const flipped: NumericClaim | undefined = otherSign ? { text: claim.text, index: claim.index, kind: claim.kind, value: -claim.value, unit: claim.unit, key: claim.key } : undefined
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
      const s = this.#byValue[i]!
      if (flipped ? !sameClaim(claim, s, tolerance) && sameClaim(flipped, s, tolerance) : sameClaim(claim, s, tolerance)) return s
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
