import { describe, expect, test } from 'vitest'
import { z } from 'zod'
import { configure, resetConfig } from '../../src/config.js'
import { usageError } from '../helpers.js'

// Each row: a misuse, and the fragment its message must contain. Every call runs both
// plain and under `.not`, because a usage error is never a verdict that `.not` could flip.
const cases: [string, (e: typeof expect) => (x: unknown) => unknown, unknown, string][] = [
  ['toHaveBullets on a number', (e) => (x) => e(x).toHaveBullets(), 42, 'received must be a string, but got number 42'],
  ['toHaveBullets on undefined', (e) => (x) => e(x).toHaveBullets(), undefined, 'but got undefined'],
  ['toHaveBullets on null', (e) => (x) => e(x).toHaveBullets(), null, 'but got null'],
  ['toHaveBullets on an object', (e) => (x) => e(x).toHaveBullets(), { content: '- a' }, 'but got an object'],
  ['toHaveBullets min: -1', (e) => (x) => e(x).toHaveBullets({ min: -1 }), '- a', 'options.min: Too small'],
  ['toHaveBullets max: 1.5', (e) => (x) => e(x).toHaveBullets({ max: 1.5 }), '- a', 'options.max: Invalid input: expected int'],
  ['toHaveBullets exactly with max', (e) => (x) => e(x).toHaveBullets({ exactly: 2, max: 3 }), '- a', 'use either exactly or min/max'],
  ['toHaveBullets min > max', (e) => (x) => e(x).toHaveBullets({ min: 4, max: 3 }), '- a', 'min must not be greater than max'],
  ['toHaveBullets unknown style', (e) => (x) => e(x).toHaveBullets({ style: 'dashes' } as never), '- a', 'options.style'],
  ['toHaveBullets misspelt option', (e) => (x) => e(x).toHaveBullets({ maxWords: 3 } as never), '- a', 'unknown option "maxWords"'],
  ['toHaveBullets maxWordsPerBullet: 0', (e) => (x) => e(x).toHaveBullets({ maxWordsPerBullet: 0 }), '- a', 'options.maxWordsPerBullet'],
  ['toHaveBullets options as a number', (e) => (x) => e(x).toHaveBullets(3 as never), '- a', 'expected object, received number'],
  ['toPreserveEntities on a number', (e) => (x) => e(x).toPreserveEntities(['Apple']), 7, 'received must be a string'],
  ['toPreserveEntities with no entities', (e) => (x) => e(x).toPreserveEntities([]), 'Apple', 'must list at least one entity'],
  ['toPreserveEntities with a blank entity', (e) => (x) => e(x).toPreserveEntities(['Apple', '  ']), 'Apple', 'entities[1]: must not be empty'],
  ['toPreserveEntities with a non-string entity', (e) => (x) => e(x).toPreserveEntities(['Apple', 3] as never), 'Apple', 'entities[1]'],
  ['toPreserveEntities with a string instead of a list', (e) => (x) => e(x).toPreserveEntities('Apple' as never), 'Apple', "expected an array of entity names or { from: sourceText }, but got string"],
  ['toPreserveEntities min above the count', (e) => (x) => e(x).toPreserveEntities(['Apple'], { min: 2 }), 'Apple', 'options.min is 2, but only 1 entity was given'],
  ['toPreserveEntities mode with min', (e) => (x) => e(x).toPreserveEntities(['Apple'], { mode: 'any', min: 1 }), 'Apple', 'use either mode or min'],
  ['toPreserveEntities unknown mode', (e) => (x) => e(x).toPreserveEntities(['Apple'], { mode: 'most' } as never), 'Apple', 'options.mode'],
  ['toPreserveEntities aliases not lists', (e) => (x) => e(x).toPreserveEntities(['Apple'], { aliases: { Apple: 'AAPL' } } as never), 'Apple', 'options.aliases.Apple'],
  ['toPreserveEntities from not a string', (e) => (x) => e(x).toPreserveEntities({ from: 3 } as never), 'Apple', 'options.from'],
  ['toPreserveEntities minRatio above 1', (e) => (x) => e(x).toPreserveEntities({ from: 'Tim Cook', minRatio: 1.5 }), 'Apple', 'options.minRatio: Too big'],
  ['toPreserveEntities from a source without entities', (e) => (x) => e(x).toPreserveEntities({ from: 'nothing to see here' }), 'Apple', 'nothing to preserve'],
  ['toPreserveEntities from with a second argument', (e) => (x) => e(x).toPreserveEntities({ from: 'Tim Cook' } as never, { mode: 'any' }), 'Apple', 'takes all its options in its first argument'],
  ['toPreserveEntities unknown kind', (e) => (x) => e(x).toPreserveEntities({ from: 'Tim Cook', kinds: ['animal'] } as never), 'Apple', 'options.kinds[0]'],
  ['toHaveNoInventedNumbers on a number', (e) => (x) => e(x).toHaveNoInventedNumbers('10'), 10, 'received must be a string'],
  ['toHaveNoInventedNumbers without a source', (e) => (x) => (e(x).toHaveNoInventedNumbers as (s?: string) => void)(), '10', 'the source (first argument) must be a string, but got undefined'],
  ['toHaveNoInventedNumbers with a numeric source', (e) => (x) => e(x).toHaveNoInventedNumbers(10 as never), '10', 'the source (first argument) must be a string, but got number 10'],
  ['toHaveNoInventedNumbers negative tolerance', (e) => (x) => e(x).toHaveNoInventedNumbers('10', { tolerance: -0.1 }), '10', 'options.tolerance: Too small'],
  ['toHaveNoInventedNumbers tolerance of 1', (e) => (x) => e(x).toHaveNoInventedNumbers('10', { tolerance: 1 }), '10', 'options.tolerance: Too big'],
  ['toHaveNoInventedNumbers approximate of 1', (e) => (x) => e(x).toHaveNoInventedNumbers('10', { approximate: 1 }), '10', 'options.approximate: Too big'],
  ['toHaveNoInventedNumbers derived not a boolean', (e) => (x) => e(x).toHaveNoInventedNumbers('10', { derived: 'no' } as never), '10', 'options.derived: Invalid input: expected boolean, received string'],
  ['toHaveNoInventedNumbers misspelt context', (e) => (x) => e(x).toHaveNoInventedNumbers('10', { contexts: true } as never), '10', 'unknown option "contexts"'],
  ['toBeConcise without options', (e) => (x) => (e(x).toBeConcise as () => void)(), 'text', 'expected object, received undefined'],
  ['toBeConcise with no limit', (e) => (x) => e(x).toBeConcise({}), 'text', 'give at least one of maxWords'],
  ['toBeConcise maxRatio without of', (e) => (x) => e(x).toBeConcise({ maxRatio: 0.2 }), 'text', 'maxRatio and of go together'],
  ['toBeConcise of without maxRatio', (e) => (x) => e(x).toBeConcise({ of: 'source', maxWords: 3 }), 'text', 'maxRatio and of go together'],
  ['toBeConcise of with no words', (e) => (x) => e(x).toBeConcise({ of: ' … ', maxRatio: 0.2 }), 'text', 'options.of has no words'],
  ['toBeConcise negative maxWords', (e) => (x) => e(x).toBeConcise({ maxWords: -1 }), 'text', 'options.maxWords: Too small'],
  ['toBeConcise on an array', (e) => (x) => e(x).toBeConcise({ maxWords: 1 }), ['text'], 'but got an array of length 1'],
  ['toMatchSchema without a schema', (e) => (x) => (e(x).toMatchSchema as () => void)(), '{}', 'expected a zod schema or another Standard Schema, but got undefined'],
  ['toMatchSchema with a plain object', (e) => (x) => e(x).toMatchSchema({ title: 'string' } as never), '{}', 'but got an object'],
  ['toMatchSchema on a number', (e) => (x) => e(x).toMatchSchema(z.number()), 42, 'received must be a string holding JSON or an already parsed object, but got number 42'],
  ['toMatchSchema on null', (e) => (x) => e(x).toMatchSchema(z.null()), null, 'but got null'],
]

