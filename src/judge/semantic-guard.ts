// The deterministic half of the semantic judge cache: two outputs may share a verdict only
// when the analysers see the same facts in both. An embedding says two texts are close; it
// does not say that "refund approved" and "refund denied" are different answers, since they
// share every word but one. The guard compares what a verdict usually turns on: numbers,
// named things, negations and the words that decide (approved/denied, can/cannot, will/won't).
import { extractEntities } from '../text/entities.js'
import { foldString, lookalikes, skeleton } from '../text/fold.js'
import { extractNumbers } from '../text/numbers.js'
import { foldApostrophes, literalWords, spellOut, struckWords, TOKEN } from './guard-words.js'

/** What the guard sees in one output. Two outputs agree when every field is equal. */
export interface OutputFacts {
  /** Numbers, amounts, percents and dates, by canonical key, in the order written. */
  numbers: string[]
  /** People, organisations and places the entity reader finds, in the order written, so a swap of roles counts. */
  entities: string[]
  /** Capitalised words inside a sentence and codes mixing letters and digits, in order. */
  names: string[]
  /** Negations, decision, polarity and modal words and symbols (✓/✗), in order, contractions spelt out. */
  polarity: string[]
  /** Struck-out words (combining strokes, `~~…~~`, `<del>`), in order. */
  struck: string[]
  /** Letters of other scripts that pass for Latin ones, with their code points, sorted. */
  lookalikes: string[]
  /**
   * Every word, symbol and number as written, in order: exactly as written (NFC, CRLF as LF)
   * unless the text is plain prose, where only spacing between words and sentences and two
   * social phrases are folded (see `literalWords`).
   */
  words: string[]
}

/** Why two outputs do not agree, or that they do. */
export type GuardResult = { agree: true } | { agree: false; differs: keyof OutputFacts; a: string[]; b: string[] }

// Each group is one word in its forms; the first form names the group, so "denied" and
// "denial" are one decision (the word sequence still tells the two forms apart) and never
// "approved". Synonyms are kept apart on purpose: "accepted" for "approved" costs a reuse,
// a wrong merge would cost a wrong verdict.
const GROUPS = [
  ...'not never none nobody nothing neither nor without non can could may might must shall should will would'.split(' '),
  'no nope nah nay naw n',
  'yes y yeah yep yup affirmative',
  'positive',
  'negative',
  'kidding jk joking',
  'lack lacks lacked lacking',
  'need needs needed',
  'approve approved approves approving approval',
  'deny denied denies denying denial',
  'decline declined declines declining',
  'reject rejected rejects rejecting rejection',
  'accept accepted accepts accepting acceptance',
  'refuse refused refuses refusing refusal',
  'grant granted grants granting',
  'eligible eligibility',
  'ineligible ineligibility',
  'cancel cancelled canceled cancels cancelling canceling cancellation',
  'confirm confirmed confirms confirming confirmation',
  'unconfirmed',
  'valid validity',
  'invalid',
  'able',
  'unable',
  'possible possibly',
  'impossible',
  'available availability',
  'unavailable',
  'allow allowed allows allowing',
  'disallow disallowed disallows',
  'permit permitted permits permission',
  'forbid forbidden forbids',
  'prohibit prohibited prohibits',
  'succeed succeeded succeeds success successful successfully',
  'unsuccessful unsuccessfully',
  'fail failed fails failing failure',
  'full fully',
  'partial partially',
  'refundable',
  'nonrefundable',
  'include included includes including',
  'exclude excluded excludes excluding',
  'increase increased increases increasing',
  'decrease decreased decreases decreasing',
  'more',
  'less',
  'fewer',
  'higher',
  'lower',
  'above',
  'below',
  'over',
  'under',
  'before',
  'after',
  'earlier',
  'later',
  'minimum',
  'maximum',
  'true',
  'false',
  'correct correctly',
  'incorrect incorrectly',
  'wrong',
  'always',
  'sometimes',
  'often',
  'rarely',
  'usually',
  'guarantee guaranteed guarantees',
  'require required requires requirement',
  'optional',
  'free',
  'charge charged charges charging',
  'open opened',
  'closed',
  'active',
  'inactive',
  'enable enabled enables',
  'disable disabled disables',
  'resolve resolved resolves',
  'unresolved',
  'complete completed completes',
  'incomplete',
  'pending',
  // A number's unit when written as a word: "5 days" and "5 weeks" are one number to the parser.
  ...'second minute hour day week month year'.split(' ').map((u) => `${u} ${u}s`),
  'lock locked locks locking',
  'unlock unlocked unlocks unlocking',
]
const CANONICAL = new Map<string, string>()
for (const group of GROUPS) {
  const forms = group.split(' ')
  for (const form of forms) CANONICAL.set(form, forms[0]!)
}

