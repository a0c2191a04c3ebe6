import { countWords } from './segment.js'

/** One list item found by {@link extractListItems}. */
export interface ListItem {
  /** The marker as written: `-`, `•`, `1.`, `a)`, `iv.` … */
  marker: string
  kind: 'bulleted' | 'numbered'
  /** 0 for a top-level item, 1 for an item nested under it, and so on. */
  depth: number
  /** The item's text without its marker, continuation lines joined with a space. */
  text: string
  /** 1-based line of the marker. */
  line: number
  /** Words in `text`, counted with `Intl.Segmenter`. */
  words: number
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/
// A thematic break: three or more of the same -, * or _ with optional spaces between.
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/
const BULLET = /^([ \t]*)([•◦▪▫‣⁃∙●○■□◆◇▸►➢➤\-*+–])[ \t]+(\S.*)$/
// Japanese lists use the katakana middle dot, often with no space after it; inside a line
// it joins the parts of a foreign name ("ティム・クック"), so only a line start counts.
const CJK_BULLET = /^([ \t]*)([・･])[ \t\u3000]*(\S.*)$/
// 1. 1) (1) a) (a) iv. iv) — letters take only ")" so that "A. Smith" stays prose. Digits
// of any script count ("٥."), as do the fullwidth and CJK forms "１．" "１）" "（１）" "1、",
// which need no space after them as long as no digit follows ("１．５倍" is a number).
const ORDERED = /^([ \t]*)(\p{Nd}{1,9}[.)]|\(\p{Nd}{1,9}\)|[a-zA-Z]\)|\([a-zA-Z]\)|[ivxlcdm]{1,6}[.)]|[IVXLCDM]{1,6}[.)])[ \t]+(\S.*)$/u
const CJK_ORDERED = /^([ \t]*)(\p{Nd}{1,9}[．）、]|[０-９]{1,9}[.)]|[（(]\p{Nd}{1,9}）|（\p{Nd}{1,9}\))[ \t\u3000]*(?![\p{Nd}.,．，])(\S.*)$/u
const ROMAN = /^(?=[ivxlcdm]+$)m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$/i

function indentWidth(s: string): number {
  let w = 0
  for (const ch of s) w += ch === '\t' ? 4 - (w % 4) : 1
  return w
}

function parseMarker(line: string): { indent: number; marker: string; kind: ListItem['kind']; text: string } | undefined {
  const bullet = BULLET.exec(line) ?? CJK_BULLET.exec(line)
  if (bullet) return { indent: indentWidth(bullet[1]!), marker: bullet[2]!, kind: 'bulleted', text: bullet[3]! }
  const cjk = CJK_ORDERED.exec(line)
  if (cjk) return { indent: indentWidth(cjk[1]!), marker: cjk[2]!, kind: 'numbered', text: cjk[3]! }
  const ordered = ORDERED.exec(line)
  if (!ordered) return undefined
  const marker = ordered[2]!
  const letters = marker.replace(/[.)(]/g, '')
  if (/^[ivxlcdm]+$/i.test(letters) && letters.length > 1 && !ROMAN.test(letters)) return undefined
  return { indent: indentWidth(ordered[1]!), marker, kind: 'numbered', text: ordered[3]! }
}

/**
 * Finds the list items in markdown-ish LLM output: bullets (`•`, `◦`, `▪`, `-`, `*`, `+`,
 * `–`, `●`, `■`, `►`, `・`, …) and ordered items (`1.`, `1)`, `a)`, `i.`, `１．`, `（１）`,
 * `1、`), nested ones included. Text inside code fences, horizontal rules and hyphens
 * inside prose are not items.
 *
 * @example
 * ```ts
 * extractListItems('- Apple\n  - Tim Cook\n2. Revenue').map((i) => i.depth) // [0, 1, 0]
 * ```
 */
export function extractListItems(text: string): ListItem[] {
  const items: ListItem[] = []
  // Indents of the open items, outermost first, to derive each new item's depth.
  const open: number[] = []
  let fence: string | undefined
  let current: { item: ListItem; contentIndent: number; afterBlank: boolean } | undefined
  const lines = text.split(/\r\n|\r|\n/)

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    const fenceMatch = FENCE.exec(line)
    if (fence !== undefined) {
      if (fenceMatch && fenceMatch[1]![0] === fence[0] && fenceMatch[1]!.length >= fence.length) fence = undefined
      continue
    }
    if (fenceMatch) {
      fence = fenceMatch[1]!
      current = undefined
      continue
    }
    if (line.trim() === '') {
      if (current) current.afterBlank = true
      continue
    }
    if (RULE.test(line)) {
      current = undefined
      open.length = 0
      continue
    }
    const parsed = parseMarker(line)
    if (parsed) {
      while (open.length > 0 && open[open.length - 1]! >= parsed.indent) open.pop()
      const item: ListItem = {
        marker: parsed.marker,
        kind: parsed.kind,
        depth: open.length,
        text: parsed.text.trim(),
        line: i + 1,
        words: 0,
      }
      open.push(parsed.indent)
      items.push(item)
      current = { item, contentIndent: parsed.indent + parsed.marker.length + 1, afterBlank: false }
      continue
    }
    const indent = indentWidth(/^[ \t]*/.exec(line)![0])
    if (current && (!current.afterBlank || indent >= current.contentIndent)) {
      // A lazy or indented continuation line belongs to the item above it.
      current.item.text += ` ${line.trim()}`
      current.afterBlank = false
      continue
    }
    // Prose at the left margin closes every open list.
    current = undefined
    if (indent === 0) open.length = 0
  }
  for (const item of items) item.words = countWords(item.text)
  return items
}
