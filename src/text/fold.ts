// One normaliser for every text analyser, so that a name or a number hidden behind Unicode
// is seen the same way by each matcher:
// - NFKC compatibility forms (fullwidth `ＡＢＣ１２３％`, mathematical `𝐀𝐩𝐩𝐥𝐞`, ligatures)
//   become their plain letters, digits and signs;
// - Latin diacritics are dropped: only combining diacritical marks (U+0300–U+036F), so
//   Devanagari vowel signs and the like keep their meaning;
// - every Default_Ignorable_Code_Point (soft hyphen, zero-width space and joiners, word
//   joiner, BOM, variation selectors, bidi controls, tags) is removed, since it is
//   invisible to a reader and splits a word for a regex;
// - every decimal digit of any script (\p{Nd}) becomes its ASCII digit, and the minus sign
//   and the Arabic percent and separators their ASCII forms.
// Circled and enclosed digits become digits; superscripts and fractions (\p{No}) are kept:
// "km²" has no number "2", and the number reader gives "10⁶" and "½" their values.
// Look-alike letters from other scripts are folded separately, by `skeleton`, because
// only a Latin name may be compared through them (see EntityHaystack).

/** Text after {@link foldText}, with a way back to positions in the original. */
export interface FoldedText {
  folded: string
  /**
   * Maps an index in `folded` to the index of the same character in the original. An
   * index just after removed characters maps past them.
   */
  toOriginal(index: number): number
  /** Whether the original was plain ASCII, so that `folded` is the original itself. */
  ascii: boolean
}

const NON_ASCII_RUN = /[^\x00-\x7F]+/g
const DIACRITICS = /[\u0300-\u036f]/g
const APOSTROPHES = /[\u2018\u2019\u02BC\u2032]/g
const IGNORABLE = /^\p{Default_Ignorable_Code_Point}$/u
const OTHER_NUMBER = /^\p{No}$/u
const DIGIT = /^\p{Nd}$/u
const SIGNS: Record<string, string> = { '\u2212': '-', '\u066A': '%', '\u066B': '.', '\u066C': ',' }

// Letters that a reader cannot tell from a Latin one, by the Latin letter they pass for.
// Kept to near-identical shapes, so that a Latin name is not found inside ordinary words
// of another script more often than a reader would mistake them too.
const LOOKALIKE_PAIRS =
  // Cyrillic
  'АAВBЕEЅSІIЈJКKМMНHОOРPСCТTХXУYҮYԚQԜWӀIҺHаaеeоoрpсcхxуyѕsіiјjԁdһhԛqԝwӏlүy' +
  // Greek
  'ΑAΒBΕEΖZΗHΙIΚKΜMΝNΟOΡPΤTΥYΧXϹCͿJοoαaνvιiρpϲcυu' +
  // Armenian, Latin variants, Cherokee
  'օoսuոnհhıiɑaɡgᎪAᏴBᏟCᎬEᎻHᎫJᏦKᎷMᏚSᎢTᏔWᏃZᏢP'
const LOOKALIKE = new Map<string, string>()
// The same map by UTF-16 unit (every look-alike is one unit, and so is its Latin letter).
const LOOKALIKE_UNITS = new Uint16Array(0x10000)
for (let i = 0; i < LOOKALIKE_PAIRS.length; i += 2) {
  LOOKALIKE.set(LOOKALIKE_PAIRS[i]!, LOOKALIKE_PAIRS[i + 1]!)
  LOOKALIKE_UNITS[LOOKALIKE_PAIRS.charCodeAt(i)] = LOOKALIKE_PAIRS.charCodeAt(i + 1)
}
const LOOKALIKE_CHARS = new RegExp(`[${[...LOOKALIKE.keys()].join('')}]`)

const cache = new Map<string, string>()
// Per UTF-16 unit outside the surrogates: 0 not seen yet, 1 unchanged by folding, 2 folded
// to UNIT_FOLDS[unit]. Array look-ups keep a megabyte of CJK or invisible characters fast.
const UNIT_STATE = new Uint8Array(0x10000)
const UNIT_FOLDS: string[] = new Array<string>(0x10000).fill('')

function digitValue(ch: string): number {
  // Decimal digits come in runs of ten from 0 to 9 (a Unicode stability guarantee), some
  // runs back to back, so the value is the distance from the run's start modulo 10.
  let cp = ch.codePointAt(0)!
  let steps = 0
  while (DIGIT.test(String.fromCodePoint(cp - 1))) {
    cp--
    steps++
  }
  return steps % 10
}

// Circled and other enclosed digits ("①⓪⓪", "⑩") are digits a reader reads as such;
// superscripts and subscripts stay, so that "km²" has no number 2.
const SCRIPT_DIGIT = /^[\u00b2\u00b3\u00b9\u2070-\u209f]$/
function enclosedDigits(ch: string): string {
  const plain = ch.normalize('NFKC')
  return /^\d+$/.test(plain) && !SCRIPT_DIGIT.test(ch) ? plain : ch
}

