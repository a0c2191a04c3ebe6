// The worst case of every deterministic matcher on 1 MB inputs built to defeat it: long
// runs of markup characters (backticks, braces, quotes), repeated abbreviations, text with
// no spaces, a million list markers, hidden characters, CJK. Each matcher runs on each
// input once (message included, as a failing assertion builds it); the table lists the
// slowest input per matcher, and the run fails when any exceeds the 1 s goal. The `source`
// rows check a short output against each input as the source, where the names of the
// source are extracted: the corpus has 1 MB of distinct prose and 1 MB of one run of
// capitalised words in random order for them, which no sentence-level deduplication
// shortens, and 19 KB of distinct prose repeated, about the most the NLP library is given.
import { z } from 'zod'
import * as matchers from '../dist/esm/matchers/index.js'
import { capitalisedRun, distinctProse } from '../dist/esm/fixtures/prose.js'

const MB = 1 << 20
const fill = (unit) => unit.repeat(Math.ceil(MB / unit.length)).slice(0, MB)
const article = 'Apple reported revenue of $94.9 billion, up 8% from a year earlier, Tim Cook said on May 2, 2024. '.repeat(20)

/** The corpus: name → 1 MB text. */
export const corpus = {
  backticks: fill('`'),
  'backtick fences': fill('```\n'),
  'open braces': fill('{'),
  'open brackets': fill('['),
  'quotes and braces': fill('{"a":"'),
  'Dr. Dr.': fill('Dr. '),
  'no spaces': fill('abcdefghij'),
  'no spaces CJK': fill('漢字仮名交じり文'),
  'bullet lines': fill('- item\n'),
  'numbered lines': fill('1. item\n'),
  'dashes': fill('-'),
  'digits': fill('1234567890'),
  'digits and commas': fill('1,'),
  'dots': fill('.'),
  'newlines': fill('\n'),
  'spaces': fill(' '),
  'zero-width': fill('\u200B'),
  'money words': fill('$1 million and '),
  'capitalised words': fill('Apple Tim Cook '),
  'hyphenated': fill('a-'),
  'hash headings': fill('# '),
  'pipes': fill('|'),
  'asterisks': fill('*'),
  'news sentences': fill(article),
  'distinct prose': distinctProse(MB),
  // Just under the size of distinct text the NLP library still reads (FAST_PATH_LIMIT).
  'prose under the limit': fill(`${distinctProse(19_000)}\n\n`),
  'capitalised run': capitalisedRun(MB),
  // Bounds, each met by one figure and broken by the figure beside it ("4.4p and 5.2p").
  bounds: fill('Petrol rose by more than 5p, diesel by less than 5.1p. '),
}

// The source for the `both sides` row: 1 MB of figures that meet the bounds above and
// figures beside them that break them.
const boundSource = fill('Average petrol prices rose by 4.4p and diesel prices 5.2p. ')

// The source side: a short output checked against each 1 MB text as its source. The
// `both sides` row checks each 1 MB text against a 1 MB source.
const shortOutput = 'Apple reported revenue of $94.9 billion on May 2, 2024, Tim Cook said.'

const context = {
  isNot: false,
  testPath: '/bench/pathological.test.ts',
  currentTestName: 'pathological',
  utils: { matcherHint: (name) => `expect(received).${name}()`, printExpected: (v) => JSON.stringify(v), printReceived: (v) => JSON.stringify(v).slice(0, 100) },
}

function usageErrorAsResult(call) {
  try {
    return call()
  } catch (error) {
    if (error?.name !== 'AssayUsageError') throw error
    return { message: () => error.message }
  }
}

const calls = {
  toHaveBullets: (t) => matchers.toHaveBullets.call(context, t, { max: 3, maxWordsPerBullet: 20 }),
  toPreserveEntities: (t) => matchers.toPreserveEntities.call(context, t, ['Apple', 'Tim Cook', 'Nestlé']),
  'toPreserveEntities({ from })': (t) => matchers.toPreserveEntities.call(context, t, { from: article }),
  // A source with no entity at all is a usage error, thrown after the same work.
  'toPreserveEntities({ from }) source': (t) => usageErrorAsResult(() => matchers.toPreserveEntities.call(context, shortOutput, { from: t })),
  toHaveNoInventedNumbers: (t) => matchers.toHaveNoInventedNumbers.call(context, t, article),
  'toHaveNoInventedNumbers source': (t) => matchers.toHaveNoInventedNumbers.call(context, shortOutput, t),
  'toHaveNoInventedNumbers both sides': (t) => matchers.toHaveNoInventedNumbers.call(context, t, boundSource),
  'toBeConcise({ maxWords })': (t) => matchers.toBeConcise.call(context, t, { maxWords: 50 }),
  'toBeConcise({ maxSentences })': (t) => matchers.toBeConcise.call(context, t, { maxSentences: 5 }),
  toMatchSchema: (t) => matchers.toMatchSchema.call(context, t, z.object({ title: z.string() })),
}

export function measure(only = Object.keys(calls)) {
  const rows = []
  for (const name of only) {
    let worst = { input: '', ms: 0, cpu: 0 }
    for (const [input, text] of Object.entries(corpus)) {
      const cpu = process.cpuUsage()
      const started = performance.now()
      const result = calls[name](text)
      result.message()
      const ms = performance.now() - started
      const used = process.cpuUsage(cpu)
      if (ms > worst.ms) worst = { input, ms, cpu: (used.user + used.system) / 1000 }
    }
    // The CPU time of the process (all its threads, the garbage collector's included) tells
    // a slow input from a busy machine, where the elapsed time grows and it does not.
    rows.push({ matcher: name, 'worst input': worst.input, 'worst ms (1 MB)': Math.round(worst.ms), 'its CPU ms': Math.round(worst.cpu) })
  }
  return rows
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = measure(process.argv.slice(2).length ? process.argv.slice(2) : undefined)
  console.table(rows)
  const over = rows.filter((r) => r['worst ms (1 MB)'] > 1000)
  console.log(over.length ? `Over the 1 s goal: ${over.map((r) => `${r.matcher} on "${r['worst input']}"`).join(', ')}` : 'Every matcher stays under 1 s on every 1 MB input.')
  process.exitCode = over.length ? 1 : 0
}
