// The numeric claim: what extractNumbers returns for each number it finds.
import { apposedName } from './ages.js'
import { type Bound, boundAround, contextAround } from './qualifiers.js'
import { leadWords } from './bounds.js'
import { besideDecrease } from './sign.js'

/**
 * How an implied number is stated: an ordinal, a multiplier, a spoken price, a "one"
 * that counts something, which an output would not be taken to claim ("one objector",
 * "a single episode", "eleven votes to one"), or a figure restated in other terms (a risk
 * ratio as a percent, decades as years).
 */
export type Implied = 'ordinal' | 'multiplier' | 'spoken' | 'one' | 'restated'

const NEXT_WORD = /[ \t-]*([A-Za-z]+)/y
const FORMS: readonly (Implied | undefined)[] = [undefined, undefined, 'ordinal', 'multiplier', 'spoken', 'one', 'restated']
const BOUNDS: readonly Bound[] = ['above', 'atLeast', 'below', 'atMost', 'about']

/** What a numeric claim states. */
export type ClaimKind = 'number' | 'money' | 'percent' | 'year' | 'date' | 'time'

/** A number, amount, percentage, year, date or clock time found in text. */
export interface NumericClaim {
  /** The claim as written, e.g. `$10M` or `March 5, 2024`. */
  text: string
  /** Offset of `text` in the string given to `extractNumbers`. */
  index: number
  kind: ClaimKind
  /**
   * The value with scale applied (`1.5k` → 1500), negative when written with a minus
   * sign (`-8%`, `−8%`, `-$5M`). For dates, the year or `NaN`; for clock times, the
   * minutes since midnight.
   */
  value: number
  /** `''`, `'%'`, `'quarter'`, `'FY'` (a fiscal year), `'duration'` (a span in minutes) or an ISO currency code such as `'USD'`. */
  unit: string
  /** Present for dates; missing parts are left out. */
  date?: { year?: number; month?: number; day?: number }
  /** A canonical spelling: `USD 10000000`, `% 25`, `% -8`, `date 2024-03-05`. */
  readonly key: string
  /**
   * Whether a word of decrease stands beside the number ("fell 8%", "down by 8%", "a
   * decline of 8%", "an 8% drop"), which lets it stand for a negative value.
   */
  readonly decrease?: boolean
  /**
   * Set on either side of a score or ratio (`2-7`, `3:1`): such a number supports only
   * another side of a score, not a count ("two").
   */
  readonly joined?: boolean
  /**
   * Set on a number stated by an ordinal word (`sixth`) or a multiplier (`twice`,
   * `both`), or by two spoken number words read as a price (`twelve fifty`, 12.50), which
   * `extractNumbers` returns only with `{ implied: true }`.
   */
  readonly implied?: Implied
  /**
   * Set on a number written as a digit ordinal (`3rd`, `21st`), which states a rank rather
   * than a count: only a derivation lets it meet a cardinal `3`.
   */
  readonly ordinal?: boolean
  /**
   * Another value the same writing states, which supports and is supported as `value` is:
   * "17m" is 17 (metres, minutes) or 17 million, the first figure of "£2.9–3.1bn" £2.9 or
   * £2.9 billion, and "25bp" 25 basis points or 0.25 percentage points.
   */
  readonly alternative?: number
  /**
   * The unit of {@link alternative} when it is not `unit`: in a source, a bare "−0.43"
   * after "0.61 percentage points" in the same sentence is also −0.43 points.
   */
  readonly alternativeUnit?: string
  /**
   * Set on a side of a tally written with words ("7 votes to 4", "three nil"): it is
   * supported by a side of a score (`7-4`) as well as by the plain number.
   */
  readonly tally?: boolean
  /** The bound or approximation stated with the number: "more than 100" is `above`. */
  readonly bound?: Bound
  /** The word written right after the number ("hr" in "1 hr/day"), or `''`. */
  readonly nextWord?: string
  /** Up to two content words, as stems, after and before the number (see `contextAround`). */
  readonly context?: { readonly after: readonly string[]; readonly before: readonly string[] }
  /**
   * For an age set off by commas after a name ("Okafor, 34,"), that name's last word in
   * lower case (`okafor`): the age is supported only by the number said of that name.
   */
  readonly ageOf?: string
}

function keyOf(kind: ClaimKind, value: number, unit: string, date?: NumericClaim['date']): string {
  if (kind === 'date') {
    const d = date ?? {}
    const pad = (n: number | undefined, w: number) => (n === undefined ? '*'.repeat(w) : String(n).padStart(w, '0'))
    return `date ${pad(d.year, 4)}-${pad(d.month, 2)}-${pad(d.day, 2)}`
  }
  if (kind === 'time') return `time ${String(Math.floor(value / 60)).padStart(2, '0')}:${String(value % 60).padStart(2, '0')}`
  return `${unit || '#'} ${Number.isInteger(value) ? value : Number(value.toPrecision(12))}`
}

