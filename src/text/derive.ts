// Numbers a source states without writing them: counts of the items it lists, sums of a
// few of its numbers and percent changes between two of them. Summaries state these
// constantly ("The passage describes two films", "+88%"), so they count as support unless
// a check asks to be strict.
//
// Derivations are bounded so that a source of any size stays linear: sums and changes are
// formed only between numbers of one sentence, from its first MAX_PER_SENTENCE numbers,
// and no more than MAX_DERIVED values are kept in all.
import type { NumericClaim } from './numbers.js'
import { contentWords, headNoun } from './qualifiers.js'
import { placesIn } from './ranks.js'

/** A value derived from numbers or lists of a source. */
export interface DerivedValue {
  value: number
  /** `''`, `'%'` or a currency code, as in {@link NumericClaim.unit}. */
  unit: string
  /** How it was derived: `count` of listed items, `sum`, percent `change`, or `rank` in a finishing order. */
  how: 'count' | 'sum' | 'change' | 'rank'
  /** What a message shows: `5 + 7`, `2,400 → 4,500 (+87.5%)`, `3 items: Alpha, Beta, Gamma`. */
  text: string
  /** Content words (stems) of the sentence or list it comes from, for `context` mode. */
  context: ReadonlySet<string>
  /** For a rank, the words (stems) of who took it: a place is support only when said of them. */
  holder?: ReadonlySet<string>
  /** The numbers a sum adds up, whose own context words `context` mode checks one by one. */
  addends?: readonly NumericClaim[]
}

/** Numbers of one sentence that take part in sums and changes. */
export const MAX_PER_SENTENCE = 12
/** Derived values kept per source, at most. */
export const MAX_DERIVED = 50_000

