import { describe, expect, test } from 'vitest'
import { TextCache } from '../../src/text/cache.js'

describe('TextCache', () => {
  const counting = () => {
    const computed: string[] = []
    return { computed, compute: (key: string) => (computed.push(key), key.length) }
  }

  test('computes a value once and returns it from then on', () => {
    const cache = new TextCache<number>({ maxEntries: 4, maxChars: 100 })
    const { computed, compute } = counting()
    expect(cache.get('abc', compute)).toBe(3)
    expect(cache.get('abc', compute)).toBe(3)
    expect(computed).toEqual(['abc'])
  })

  test('drops the least recently used entry beyond maxEntries', () => {
    const cache = new TextCache<number>({ maxEntries: 2, maxChars: 100 })
    const { computed, compute } = counting()
    cache.get('a', compute)
    cache.get('b', compute)
    cache.get('a', compute) // a is now the most recent
    cache.get('c', compute) // drops b
    expect(cache.size).toBe(2)
    cache.get('a', compute)
    cache.get('b', compute)
    expect(computed).toEqual(['a', 'b', 'c', 'b'])
  })

  test('holds keys of at most maxChars characters in all, and never a longer key', () => {
    const cache = new TextCache<number>({ maxEntries: 10, maxChars: 10 })
    const { computed, compute } = counting()
    cache.get('x'.repeat(6), compute)
    cache.get('y'.repeat(6), compute) // 12 characters: the x key goes
    expect(cache.size).toBe(1)
    cache.get('z'.repeat(11), compute)
    cache.get('z'.repeat(11), compute)
    expect(cache.size).toBe(1)
    expect(computed).toEqual(['x'.repeat(6), 'y'.repeat(6), 'z'.repeat(11), 'z'.repeat(11)])
  })

  test('caches undefined values too', () => {
    const cache = new TextCache<undefined>({ maxEntries: 2, maxChars: 100 })
    let calls = 0
    cache.get('a', () => void calls++)
    cache.get('a', () => void calls++)
    expect(calls).toBe(1)
  })
})
