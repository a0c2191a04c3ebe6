// The structural fingerprint of an LLM output: what stays the same when only the wording
// changes. Built from the same analysers the matchers use, so a list here is a list there.
import { foldString } from '../text/fold.js'
import { extractJson } from '../text/json.js'
import { extractListItems } from '../text/lists.js'
import { countSentences, countWords } from '../text/segment.js'

/** The fingerprint format's version; stored with every fingerprint. */
export const FINGERPRINT_VERSION = 1

/** The kind of document an output is. */
export type OutputFormat = 'prose' | 'bulleted list' | 'numbered list' | 'markdown' | 'json' | 'table' | 'code'

/** The shape of a JSON value: keys and types, recursively; arrays by the shape of their elements. */
export type JsonShape =
  | { type: 'string' | 'number' | 'boolean' | 'null' }
  | { type: 'array'; items: JsonShape | null }
  | { type: 'object'; keys: Record<string, JsonShape> }

/** The structural fingerprint of one output. */
export interface Fingerprint {
  version: number
  format: OutputFormat
  counts: { listItems: number; headings: number; paragraphs: number; sentences: number; codeBlocks: number }
  /** Heading texts, normalised: folded, lower case, punctuation dropped. */
  headings: string[]
  /** Words, counted with Intl.Segmenter; the length band is derived from it. */
  words: number
  json?: JsonShape
}

