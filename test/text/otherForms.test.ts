import { describe, expect, test } from 'vitest'
import { findInAddress } from '../../src/text/addresses.js'
import { EntityHaystack } from '../../src/text/entities.js'
import { withoutFragments } from '../../src/text/fragments.js'
import { findOtherForm } from '../../src/text/otherForms.js'

const other = (text: string, name: string, kind: 'person' | 'organization' | 'place' = 'place') => findOtherForm(new EntityHaystack(text), name, kind, true)

describe('findOtherForm', () => {
  test('the people of a place name it', () => {
    expect(other('Most Glaswegians agree, and many Lisboners too.', 'Lisbon')).toMatchObject({ text: 'Lisboners', by: 'inhabitants' })
    expect(other('A Hamburger told us.', 'Hamburg')).toMatchObject({ text: 'Hamburger', by: 'inhabitants' })
    expect(other('We ate a hamburger.', 'Hamburg')).toBeUndefined()
    expect(other('A Hamburger told us.', 'Hamburg', 'person')).toBeUndefined()
  })

  test('an event is kept by its other common names', () => {
    expect(other('He served in the Second World War.', 'WWII', 'organization')).toMatchObject({ text: 'Second World War', by: 'other name' })
    expect(other('He served in WW1.', 'First World War', 'organization')).toMatchObject({ text: 'WW1' })
    expect(other('He served in the First World War.', 'WWII', 'organization')).toBeUndefined()
  })

  test('a company named only in an email address', () => {
    expect(other('To: sales@harbourlightbakery.co.uk\nHello,', 'Harbour Light Bakery', 'organization')).toMatchObject({ text: 'harbourlightbakery', by: 'address', line: 1, column: 11 })
    expect(other('To: sales@harbourlightbakery.co.uk', 'Harbour Light Bakery', 'person')).toBeUndefined()
  })

  test('a name after a demonym: both the name and the country must be there', () => {
    expect(other('Walk to Alfama, historically Moorish and later Portuguese.', 'Portuguese Alfama')).toMatchObject({ text: 'Alfama', by: 'demonym' })
    expect(other('Walk to Alfama, in Portugal.', 'Portuguese Alfama')).toMatchObject({ text: 'Alfama' })
    expect(other('Walk to Alfama.', 'Portuguese Alfama')).toBeUndefined()
    expect(other('Portuguese food is good.', 'Portuguese Alfama')).toBeUndefined()
  })
})

describe('findInAddress', () => {
  const find = (text: string, name: string) => findInAddress(new EntityHaystack(text), name)

  test('a name run together as a label of an email or web domain', () => {
    expect(find('Write to hello@bluefinch.io today', 'Bluefinch')?.text).toBe('bluefinch')
    expect(find('See https://www.bluefinch-labs.com/x', 'Bluefinch Labs')).toBeUndefined()
    expect(find('See https://www.bluefinchlabs.com/x', 'Bluefinch Labs')?.text).toBe('bluefinchlabs')
    expect(find('See https://shop.bluefinch.com', 'Bluefinch')?.text).toBe('bluefinch')
  })

  test('a label that only begins or ends with the name, a short name, or prose does not count', () => {
    expect(find('hello@bluefinchlabs.com', 'Bluefinch')).toBeUndefined()
    expect(find('hello@mybluefinch.com', 'Bluefinch')).toBeUndefined()
    expect(find('hello@abc.com', 'ABC')).toBeUndefined()
    expect(find('bluefinch sang.', 'Bluefinch')).toBeUndefined()
  })
})

describe('withoutFragments', () => {
  const names = (list: string[]) => list.map((text) => ({ text }))
  const kept = (list: string[], text: string) => withoutFragments(names(list), text).map((n) => n.text)

  test('a part written only inside a longer name is dropped', () => {
    expect(kept(['Harbour Light', 'Harbour Light Bakery'], 'Order from Harbour Light Bakery. Harbour Light Bakery replied.')).toEqual(['Harbour Light Bakery'])
    expect(kept(['Bank', 'Norway', 'Bank of Norway'], "The Bank of Norway's view.")).toEqual(['Bank of Norway'])
  })

  test('a part that also stands alone is kept', () => {
    expect(kept(['Norway', 'Bank of Norway'], 'The Bank of Norway met. Norway grew.')).toEqual(['Norway', 'Bank of Norway'])
    expect(kept(['Harbour Light', 'Harbour Light Bakery'], 'The Harbour Light café and Harbour Light Bakery.')).toEqual(['Harbour Light', 'Harbour Light Bakery'])
  })

  test('a name the text does not spell as extracted is kept', () => {
    expect(kept(['Lena', 'Lena Fischer'], 'Lena Fischer spoke.')).toEqual(['Lena Fischer'])
    expect(kept(['Ola', 'Lena Fischer'], 'Lena Fischer spoke.')).toEqual(['Ola', 'Lena Fischer'])
  })
})
