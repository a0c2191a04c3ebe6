// Time per summary of `toPreserveEntities({ from })`, the way a suite calls it: several
// summaries of one source (each model or prompt variant checked against the same article),
// and, for comparison, a source seen for the first time on every call. Run after
// `npm run build`: `node bench/entities.mjs`.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as matchers from '../dist/esm/matchers/index.js'

const fixtures = join(import.meta.dirname, '../fixtures/summaries')
const pairs = ['apple-q3', 'ecb-rates'].map((name) => ({
  article: readFileSync(join(fixtures, `${name}.article.txt`), 'utf8'),
  summary: readFileSync(join(fixtures, `${name}.summary.md`), 'utf8'),
}))
const context = {
  isNot: false,
  testPath: '/bench/entities.test.ts',
  currentTestName: 'entities',
  utils: { matcherHint: (name) => `expect(received).${name}()`, printExpected: (v) => JSON.stringify(v), printReceived: (v) => JSON.stringify(v) },
}
const check = (summary, from) => matchers.toPreserveEntities.call(context, summary, { from, minRatio: 0.1 })

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1]
function perCall(fn, calls) {
  const samples = []
  for (let i = 0; i < calls; i++) {
    const started = performance.now()
    fn(i)
    samples.push(performance.now() - started)
  }
  return median(samples)
}

// The first call loads the NLP library; it is paid once per process and left out.
check(pairs[0].summary, pairs[0].article)
const same = perCall((i) => check(pairs[i % 2].summary, pairs[i % 2].article), 200)
const fresh = perCall((i) => check(pairs[i % 2].summary, `${pairs[i % 2].article}\nRun ${i}.`), 100)
console.table([
  { case: 'same source, next summary', 'ms per summary (median)': same.toFixed(2) },
  { case: 'a source not seen before', 'ms per summary (median)': fresh.toFixed(2) },
])
