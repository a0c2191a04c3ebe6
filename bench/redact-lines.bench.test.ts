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
