import { describe, expect, test } from 'vitest'
import { extractJson, findFences } from '../../src/text/json.js'
import { randomText } from './random.js'

describe('extractJson', () => {
  test('parses raw JSON', () => {
    expect(extractJson(' {"a": 1} ')).toMatchObject({ found: true, source: 'raw', value: { a: 1 } })
  })

  test('parses a ```json fence', () => {
    expect(extractJson('Here:\n```json\n{"a": [1, 2]}\n```\nDone.')).toMatchObject({ found: true, source: 'fence', value: { a: [1, 2] } })
  })

  test('finds the first JSON value inside prose, skipping braces that are not JSON', () => {
    const text = 'Use {curly} braces. Result: {"title": "a } b", "n": [1]} and {"second": true}'
    expect(extractJson(text)).toMatchObject({ found: true, source: 'embedded', value: { title: 'a } b', n: [1] } })
  })

  test('explains why nothing was found', () => {
    expect(extractJson('no json here')).toEqual({ found: false, reason: 'the text is not JSON and contains no JSON object or array' })
    expect(extractJson('```json\n{"a": }\n```')).toMatchObject({ found: false, reason: expect.stringContaining('fence holds invalid JSON') })
  })

  test('finds the same fences as the fence regex it replaces, on random markdown', () => {
    const reference = /```[ \t]*([\w-]*)[^\n]*\n([\s\S]*?)\n?[ \t]*```/g
    const pieces = ['`', '```', '```json', '\n', ' ', '\t', '{"a": 1}', 'x', '-', 'json5 ', '}']
    for (let seed = 1; seed <= 2000; seed++) {
      const text = randomText(seed, pieces, 40)
      const expected = [...text.matchAll(reference)].map((m) => ({ lang: m[1], body: m[2]!.trim() }))
      const actual = [...findFences(text)].map((f) => ({ lang: f.lang, body: f.body.trim() }))
      expect(actual, JSON.stringify(text)).toEqual(expected)
    }
  })

  test('finds a JSON fence after many empty ones, and reports the first invalid fence', () => {
    const empty = '```\n\n```\n'.repeat(5000)
    expect(extractJson(`${empty}\`\`\`json\n{"a": 1}\n\`\`\``)).toMatchObject({ found: true, source: 'fence', value: { a: 1 } })
    expect(extractJson(`\`\`\`json\n{"a": }\n\`\`\`\n${empty}`)).toMatchObject({ found: false, reason: expect.stringContaining("Unexpected token '}'") })
  })

  test('finds embedded JSON after brackets that never close', () => {
    const text = `[[[ { ${'words '.repeat(10_000)} then {"a": [1]} and more`
    expect(extractJson(text)).toMatchObject({ found: true, source: 'embedded', value: { a: [1] } })
  })

  test.each([
    ['backticks', '`'],
    ['backtick fences', '```\n'],
    ['open braces', '{'],
    ['open brackets', '['],
    ['quotes and braces', '{"a":"'],
  ])('finishes on 1 MB of %s', (_, unit) => {
    const text = unit.repeat((1 << 20) / unit.length)
    expect(extractJson(text).found).toBe(false)
  })
})
