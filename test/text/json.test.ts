import { describe, expect, test } from 'vitest'
import { extractJson } from '../../src/text/json.js'

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
})