describe('usage errors', () => {
  test('there are at least 30 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30)
  })

  test.each(cases)('%s', (_name, call, received, fragment) => {
    const plain = usageError(() => call(expect)(received))
    expect(plain).toContain(fragment)
    expect(plain).toMatch(/^to\w+: /)
    const negated = usageError(() => call(((x: unknown) => expect(x).not) as unknown as typeof expect)(received))
    expect(negated).toBe(plain)
  })

  test('the stack points at the test, not at assay internals', () => {
    try {
      expect(1).toHaveBullets()
    } catch (error) {
      const frames = (error as Error).stack!.split('\n').slice(1)
      expect(frames[0]).not.toMatch(/matchers[\\/]toHaveBullets/)
      return
    }
    throw new Error('expected a usage error')
  })

  test('configure rejects unknown and invalid options and applies valid ones', () => {
    expect(usageError(() => configure({ jduge: {} } as never))).toContain('unknown option "jduge"')
    expect(usageError(() => configure({ judge: { maxRetries: -1 } }))).toContain('options.judge.maxRetries: Too small')
    expect(usageError(() => configure({ judge: { fallback: [{ model: 'gpt-4o', baseURL: 'not a url' }] } }))).toContain('options.judge.fallback[0].baseURL')
    expect(usageError(() => configure({ messages: { maxChars: 3 } }))).toContain('options.messages.maxChars: Too small')
    try {
      configure({ messages: { maxChars: 50 } })
      const message = (() => {
        try {
          expect('word '.repeat(40)).toBeConcise({ maxWords: 1 })
        } catch (e) {
          return (e as Error).message
        }
      })()
      expect(message).toContain('… (+150 chars)')
    } finally {
      resetConfig()
    }
  })
})
