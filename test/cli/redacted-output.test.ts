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
