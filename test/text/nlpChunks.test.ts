import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { nlpChunks, WHOLE_TEXT_LIMIT } from '../../src/text/nlpChunks.js'
import { loadNlp } from '../../src/lazy.js'

describe('nlpChunks', () => {
  test('a text up to the limit is read whole, exactly as written', () => {
    const text = 'Tim Cook said. '.repeat(2_000).slice(0, WHOLE_TEXT_LIMIT)
    expect(text.length).toBe(WHOLE_TEXT_LIMIT)
    expect(nlpChunks(text)).toEqual([text])
  })

  test('a longer text is read in bounded pieces cut at sentence ends, each sentence once', () => {
    const sentences = Array.from({ length: 2_000 }, (_, i) => `Report ${i} was filed by Ana Silva in Lisbon. `)
    const text = sentences.join('')
    const chunks = nlpChunks(text + text)
    // Nothing lost and nothing read twice: the repeat adds no piece.
    expect(chunks.join('')).toBe(text)
    expect(chunks.length).toBeGreaterThan(1)
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThan(6_000)
      expect(chunk).toMatch(/\. $/)
    }
  })

  test('a text with no sentence end is cut at spaces into pieces of bounded length', () => {
    const chunks = nlpChunks('1 2 3 4 5 6 7 8 9 10 '.repeat(5_000))
    // Each recurring cut is read once, so a megabyte of counting is a few pieces.
    expect(chunks.join('').length).toBeLessThan(50_000)
    for (const chunk of chunks) expect(chunk).toMatch(/^\d[\d ]*$/)
    const unspaced = nlpChunks('漢字仮名'.repeat(10_000))
    expect(unspaced.every((c) => c.length < 6_000)).toBe(true)
    // A letter outside the BMP is never cut in two.
    const astral = nlpChunks('𝐀𝐁𝐂'.repeat(5_000))
    expect(astral.join('')).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/)
  })

  test('the library finds in the pieces the names it finds in the whole, on news documents written for the project', () => {
    const docs = readFileSync(new URL('../../bench/precision/written/sources.jsonl', import.meta.url), 'utf8')
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { text: string }).text)
    const text = docs.slice(0, 20).join('\n\n')
    const names = (texts: string[]) => {
      const found = new Set<string>()
      for (const t of texts) {
        const doc = loadNlp()(t)
        for (const [kind, view] of [['person', doc.people()], ['organization', doc.organizations()], ['place', doc.places()]] as const) {
          for (const match of view.json() as { text: string }[]) found.add(`${kind}:${match.text}`)
        }
      }
      return found
    }
    const chunks = nlpChunks(text)
    expect(chunks.length).toBeGreaterThan(5)
    const whole = names([text])
    expect(whole.size).toBeGreaterThan(100)
    expect(names(chunks)).toEqual(whole)
  })
})