const SENTENCE_END = /[.!?](?=\s|$)|\n/g
const LIST_LINE = /^([ \t]*)(?:[-*+•]|\d{1,3}[.)])[ \t]+(\S.*)$/
const WORDS = /[A-Za-z'-]+/g

function summable(c: NumericClaim): boolean {
  return (c.kind === 'number' || c.kind === 'money' || c.kind === 'percent') && !c.joined && !c.implied && c.value > 0
}

// "Two were seen in May and one in June": a "one" after "and" whose noun is left out (a
// preposition follows) counts more of the same. Elsewhere "one" is as often a pronoun
// ("and one of them") as a number, so no other "one" is added up.
const ELIDED_ONE = /\b(?:and|plus)\s+(one)\s+(?:in|on|at|with|by|from|during|for|after|before)\b/gi

function elidedOnes(body: string, offset: number): NumericClaim[] {
  const out: NumericClaim[] = []
  ELIDED_ONE.lastIndex = 0
  for (let m = ELIDED_ONE.exec(body); m && out.length < MAX_PER_SENTENCE; m = ELIDED_ONE.exec(body)) {
    out.push({ text: m[1]!, index: offset + m.index + m[0].indexOf(m[1]!, 3), kind: 'number', value: 1, unit: '', key: '# 1' })
  }
  return out
}

const fmt = (n: number) => Number(n.toPrecision(6)).toLocaleString('en-US')

/** The values derivable from `text`, whose numeric claims are `claims` (sorted by index). */
export function deriveValues(text: string, claims: readonly NumericClaim[]): DerivedValue[] {
  const out: DerivedValue[] = []
  const push = (d: DerivedValue) => out.length < MAX_DERIVED && out.push(d)
  let next = 0
  let start = 0
  const sentence = (end: number) => {
    const numbers: NumericClaim[] = []
    while (next < claims.length && claims[next]!.index < end) {
      const c = claims[next++]!
      if (c.index >= start && summable(c) && numbers.length < MAX_PER_SENTENCE) numbers.push(c)
    }
    const body = text.slice(start, end)
    if (numbers.length > 0) {
      const known = new Set(numbers.map((c) => c.index))
      for (const one of elidedOnes(body, start)) if (!known.has(one.index) && numbers.length < MAX_PER_SENTENCE) numbers.push(one)
    }
    let words: Set<string> | undefined
    const context = () => (words ??= contentWords(body))
    arithmetic(numbers, numbers.map((c) => headNoun(text, c.index + c.text.length)), context, push)
    for (const n of seriesIn(body)) push({ value: n.count, unit: '', how: 'count', text: `${n.count} items: ${n.items}`, context: context() })
    for (const p of placesIn(body)) push({ value: p.value, unit: '', how: 'rank', text: `place ${p.value}: ${p.name}`, context: context(), holder: p.words })
  }
  SENTENCE_END.lastIndex = 0
  for (let m = SENTENCE_END.exec(text); m && out.length < MAX_DERIVED; m = SENTENCE_END.exec(text)) {
    sentence(m.index + 1)
    start = m.index + 1
  }
  sentence(text.length)
  for (const list of listRuns(text)) push(list)
  const speakers = speakerCount(text)
  if (speakers) push(speakers)
  return out
}

// Two numbers add up only when they count the same thing: "3 employees and 4 offices" make
// no 7, "forty years old and five kids" no 45. A number without a noun right after it ("5
// in the first half") may join any other.
function arithmetic(numbers: NumericClaim[], heads: string[], context: () => Set<string>, push: (d: DerivedValue) => unknown): void {
  const alike = (i: number, j: number) => heads[i] === '' || heads[j] === '' || heads[i] === heads[j]
  for (let i = 0; i < numbers.length; i++) {
    for (let j = i + 1; j < numbers.length; j++) {
      const a = numbers[i]!
      const b = numbers[j]!
      if (a.unit !== b.unit) continue
      if (alike(i, j)) push({ value: a.value + b.value, unit: a.unit, how: 'sum', text: `${a.text} + ${b.text}`, context: context(), addends: [a, b] })
      if (a.value === b.value) continue
      for (const [from, to] of [[a, b], [b, a]] as const) {
        const change = ((to.value - from.value) / from.value) * 100
        push({ value: change, unit: '%', how: 'change', text: `${from.text} → ${to.text} (${change > 0 ? '+' : ''}${fmt(change)}%)`, context: context() })
      }
    }
  }
  const nouns = new Set(heads.filter((h) => h !== ''))
  if (numbers.length >= 3 && nouns.size <= 1 && numbers.every((c) => c.unit === numbers[0]!.unit)) {
    const total = numbers.reduce((sum, c) => sum + c.value, 0)
    push({ value: total, unit: numbers[0]!.unit, how: 'sum', text: numbers.map((c) => c.text).join(' + '), context: context(), addends: numbers })
  }
}

const isName = (word: string | undefined) => word !== undefined && /^[A-Z][a-z]/.test(word)

/**
 * The items of the first enumeration in a sentence: "Alpha, Beta and Gamma" (three), or two
 * capitalised names joined by "and" ("Alpha and Beta"), since "X and Y" in general is too
 * common to count as a list. {@link seriesIn} finds every enumeration of the sentence.
 */
export function seriesLength(sentence: string): { count: number; items: string } | undefined {
  return seriesIn(sentence)[0]
}

/**
 * Every enumeration in a sentence, in order. A comma series whose "and" turns out to open
 * the lead-in of a later one ("costs 1,799 euros, with a dock, and ships in France, Spain
 * and Italy") joined clauses, not items, and is left out.
 */
export function seriesIn(sentence: string): { count: number; items: string }[] {
  // Split at the marks, then trimmed: a split at /\s*[,;]\s*/ retries every space of a long
  // run of spaces without a comma, quadratic on a long source.
  const segments = sentence.split(/[,;]/).map((s, i, all) => {
    const start = i === 0 ? s : s.trimStart()
    return i === all.length - 1 ? start : start.trimEnd()
  })
  const found: { count: number; items: string; joint: number; comma: boolean }[] = []
  let previousJoint = -1
  for (let k = 0; k < segments.length; k++) {
    const joint = /^(.*?)\b(?:and|or)\s+(.+)$/.exec(segments[k]!)
    if (!joint) continue
    const after = previousJoint
    previousJoint = k
    const last = (joint[2]!.match(WORDS) ?? []).slice(0, 4).join(' ')
    // "aged 3 and 40" joins numbers, not items.
    if (last === '') continue
    if (k === 0) {
      const beforeWords = joint[1]!.match(WORDS) ?? []
      const afterWords = joint[2]!.match(WORDS) ?? []
      if (beforeWords.length > 1 && isName(beforeWords[beforeWords.length - 1]) && isName(afterWords[0])) {
        found.push({ count: 2, items: `${beforeWords[beforeWords.length - 1]}, ${afterWords[0]}`, joint: k, comma: false })
      }
      continue
    }
    const items: string[] = []
    // Short segments before the joint are items; the first longer one, or a long one holding
    // an earlier "and", holds the lead-in and the first item, and ends the run. Stopping at
    // an earlier joint also keeps every segment read by one run only: linear.
    let lead = -1
    for (let i = k - 1; i >= 0; i--) {
      const words = segments[i]!.match(WORDS) ?? []
      // A short segment with an earlier "and" ends an earlier list: this one starts after it.
      if (i === after && words.length <= 4) break
      const ends = words.length > 4 || i === after
      // The first item shares its segment with the lead-in; its last word names it.
      items.unshift(words.slice(i === 0 || ends ? -1 : -4).join(' '))
      lead = i
      if (ends) break
    }
    // The item before "and" is as short as the others, or the commas join clauses.
    const beforeJoint = joint[1]!.match(WORDS) ?? []
    if (beforeJoint.length > 4) continue
    if (beforeJoint.length) items.push(beforeJoint.join(' '))
    items.push(last)
    const prior = found[found.length - 1]
    if (prior?.comma && prior.joint === lead && lead === after) found.pop()
    found.push({ count: items.length, items: items.join(', '), joint: k, comma: true })
  }
  return found.map(({ count, items }) => ({ count, items }))
}

const SPEAKER = /^[ \t]*([A-Z][A-Za-z.'-]*(?: [A-Z][A-Za-z.'-]*){0,2}|[a-z][a-z'-]*):[ \t]/gm

// The speakers of a dialogue or transcript ("Steve: …" lines): a chat of two people is
// summarised as "two friends". At least three such lines, so that a "Note:" or two is no
// dialogue. Chats are often typed in lower case ("kwame: yep"), where a label said once
// ("todo:", "ps:") is more likely a note than a person: lower-case labels make a chat only
// when two of them speak more than once.
function speakerCount(text: string): DerivedValue | undefined {
  const lines = new Map<string, number>()
  let total = 0
  SPEAKER.lastIndex = 0
  for (let m = SPEAKER.exec(text); m && lines.size <= 100; m = SPEAKER.exec(text)) {
    lines.set(m[1]!, (lines.get(m[1]!) ?? 0) + 1)
    total++
  }
  const chat = [...lines].filter(([name, n]) => /^[a-z]/.test(name) && n >= 2).length >= 2
  const names = [...lines.keys()].filter((name) => chat || /^[A-Z]/.test(name))
  if (total < 3 || names.length < 2 || lines.size > 100) return undefined
  return { value: names.length, unit: '', how: 'count', text: `${names.length} speakers: ${names.slice(0, 5).join(', ')}`, context: contentWords(names.join(' ')) }
}

// Runs of list lines at one indent ("- a\n- b\n\n- c" is one run of three).
function* listRuns(text: string): Generator<DerivedValue> {
  let lead = ''
  let run: string[] = []
  let indent = ''
  let previous = ''
  const flush = function* () {
    if (run.length >= 2) yield { value: run.length, unit: '', how: 'count' as const, text: `${run.length} items: ${run.join(', ')}`, context: contentWords(`${lead} ${run.join(' ')}`) }
    run = []
  }
  let from = 0
  while (from <= text.length) {
    const nl = text.indexOf('\n', from)
    const line = text.slice(from, nl === -1 ? text.length : nl)
    from = nl === -1 ? text.length + 1 : nl + 1
    const m = LIST_LINE.exec(line)
    if (m && (run.length === 0 || m[1] === indent)) {
      if (run.length === 0) {
        indent = m[1]!
        lead = previous
      }
      run.push(m[2]!.slice(0, 40))
    } else if (line.trim() !== '' && !(m && m[1]!.length > indent.length)) {
      yield* flush()
      previous = line
    }
  }
  yield* flush()
}
