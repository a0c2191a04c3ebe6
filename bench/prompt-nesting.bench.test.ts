import { expect, test } from 'vitest'
import { loadPrompt } from '../dist/esm/src/prompts/load.js'
import { median, report } from './measure.js'

// What a template of deeply nested subexpressions costs to load: 8,000 levels (56 KB) took
// Handlebars' parser 51 s, paid by every read of the prompt while the file was an unloadable
// draft. The depth is now refused in one pass before the parse, and the failure remembered.
const nested = (levels: number) => `---\nmodel: m\n---\n{{json ${'(json '.repeat(levels)}a${')'.repeat(levels)}}}\n`

test('loading a template nested 8,000 and 20,000 levels deep', async () => {
  const rows = []
  for (const levels of [8_000, 20_000]) {
    const text = nested(levels)
    const load = (hash: string) => loadPrompt({ name: 's', version: 'v3', hash, file: 'prompts/s/v3.prompt', labels: [] }, text).catch(() => undefined)
    const timed = async (hash: (round: number) => string) => {
      const samples: number[] = []
      for (let round = 0; round < 5; round++) {
        const start = performance.now()
        await load(hash(round))
        samples.push(performance.now() - start)
      }
      return median(samples)
    }
    const first = await timed((round) => `bench-${levels}-${round}`)
    const again = await timed(() => `bench-${levels}-0`)
    rows.push({ name: `${levels} levels (${(text.length / 1024).toFixed(0)} KB), refused`, value: `${first.toFixed(2)} ms; the same file again: ${again.toFixed(3)} ms`, goal: '≤ 50 ms', met: first <= 50 })
  }
  console.log(`\nloading deeply nested templates (medians)\n${report(rows)}\n`)
  expect(rows.filter((r) => !r.met)).toEqual([])
})
