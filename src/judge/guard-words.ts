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

// Known harmless variations, kept short on purpose: every entry is a difference the guard no
// longer sees. A sign-off closing the text states no fact, and the rewordings are words of
// one meaning that no negation, case or punctuation around them changes.
const SIGN_OFF = /\s*\b(?:best\s+wishes|(?:kind|best|warm)\s+regards|many\s+thanks|cheers|sincerely)[.!,]?\s*$/i
const THANK_YOU = /\bthank\s+you\b/gi
const REWORDINGS = new Map<string, string>([
  ['thanks', 'thanks'],
  ['happy', 'happy'],
  ['glad', 'happy'],
  ['pleased', 'happy'],
  ['delighted', 'happy'],
  ['details', 'details'],
  ['info', 'details'],
  ['information', 'details'],
  ['safe', 'safe'],
  ['secure', 'safe'],
  ['receive', 'receive'],
  ['get', 'receive'],
  ['receives', 'receives'],
  ['gets', 'receives'],
  ['help', 'help'],
  ['assist', 'help'],
])
/** A token's word and the punctuation after it, for the rewordings. */
const WORD_THEN_MARKS = /^(\p{L}+)(\p{P}*)$/u

/** An exclamation closing a word: said with more force, the same statement as a full stop. */
const EXCLAIMED = /(?<=\p{L})!$/u

function reworded(written: string): string {
  const token = written.replace(EXCLAIMED, '.')
  const m = WORD_THEN_MARKS.exec(token)
  const said = m ? REWORDINGS.get(m[1]!.toLowerCase()) : undefined
  return said === undefined ? token : said + m![2]!
}

const LINE_BREAK = /\r\n|[\n\r\u2028\u2029]/
/** A line that ends a sentence or a clause: the break after it is layout, not structure. */
const SENTENCE_END = /[.!?,;:]$/

/**
 * Characters that only hint where a line may break and show nothing (zero-width space, word
 * joiner, byte-order mark, soft hyphen): dropping one leaves every visible character in place.
 */
const INVISIBLE_BREAKS = /[\u200B\u2060\uFEFF\u00AD]/g
/** Typographic quotes, the same marks as the plain ones a keyboard types. */
const CURLY_SINGLE = /[\u2018\u2019]/g
const CURLY_DOUBLE = /[\u201C\u201D]/g

/**
 * The words of `text` as written, in order, for the guard's word-by-word comparison. The text
 * is folded only in ways that cannot change what it says: invisible line-break hints dropped,
 * typographic quotes read as plain ones, Unicode NFC (canonical composition, so `≠` stays `≠`
 * and `würde` stays `würde`), each run of spaces between words read as one, and a line break
 * after a sentence's or a clause's end (`.`, `!`, `?`, `,`, `;`, `:`) or a blank line read as a
 * space, and `!` closing a word read as a full stop. A line break inside a sentence (code,
 * a list) and a line's leading indentation are tokens of their own. Case and punctuation are
 * kept: `No, charges apply.` is not `No charges apply.`, `MBps` is not `Mbps`. Beyond that, only
 * a closing sign-off is dropped and the explicit rewordings above read as one.
 *
 * @example
 * ```ts
 * literalWords('Thank you, the total is ($50).') // ['thanks,', 'the', 'total', 'is', '($50).']
 * ```
 */
export function literalWords(text: string): string[] {
  const folded = text.replace(INVISIBLE_BREAKS, '').replace(CURLY_SINGLE, "'").replace(CURLY_DOUBLE, '"').normalize('NFC').replace(SIGN_OFF, '').replace(THANK_YOU, 'thanks')
  const words: string[] = []
  let ended = true
  for (const line of folded.split(LINE_BREAK)) {
    const indent = /^\s*/.exec(line)![0]
    const rest = line.slice(indent.length).trimEnd()
    if (!rest) continue
    if (!ended) words.push('line-break')
    if (indent) words.push(`indent:${JSON.stringify(indent)}`)
    for (const token of rest.split(/\s+/)) words.push(reworded(token))
    ended = SENTENCE_END.test(rest)
  }
  return words
}
