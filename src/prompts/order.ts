// The natural order of version names, and what a name may be. Version names are file names
// and label names are JSON keys chosen by people, so both are checked before they reach the
// disk: no path separators, no leading dot, nothing a shell or a diff would mangle.
import { AssayUsageError } from '../errors.js'
import { mixedScripts } from './scripts.js'

/**
 * A prompt version's name in results, keys and messages: `summarizer@v2`. History rows and
 * the gate's case keys are compared by it, so everything spells it through here.
 */
export const versionName = (prompt: { name: string; version: string }): string => `${prompt.name}@${prompt.version}`

/** Names the registry computes or reserves; no version file may be called one of them. */
export const RESERVED = ['latest', 'production'] as const

// Letters of any script and the digits 0-9, then also `.`, `_` and `-`: enough for `v2.1`,
// `2026-01-05`, `résumé`, and never `..`, `/`, `\`, a space or a control character. A
// combining mark may only extend a letter (scripts such as Devanagari need them); one on a
// digit or a dot would draw a look-alike of another name. Other scripts' digits are refused
// rather than folded: `v٣` and `v３` would read as `v3` but sort as text.
const NAME = /^[\p{L}0-9](?:[\p{L}0-9._-]|(?<=[\p{L}\p{M}])\p{M})*$/u
// Invisible code points (the combining grapheme joiner, variation selectors, Hangul
// fillers, tag characters): a name holding one reads exactly like a name without it.
const INVISIBLE = /\p{Default_Ignorable_Code_Point}/u
const MAX_NAME = 100

/**
 * The key two names collide under: equal keys look alike (case, Unicode compatibility
 * forms such as full-width letters), so they cannot both name versions, or both labels.
 */
export const twinKey = (name: string): string => name.normalize('NFKC').toLowerCase()

/**
 * Checks a prompt, version or label name given by a user; returns it in Unicode NFC so
 * that the same name typed on two systems finds the same file.
 */
export function checkName(kind: 'prompt' | 'version' | 'label', name: unknown, caller: string): string {
  if (typeof name !== 'string' || name === '') {
    throw new AssayUsageError(caller, `the ${kind} name must be a non-empty string, but got ${name === '' ? 'an empty string' : typeof name}.`)
  }
  const nfc = name.normalize('NFC')
  if (INVISIBLE.test(nfc)) {
    const code = (c: string) => c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')
    const shown = [...nfc].map((c) => (INVISIBLE.test(c) ? `\\u{${code(c)}}` : c)).join('')
    throw new AssayUsageError(
      caller,
      `"${shown}" is not a valid ${kind} name: it holds the invisible character U+${code([...nfc].find((c) => INVISIBLE.test(c))!)}, so it would read like a name without it. Remove it.`,
    )
  }
  if (nfc.length > MAX_NAME || !NAME.test(nfc)) {
    const shown = JSON.stringify(nfc.length > MAX_NAME ? `${nfc.slice(0, MAX_NAME)}…` : nfc)
    throw new AssayUsageError(
      caller,
      `${shown} is not a valid ${kind} name. Use up to ${MAX_NAME} letters, digits 0-9, ".", "_" and "-", starting with a letter or digit (e.g. "summarizer", "v2.1"); path separators, "..", other scripts' digits and combining marks on anything but a letter are not allowed.`,
    )
  }
  const lookalike = mixedScripts(nfc)
  if (lookalike !== undefined) throw new AssayUsageError(caller, `"${nfc}" is not a valid ${kind} name: ${lookalike}.`)
  return nfc
}

/** Names shaped like versions (v2, V2.1, 2026-01-05): a label may not be one, or the natural next version could not be added. */
export const VERSION_SHAPED = /^v?\d/i

type Run = string | { digits: string }

/** Splits a name into runs of digits and runs of anything else. */
function runs(name: string): Run[] {
  return (name.match(/\d+|\D+/g) ?? []).map((r) => (/^\d/.test(r) ? { digits: r.replace(/^0+(?=\d)/, '') } : r))
}

// Digit runs compare as numbers of any length, without converting them: the longer run
// (leading zeros removed) is the larger, and equal lengths compare digit by digit.
function compareRun(a: Run, b: Run): number {
  if (typeof a !== 'string' && typeof b !== 'string') {
    if (a.digits.length !== b.digits.length) return a.digits.length - b.digits.length
    return a.digits < b.digits ? -1 : a.digits > b.digits ? 1 : 0
  }
  // A number sorts before text at the same position (`v2` + `0` before `v2` + `a`).
  if (typeof a !== 'string') return -1
  if (typeof b !== 'string') return 1
  return a < b ? -1 : a > b ? 1 : 0
}

/**
 * Compares two version names in natural order: split into digit and non-digit runs, digits
 * compared as numbers, text by code point, a name that extends another after it. So
 * `v2` < `v2.1` < `v9` < `v10`. Returns 0 for names the order cannot tell apart (`v1`, `v01`).
 */
/** Whether two names are the same name: equal in Unicode NFC, as a file system may store either form. */
export const sameName = (a: string, b: string): boolean => a.normalize('NFC') === b.normalize('NFC')

export function compareVersions(a: string, b: string): number {
  const ra = runs(a)
  const rb = runs(b)
  for (let i = 0; i < Math.min(ra.length, rb.length); i++) {
    const c = compareRun(ra[i]!, rb[i]!)
    if (c !== 0) return c
  }
  return ra.length - rb.length
}

/**
 * Sorts version names oldest first. Two names equal under the order would make `latest`
 * depend on the file system's listing order, so they are refused, naming both.
 */
export function sortVersions(names: readonly string[], prompt: string, caller: string): string[] {
  const sorted = [...names].sort(compareVersions)
  for (let i = 1; i < sorted.length; i++) {
    if (compareVersions(sorted[i - 1]!, sorted[i]!) === 0) {
      throw new AssayUsageError(
        caller,
        `the versions "${sorted[i - 1]}" and "${sorted[i]}" of prompt "${prompt}" cannot be ordered: they differ only in leading zeros. Rename one of them (versions are ordered by their numbers, so "v1" and "v01" are the same place in the order).`,
      )
    }
  }
  return sorted
}
