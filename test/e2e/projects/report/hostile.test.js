// Hostile text in every place a report shows: test names, missing entities, invented
// numbers, the judge's reasoning (the fixture judge echoes the output), baseline diffs
// and failure messages. The strings come from hostile.json, written by the harness.
import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'

const run = Number(process.env.RUN || '1')
const hostile = JSON.parse(readFileSync(new URL('./hostile.json', import.meta.url), 'utf8'))

describe('hostile <b>outputs</b>', () => {
  hostile.forEach((h, i) => {
    test(`output ${i}: ${h}`, async () => {
      expect.soft('Plain text.').toPreserveEntities([h])
      expect.soft(`${h} rose 42%`).toHaveNoInventedNumbers('No figures here.')
      expect.soft(run >= 2 ? `${h}\n\nA second paragraph.` : `- ${h}\n- two`).toMatchStructuralBaseline()
      await expect.soft(`hostile ${h}`).toScoreAtLeast(7)
    })
  })
})