const FENCE_LINE = /^ {0,3}(`{3,}|~{3,})/
const HEADING = /^ {0,3}(#{1,6})[ \t]+(.+?)[ \t#]*$/
const TABLE_SEPARATOR = /^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)+\|?\s*$/

function shapeOf(value: unknown): JsonShape {
  if (value === null) return { type: 'null' }
  if (Array.isArray(value)) {
    // Elements are merged, so [1, 2, 3] and [1] have one shape, and a drifting element shows.
    return { type: 'array', items: value.length === 0 ? null : value.map(shapeOf).reduce(mergeShapes) }
  }
  if (typeof value === 'object') {
    return { type: 'object', keys: Object.fromEntries(Object.keys(value as object).sort().map((k) => [k, shapeOf((value as Record<string, unknown>)[k])])) }
  }
  return { type: typeof value as 'string' | 'number' | 'boolean' }
}

function mergeShapes(a: JsonShape, b: JsonShape): JsonShape {
  if (a.type === 'object' && b.type === 'object') {
    const keys: Record<string, JsonShape> = { ...a.keys }
    for (const [k, v] of Object.entries(b.keys)) keys[k] = keys[k] ? mergeShapes(keys[k], v) : v
    return { type: 'object', keys: Object.fromEntries(Object.keys(keys).sort().map((k) => [k, keys[k]!])) }
  }
  if (a.type === 'array' && b.type === 'array') return { type: 'array', items: a.items && b.items ? mergeShapes(a.items, b.items) : (a.items ?? b.items) }
  return a
}

function normaliseHeading(text: string): string {
  return foldString(text).toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim()
}

/**
 * Computes the structural fingerprint of an output: its format, counts of list items,
 * headings, paragraphs, sentences and code blocks, its heading texts, its length in words,
 * and for JSON its shape.
 *
 * @example
 * ```ts
 * fingerprint('- a\n- b').format // 'bulleted list'
 * ```
 */
export function fingerprint(text: string): Fingerprint {
  const lines = text.split(/\r\n|\r|\n/)
  const headings: string[] = []
  const prose: string[] = []
  let codeBlocks = 0
  let tableRows = 0
  let fence: string | undefined
  for (const line of lines) {
    const f = FENCE_LINE.exec(line)
    if (fence !== undefined) {
      if (f && f[1]![0] === fence[0] && f[1]!.length >= fence.length) fence = undefined
      continue
    }
    if (f) {
      fence = f[1]
      codeBlocks++
      prose.push('')
      continue
    }
    const h = HEADING.exec(line)
    if (h) headings.push(normaliseHeading(h[2]!))
    if (/^\s*\|.*\|\s*$/.test(line) || TABLE_SEPARATOR.test(line)) tableRows++
    prose.push(line)
  }
  const proseText = prose.join('\n')
  const paragraphs = proseText.split(/\n\s*\n/).filter((p) => p.trim() !== '').length
  const items = extractListItems(text)
  const nonEmpty = lines.filter((l) => l.trim() !== '').length
  const json = extractJson(text)
  const wholeJson = json.found && json.source !== 'embedded' && json.value !== null && typeof json.value === 'object'

  let format: OutputFormat
  if (wholeJson) format = 'json'
  else if (codeBlocks > 0 && proseText.trim() === '') format = 'code'
  else if (tableRows >= 2 && tableRows >= nonEmpty / 2) format = 'table'
  else if (headings.length > 0) format = 'markdown'
  else if (items.length >= 2 && items.length >= nonEmpty / 2) format = items.filter((i) => i.kind === 'numbered').length > items.length / 2 ? 'numbered list' : 'bulleted list'
  else format = 'prose'

  const out: Fingerprint = {
    version: FINGERPRINT_VERSION,
    format,
    counts: { listItems: items.length, headings: headings.length, paragraphs, sentences: countSentences(proseText), codeBlocks },
    headings,
    words: countWords(text),
  }
  if (wholeJson) out.json = shapeOf(json.value)
  return out
}

/** Fingerprint properties a comparison can skip with `ignore`. */
export type FingerprintProperty = 'format' | 'listItems' | 'headings' | 'paragraphs' | 'sentences' | 'codeBlocks' | 'length' | 'json'

function describeShape(shape: JsonShape | null | undefined): string {
  if (!shape) return 'nothing'
  if (shape.type === 'array') return `${describeShape(shape.items)}[]`
  if (shape.type === 'object') return `{ ${Object.entries(shape.keys).map(([k, v]) => `${k}: ${describeShape(v)}`).join(', ')} }`
  return shape.type
}

function shapeChanges(path: string, a: JsonShape | null, b: JsonShape | null, out: string[]): void {
  if (a === null || b === null) {
    if (a !== b) out.push(`json ${path || '(root)'}: ${describeShape(a)} → ${describeShape(b)}`)
    return
  }
  if (a.type !== b.type) return void out.push(`json ${path || '(root)'}: ${describeShape(a)} → ${describeShape(b)}`)
  if (a.type === 'array' && b.type === 'array') return shapeChanges(`${path}[]`, a.items, b.items, out)
  if (a.type === 'object' && b.type === 'object') {
    for (const key of [...new Set([...Object.keys(a.keys), ...Object.keys(b.keys)])].sort()) {
      const at = path ? `${path}.${key}` : key
      if (!(key in b.keys)) out.push(`json ${at}: key removed`)
      else if (!(key in a.keys)) out.push(`json ${at}: key added`)
      else shapeChanges(at, a.keys[key]!, b.keys[key]!, out)
    }
  }
}

/**
 * Lists how `received` departs from `expected`, one line per changed property, e.g.
 * "format: bulleted list → prose" or "list items: 3 → 7". The length may vary by
 * `lengthTolerance` (0.5 allows half again as long, or half as long) before it counts.
 */
export function compareFingerprints(expected: Fingerprint, received: Fingerprint, options: { lengthTolerance?: number; ignore?: readonly FingerprintProperty[] } = {}): string[] {
  const skip = new Set(options.ignore ?? [])
  const tolerance = options.lengthTolerance ?? 0.5
  const changes: string[] = []
  if (!skip.has('format') && expected.format !== received.format) changes.push(`format: ${expected.format} → ${received.format}`)
  const counts = [
    ['listItems', 'list items'],
    ['headings', 'headings'],
    ['paragraphs', 'paragraphs'],
    ['sentences', 'sentences'],
    ['codeBlocks', 'code blocks'],
  ] as const
  for (const [key, label] of counts) {
    if (!skip.has(key) && expected.counts[key] !== received.counts[key]) changes.push(`${label}: ${expected.counts[key]} → ${received.counts[key]}`)
  }
  if (!skip.has('headings') && expected.headings.join('\u0000') !== received.headings.join('\u0000') && expected.counts.headings === received.counts.headings) {
    changes.push(`heading texts: ${JSON.stringify(expected.headings)} → ${JSON.stringify(received.headings)}`)
  }
  if (!skip.has('length')) {
    const low = Math.floor(expected.words * (1 - tolerance))
    const high = Math.ceil(expected.words * (1 + tolerance))
    if (received.words < low || received.words > high) changes.push(`length: ${expected.words} → ${received.words} words (allowed ${low}–${high})`)
  }
  if (!skip.has('json') && (expected.json || received.json)) shapeChanges('', expected.json ?? null, received.json ?? null, changes)
  return changes
}
