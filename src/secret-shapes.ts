// What printed text may hold of a key beyond the key itself. A key that no setting names is
// still recognisable by its shape (`ghp_…`, `AKIA…`, a JWT), and a known key changed by one
// character, cut by one, upper-cased or cut short with `...` is the key for practical purposes.
// Both rules are linear in the text's length: each shape can only start where no token
// character stands before it, so a long run is scanned once, and near-copies are found with a
// rolling hash of fixed-width windows.
import { currentSecrets, MIN_SECRET_LENGTH, REDACTED } from './secrets.js'

/**
 * Tokens that show themselves as credentials by a vendor's prefix. Each must be long enough
 * that a word or an identifier (`sk-learn`, `ghp_notes`) does not qualify, and none is a bare
 * run of hex or a UUID, so hashes and ids stay visible.
 */
const TOKEN_SHAPES = [
  // GitHub: classic tokens (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`) and fine-grained ones.
  String.raw`gh[pousr]_[A-Za-z0-9]{20,}`,
  String.raw`github_pat_[A-Za-z0-9_]{20,}`,
  // An AWS access key id is exactly 20 characters, its last 16 in base32.
  String.raw`(?:AKIA|ASIA)[A-Z2-7]{16}(?![A-Za-z0-9])`,
  // Stripe secret and restricted keys.
  String.raw`[sr]k_(?:live|test)_[A-Za-z0-9]{10,}`,
  // Slack bot, app, user, refresh and legacy tokens.
  String.raw`xox[baprs]-[A-Za-z0-9-]{10,}`,
  // A JWT: a JSON header and a JSON payload (both `{"…` in base64url, so `eyJ`), and a signature.
  String.raw`eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*`,
  // A JWT or a GitHub token that Vitest cut short with an ellipsis: what is printed is still its start.
  String.raw`eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}(?=\u2026|\.\.\.)`,
  String.raw`gh[pousr]_[A-Za-z0-9]{12,}(?=\u2026|\.\.\.)`,
  // OpenAI (`sk-proj-…`, `sk-svcacct-…`, plain `sk-…`) and Anthropic (`sk-ant-…`) keys; a random-looking body is required (see below).
  String.raw`sk-[A-Za-z0-9_-]{20,}`,
  // Google API keys are exactly 39 characters.
  String.raw`AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])`,
  // Hugging Face, GitLab personal access and npm tokens, each to its token's end.
  String.raw`hf_[A-Za-z]{30,}[A-Za-z0-9]*`,
  String.raw`glpat-[0-9A-Za-z_-]{20,}`,
  String.raw`npm_[A-Za-z0-9]{36,}`,
]
const SHAPE = new RegExp(String.raw`(?<![A-Za-z0-9_-])(?:${TOKEN_SHAPES.join('|')})`, 'g')

/**
 * A dashed key is random: a Slack token or a key under a vendor's own `sk-` prefix
 * (`sk-proj-`, `sk-ant-`, `sk-svcacct-`, `sk-admin-`) holds a digit, and a plain `sk-` key
 * digits and letters of both cases, which a hyphenated name
 * (`sk-learn-2024-pipeline-classifier`) does not.
 */
const looksLikeKey = (token: string): boolean => {
  if (!token.startsWith('sk-') || /^sk-(?:proj|ant|svcacct|admin)-/.test(token)) return !/^(?:sk|xox[baprs])-/.test(token) || /\d/.test(token)
  return /\d/.test(token) && /[A-Z]/.test(token) && /[a-z]/.test(token.slice(3))
}

/** `text` with every token of a credential's shape ({@link TOKEN_SHAPES}) replaced by `[REDACTED]`. */
export function redactTokenShapes(text: string): string {
  return text.replace(SHAPE, (token) => (looksLikeKey(token) ? REDACTED : token))
}

/** The width of the windows that make a run a near-copy of a key of 18 characters or more. */
export const NEAR_COPY_WINDOW = 16

/**
 * The window for a key of `length` characters: {@link NEAR_COPY_WINDOW}, or, for a shorter
 * key, the key less two characters (so that it is still found cut by one at each end), and
 * never less than MIN_SECRET_LENGTH: a key of 8 or 9 characters is matched only whole (in any
 * case). A window shorter than that would find a key's fragments in ordinary words.
 */
