// A run with every kind of outcome the report shows: passing and failing checks, a judged
// assertion, a structural baseline that drifts on later runs, a skipped and a todo test.
// RUN (1, 2, 3) makes later runs fail more, so the trend charts have a slope.
import OpenAI from 'openai'
import { recordingFetch } from 'assay'
import { describe, expect, test } from 'vitest'
import { z } from 'zod'

const run = Number(process.env.RUN || '1')
const article = 'Apple reported revenue of $85.8 billion, up 5%, Tim Cook said on August 1, 2024.'
const summary = '- Apple revenue rose 5% to $85.8 billion.\n- Tim Cook announced it.\n- Shares rose.'

describe('summary', () => {
  test('keeps the names', () => {
    expect(summary).toPreserveEntities(['Apple', 'Tim Cook'])
  })
  test('has at most 3 bullets', () => {
    expect(run >= 3 ? `${summary}\n- One more.` : summary).toHaveBullets({ max: 3 })
  })
  // Passes, fails, passes again with nothing changed: flaky.
  test('changes its mind', () => {
    expect(run === 2 ? `${summary}\n- One more.` : summary).toHaveBullets({ max: 3 })
  })
  test('invents no numbers', () => {
    expect(run >= 2 ? 'Revenue rose 9% to $95 billion.' : summary).toHaveNoInventedNumbers(article)
  })
  test('scores well with the judge', async () => {
    await expect(summary).toScoreAtLeast(7, { source: article })
  })
  test('keeps its structure', () => {
    expect(run >= 2 ? 'Apple rose 5% and Tim Cook thanked customers, while shares rose.' : summary).toMatchStructuralBaseline()
  })
  test.skip('is translated', () => {})
  test.todo('cites its sources')
})

describe('app', () => {
  // The app under test calls its own model through recordingFetch: recorded on the first
  // run, replayed after, and listed in the report with its tokens, latency and cost.
  test('writes a summary that keeps the names', async () => {
    const client = new OpenAI({ baseURL: process.env.OPENAI_BASE_URL, apiKey: process.env.OPENAI_API_KEY, fetch: recordingFetch() })
    const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Summarise: ' + article } ] })
    expect(completion.choices[0].message.content).toPreserveEntities(['Apple'])
  })
})

// Fails on its first attempt, passes on the retry: the report keeps the last attempt.
let attempts = 0
test('a flaky check passes on retry', { retry: 1 }, () => {
  attempts++
  expect(attempts === 1 ? '- one\n- two\n- three\n- four' : '- one').toHaveBullets({ max: 3 })
})

// Concurrent tests share the runner's "current test"; each record must still reach its own.
describe.concurrent('concurrent', () => {
  test('first, slower', async ({ expect }) => {
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect('- one').toHaveBullets({ max: 1 })
  })
  test('second, faster', async ({ expect }) => {
    expect('- one\n- two').toHaveBullets({ max: 2 })
  })
})

describe('reply', () => {
  test('is JSON with a title', () => {
    expect('{"title": "Q3", "tags": ["apple"]}').toMatchSchema(z.object({ title: z.string(), tags: z.array(z.string()) }))
  })
})
