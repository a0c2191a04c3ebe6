import { describeEval } from 'assay/vitest/v4'
import OpenAI from 'openai'
import { recordingFetch } from 'assay'
import { expect } from 'vitest'
import { z } from 'zod'
import { article } from './summarizer.js'

// The app's own LLM calls go through recordingFetch, so they replay from the cassette
// like the judge's: the comparison runs offline.
const app = new OpenAI({ baseURL: process.env.OPENAI_BASE_URL, apiKey: process.env.OPENAI_API_KEY ?? 'offline', fetch: recordingFetch(), maxRetries: 0 })

// Both versions of the summarizer prompt (example/prompts/summarizer/), case by case: each
// is a block of its own (`summaries > summarizer@v2 > apple-q3`), with its own dataset
// entry in results.json, side by side in the report. `npx assay gate --versions` says
// whether v2 is significantly better or worse than v1.
describeEval('summaries', {
  data: ['apple-q3', 'ecb-rates'].map((id) => ({ id, text: article(id) })),
  schema: z.object({ id: z.string(), text: z.string() }),
  prompts: { summarizer: ['v1', 'v2'] },
  task: async (input, { prompt }) => {
    const reply = await app.chat.completions.create({ model: prompt!.model ?? 'gpt-4o-mini', messages: prompt!.render({ text: input.text }), ...prompt!.config })
    return reply.choices[0]!.message.content ?? ''
  },
  assert: async (output, input) => {
    expect(output).toHaveBullets({ exactly: 3 })
    expect(output).toHaveNoInventedNumbers(input.text)
    await expect(output).toScoreAtLeast(6, { source: input.text })
  },
  thresholds: { passRate: 0.1 },
})