function foldChar(ch: string): string {
  let out = cache.get(ch)
  if (out === undefined) {
    if (IGNORABLE.test(ch)) out = ''
    else if (SIGNS[ch] !== undefined) out = SIGNS[ch]
    else if (OTHER_NUMBER.test(ch)) out = enclosedDigits(ch)
    else {
      out = ch.normalize('NFKD').replace(DIACRITICS, '').normalize('NFC').replace(APOSTROPHES, "'")
      if (out.charCodeAt(0) > 0x7f && DIGIT.test(out)) out = String(digitValue(out))
    }
    if (cache.size < 50_000) cache.set(ch, out)
  }
  return out
}

/** Folds a short string such as an entity name. */
export function foldString(text: string): string {
  return foldText(text).folded
}

/**
 * Folds `text` for matching and keeps a position map back to the original. ASCII text
 * is returned as is, which keeps the common case free of per-character work.
 *
 * @example
 * ```ts
 * const { folded, toOriginal } = foldText('Up ９\u200B５％')
 * folded // 'Up 95%'
 * toOriginal(5) // 6, the index of '％'
 * ```
 */
export function foldText(text: string): FoldedText {
  NON_ASCII_RUN.lastIndex = 0
  if (!NON_ASCII_RUN.test(text)) return { folded: text, toOriginal: (i) => i, ascii: true }

  const parts: string[] = []
  // Sorted breakpoints where the offset between folded and original changes. Only the
  // last of several breakpoints at one folded index is ever found, so a run of removed
  // characters updates one entry instead of adding one each.
  const foldedAt: number[] = [0]
  const originalAt: number[] = [0]
  const mark = (f: number, o: number) => {
    if (foldedAt[foldedAt.length - 1] === f) originalAt[originalAt.length - 1] = o
    else {
      foldedAt.push(f)
      originalAt.push(o)
    }
  }
  // Text is copied in stretches up to each character that folding changes; `shift` is
  // folded index minus original index after the last change.
  let copied = 0
  let shift = 0
  NON_ASCII_RUN.lastIndex = 0
  for (let m = NON_ASCII_RUN.exec(text); m; m = NON_ASCII_RUN.exec(text)) {
    const end = m.index + m[0].length
    for (let original = m.index, width = 1; original < end; original += width) {
      const unit = text.charCodeAt(original)
      let f: string
      if (unit < 0xd800 || unit > 0xdfff) {
        width = 1
        let state = UNIT_STATE[unit]!
        if (state === 0) {
          const ch = text[original]!
          UNIT_FOLDS[unit] = foldChar(ch)
          state = UNIT_STATE[unit] = UNIT_FOLDS[unit] === ch ? 1 : 2
        }
        if (state === 1) continue
        f = UNIT_FOLDS[unit]!
      } else {
        const ch = String.fromCodePoint(text.codePointAt(original)!)
        width = ch.length
        f = foldChar(ch)
        if (f === ch) continue
      }
      if (original > copied) parts.push(text.slice(copied, original))
      if (f !== '') parts.push(f)
      copied = original + width
      if (f.length !== width) {
        // Every folded unit of this character maps back to its first unit.
        const at = original + shift
        for (let k = 0; k < f.length; k++) mark(at + k, original)
        mark(at + f.length, copied)
        shift += f.length - width
      }
    }
  }
  parts.push(text.slice(copied))
  return {
    folded: parts.join(''),
    ascii: false,
    toOriginal(index) {
      let lo = 0
      let hi = foldedAt.length - 1
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1
        if (foldedAt[mid]! <= index) lo = mid
        else hi = mid - 1
      }
      return originalAt[lo]! + (index - foldedAt[lo]!)
    },
  }
}

/**
 * Replaces each look-alike letter (Cyrillic `а`, Greek `Ο`, …) of an already folded text
 * by the Latin letter it passes for. Every replacement is one UTF-16 unit for one, so
 * positions in the result are positions in the input.
 *
 * @example
 * ```ts
 * skeleton('Аррlе') // 'Apple' (Cyrillic А, р, р, е)
 * ```
 */
export function skeleton(folded: string): string {
  if (!LOOKALIKE_CHARS.test(folded)) return folded
  const units = new Uint16Array(folded.length)
  for (let i = 0; i < folded.length; i++) {
    const unit = folded.charCodeAt(i)
    units[i] = LOOKALIKE_UNITS[unit] || unit
  }
  // In slices, because a call takes a bounded number of arguments.
  const parts: string[] = []
  for (let i = 0; i < units.length; i += 8192) parts.push(String.fromCharCode(...units.subarray(i, i + 8192)))
  return parts.join('')
}

/**
 * The look-alike letters of `text`, each with its code point (`а U+0430`), in order of
 * first appearance, so that a message can say why a name that looks Latin was matched.
 */
export function lookalikes(text: string): string[] {
  const seen = new Set<string>()
  for (const ch of text) {
    for (const l of foldChar(ch)) if (LOOKALIKE.has(l)) seen.add(`${ch} U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`)
  }
  return [...seen]
}

/** `text` with each default-ignorable character written as a `\uXXXX` escape. */
export function showHidden(text: string): string {
  return text.replace(/\p{Default_Ignorable_Code_Point}/gu, (ch) => {
    const cp = ch.codePointAt(0)!
    return cp > 0xffff ? `\\u{${cp.toString(16).toUpperCase()}}` : `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`
  })
}
