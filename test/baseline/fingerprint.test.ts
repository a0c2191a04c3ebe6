import { describe, expect, test } from 'vitest'
import { compareFingerprints, fingerprint, FINGERPRINT_VERSION } from '../../src/baseline/fingerprint.js'

describe('fingerprint', () => {
  test.each([
    ['- Apple rose.\n- Cook spoke.\n- Shares rose.', 'bulleted list'],
    ['1. Apple rose.\n2. Cook spoke.', 'numbered list'],
    ['# Results\n\nApple rose.\n\n## Outlook\n\nMore growth.', 'markdown'],
    ['{"title": "Q3", "tags": ["a"]}', 'json'],
    ['```json\n{"title": "Q3"}\n```', 'json'],
    ['| a | b |\n| --- | --- |\n| 1 | 2 |', 'table'],
    ['```ts\nconst x = 1\n```', 'code'],
    ['Apple posted record revenue. Tim Cook was pleased.', 'prose'],
    ['', 'prose'],
  ])('%j is %s', (text, format) => {
    expect(fingerprint(text).format).toBe(format)
  })

  test('counts list items, headings, paragraphs, sentences and code blocks, and normalises headings', () => {
    const f = fingerprint('# Résumé: Q3!\n\nApple rose. Cook spoke.\n\n- one\n- two\n\n```\n# not a heading\n- not an item\n```')
    expect(f).toMatchObject({
      version: FINGERPRINT_VERSION,
      format: 'markdown',
      counts: { listItems: 2, headings: 1, paragraphs: 3, codeBlocks: 1 },
      headings: ['resume q3'],
    })
    expect(f.counts.sentences).toBe(5)
    expect(f.words).toBeGreaterThan(8)
  })

  test('records the JSON shape, with array elements merged', () => {
    expect(fingerprint('{"b": [1, 2], "a": {"x": "s", "y": null}, "c": [{"k": 1}, {"k": 2, "m": true}]}').json).toEqual({
      type: 'object',
      keys: {
        a: { type: 'object', keys: { x: { type: 'string' }, y: { type: 'null' } } },
        b: { type: 'array', items: { type: 'number' } },
        c: { type: 'array', items: { type: 'object', keys: { k: { type: 'number' }, m: { type: 'boolean' } } } },
      },
    })
  })
})

describe('compareFingerprints', () => {
  const list = fingerprint('- Apple rose 5% in the quarter.\n- Tim Cook thanked customers.\n- Shares rose after hours.')

  test('the same structure in other words is no change', () => {
    expect(compareFingerprints(list, fingerprint('- Revenue was up five percent.\n- The CEO thanked buyers.\n- The stock climbed late.'))).toEqual([])
  })

  test('names each drifted property, expected → received', () => {
    const prose = fingerprint('Apple rose 5% in the quarter, Tim Cook thanked customers and shares rose after hours. It was a good quarter for everyone involved in it.')
    expect(compareFingerprints(list, prose)).toEqual(['format: bulleted list → prose', 'list items: 3 → 0', 'sentences: 3 → 2', 'length: 14 → 25 words (allowed 7–21)'])
    expect(compareFingerprints(list, prose, { ignore: ['length', 'listItems', 'sentences'] })).toEqual(['format: bulleted list → prose'])
    expect(compareFingerprints(list, prose, { lengthTolerance: 1 })).not.toContainEqual(expect.stringMatching(/^length/))
  })

  test('reports JSON keys removed, added and retyped', () => {
    const before = fingerprint('{"title": "Q3", "tags": ["a"], "score": 7}')
    const after = fingerprint('{"title": "Q3", "tags": [1], "summary": "x"}')
    expect(compareFingerprints(before, after, { ignore: ['length'] })).toEqual(['json score: key removed', 'json summary: key added', 'json tags[]: string → number'])
  })

  test('reports changed heading texts', () => {
    expect(compareFingerprints(fingerprint('# Results\n\nx'), fingerprint('# Outlook\n\nx'))).toEqual(['heading texts: ["results"] → ["outlook"]'])
  })

  test.each(['`', '```\n', '{', 'Dr. ', 'abcdefghij', '- item\n', '1. item\n', '\n', '# ', 'a-', '|', '\u200b'])('finishes on 1 MB of %j', (unit) => {
    const text = unit.repeat(Math.ceil((1 << 20) / unit.length)).slice(0, 1 << 20)
    expect(fingerprint(text).version).toBe(FINGERPRINT_VERSION)
  })
})
