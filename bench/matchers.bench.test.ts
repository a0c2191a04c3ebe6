import { expect, test } from 'vitest'
import type { MatcherContext } from '../dist/esm/src/index.js'
import * as matchers from '../dist/esm/matchers/index.js'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { compare, report, time } from './measure.js'
import { compareFingerprints, fingerprint } from '../dist/esm/src/baseline/fingerprint.js'
import { BaselineFile } from '../dist/esm/src/baseline/store.js'
import { nodeFileSystem, serializeStore } from '../dist/esm/src/store/file.js'
import { setRecordSink, type AssayRecord } from '../dist/esm/src/report/records.js'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'

expect.extend(matchers)
declare module 'vitest' {
  interface Matchers<T = any> {
    toHaveBullets(options?: object): T
  }
}

// A 1 MB text made of the sample news articles: prose dense with names, amounts,
// percentages and dates, as financial summaries are.
const fixtures = join(import.meta.dirname, '../fixtures/summaries')
const articles = ['apple-q3', 'ecb-rates'].map((name) => readFileSync(join(fixtures, `${name}.article.txt`), 'utf8'))
const corpus = articles.join('\n\n')
const big = corpus.repeat(Math.ceil(1_048_576 / corpus.length)).slice(0, 1_048_576)
const article = articles[0]!
const entities = [
  'Apple', 'Tim Cook', 'Luca Maestri', 'Greater China', 'App Store', 'Cupertino', 'iPhone', 'Mac', 'iPad', 'LSEG',
  'European Central Bank', 'Christine Lagarde', 'Frankfurt', 'Eurostat', 'Germany', 'Governing Council', 'Microsoft', 'Nestlé', 'Google', 'Amazon',
]

function captureContext(): MatcherContext {
  let ctx: MatcherContext | undefined
  expect.extend({
    captureContext(this: MatcherContext) {
      ctx = this
      return { pass: true, message: () => '' }
    },
  })
  ;(expect('') as unknown as { captureContext(): void }).captureContext()
  return ctx!
}

