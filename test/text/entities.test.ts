import { describe, expect, test } from 'vitest'
import { EntityHaystack, extractEntities } from '../../src/text/entities.js'
import { foldText } from '../../src/text/fold.js'

describe('EntityHaystack.find', () => {
  const find = (text: string, entity: string, caseSensitive = false) => new EntityHaystack(text).find(entity, { caseSensitive })

  test('is case-insensitive unless asked', () => {
    expect(find('APPLE rose', 'Apple')?.text).toBe('APPLE')
    expect(find('APPLE rose', 'Apple', true)).toBeUndefined()
  })

  test('ignores diacritics and compatibility forms', () => {
    expect(find('Nestle shares', 'Nestlé')?.text).toBe('Nestle')
    expect(find('Nestlé shares', 'Nestle')?.text).toBe('Nestlé')
    expect(find('ＡＰＰＬＥ', 'Apple')?.text).toBe('ＡＰＰＬＥ')
    expect(find('Nestle\u0301 shares', 'Nestlé')?.text).toBe('Nestle\u0301')
  })

  test('tolerates whitespace and line breaks inside a name', () => {
    expect(find('said Tim\n  Cook today', 'Tim Cook')).toMatchObject({ line: 1, column: 6, text: 'Tim\n  Cook' })
  })

  test('tolerates possessives, typographic or not', () => {
    expect(find("Apple's revenue", 'Apple')?.text).toBe("Apple's")
    expect(find('Apple’s revenue', 'Apple')?.text).toBe('Apple’s')
  })

  test('respects word boundaries', () => {
    expect(find('Pineapple juice', 'Apple')).toBeUndefined()
    expect(find('Apples and pears', 'Apple')).toBeUndefined()
    expect(find('pineapple Apple', 'Apple')).toMatchObject({ column: 11 })
    expect(find('AT&T and U.S. markets', 'U.S.')?.text).toBe('U.S.')
  })

  test('reports lines and columns in the original text after folding changed lengths', () => {
    expect(find('ﬁrst line\nthe Nestlé café Apple', 'Apple')).toMatchObject({ line: 2, column: 17, text: 'Apple' })
  })

  test('matches non-Latin names', () => {
    expect(find('据报道，苹果公司的蒂姆·库克表示', '蒂姆·库克')).toBeDefined()
    expect(find('Москва и Санкт-Петербург', 'Санкт-Петербург')?.text).toBe('Санкт-Петербург')
  })
})

describe('foldText', () => {
  test('maps folded offsets back to the original', () => {
    const original = 'ﬁ café x'
    const { folded, toOriginal } = foldText(original)
    expect(folded).toBe('fi cafe x')
    expect(original[toOriginal(folded.indexOf('x'))]).toBe('x')
    expect(original[toOriginal(folded.indexOf('c'))]).toBe('c')
  })
})

describe('extractEntities', () => {
  test('finds people, organisations, places, dates and amounts', () => {
    const entities = extractEntities('Tim Cook said Microsoft and Nestlé met in Frankfurt on March 5, 2024, where revenue rose 8% to $94.9 billion.')
    const byKind = (kind: string) => entities.filter((e) => e.kind === kind).map((e) => e.text)
    expect(byKind('person')).toContain('Tim Cook')
    expect(byKind('organization')).toEqual(expect.arrayContaining(['Microsoft', 'Nestlé']))
    expect(byKind('place')).toContain('Frankfurt')
    expect(byKind('date')).toEqual(['March 5, 2024'])
    expect(byKind('amount')).toEqual(['8%', '$94.9 billion'])
  })

  test('drops the list markers and quotes the NLP library keeps around a name', () => {
    expect(extractEntities('- Tim Cook spoke.\n• "Microsoft" agreed.', ['person', 'organization']).map((e) => e.text)).toEqual(['Tim Cook', 'Microsoft'])
  })

  test('limits extraction to the kinds asked for', () => {
    expect(extractEntities('Tim Cook earned $5 million.', ['amount']).map((e) => e.text)).toEqual(['$5 million'])
  })
})
