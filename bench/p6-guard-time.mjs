// Benchmark P6, the guard's cost, on inputs built to defeat its patterns, at 100 KB and 1 MB:
// reading one fresh output's facts (what a look-up adds; the candidates' facts are cached),
// and one guard() call on two fresh outputs. Linear time shows as a ratio near 10 between the
// two sizes; a pattern that backtracks over a run shows as a ratio near 100. Each figure is
// the fastest of a few runs, after a warm-up, so a busy machine blurs it less. The run fails
// when one output's facts take a second or more at 1 MB, or any ratio exceeds 30.
import { literalWords } from '../dist/esm/src/judge/guard-words.js'
import { guard, outputFacts } from '../dist/esm/src/judge/semantic-guard.js'

const KB = 1024
const fill = (unit, size) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size)

/** Shape name → a text of about `size` characters. */
const shapes = {
  'spaces between two words': (n) => `a${' '.repeat(n - 2)}b`,
  'spaces only': (n) => ' '.repeat(n),
  'tabs between two words': (n) => `a${'\t'.repeat(n - 2)}b`,
  'line breaks between two words': (n) => `a${'\n'.repeat(n - 2)}b`,
  'a line break and indentation, repeated': (n) => `Your refund is approved.${fill('\n    ', n - 30)}Thanks`,
  'two spaces between words': (n) => fill('word  ', n),
  'no-break spaces between words': (n) => fill('word\u00A0', n),
  'sentences on their own lines': (n) => fill('Refund approved.\n', n),
  'sentences in paragraphs': (n) => fill('Refund approved.\n\n', n),
  'sentence ends with no capital after': (n) => fill('approved.\n', n),
  'colon lines': (n) => fill('Refund: Approved.\n', n),
  'thank you, repeated': (n) => fill('Thank you ', n),
  'thank you without an end': (n) => fill('Thank you', n),
  'glad to, repeated': (n) => fill('Glad to ', n),
  'we are glad, repeated': (n) => fill('We are glad ', n),
  'zero-width spaces, then a word': (n) => `${'\u200B'.repeat(n - 1)}x`,
  'zero-width spaces inside words': (n) => fill('a\u200B', n),
  'zero-width spaces beside spaces': (n) => fill('\u200B \u200B', n),
  'soft hyphens inside a word': (n) => `a${'\u00AD'.repeat(n - 2)}b`,
  'apostrophes': (n) => fill("a'", n),
  'open brackets after words': (n) => fill('a(', n),
  'dotted names': (n) => fill('a.', n),
  'exclamations': (n) => fill('a!', n),
  'commas before letters': (n) => fill(',a', n),
  'curly quotes': (n) => '\u201C'.repeat(n),
  'hyphens': (n) => fill('-a', n),
  'prose': (n) => fill('Hi Maria, thank you for writing. Your refund of $40 is approved and will reach your card within 5 days. We are happy to help.\n\n', n),
}

// Each call gets a text never read before, so no cached facts are reused.
let fresh = 0
const fastest = (runs, f) => Math.min(...Array.from({ length: runs }, () => f()))
const factsTime = (text) => {
  const t = `${text}${fresh++}`
  const started = performance.now()
  outputFacts(t)
  return performance.now() - started
}
const wordsTime = (text) => {
  const started = performance.now()
  literalWords(text)
  return performance.now() - started
}
const guardTime = (text) => {
  const t = `${text}${fresh++}`
  const started = performance.now()
  guard(t, `${t}x`)
  return performance.now() - started
}

let failed = false
console.log('P6 guard time: one output\'s facts (and of that, literalWords) and one guard() call on two fresh outputs, at 100 KB and 1 MB (fastest of 3)')
for (const [name, make] of Object.entries(shapes)) {
  factsTime(make(10 * KB))
  const small = make(100 * KB)
  const large = make(1024 * KB)
  const factsSmall = fastest(3, () => factsTime(small))
  const factsLarge = fastest(3, () => factsTime(large))
  const guardLarge = fastest(3, () => guardTime(large))
  const wordsLarge = fastest(3, () => wordsTime(large))
  const ratio = factsLarge / Math.max(factsSmall, 1)
  const bad = factsLarge >= 1000 || ratio > 30
  failed ||= bad
  console.log(
    `  ${name.padEnd(40)} facts: 100 KB ${factsSmall.toFixed(0).padStart(4)} ms, 1 MB ${factsLarge.toFixed(0).padStart(4)} ms, ratio ${ratio.toFixed(1).padStart(4)}; of which the word sequence ${wordsLarge.toFixed(0).padStart(3)} ms; guard() 1 MB ${guardLarge.toFixed(0).padStart(5)} ms${bad ? '   TOO SLOW' : ''}`,
  )
}
console.log(`  goal: one 1 MB output's facts under 1 s, linear in the input: ${failed ? 'NOT met' : 'met'}`)
if (failed) process.exitCode = 1
