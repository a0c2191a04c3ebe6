// Word boundaries (UAX #29) for ASCII, which Intl.Segmenter would otherwise decide one
// segment object at a time: a million segments cost seconds. The scanner follows the
// rules that apply to ASCII: letters, digits and "_" join; "." "'" ":" join two letters;
// "." "'" "," ";" join two digits; everything else stands alone and is no word.

const OTHER = 0
const LETTER = 1
const DIGIT = 2
const UNDERSCORE = 3
const MID_LETTER = 4 // :
const MID_NUM_LET = 5 // . '
const MID_NUM = 6 // , ;
const SPACE = 7
const LF = 8
const CR = 9
const NEWLINE = 10 // \v \f
const QUOTE = 11 // " joins Hebrew letters only

const CLASS = new Uint8Array(128)
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c)
  CLASS[c] = /[A-Za-z]/.test(ch) ? LETTER : /\d/.test(ch) ? DIGIT : OTHER
}
CLASS[0x5f] = UNDERSCORE
CLASS[0x3a] = MID_LETTER
CLASS[0x2e] = MID_NUM_LET
CLASS[0x27] = MID_NUM_LET
CLASS[0x2c] = MID_NUM
CLASS[0x3b] = MID_NUM
CLASS[0x20] = SPACE
CLASS[0x0a] = LF
CLASS[0x0d] = CR
CLASS[0x0b] = NEWLINE
CLASS[0x0c] = NEWLINE
CLASS[0x22] = QUOTE

function isWordChar(k: number): boolean {
  return k === LETTER || k === DIGIT || k === UNDERSCORE
}

// Non-ASCII characters that stand alone in word segmentation (zero-width space, dashes,
// daggers, ellipsis, CJK comma and full stop), so a boundary on both sides is certain.
const ALONE = /[\u200B\u2010-\u2017\u201C\u201D\u2020-\u2023\u2025\u2026\u3001\u3002]/

/** Whether the character at `i` is one of the non-ASCII characters that are never a word. */
export function standsAlone(text: string, i: number): boolean {
  return ALONE.test(text[i]!)
}

/** The ASCII class of the character at `i`, or -1 past either end or for non-ASCII. */
function classAt(text: string, i: number): number {
  if (i < 0 || i >= text.length) return -1
  const c = text.charCodeAt(i)
  return c < 128 ? CLASS[c]! : -1
}

/**
 * Counts the words in `text[start, end)`, which must be ASCII and begin and end at word
 * boundaries. A run of word characters is one word, except a lone "_".
 */
export function countAsciiWords(text: string, start: number, end: number): number {
  let n = 0
  let i = start
  while (i < end) {
    const first = CLASS[text.charCodeAt(i)]!
    i++
    if (!isWordChar(first)) continue
    let last = first
    let lone = first === UNDERSCORE
    while (i < end) {
      const k = CLASS[text.charCodeAt(i)]!
      if (isWordChar(k)) {
        last = k
        lone = false
        i++
        continue
      }
      const next = i + 1 < end ? CLASS[text.charCodeAt(i + 1)]! : -1
      const joinsLetters = last === LETTER && next === LETTER && (k === MID_LETTER || k === MID_NUM_LET)
      const joinsDigits = last === DIGIT && next === DIGIT && (k === MID_NUM || k === MID_NUM_LET)
      if (!joinsLetters && !joinsDigits) break
      lone = false
      i += 2
    }
    if (!lone) n++
  }
  return n
}

/**
 * Whether a word boundary before `i` is certain from ASCII context alone, and no rule for a
 * later boundary looks back past it: then the text on either side can be counted apart.
 */
export function isCertainBreak(text: string, i: number): boolean {
  if (i === 0 || i >= text.length) return false
  const k = classAt(text, i)
  if (k === -1) return ALONE.test(text[i]!)
  if (k === OTHER || k === CR || k === NEWLINE) return true
  const prev = classAt(text, i - 1)
  if (k === LF) return prev !== CR
  if (prev === -1) return false
  if (k === SPACE) return prev !== SPACE
  if (k === QUOTE) return true
  if (k === UNDERSCORE) return !isWordChar(prev)
  if (k === LETTER || k === DIGIT) return false
  const next = classAt(text, i + 1)
  if (next === -1 && i + 1 < text.length) return false
  if (prev === LETTER && next === LETTER) return k === MID_NUM
  if (prev === DIGIT && next === DIGIT) return k === MID_LETTER
  return true
}
