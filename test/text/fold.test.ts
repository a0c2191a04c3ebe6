import { describe, expect, test } from 'vitest'
import { foldString, foldText, lookalikes, skeleton } from '../../src/text/fold.js'

describe('foldText', () => {
  test('maps folded offsets back to the original', () => {
    const original = 'ﬁ café x'
    const { folded, toOriginal } = foldText(original)
    expect(folded).toBe('fi cafe x')
    expect(original[toOriginal(folded.indexOf('x'))]).toBe('x')
    expect(original[toOriginal(folded.indexOf('c'))]).toBe('c')
  })

  test('drops every default-ignorable code point and maps positions around them', () => {
    const hidden = ['\u00AD', '\u034F', '\u061C', '\u180E', '\u200B', '\u200C', '\u200D', '\u200E', '\u202E', '\u2060', '\u2064', '\uFE0F', '\uFEFF', '\u{E0041}', '\u{E0100}']
    for (const h of hidden) expect(foldString(`Ap${h}ple`), `U+${h.codePointAt(0)!.toString(16)}`).toBe('Apple')
    const original = 'x \u200B\u200BApple'
    const { folded, toOriginal } = foldText(original)
    expect(folded).toBe('x Apple')
    expect(original.slice(toOriginal(2), toOriginal(7))).toBe('Apple')
  })

  test('maps positions across characters outside the BMP, expansions and removals', () => {
    const original = '𝐀\u200B𝐁 ﬃ 𞥑𞥒 ｘ'
    const { folded, toOriginal } = foldText(original)
    expect(folded).toBe('AB ffi 12 x')
    expect([toOriginal(0), toOriginal(1)]).toEqual([0, 3])
    for (const [f, o] of [['B', '𝐁'], ['1', '𞥑'], ['2', '𞥒'], ['x', 'ｘ']] as const) {
      expect(original.slice(toOriginal(folded.indexOf(f)), toOriginal(folded.indexOf(f) + 1)), f).toBe(o)
    }
  })

  test('maps every Unicode decimal digit to its ASCII digit', () => {
    for (const system of Intl.supportedValuesOf('numberingSystem')) {
      const digits = [...new Intl.NumberFormat('en', { numberingSystem: system, useGrouping: false }).format(1234567890)]
      if (!digits.every((d) => /^\p{Nd}$/u.test(d))) continue
      expect(digits.map(foldString).join(''), system).toBe('1234567890')
    }
    for (let cp = 0x80; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue
      const ch = String.fromCodePoint(cp)
      if (/\p{Nd}/u.test(ch)) expect(foldString(ch), `U+${cp.toString(16)}`).toMatch(/^[0-9]$/)
    }
  })

  test('reads fullwidth, Arabic and minus-sign punctuation of numbers as ASCII', () => {
    expect(foldString('＄１０，０００ ９５％ ٩٥٫٥٪ ۱۲٬۰۰۰ −8')).toBe('$10,000 95% 95.5% 12,000 -8')
  })

  test('keeps superscripts and fractions, which the number reader reads in place', () => {
    expect(foldString('km² ½ H₂O')).toBe('km² ½ H₂O')
  })

  test('reads circled and enclosed digits as digits', () => {
    expect(foldString('①⓪⓪ ⑩ ⑴')).toBe('100 10 ⑴')
  })

  test('stays linear on 1 MB of zero-width characters', () => {
    const text = `${'\u200B'.repeat(1_048_576)}Apple`
    const { folded, toOriginal } = foldText(text)
    expect(folded).toBe('Apple')
    expect(toOriginal(0)).toBe(1_048_576)
  })
})

describe('skeleton and lookalikes', () => {
  test('fold Cyrillic, Greek and other look-alike letters to Latin', () => {
    expect(skeleton('Аррlе Тіm Сооk ΑΟ ΡΗΟΤΟ ıɑ')).toBe('Apple Tim Cook AO PHOTO ia')
    expect(skeleton('Apple')).toBe('Apple')
  })

  test('lists the look-alike characters of a text', () => {
    expect(lookalikes('Аpplе')).toEqual(['А U+0410', 'е U+0435'])
    expect(lookalikes('Apple')).toEqual([])
  })
})