// A sentence starts after a full stop, a line break or a list mark; a capital there says
// nothing about a name.
const WORD = /[\p{L}\p{N}]+(?:['-][\p{L}\p{N}]+)*/gu
const SENTENCE_END = /[.!?:;\n•*\-–—]\s*$|^\s*$/

const factsCache = new Map<string, OutputFacts>()

// Symbols that answer yes or no on their own, as "Refund approved: ✓" does.
const SYMBOLS = new Map<string, string>([
  ...[...'✓✔☑✅👍🆗'].map((s): [string, string] => [s, 'yes']),
  ...[...'✗✘☒❌❎👎🚫⛔'].map((s): [string, string] => [s, 'no']),
])
// A negating prefix, as a part of its own ("un-approved") or joined to a listed word ("unapproved").
const PREFIX = /^(?:un|non|dis|mis)/
const PREFIX_PART = /^(?:un|non|dis|mis)$/

function polarityOf(part: string, beforeHyphen: boolean): string[] | undefined {
  const listed = CANONICAL.get(part) ?? SYMBOLS.get(part)
  if (listed) return [listed]
  if (beforeHyphen && PREFIX_PART.test(part)) return ['not']
  // Most tokens carry no prefix; checking the first letter spares a regex on each.
  if (!'umdn'.includes(part[0]!)) return undefined
  const rest = part.replace(PREFIX, '')
  const negated = rest !== part ? CANONICAL.get(rest) : undefined
  return negated ? ['not', negated] : undefined
}

/**
 * The facts the guard compares, read through Unicode disguises: NFKC forms (full-width
 * `１２０`), digits of other scripts and invisible characters are folded away, and
 * look-alike letters read as the Latin letter they pass for (so `nоt` with a Cyrillic о
 * is still a negation), and are listed themselves, so an output written with them never
 * agrees with one written without. Those folds only help the analysers find facts; the word
 * sequence is read as written, so a difference any of them folds away still counts there.
 *
 * @example
 * ```ts
 * outputFacts('Your refund of $40 was approved.').polarity // ['approve']
 * ```
 */
export function outputFacts(output: string): OutputFacts {
  const cached = factsCache.get(output)
  if (cached) return cached
  const raw = foldApostrophes(output)
  const plain = skeleton(foldString(raw))
  const lower = spellOut(plain.toLowerCase())
  const polarity: string[] = []
  for (const [token] of lower.matchAll(TOKEN)) {
    const parts = token.includes('-') ? token.split('-') : [token]
    for (let i = 0; i < parts.length; i++) {
      const read = polarityOf(parts[i]!, i < parts.length - 1)
      if (read) polarity.push(...read)
    }
  }
  const names: string[] = []
  for (const m of plain.matchAll(WORD)) {
    const word = m[0]
    const code = /\p{N}/u.test(word) && /\p{L}/u.test(word)
    const capitalised = /^\p{Lu}/u.test(word) && !SENTENCE_END.test(plain.slice(Math.max(0, m.index - 4), m.index))
    if ((code || capitalised) && word !== 'I') names.push(word.toLowerCase())
  }
  const facts: OutputFacts = {
    numbers: extractNumbers(output).map((c) => c.key),
    entities: extractEntities(plain, ['person', 'organization', 'place']).map((e) => `${e.kind}:${e.text.toLowerCase()}`),
    names,
    polarity,
    struck: struckWords(raw, foldString),
    lookalikes: [...new Set(lookalikes(output))].sort(),
    words: literalWords(output),
  }
  if (factsCache.size > 5000) factsCache.clear()
  factsCache.set(output, facts)
  return facts
}

// The word sequence comes last: it sees every difference, the fields before it say which kind.
const FIELDS: readonly (keyof OutputFacts)[] = ['numbers', 'entities', 'names', 'polarity', 'struck', 'lookalikes', 'words']

/**
 * Whether two outputs agree on everything the guard sees, and if not, the first fact on
 * which they differ (for a reader: which numbers, names or words).
 *
 * @example
 * ```ts
 * guard('Refund approved.', 'Refund denied.') // { agree: false, differs: 'polarity', a: ['approve'], b: ['deny'] }
 * ```
 */
export function guard(a: string, b: string): GuardResult {
  const fa = outputFacts(a)
  const fb = outputFacts(b)
  for (const field of FIELDS) {
    const x = fa[field]
    const y = fb[field]
    if (x.length !== y.length || x.some((v, i) => v !== y[i])) return { agree: false, differs: field, a: x, b: y }
  }
  return { agree: true }
}