export const nearCopyWindow = (length: number): number => Math.max(MIN_SECRET_LENGTH, Math.min(NEAR_COPY_WINDOW, length - 2))

// A polynomial hash of a window in 32-bit integer arithmetic (wrapping, so every step is
// exact), with a bit table in front of the exact check: most positions of a text are
// dismissed by one table read.
const BASE = 257
const TABLE_BITS = 16

/** ASCII letters folded to lower case, so that indices stay those of the text (Unicode case folding may change lengths). */
const fold = (code: number): number => (code >= 65 && code <= 90 ? code + 32 : code)
const foldText = (s: string): string => s.replace(/[A-Z]+/g, (m) => m.toLowerCase())

function hashOf(s: string, from: number, width: number): number {
  let h = 0
  for (let i = from; i < from + width; i++) h = (Math.imul(h, BASE) + fold(s.charCodeAt(i))) | 0
  return h
}

/** The windows of one width: a bit per hash's top bits, and the windows by hash for the exact check. */
interface WindowGroup {
  width: number
  table: Uint8Array
  windows: Map<number, string[]>
  /** BASE to the power width - 1, to take a window's first character out of its hash. */
  top: number
}

/** The windows of every known key, grouped by width, and the characters a token of each is made of. */
interface NearIndex {
  groups: WindowGroup[]
  /** Characters that extend a found run to its token's ends: letters, digits, `-`, `_`, and any other character of a key. */
  tokenChar: RegExp
  /** Every token of the text: runs of those characters. */
  tokens: RegExp
  /** The keys (folded) a token of each length is compared with by edit distance, with the most edits allowed. */
  byLength: Map<number, { key: string; edits: number }[]>
}

/**
 * The most edits (a character changed, added or taken out) by which a token may differ from
 * a key of `length` characters and still be taken for it: 2, 1 for a key of 10 or 11
 * characters, and none for a shorter one, which is matched whole (a word two edits from a
 * short key is too likely).
 */
export const maxEdits = (length: number): number => (length >= 12 ? 2 : length >= 10 ? 1 : 0)

let index: { keys: readonly string[]; value: NearIndex } | undefined

const slot = (h: number): number => h >>> (32 - TABLE_BITS)

function nearIndex(keys: readonly string[]): NearIndex {
  if (index?.keys === keys) return index.value
  const byWidth = new Map<number, WindowGroup>()
  const extra = new Set<string>()
  const byLength: NearIndex['byLength'] = new Map()
  for (const key of keys) {
    const folded = foldText(key)
    const edits = maxEdits(key.length)
    for (let n = key.length - edits; edits > 0 && n <= key.length + edits; n++) byLength.set(n, [...(byLength.get(n) ?? []), { key: folded, edits }])
    const width = nearCopyWindow(key.length)
    let group = byWidth.get(width)
    if (!group) {
      let top = 1
      for (let i = 1; i < width; i++) top = Math.imul(top, BASE)
      byWidth.set(width, (group = { width, table: new Uint8Array(1 << TABLE_BITS), windows: new Map(), top }))
    }
    for (let i = 0; i + width <= folded.length; i++) {
      const h = hashOf(folded, i, width)
      group.table[slot(h)] = 1
      const list = group.windows.get(h) ?? []
      list.push(folded.slice(i, i + width))
      group.windows.set(h, list)
    }
    for (const c of key) if (!/[A-Za-z0-9\s]/.test(c)) extra.add(c)
  }
  const escaped = [...extra].map((c) => c.replace(/[\\\]^-]/g, '\\$&')).join('')
  const value = { groups: [...byWidth.values()], tokenChar: new RegExp(`[A-Za-z0-9_\\-${escaped}]`), tokens: new RegExp(`[A-Za-z0-9_\\-${escaped}]+`, 'g'), byLength }
  index = { keys, value }
  return value
}

