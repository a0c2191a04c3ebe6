import { expect, test } from 'vitest'
import { cosine } from '../../src/judge/cosine.js'

test('cosine: 1 for one vector with itself, -1 for opposites, 0 for orthogonal ones', () => {
  const v = [0.1, 0.7, 0.3]
  expect(cosine(v, v)).toBe(1)
  expect(cosine([1, 2], [-1, -2])).toBeCloseTo(-1, 12)
  expect(cosine([1, 0], [0, 1])).toBe(0)
})

test('cosine: a zero vector or vectors of different lengths have none', () => {
  expect(cosine([0, 0], [1, 2])).toBeUndefined()
  expect(cosine([1, 2], [1, 2, 3])).toBeUndefined()
  expect(cosine([], [])).toBeUndefined()
})

test('cosine: rounding never takes it past 1', () => {
  const a = [0.1, 0.2, 0.3].map((x) => x * 1e-3)
  expect(cosine(a, [...a])).toBeLessThanOrEqual(1)
})