test('benchmarks', async () => {
  const context = captureContext()

  // Large input: the matcher against the cheapest scan a hand-written check could do.
  const entityMatcher = time(() => matchers.toPreserveEntities.call(context, big, entities), 1, 15)
  const entityRegex = time(() => entities.map((e) => new RegExp(e, 'i').test(big)), 1, 15)
  const numberMatcher = time(() => matchers.toHaveNoInventedNumbers.call(context, big, article), 1, 15)
  const numberBoth = time(() => matchers.toHaveNoInventedNumbers.call(context, big, big), 1, 9)
  const numberRegex = time(() => big.match(/\d+(?:[.,]\d+)*/g)?.length, 1, 15)

  // Plumbing: `expect(x).toHaveBullets()` against the bare matcher call, 1,000 calls each,
  // and a matcher that does nothing, to show what the runner's expect.extend costs per call.
  const summary = '- Apple posted record revenue\n- Services grew 14%\n- Tim Cook thanked customers'
  const direct = () => {
    if (!matchers.toHaveBullets.call(context, summary, { max: 3 }).pass) throw new Error('unexpected failure')
  }
  expect.extend({ noop: () => ({ pass: true, message: () => '' }) })
  const vitest = compare(() => expect(summary).toHaveBullets({ max: 3 }), direct, 1_000, 15)
  const vitestNoop = time(() => (expect(summary) as unknown as { noop(): void }).noop(), 1_000, 15)

  // What the reporters cost per assertion: the record each matcher leaves when a sink is
  // installed (the runner adapters always install one), against the same call without.
  const kept: AssayRecord[] = []
  const sink = (r: AssayRecord) => {
    if (kept.push(r) > 10_000) kept.length = 0
  }
  const withRecords = compare(
    () => {
      setRecordSink(sink)
      expect(summary).toHaveBullets({ max: 3 })
    },
    () => {
      setRecordSink(undefined)
      expect(summary).toHaveBullets({ max: 3 })
    },
    1_000,
    15,
  )
  setRecordSink(undefined)

  // The same through Jest's `expect`, which is what `assay/jest` extends.
  const { expect: jestExpect } = await import('expect')
  jestExpect.extend({ ...matchers, noop: () => ({ pass: true, message: () => '' }) })
  const jestCall = jestExpect(summary) as unknown as { toHaveBullets(o: object): void; noop(): void }
  const jest = compare(() => (jestExpect(summary) as unknown as typeof jestCall).toHaveBullets({ max: 3 }), direct, 1_000, 15)
  const jestNoop = time(() => (jestExpect(summary) as unknown as typeof jestCall).noop(), 1_000, 15)

  // Baseline store: load a file of 10,000 entries, compare 10,000 assertions, save one change.
  const dir = mkdtempSync(join(tmpdir(), 'assay-bench-baselines-'))
  const path = join(dir, 'big.test.ts.json')
  const outputs = Array.from({ length: 10_000 }, (_, i) => `- Item ${i}: Apple rose ${i % 10}%.\n- Tim Cook spoke.\n- Shares rose.`)
  const prints = outputs.map((o) => fingerprint(o))
  writeFileSync(path, serializeStore({ assay: 'baseline', version: 1 }, Object.fromEntries(outputs.map((o, i) => [`suite > case ${i} 1`, { fingerprint: prints[i], sample: o }]))))
  const cycle = time(() => {
    const file = new BaselineFile(nodeFileSystem(), path)
    let drift = 0
    for (let i = 0; i < outputs.length; i++) drift += compareFingerprints(file.lookup(`suite > case ${i} 1`)!.fingerprint, prints[i]!).length
    file.save('suite > case 0 1', { fingerprint: prints[0]!, sample: `${outputs[0]!} ` }, true)
    return drift
  }, 1, 7)
  rmSync(dir, { recursive: true, force: true })

  const ms = (n: number) => `${n.toFixed(2)} ms`
  const us = (n: number) => `${(n * 1000).toFixed(1)} µs`
  const plumbing = (name: string, r: { a: number; b: number; ratio: number }, noop: number) => [
    { name: `${name}: expect(x).toHaveBullets() / direct call`, value: `${r.ratio.toFixed(2)} (${us(r.a)} vs ${us(r.b)} per call)`, goal: '≤ 1.1', met: r.ratio <= 1.1 },
    { name: `${name}: the same, less a no-op matcher's cost`, value: `${((r.a - noop) / r.b).toFixed(2)} (a no-op custom matcher costs ${us(noop)} per call)` },
  ]
  console.log(
    `\nassay benchmarks (medians; ratios measured in this run)\n${report([
      { name: 'toPreserveEntities, 20 entities, 1 MB text', value: `${ms(entityMatcher)} (${(entityMatcher / entityRegex).toFixed(1)}× a plain regex scan: ${ms(entityRegex)})`, goal: '≤ 20 ms', met: entityMatcher <= 20 },
      { name: 'toHaveNoInventedNumbers, 1 MB text vs article', value: `${ms(numberMatcher)} (${(numberMatcher / numberRegex).toFixed(1)}× a plain regex scan: ${ms(numberRegex)})`, goal: '≤ 20 ms', met: numberMatcher <= 20 },
      { name: 'toHaveNoInventedNumbers, 1 MB text vs a 1 MB source', value: `${ms(numberBoth)} (${(numberBoth / numberRegex).toFixed(1)}× a plain regex scan)` },
      { name: 'baseline store: load 10,000 entries, compare, save', value: ms(cycle), goal: '≤ 300 ms', met: cycle <= 300 },
      ...plumbing('Vitest', vitest, vitestNoop),
      ...plumbing('Jest', jest, jestNoop),
      { name: 'Vitest: toHaveBullets with the report record / without', value: `${withRecords.ratio.toFixed(2)} (+${us(withRecords.a - withRecords.b)} per assertion)` },
    ])}\n`,
  )
})