/** Whether the text at `at` is, folded, one of `candidates`. */
function holdsWindow(text: string, at: number, candidates: string[]): boolean {
  return candidates.some((w) => {
    for (let k = 0; k < w.length; k++) if (fold(text.charCodeAt(at + k)) !== w.charCodeAt(k)) return false
    return true
  })
}

/**
 * `text` with every token that shares a window (see {@link nearCopyWindow}) with a known key,
 * whatever its letters' case, replaced whole by `[REDACTED]`: the key with a character
 * changed, cut at either end, upper-cased, or cut short before `...`. One pass per window
 * width, with a rolling hash, so the cost is linear in the text's length.
 */
export function redactNearCopies(text: string, keys: readonly string[] = currentSecrets()): string {
  if (keys.length === 0 || text.length < MIN_SECRET_LENGTH) return text
  const { groups, tokenChar, tokens, byLength } = nearIndex(keys)
  const found: [number, number][] = []
  for (const { width, table, windows, top } of groups) {
    if (text.length < width) continue
    let i = 0
    let h = hashOf(text, 0, width)
    for (;;) {
      const candidates = table[slot(h)] === 1 ? windows.get(h) : undefined
      if (candidates && holdsWindow(text, i, candidates)) {
        // The rest of this token is redacted with it: the scan goes on after its end.
        let end = i + width
        while (end < text.length && tokenChar.test(text[end]!)) end++
        found.push([i, end])
        i = end
        if (i + width > text.length) break
        h = hashOf(text, i, width)
        continue
      }
      if (i + width >= text.length) break
      h = (Math.imul(h - Math.imul(fold(text.charCodeAt(i)), top), BASE) + fold(text.charCodeAt(i + width))) | 0
      i++
    }
  }
  found.sort((a, b) => a[0] - b[0])
  // A character changed in the middle of a key shorter than two windows leaves no window
  // whole: the other tokens of about a key's length are compared with it by edit distance.
  if (byLength.size > 0) {
    const windowed = found.length
    let next = 0
    for (const m of text.matchAll(tokens)) {
      const end = m.index + m[0].length
      while (next < windowed && found[next]![1] <= m.index) next++
      if (next < windowed && found[next]![0] < end) continue
      if (byLength.get(m[0].length)?.some(({ key, edits }) => withinEdits(m[0], key, edits))) found.push([m.index, end])
    }
    if (found.length > windowed) found.sort((a, b) => a[0] - b[0])
  }
  if (found.length === 0) return text
  let out = ''
  let done = 0
  for (let [start, end] of found) {
    if (end <= done) continue
    start = Math.max(start, done)
    while (start > done && tokenChar.test(text[start - 1]!)) start--
    while (end < text.length && tokenChar.test(text[end]!)) end++
    out += `${text.slice(done, start)}${REDACTED}`
    done = end
  }
  return out + text.slice(done)
}

/**
 * Whether `a` is at most `max` edits from `b` (Levenshtein distance, ASCII letters in any
 * case), computed only in the band of `max` cells around the diagonal: linear in the length
 * for a bound of 2.
 */
export function withinEdits(a: string, b: string, max: number): boolean {
  if (Math.abs(a.length - b.length) > max) return false
  const far = max + 1
  let prev = new Int32Array(b.length + 2)
  let cur = new Int32Array(b.length + 2)
  for (let j = 0; j < prev.length; j++) prev[j] = Math.min(j, far)
  for (let i = 1; i <= a.length; i++) {
    const lo = Math.max(1, i - max)
    const hi = Math.min(b.length, i + max)
    cur[lo - 1] = lo === 1 ? Math.min(i, far) : far
    let best = cur[lo - 1]!
    const c = fold(a.charCodeAt(i - 1))
    for (let j = lo; j <= hi; j++) {
      const cost = c === fold(b.charCodeAt(j - 1)) ? 0 : 1
      cur[j] = Math.min(prev[j - 1]! + cost, prev[j]! + 1, cur[j - 1]! + 1, far)
      best = Math.min(best, cur[j]!)
    }
    cur[hi + 1] = far
    if (best > max) return false
    ;[prev, cur] = [cur, prev]
  }
  return prev[b.length]! <= max
}
