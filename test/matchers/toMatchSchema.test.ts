import { describe, expect, test } from 'vitest'
import { z } from 'zod'
import { failure, usageError } from '../helpers.js'

const Reply = z.object({ title: z.string(), tags: z.array(z.string()) })

describe('toMatchSchema', () => {
  test('pass', () => {
    expect('{"title": "Q3", "tags": ["apple"]}').toMatchSchema(Reply)
    expect({ title: 'Q3', tags: [] }).toMatchSchema(Reply)
  })

  test('fail', () => {
    expect(failure(() => expect('{"title": 3, "tags": ["a", 2]}').toMatchSchema(Reply))).toMatchInlineSnapshot(`
      "expect(received).toMatchSchema(schema)

      Expected the received JSON to match the schema, but found 2 issues.

      Issues:   title: Invalid input: expected string, received number
                tags[1]: Invalid input: expected string, received number
      Received: {
                  "title": 3,
                  "tags": [
                    "a",
                    2
                  ]
                }"
    `)
  })

  test('.not pass', () => {
    expect({ title: 3 }).not.toMatchSchema(Reply)
  })

  test('.not fail', () => {
    expect(failure(() => expect({ title: 'x', tags: [] }).not.toMatchSchema(Reply))).toMatchInlineSnapshot(`
      "expect(received).not.toMatchSchema(schema)

      Expected the received object not to match the schema, but it does.

      Received: {
                  "title": "x",
                  "tags": []
                }"
    `)
  })

  test('reads JSON from a fence or from prose', () => {
    expect('Sure!\n```json\n{"title": "Q3", "tags": []}\n```').toMatchSchema(Reply)
    expect('Here you go: {"title": "Q3", "tags": ["x"]} Anything else?').toMatchSchema(Reply)
  })

  test('text with no JSON fails with the reason', () => {
    expect(failure(() => expect('I cannot help with that.').toMatchSchema(Reply))).toContain(
      'Expected JSON that matches the schema, but the text is not JSON and contains no JSON object or array.',
    )
  })

  test('accepts any Standard Schema', () => {
    const even = {
      '~standard': {
        version: 1,
        vendor: 'test',
        validate: (v: unknown) => (typeof v === 'object' && v !== null && (v as { n?: unknown }).n === 2 ? { value: v } : { issues: [{ message: 'n must be 2', path: [{ key: 'n' }] }] }),
      },
    }
    expect('{"n": 2}').toMatchSchema(even)
    expect(failure(() => expect('{"n": 3}').toMatchSchema(even))).toContain('Issues:   n: n must be 2')
  })

  test('an async schema is a usage error', () => {
    const schema = z.object({ a: z.string().refine(async () => true) })
    expect(usageError(() => expect({ a: 'x' }).toMatchSchema(schema))).toContain('validates asynchronously')
  })

  test('edge cases: empty string, non-Latin keys, 1 MB JSON', () => {
    expect('').not.toMatchSchema(Reply)
    expect('{"标题": "苹果"}').toMatchSchema(z.object({ 标题: z.string() }))
    const big = JSON.stringify({ title: 'x', tags: Array.from({ length: 100_000 }, (_, i) => `tag-${i}`) })
    expect(big.length).toBeGreaterThan(1_000_000)
    expect(big).toMatchSchema(Reply)
  })

  test.each(['`', '```\n', '{', '[', '{"a":"'])('finishes on 1 MB of %j', (unit) => {
    const text = unit.repeat(Math.ceil((1 << 20) / unit.length)).slice(0, 1 << 20)
    expect(text).not.toMatchSchema(Reply)
  })
})
