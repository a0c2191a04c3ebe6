import { expect, test } from 'vitest'
import { redactPromptFile } from '../dist/esm/src/prompts/redact.js'
import { redactText } from '../dist/esm/src/secrets.js'
import { report, time } from './measure.js'

// What redacting one long line costs: `show`, `diff` and `history` redact whole templates and
// reasons, and a scan that restarted along every word took 28 s for a line of 80 KB (`a.a.a.…`)
// and minutes for 256 KB. Linear work redacts 400 KB in milliseconds.
const shapes: Record<string, (n: number) => string> = {
  'a.a.a.…': (n) => 'a.'.repeat(n / 2),
  'a-a-a-…': (n) => 'a-'.repeat(n / 2),
  'a:a:a:…': (n) => 'a:'.repeat(n / 2),
  'a.a.…://x': (n) => `${'a.'.repeat(n / 2)}://x`,
  'password password …': (n) => 'password '.repeat(n / 9),
}

test('redaction of a long line', () => {
  const rows = []
  for (const [name, shape] of Object.entries(shapes)) {
    for (const [what, fn] of [['redactText', redactText], ['redactPromptFile', (s: string) => redactPromptFile(`---\nx: 1\n# ${s}\n---\n${s}`)]] as const) {
      const small = time(() => fn(shape(80_000)), 1, 5)
      const large = time(() => fn(shape(400_000)), 1, 5)
      rows.push({ name: `${what}, ${name}`, value: `80 KB: ${small.toFixed(1)} ms, 400 KB: ${large.toFixed(1)} ms`, goal: '400 KB ≤ 500 ms', met: large <= 500 })
    }
  }
  console.log(`\nredaction of one long line (medians)\n${report(rows)}\n`)
  expect(rows.filter((r) => !r.met)).toEqual([])
})

// What printed text costs with keys known: `assay batch` runs every line through redactOutput,
// and the prompt registry every write through redactText; both look for tokens of a
// credential's shape and for near-copies of each key (a rolling hash over the text).
test('redaction of 1 MB of printed text with known keys', async () => {
  const { redactOutput, registerSecret, resetSecrets } = await import('../dist/esm/src/secrets.js')
  const key = 'gw-9f8e7d6c5b4a39281706f5e4d3c2b1a0'
  resetSecrets()
  for (const k of [key, 'sk-fallback-bench-0123456789', 'Hunter2024!']) registerSecret(k)
  const fill = (unit: string) => unit.repeat(Math.ceil(1_048_576 / unit.length)).slice(0, 1_048_576)
  const texts: Record<string, string> = {
    'prose, no secret': fill('The quick brown fox jumps over the lazy dog 0123456789, sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08.\n'),
    'a near-copy on every line': fill(`    Received: "${key.slice(0, 4)}Z${key.slice(5)}"\n`),
    'a token shape on every line': fill('token ghp_R2d2C3poL8bB4yoda9Xwing0Falcon1Tie2Ab and AKIAIOSFODNN7EXAMPLE\n'),
    // Tokens of a short key's length, compared by edit distance: one a near-copy, one not.
    'a short key changed in the middle on every line': fill('    Received: "sk-fallback-Zench-0123456789" not sk-fallback-bench-01234567XYZ\n'),
  }
  const rows = []
  for (const [name, text] of Object.entries(texts)) {
    for (const [what, fn] of [['redactOutput', redactOutput], ['redactText', redactText]] as const) {
      const ms = time(() => fn(text), 1, 5)
      rows.push({ name: `${what}, ${name}`, value: `${ms.toFixed(1)} ms`, goal: '≤ 500 ms', met: ms <= 500 })
    }
  }
  resetSecrets()
  console.log(`\nredaction of 1 MB of printed text, 3 known keys (medians)\n${report(rows)}\n`)
  expect(rows.filter((r) => !r.met)).toEqual([])
})
