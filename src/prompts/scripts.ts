// Names that read like other names through look-alike letters of another script: `prоduction`
// with a Cyrillic `о`, `ν2` with a Greek nu. Unicode's rule for identifiers (UTS #39, "highly
// restrictive") allows one script per name, or Latin with the scripts written alongside Han;
// letters common to all scripts (digits, `.`, `_`, `-`) and combining marks do not count.

const SCRIPTS = [
  'Latin', 'Greek', 'Cyrillic', 'Armenian', 'Hebrew', 'Arabic', 'Syriac', 'Thaana', 'Devanagari', 'Bengali', 'Gurmukhi', 'Gujarati', 'Oriya', 'Tamil', 'Telugu',
  'Kannada', 'Malayalam', 'Sinhala', 'Thai', 'Lao', 'Tibetan', 'Myanmar', 'Georgian', 'Hangul', 'Ethiopic', 'Cherokee', 'Canadian_Aboriginal', 'Ogham', 'Runic',
  'Khmer', 'Mongolian', 'Hiragana', 'Katakana', 'Bopomofo', 'Han', 'Coptic', 'Glagolitic', 'Tifinagh', 'Vai', 'Lisu', 'Deseret', 'Osage', 'Adlam',
] as const
const PATTERNS = SCRIPTS.map((script) => [script, new RegExp(`\\p{Script=${script}}`, 'u')] as const)

/** Sets of scripts written together, so a name may mix them (Japanese, Chinese with Bopomofo, Korean; each with Latin). */
const WRITTEN_TOGETHER = [
  ['Latin', 'Han', 'Hiragana', 'Katakana'],
  ['Latin', 'Han', 'Bopomofo'],
  ['Latin', 'Han', 'Hangul'],
]

/** Letters that read as a Latin `v` in another script, or as a letter Latin does not fold to `v`: a name of one and digits reads as a version. */
const V_LOOKALIKE = /^[\u03bd\u0475\u0474\u1d20\u2174\u2164\u05d8](?=\d)/u

function scriptOf(letter: string): string {
  return PATTERNS.find(([, pattern]) => pattern.test(letter))?.[0] ?? `the script of U+${letter.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`
}

const described = (c: string) => (/^[\x20-\x7e]$/.test(c) ? `"${c}"` : `"${c}" (U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`)

/**
 * Why a name reads like another through letters of another script, if it does: which of its
 * letters come from which script, or which version name it reads as.
 */
export function mixedScripts(name: string): string | undefined {
  const byScript = new Map<string, string[]>()
  for (const c of name) {
    if (!/\p{L}/u.test(c) || /[\p{Script=Common}\p{Script=Inherited}]/u.test(c)) continue
    const script = scriptOf(c)
    const letters = byScript.get(script) ?? []
    if (!letters.includes(c)) letters.push(c)
    byScript.set(script, letters)
  }
  const scripts = [...byScript.keys()]
  if (scripts.length > 1 && !WRITTEN_TOGETHER.some((set) => scripts.every((s) => set.includes(s)))) {
    const detail = [...byScript].map(([script, letters]) => `${letters.map(described).join(', ')} ${script}`).join('; ')
    return `its letters come from more than one script (${detail}), so it could read like another name. Write it in one script`
  }
  const v = V_LOOKALIKE.exec(name)
  if (v) return `${described(v[0])} is not a Latin "v", yet the name reads like a version name "v${name.slice(v[0].length)}". Use a Latin "v"`
  // One letter and then a digit reads as a version (`v3`), and so sorts among the versions and
  // may become `latest`: that letter must be ASCII. An allow-list, because the look-alikes of
  // `v` (`ʋ`, `ṽ`, `ⱱ`, Cherokee `ꮩ`, a `v` with a mark) are more than any list of them.
  const lead = /^\p{L}\p{M}*(?=\d)/u.exec(name)?.[0]
  // A compatibility form of an ASCII letter (full-width `ｖ`) is left to the twin check, which names its twin.
  if (lead !== undefined && !/^[A-Za-z]$/.test(lead.normalize('NFKC'))) {
    const folded = lead.normalize('NFD').replace(/\p{M}/gu, '')
    const reads = `${/^[A-Za-z]$/.test(folded) ? folded : 'v'}${name.slice(lead.length)}`
    return `${[...lead].map(described).join(' + ')} is not an ASCII letter, yet the name reads like a version name "${reads}". Start a name of one letter and digits with an ASCII letter ("${reads}")`
  }
  return undefined
}
