import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { capitalisedRun, distinctProse } from '../../fixtures/prose.js'
import { casingOf, truecase } from '../../src/text/casing.js'
import { fastNames } from '../../src/text/fastNames.js'
import { extractNames, withSurnames } from '../../src/text/names.js'
import { FAST_PATH_LIMIT } from '../../src/text/nlpChunks.js'

const names = (text: string) => fastNames(text, casingOf(text)).map((n) => `${n.text} (${n.kind})`)

describe('fastNames: the linear name rules for long sources', () => {
  test('a run of capitalised words inside a sentence is a name; its last or first word says its kind', () => {
    expect(names('Profits rose at Harbor Bank, and engineers walked along the Douro River with Maria Okafor.')).toEqual([
      'Harbor Bank (organization)',
      'Douro River (place)',
      'Maria Okafor (person)',
    ])
    expect(names('Profits rose at the bank, and engineers walked along the river.')).toEqual([])
  })

  test('a title before a name is not part of it and makes it a person; a title alone is no name', () => {
    expect(names('The deal was signed by Chief Executive Laura Tanaka and Dr. Aisha Fischer.')).toEqual(['Laura Tanaka (person)', 'Aisha Fischer (person)'])
    expect(names('The deal was signed by the Chief Executive.')).toEqual([])
  })

  test('a word opening a sentence is a name only if the text capitalises it elsewhere or the word lists know it', () => {
    expect(names('Revenue rose in March. Okafor said so. Later, the board thanked Okafor.')).toEqual(['Okafor (organization)'])
    expect(names('Revenue rose. Lisbon agreed.')).toEqual(['Lisbon (place)'])
    expect(names('Revenue rose. Costs fell. Earnings grew.')).toEqual([])
  })

  test('punctuation and possessives end a name; a legal form, months and days are not part of one', () => {
    expect(names("Leaders met in Riga, Latvia, with Australia's Ellie Carpenter.")).toEqual(['Riga (place)', 'Latvia (place)', 'Australia (place)', 'Ellie Carpenter (person)'])
    expect(names('Shares of Northwind Logistics Inc. fell on Monday in March.')).toEqual(['Northwind Logistics (organization)'])
  })

  test('"of" joins a name only after a head that takes it; initials keep their full stops', () => {
    expect(names('A grant from the Ministry of Health reached J. K. Rowling.')).toEqual(['Ministry of Health (organization)', 'J. K. Rowling (person)'])
    expect(names('A letter of Maria Okafor reached Lisbon.')).toEqual(['Maria Okafor (person)', 'Lisbon (place)'])
  })

  test('an acronym is a name, and a place when it is a country\'s', () => {
    expect(names('Exports to the U.S. and the UK grew, the IMF said.')).toEqual(['U.S. (place)', 'UK (place)', 'IMF (organization)'])
  })

  test('in a lower-case text, words the word lists know only as names count, and so do the capitals a cased text lends', () => {
    const source = 'officials met angela merkel in berlin and paris on monday, the bank said.'
    expect(fastNames(source, 'lower').map((n) => n.text)).toEqual(['angela', 'berlin', 'paris'])
    const lent = truecase(source, 'The talks with Merkel went well, the Bank said.')
    expect(fastNames(lent, 'lower')).toContainEqual({ text: 'angela Merkel', kind: 'person' })
  })

  test('codes, single letters and contractions of "I" are no names; text without case has none', () => {
    expect(names("The parcel HS-44718 went to block B, and I'm told it arrived.")).toEqual([])
    expect(fastNames('蒂姆·库克表示苹果公司收入增长', 'uncased')).toEqual([])
  })

  test('a run of more than eight capitalised words is a heading, not a name, however long', { timeout: 20_000 }, () => {
    expect(names('Report: Northwind Logistics Posts Record Revenue As Container Rates Stabilise Across Europe\n\nThe board thanked Maria Okafor.')).toEqual(['Maria Okafor (person)'])
    // One endless run of capitalised words and titles: no name, and never held whole.
    expect(fastNames(capitalisedRun(256 * 1024), 'cased')).toEqual([])
  })

  test('a person named in full takes the surname written alone', () => {
    const text = 'Goals came from Ollie Watkins and Youri Tielemans. Later, Tielemans and Watkins left.'
    expect(withSurnames(fastNames(text, 'cased'))).toEqual([
      { text: 'Ollie Watkins', kind: 'person', surname: 'Watkins' },
      { text: 'Youri Tielemans', kind: 'person', surname: 'Tielemans' },
    ])
  })

  test('agrees with the NLP library on most names of the written news sources', { timeout: 60_000 }, () => {
    const sources = readFileSync(new URL('../../bench/precision/written/sources.jsonl', import.meta.url), 'utf8')
      .trim()
      .split('\n')
      .slice(0, 40)
      .map((line) => (JSON.parse(line) as { text: string }).text)
    let library = 0
    let both = 0
    for (const text of sources) {
      const fast = new Set(withSurnames(fastNames(text, casingOf(text))).map((n) => n.text.toLowerCase()))
      for (const n of extractNames(text)) {
        library++
        if (fast.has(n.text.toLowerCase())) both++
      }
    }
    // Measured at 79.9% on all 160 sources (bench/fast-names.mjs); the floor catches a rule
    // that breaks, not a point of agreement.
    expect(both / library).toBeGreaterThan(0.7)
  })
})

describe('extractNames on a long source', () => {
  test('a source of more distinct text than the limit is read by the fast rules, a shorter one by the NLP library', () => {
    const long = distinctProse(FAST_PATH_LIMIT + 5_000, 7)
    expect(extractNames(long)).toEqual(withSurnames(fastNames(long, casingOf(long))))
    // The library does not read "EBITDA" as a name; the fast rules do.
    const short = 'Halvorsen Maritime reported EBITDA of NOK 1.2 billion, Ingrid Solberg said.'
    expect(extractNames(short).map((n) => n.text)).not.toContain('EBITDA')
    expect(names(short)).toContain('EBITDA (organization)')
  })

  test('a repeated sentence counts once towards the limit', () => {
    const repeated = 'Halvorsen Maritime reported EBITDA of NOK 1.2 billion, Ingrid Solberg said. '.repeat(2_000)
    expect(repeated.length).toBeGreaterThan(FAST_PATH_LIMIT)
    const found = extractNames(repeated).map((n) => n.text)
    expect(found).toContain('Ingrid Solberg')
    expect(found).not.toContain('EBITDA')
  })
})
