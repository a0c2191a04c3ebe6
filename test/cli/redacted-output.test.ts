import { afterEach, describe, expect, test } from 'vitest'
import { redactingWriter } from '../../src/cli/redacted-output.js'
import { registerSecret, resetSecrets } from '../../src/secrets.js'

afterEach(() => resetSecrets())

function sink() {
  const chunks: string[] = []
  return { chunks, stream: { write: (t: string) => chunks.push(t) } }
}

describe('redactingWriter', () => {
  test('a known secret split across two chunks is redacted, and a whole line passes at once', () => {
    registerSecret('sk-split-secret-123456')
    const { chunks, stream } = sink()
    const out = redactingWriter(stream)
    out.write('401: received sk-split-')
    expect(chunks).toEqual([])
    out.write('secret-123456 from the server\nnext')
    expect(chunks).toEqual(['401: received [REDACTED] from the server\n'])
    out.end()
    expect(chunks.join('')).toBe('401: received [REDACTED] from the server\nnext')
  })

  test('a header echoed in free text is redacted though its key was never registered', () => {
    const { chunks, stream } = sink()
    const out = redactingWriter(stream)
    out.write('Incorrect API key provided (received Authorization: Bearer sk-unknown-0123456789)\n')
    expect(chunks.join('')).not.toContain('sk-unknown-0123456789')
    expect(chunks.join('')).toContain('[REDACTED]')
  })
})

test('a test name that reads like a setting (pass: judged) prints as it is; a key beside it does not', () => {
  registerSecret('sk-named-0123456789')
  const { chunks, stream } = sink()
  const out = redactingWriter(stream)
  out.write('fail: pass: judged not.\n  ✓ token: refreshed on 401\nkey sk-named-0123456789 and password: hunter22 in a message\n')
  expect(chunks.join('')).toBe('fail: pass: judged not.\n  ✓ token: refreshed on 401\nkey [REDACTED] and password: hunter22 in a message\n')
})

describe('redactingWriter and terminal escape sequences', () => {
  const KEY = 'gw-9f8e7d6c5b4a39281706f5e4d3c2b1a0'

  test('a key that a coloured diff splits with one highlighted character is redacted, and the line prints without its colour', () => {
    registerSecret(KEY)
    const { chunks, stream } = sink()
    const out = redactingWriter(stream)
    // Vitest's diff: green for the expected value, inverse video on the one character that differs.
    out.write(`\x1b[32m- Expected\x1b[39m\n    Expected: \x1b[32m"Bearer gw-9\x1b[7mf\x1b[27m8e7d6c5b4a39281706f5e4d3c2b1a0"\x1b[39m\n`)
    out.end()
    const printed = chunks.join('')
    const stripped = printed.replace(/\x1b\[[0-9;]*m/g, '')
    expect(stripped).not.toContain(KEY)
    expect(stripped).not.toContain('8e7d6c5b4a39281706f5e4d3c2b1a0')
    expect(printed).toContain('    Expected: "Bearer [REDACTED]"\n')
    // A line with no secret keeps its colour.
    expect(printed).toContain('\x1b[32m- Expected\x1b[39m\n')
  })

  test('OSC, 8-bit CSI and other escape sequences inside a key are seen through too', () => {
    registerSecret(KEY)
    for (const cut of ['\x1b]8;;https://example.com\x07', '\x1b]0;title\x1b\\', '\x9b1m', '\x1b(B', '\x1bP1$r\x1b\\']) {
      const { chunks, stream } = sink()
      const out = redactingWriter(stream)
      out.write(`token ${KEY.slice(0, 10)}${cut}${KEY.slice(10)} end\n`)
      out.end()
      const printed = chunks.join('')
      expect(printed, JSON.stringify(cut)).toBe('token [REDACTED] end\n')
    }
  })

  test('a key hidden in an escape sequence (a hyperlink target) is not printed either', () => {
    registerSecret(KEY)
    const { chunks, stream } = sink()
    const out = redactingWriter(stream)
    out.write(`see \x1b]8;;https://example.com/?k=${KEY}\x1b\\the docs\x1b]8;;\x1b\\\n`)
    out.end()
    expect(chunks.join('')).not.toContain(KEY)
    expect(chunks.join('')).toContain('the docs')
  })
})