// A class rather than a literal: every claim has one shape, and `key`, which costs a
// number-to-string conversion, and the facts read from the words around the claim
// (`decrease`, `bound`, `context`) are only worked out for the few claims a message or a
// look-up needs. They share one lazily made object, and the form one small integer, to
// keep a million claims light.
export class Claim implements NumericClaim {
  #around: { decrease?: boolean; context?: NumericClaim['context'] } | undefined
  // Bits 0–2: the form (0 plain, 1 joined, else its index in FORMS); bits 3–5: the bound,
  // 0 until read, 1 for none, else 2 + its index in BOUNDS.
  #facts: number
  // The folded text the claim was read from, and its span there.
  readonly ordinal?: boolean
  // Set by the reader after the claim is made, when a later look at the text (a range, a
  // scale letter) finds a second value the writing states.
  alternative?: number
  alternativeUnit?: string
  tally?: boolean
  readonly #scanned: string
  readonly #start: number
  readonly #end: number

  constructor(
    readonly text: string,
    readonly index: number,
    readonly kind: ClaimKind,
    readonly value: number,
    readonly unit: string,
    readonly date: NumericClaim['date'],
    scanned: string,
    start: number,
    end: number,
    joined?: boolean,
    implied?: Implied,
    ordinal?: boolean,
  ) {
    if (ordinal) this.ordinal = true
    this.#facts = joined ? 1 : implied ? FORMS.indexOf(implied) : 0
    this.#scanned = scanned
    this.#start = start
    this.#end = end
  }

  get key(): string {
    return keyOf(this.kind, this.value, this.unit, this.date)
  }

  get joined(): boolean {
    return (this.#facts & 7) === 1
  }

  get implied(): Implied | undefined {
    return FORMS[this.#facts & 7]
  }

  get decrease(): boolean {
    const around = (this.#around ??= {})
    around.decrease ??= besideDecrease(this.#scanned, this.#start, this.#end)
    return around.decrease
  }

  get bound(): Bound | undefined {
    let code = this.#facts >> 3
    if (code === 0) {
      const bound = this.kind === 'year' || this.kind === 'date' || this.kind === 'time' ? undefined : boundAround(this.#scanned, this.#start, this.#end)
      code = bound ? 2 + BOUNDS.indexOf(bound) : 1
      this.#facts |= code << 3
    }
    return code === 1 ? undefined : BOUNDS[code - 2]
  }

  get nextWord(): string {
    NEXT_WORD.lastIndex = this.#end
    return NEXT_WORD.exec(this.#scanned)?.[1] ?? ''
  }

  get context(): NonNullable<NumericClaim['context']> {
    const around = (this.#around ??= {})
    around.context ??= contextAround(this.#scanned, this.#start, this.#end)
    return around.context
  }

  get ageOf(): string | undefined {
    return this.kind === 'number' ? apposedName(this.#scanned, this.#start, this.#end) : undefined
  }

  /** The content words, as stems, the claim is said of, before it (see `leadWords`). */
  lead(): ReadonlySet<string> {
    return leadWords(this.#scanned, this.#start)
  }

  /** The same claim read as `value`: what {@link asReading} makes of a claim. */
  withValue(value: number, unit = this.unit): Claim {
    const kind = unit === '%' ? 'percent' : this.kind === 'year' ? 'number' : this.kind
    return new Claim(this.text, this.index, kind, value, unit, this.date, this.#scanned, this.#start, this.#end, this.joined, this.implied, this.ordinal)
  }

  toJSON(): NumericClaim {
    const { text, index, kind, value, unit, date, key, joined, implied, alternative } = this
    return {
      text, index, kind, value, unit, ...(date && { date }), key, ...(joined && { joined }), ...(implied && { implied }), ...(this.ordinal && { ordinal: true }),
      ...(alternative !== undefined && { alternative }), ...(this.tally && { tally: true }),
    }
  }
}

/** `claim` read as its {@link NumericClaim.alternative} value, or `undefined` when it has none. */
export function asReading(claim: NumericClaim): NumericClaim | undefined {
  const value = claim.alternative
  if (value === undefined) return undefined
  const unit = claim.alternativeUnit ?? claim.unit
  if (claim instanceof Claim) return claim.withValue(value, unit)
  const kind = unit === '%' ? 'percent' : claim.kind === 'year' ? 'number' : claim.kind
  const { alternative: _, alternativeUnit: __, ...rest } = claim
  return { ...rest, kind, value, unit, key: keyOf(kind, value, unit, claim.date) }
}

