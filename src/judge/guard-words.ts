// How the semantic cache's guard reads words: apostrophes and contractions in every
// spelling, struck-out text, and the sequence of content words two outputs must share. The
// word lists in semantic-guard.ts name what usually decides a verdict; this module makes
// sure a word on no list is still seen, since an attacker's next negation is the one no
// list has yet.

// Characters that stand in for an apostrophe. Folded before NFKC, which splits an acute
// accent into a space and a combining mark and so would cut "isn´t" in two.
const APOSTROPHES = /[`\u00B4\u2018\u2019\u201B\u02B9\u02BB\u02BC\u02BD\u02C8\u02CA\u02CB\u2032\u2035\uFF07\uFF40\uA78C\u055A\u1FBD\u1FBF\u1FEF\u1FFD]/g

// Unicode tag characters are invisible, and folding drops them, yet a model can read them
// as the ASCII they shadow; so the guard reads them too.
const TAGS = /[\u{E0020}-\u{E007E}]/gu

/** `text` with every apostrophe look-alike written as `'` and tag characters as the ASCII they shadow. */
export function foldApostrophes(text: string): string {
  return text.replace(TAGS, (tag) => String.fromCharCode(tag.codePointAt(0)! - 0xe0000)).replace(APOSTROPHES, "'")
}

// Auxiliaries whose negation is often typed without its apostrophe ("isnt", "dont"). Listed
// rather than stripping any "nt", which would read "want" or "front" as negations.
const AUXILIARIES = 'is|was|are|were|do|does|did|has|have|had|would|should|could|must|need|might|ought|dare|may'

// Every spelling of a negation reads as its auxiliary and "not", as "can not" does; the
// unambiguous contractions are spelt out too, so "we'll" is "we will".
const CONTRACTIONS: [RegExp, string][] = [
  [/\bcan'?t\b/g, 'can not'],
  [/\bcannot\b/g, 'can not'],
  [/\bwon'?t\b/g, 'will not'],
  [/\bshan'?t\b/g, 'shall not'],
  [/\bain'?t\b/g, 'is not'],
  [/\b([a-z]+)n't\b/g, '$1 not'],
  [new RegExp(`\\b(${AUXILIARIES})nt\\b`, 'g'), '$1 not'],
  // "is n't", "is nt": the negation split from its verb.
  [/(^|[^\p{L}\p{N}'])n'?t\b/gu, '$1not'],
  [/\b([a-z]+)'ll\b/g, '$1 will'],
  [/\b([a-z]+)'ve\b/g, '$1 have'],
  [/\b([a-z]+)'re\b/g, '$1 are'],
  [/\bi'm\b/g, 'i am'],
]

/** Lower-case `text` with its contractions spelt out. */
export function spellOut(lower: string): string {
  for (const [pattern, spelt] of CONTRACTIONS) lower = lower.replace(pattern, spelt)
  return lower
}

/**
 * Words, the symbols that can answer on their own (✓, ✗, 👍, →, <), question marks, which
 * turn a statement into a question, and quotes, which can set a word apart as doubtful
 * ("approved" in scare quotes); an apostrophe inside a word is part of it. Other
 * punctuation is read as layout.
 */
export const TOKEN = /[\p{L}\p{N}]+(?:['-][\p{L}\p{N}]+)*|[\p{So}\p{Sm}?¿‽⸮؟"“”„«»]|(?<![\p{L}\p{N}])'|'(?![\p{L}\p{N}])/gu

// Combining overlays that strike a letter through (U+0334–U+0338, the enclosing slashes
// and the prohibition sign U+20E0); folding drops combining marks, so they are read from
// the text as written.
const OVERLAY = /[\u0334-\u0338\u20D2\u20D3\u20D8-\u20DA\u20E0\u20E5\u20EA\u20EB]/u
const OVERLAYS = new RegExp(OVERLAY.source, 'gu')
const MARKED_WORD = /(?:[\p{L}\p{N}]\p{M}*)+/gu
const STRUCK_MARKDOWN = /~~?([^~\s](?:[^~]*[^~\s])?)~~?/g
// Tags are paired in one pass rather than by a lazy pattern, which would rescan the rest of
// the text from every opening tag left unclosed.
const STRIKE_TAG = /<(\/?)(del|s|strike)\b[^<>]*>/gi

/**
 * The struck-out words of `text`, in order: letters overlaid with a combining stroke or
 * slash, Markdown `~~…~~` and HTML `<del>`, `<s>` and `<strike>`. A struck word shows a
 * reader the opposite of the word, so it is a fact of its own rather than the word.
 */
export function struckWords(text: string, fold: (s: string) => string): string[] {
  const struck: string[] = []
  if (OVERLAY.test(text)) {
    for (const [word] of text.matchAll(MARKED_WORD)) if (OVERLAY.test(word)) struck.push(fold(word).toLowerCase())
    // Strokes on spaces or punctuation still draw a line through the text.
    struck.push(`${text.match(OVERLAYS)!.length} strokes`)
  }
  const add = (span: string) => struck.push(fold(span).toLowerCase().replace(/\s+/g, ' ').trim())
  for (const m of text.matchAll(STRUCK_MARKDOWN)) add(m[1]!)
  let open: { name: string; end: number } | undefined
  for (const m of text.matchAll(STRIKE_TAG)) {
    const name = m[2]!.toLowerCase()
    if (!m[1]) open ??= { name, end: m.index + m[0].length }
    else if (open?.name === name) {
      add(text.slice(open.end, m.index))
      open = undefined
    }
  }
  // A tag never closed strikes the rest, as a browser renders it.
  if (open) add(text.slice(open.end))
  return struck
}

// The word sequence is folded only inside plain prose, where a reader and a judge see the
// same sentences whatever the spacing. Code and data give spaces, line breaks and quotes a
// meaning of their own (a comment ends at a line break, a string keeps its spaces, a column
// is its spaces, `“` is no string delimiter), so a text with any mark of them is compared as
// written. The test is deliberately broad: a text wrongly taken for code costs a judge call,
// one wrongly taken for prose could cost a wrong verdict.
const NOT_PROSE = [
  // Code, markup and data marks, straight and typographic quotes, tabs, line separators and
  // control characters other than the line feed.
  /[{}[\]<>=;|\\/*#~^_`"\u201C\u201D\u2018\u2019\u201A\u201B\u201E\u201F\u00AB\u00BB\u2039\u203A\u2028\u2029\u0000-\u0009\u000B-\u001F\u007F-\u009F]/u,
  // An SQL or Lua comment, a command-line option.
  /--/,
  // A quote that is no apostrophe inside a word: a string delimiter, a VB comment.
  /(?<!\p{L})'|'(?!\p{L})/u,
  // A call (`help()`, `f(x)`) or empty brackets; prose opens a bracket after a space.
  /[\p{L}\p{N})\]]\(|\(\s*\)/u,
  // A dotted name (`user.save`, `os.path`, a domain), which a Ruby `save!` may close.
  /\p{L}\.\p{L}/u,
  // `!` or `?` standing alone or opening a word: a shell negation, a ternary.
  /(?<![\p{L}\p{N})])[!?]/u,
  // A comma with no space after it before a letter: CSV.
  /,\p{L}/u,
  // Indentation, and a line opened by a mark prose does not open a line with.
  /^(?:[^\S\n]|[-+%!$@.:,?&)])/mu,
  // A comment keyword anywhere (a command line may close with one), a TeX or Erlang comment
  // (a per cent sign after no number), a shell's `&`.
  /\b(?:rem|dnl)\b|(?<!\p{N})%|(?<!\p{L})&|&(?!\p{L})/iu,
  // Columns: a run of three spaces or more.
  /[^\S\n]{3,}/,
]

/**
 * Characters that only hint where a line may break and show nothing (zero-width space, word
 * joiner, byte-order mark, soft hyphen).
 */
const BREAK_HINTS = /[\u200B\u2060\uFEFF\u00AD]+/gu
// A whole run of hints after a space or the text's start, or before a space or its end. The
// second branch starts only at a run's first hint, so a long run is not rescanned from inside.
// (Spelt out rather than \s, which counts the byte-order mark as a space.)
const HINTS_BESIDE_SPACE = /(?<=^|[ \n\u00A0])[\u200B\u2060\uFEFF\u00AD]+|(?<![\u200B\u2060\uFEFF\u00AD])[\u200B\u2060\uFEFF\u00AD]+(?=[ \n\u00A0]|$)/gu

/** Whether `text` (NFC, line feeds only) is plain prose: no mark of code, data, markup or columns. */
export function isPlainProse(text: string): boolean {
  // Hints are dropped first, so none can hide indentation, a comment keyword or a `--`.
  const visible = text.replace(BREAK_HINTS, '')
  return !NOT_PROSE.some((mark) => mark.test(visible))
}

function foldProse(text: string): string {
  // A hint beside a space shows nothing between words; inside a word it may split a token for
  // a model's reading, so it stays there. Line breaks are kept: two lines can be two commands
  // (PowerShell, cmd) that read as prose, or a poem's lines.
  const folded = text.replace(HINTS_BESIDE_SPACE, '')
  return folded.replace(/\u00A0/g, ' ').replace(/(?<=\S) {2}(?=\S)/g, ' ')
}

/** The first word of a text compared as written; it holds a space, so no prose word equals it. */
export const AS_WRITTEN = 'as written:'

/**
 * The words of `text` for the guard's word-by-word comparison. Every text is read in Unicode
 * NFC (canonical composition, so `≠` stays `≠` and `würde` stays `würde`) with CRLF as LF.
 * A text that is not plain prose (see `isPlainProse`) is compared exactly as that, its words
 * led by `AS_WRITTEN`. Plain prose is folded only in its spacing between words: two spaces or
 * a no-break space as one space, and a line-break hint (zero-width space, word joiner,
 * byte-order mark, soft hyphen) beside a space dropped. Words, case, punctuation and line
 * breaks are kept: `No, charges apply.` is not `No charges apply.`, `MBps` is not `Mbps`,
 * `Thank you` is not `Thanks`, and two lines are not one.
 *
 * @example
 * ```ts
 * literalWords('Thank you,  the total is $50.') // ['Thank', 'you,', 'the', 'total', 'is', '$50.']
 * literalWords('x = 1') // ['as written:', 'x', '=', '1']
 * ```
 */
export function literalWords(text: string): string[] {
  const read = text.normalize('NFC').replace(/\r\n/g, '\n')
  return isPlainProse(read) ? foldProse(read).split(' ') : [AS_WRITTEN, ...read.split(' ')]
}
