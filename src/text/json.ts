/** Where {@link extractJson} found the JSON value. */
export type JsonSource = 'raw' | 'fence' | 'embedded'

/** The outcome of {@link extractJson}. */
export type JsonExtraction = { found: true; value: unknown; source: JsonSource; text: string } | { found: false; reason: string }

const TICKS = '```'
const LANG_CHAR = /[\w-]/
// Candidates are tried one by one; the cap keeps a brace-heavy non-JSON text linear.
const MAX_EMBEDDED_ATTEMPTS = 64
const EMBEDDED_SCAN_FACTOR = 16
// A failed JSON.parse costs an exception (tens of microseconds), so fences that cannot
// hold JSON are passed over unparsed once an error is known, and a run of fences that do
// not parse stops after this many attempts.
const MAX_FENCE_ATTEMPTS = 64
const JSON_START = /^[[{"\-\d]|^(?:true|false|null)/
const JSON_END = /[\]}"\d]$|(?:true|false|null)$/

function tryParse(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch (e) {
    return { ok: false, error: (e as Error).message }
  }
}

/**
 * The ``` fences in `text`, in order: an opening ``` (the rest of its line names the
 * language), then everything up to the next ```. A scan by `indexOf`, because the
 * equivalent regex backtracks over every backtick of a long run that has no line break.
 */
export function* findFences(text: string): Generator<{ lang: string; body: string }> {
  let open = text.indexOf(TICKS)
  while (open !== -1) {
    const lineEnd = text.indexOf('\n', open + 3)
    // A later opening lies on this line or after it, so it has no line break either.
    if (lineEnd === -1) return
    const close = text.indexOf(TICKS, lineEnd + 1)
    if (close === -1) return
    let i = open + 3
    while (text[i] === ' ' || text[i] === '\t') i++
    const langStart = i
    while (i < lineEnd && LANG_CHAR.test(text[i]!)) i++
    yield { lang: text.slice(langStart, i), body: text.slice(lineEnd + 1, close) }
    open = text.indexOf(TICKS, close + 3)
  }
}

/**
 * The end (exclusive) of the balanced `{…}` or `[…]` that opens at `start`, if it closes
 * before `limit`.
 */
export function balancedEnd(text: string, start: number, limit = text.length): number | undefined {
  let depth = 0
  let inString = false
  for (let i = start; i < limit; i++) {
    const ch = text[i]
    if (inString) {
      if (ch === '\\') i++
      else if (ch === '"') inString = false
    } else if (ch === '"') inString = true
    else if (ch === '{' || ch === '[') depth++
    else if (ch === '}' || ch === ']') {
      depth--
      if (depth === 0) return i + 1
    }
  }
  return undefined
}

/**
 * Finds the JSON value in LLM output: the whole text if it is JSON, else the first
 * ```json (or unlabelled) fence that parses, else the first balanced object or array
 * inside prose that parses.
 *
 * @example
 * ```ts
 * extractJson('Sure! Here it is: {"title": "Q3"} Hope that helps.') // { found: true, value: { title: 'Q3' }, … }
 * ```
 */
export function extractJson(text: string): JsonExtraction {
  const trimmed = text.trim()
  const whole = tryParse(trimmed)
  if (whole.ok) return { found: true, value: whole.value, source: 'raw', text: trimmed }

  let fenceError: string | undefined
  let fenceAttempts = 0
  for (const fence of findFences(text)) {
    const lang = fence.lang.toLowerCase()
    if (lang !== '' && lang !== 'json' && lang !== 'jsonc' && lang !== 'json5') continue
    const body = fence.body.trim()
    if (fenceError !== undefined && !(JSON_START.test(body) && JSON_END.test(body))) continue
    if (++fenceAttempts > MAX_FENCE_ATTEMPTS) break
    const parsed = tryParse(body)
    if (parsed.ok) return { found: true, value: parsed.value, source: 'fence', text: body }
    fenceError ??= `a \`\`\`${lang || ''} fence holds invalid JSON (${parsed.error})`
  }

  let attempts = 0
  // Each attempt may scan to the end of the text; together they scan at most this much.
  let budget = EMBEDDED_SCAN_FACTOR * text.length
  for (let i = 0; i < text.length && attempts < MAX_EMBEDDED_ATTEMPTS && budget > 0; i++) {
    const ch = text[i]
    if (ch !== '{' && ch !== '[') continue
    attempts++
    const limit = Math.min(text.length, i + budget)
    const end = balancedEnd(text, i, limit)
    budget -= (end ?? limit) - i
    if (end === undefined) continue
    const candidate = text.slice(i, end)
    const parsed = tryParse(candidate)
    if (parsed.ok && parsed.value !== null && typeof parsed.value === 'object') {
      return { found: true, value: parsed.value, source: 'embedded', text: candidate }
    }
  }
  return { found: false, reason: fenceError ?? 'the text is not JSON and contains no JSON object or array' }
}
