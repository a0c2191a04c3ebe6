import { describe, expect, test } from 'vitest'
import { casingOf, truecase } from '../../src/text/casing.js'

describe('casingOf', () => {
  test('tells prose, lower-case text and scripts without case apart', () => {
    expect(casingOf('The bank held rates. Its president spoke in Frankfurt.')).toBe('cased')
    expect(casingOf('the bank held rates . its president spoke in frankfurt .')).toBe('lower')
    expect(casingOf(`${'the bank held rates. '.repeat(20)}ECB`)).toBe('lower')
    expect(casingOf('据报道，苹果公司收入增长')).toBe('uncased')
    expect(casingOf('')).toBe('uncased')
  })

  test('a text that capitalises sentence starts but no names in a sentence is lower case', () => {
    const sentence = 'Flanker david pocock scored a hat-trick of tries for the brumbies, who were on their way to a win against the highlanders on friday night. '
    expect(casingOf(sentence.repeat(3))).toBe('lower')
    expect(casingOf(sentence.replace('david pocock', 'David Pocock').repeat(3))).toBe('cased')
    // Too short to tell: a short sentence with no name is prose.
    expect(casingOf('They cook at home.')).toBe('cased')
  })
})

describe('truecase', () => {
  test('writes the words the donor capitalises in mid-sentence as the donor does', () => {
    expect(truecase('angela merkel met the bbc.', 'Talks with Merkel, said the BBC.')).toBe('angela Merkel met the BBC.')
  })

  test('ignores capitals at a sentence or list-item start, and single letters', () => {
    expect(truecase('the talks went on. i said so.', 'Talks went on.\n- The end. I said so.')).toBe('the talks went on. i said so.')
  })

  test('ignores words the donor writes in lower case more often than with a capital', () => {
    expect(truecase('pigeons in society are pests.', 'Pigeons In Society: in cities, people in parks feed them, said the RSPB.')).toBe('pigeons in society are pests.')
    expect(truecase('the rspb said so.', 'Pigeons In Society: in cities, people in parks feed them, said the RSPB.')).toBe('the RSPB said so.')
  })

  test('reads across numbers and commas within a sentence', () => {
    expect(truecase('in 2024 apple sold more.', 'In 2024 Apple, it said, sold more.')).toBe('in 2024 Apple sold more.')
  })

  test('leaves a cased text, or a text with a lower-case donor, as it is', () => {
    expect(truecase('The bbc said.', 'The BBC said.')).toBe('The bbc said.')
    expect(truecase('the bbc said.', 'the bbc said.')).toBe('the bbc said.')
  })

  test('is linear on a megabyte', () => {
    const big = 'word '.repeat(210_000)
    expect(truecase(big, `${'Said the BBC '.repeat(80_000)}`)).toBe(big)
  })
})
