import { test } from 'vitest'
import { redactText } from '../dist/esm/src/secrets.js'
import { report, time } from './measure.js'

// What `prompts show`, `diff` and a `--reason` cost in redaction on one long line of name
// characters (`a.a.a.…`, where every `.` starts another candidate name): linear in the line's
// length, so a version file at the 256 KB cap is redacted in well under a second.
test('prompt redaction of long lines', () => {
  const rows = [80_000, 256_000].map((n) => {
    const line = 'a.'.repeat(n / 2)
    const ms = time(() => redactText(line), 1, 5)
    return { name: `redactText(), one ${n / 1000} KB line of "a."`, value: `${ms.toFixed(1)} ms`, goal: '≤ 1,000 ms', met: ms <= 1_000 }
  })
  console.log(`\nprompt redaction benchmarks (medians)\n${report(rows)}\n`)
})
