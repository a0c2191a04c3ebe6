import { describe, expect, test } from 'vitest'
import { findPlace, isDemonym, isRegionAdjective, placesNamedBy } from '../../src/text/countries.js'
import { EntityHaystack } from '../../src/text/entities.js'

const find = (text: string, name: string, cased = true) => findPlace(new EntityHaystack(text), name, cased)

describe('placesNamedBy', () => {
  test('a name, a short form, a demonym, its plural and a code in capitals name one country', () => {
    for (const name of ['Kenya', 'Kenyan', 'Kenyans', 'KEN', "Kenya's"]) expect(placesNamedBy(name).map((p) => p.names[0]), name).toEqual(['Kenya'])
    for (const name of ['the United States', 'U.S.', 'USA', 'American']) expect(placesNamedBy(name).map((p) => p.names[0]), name).toEqual(['United States'])
  })

  test('a code written in lower case is a word, not a country', () => {
    expect(placesNamedBy('Can')).toEqual([])
    expect(placesNamedBy('Ned')).toEqual([])
  })

  test('a demonym two countries share names both', () => {
    expect(placesNamedBy('Congolese')).toHaveLength(2)
  })

  test('words that name no country or region', () => {
    for (const name of ['Greenpoint', 'Microsoft', 'Tim Cook', 'March']) expect(placesNamedBy(name), name).toEqual([])
  })

  test('isRegionAdjective: the adjective or people of a group of countries, not of one', () => {
    for (const word of ['Scandinavian', 'Nordic', 'Europeans', 'Latin American']) expect(isRegionAdjective(word), word).toBe(true)
    for (const word of ['Swedish', 'Nordics', 'Scandinavia', 'Baltic']) expect(isRegionAdjective(word), word).toBe(false)
  })

  test('isDemonym', () => {
    expect(isDemonym('Portuguese')).toBe(true)
    expect(isDemonym('Frenchman')).toBe(true)
    expect(isDemonym('Portugal')).toBe(false)
  })
})

describe('findPlace', () => {
  test('a country is found by its demonym, as adjective or people noun', () => {
    expect(find('The Kenyan runner won in Oslo.', 'Kenya')).toMatchObject({ text: 'Kenyan', by: 'demonym' })
    expect(find('Two Spaniards reached the final.', 'Spain')).toMatchObject({ text: 'Spaniards', by: 'demonym' })
    expect(find('The Peruvian economy grew.', 'Kenya')).toBeUndefined()
  })

  test('a demonym is found by the country name', () => {
    expect(find('Talks were held in Portugal.', 'Portuguese')).toMatchObject({ text: 'Portugal', by: 'other name' })
    expect(find('Talks were held in Spain.', 'Portuguese')).toBeUndefined()
  })

  test('a short form is found by the full name, and the other way round', () => {
    expect(find('exports to the United States rose', 'US')).toMatchObject({ text: 'United States' })
    expect(find('sites in the USA and Canada', 'US')).toMatchObject({ text: 'USA' })
    expect(find('exports to the U.S. rose', 'United States')).toMatchObject({ text: 'U.S.' })
    expect(find('exports to Canada rose', 'US')).toBeUndefined()
  })

  test('a sports or ISO code in a results list names its country', () => {
    expect(find('3. Anna Berg (SWE) 4:01.2', 'Sweden')).toMatchObject({ text: 'SWE', by: 'code' })
    expect(find('Anna Berg of Sweden won.', 'SWE')).toMatchObject({ text: 'Sweden' })
    expect(find('3. Anna Berg (NOR) 4:01.2', 'Sweden')).toBeUndefined()
  })

  test('a demonym in a compound names an accent or a style, not the country', () => {
    expect(find('He spoke with an Australian-accented drawl.', 'Australia')).toBeUndefined()
    expect(find('An Australian-accented voice, an Australian team.', 'Australia')).toMatchObject({ text: 'Australian', column: 34 })
  })

  test('in a text that writes capitals, a demonym without one is not read', () => {
    expect(find('They danced the polish way. Shoes need polish.', 'Poland')).toBeUndefined()
    expect(find('the polish team won in warsaw', 'Poland', false)).toMatchObject({ text: 'polish' })
  })

  test('a code in a heading written in capitals, or a code that is a word, names no country', () => {
    expect(find('WE CAN DO BETTER\nThe plan was approved.', 'Canada')).toBeUndefined()
    expect(find('The IT team met.', 'Italy')).toBeUndefined()
    expect(find('Results: Luca Neri (ITA) won.', 'Italy')).toMatchObject({ text: 'ITA' })
  })

  test('the constituent countries of the United Kingdom are apart', () => {
    expect(find('an English village', 'Wales')).toBeUndefined()
    expect(find('a British firm', 'England')).toBeUndefined()
    expect(find('a British firm', 'UK')).toMatchObject({ text: 'British' })
  })

  test('a region is kept by its own forms only, not by a country inside it', () => {
    expect(find('sold across the Nordic countries', 'Nordics')).toMatchObject({ text: 'Nordic countries' })
    expect(find('sold in Norway and Sweden', 'Scandinavian')).toBeUndefined()
  })
})
