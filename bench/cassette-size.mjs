// Bytes a cassette spends per verdict: 20 three-criterion verdicts with log-probs (and 20
// more with three samples each) recorded from the fixture server, then the file's size
// divided by the verdicts. Run with `npm run build && node bench/cassette-size.mjs`.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startFixtureServer } from '../dist/esm/fixtures/server/index.js'
import { JudgeClient } from '../dist/esm/src/judge/client.js'
import { runJudge } from '../dist/esm/src/judge/judge.js'
import { nodeFileSystem } from '../dist/esm/src/store/file.js'

const VERDICTS = 20
const reply = (i) =>
  JSON.stringify({
    criteria: {
      accuracy: { reasoning: `Every figure in item ${i} is supported by the source.`, score: 9 },
      completeness: { reasoning: 'It keeps the revenue and the services record, but drops the China decline.', score: 7 },
      conciseness: { reasoning: 'Two short bullets, with no padding.', score: 8 },
    },
  })
const source =
  'Apple reported revenue of $85.8 billion for its fiscal third quarter, up 5% from a year earlier. Services revenue reached a record $24.2 billion, while revenue from Greater China declined 6.5% to $14.7 billion.'

const server = await startFixtureServer({ respond: (body) => ({ content: reply(body.messages.at(-1).content.length), topLogprobs: { at: '9', probabilities: { 9: 0.7, 8: 0.2, 10: 0.06, 7: 0.03, 6: 0.01 } } }) })
const dir = mkdtempSync(join(tmpdir(), 'assay-cassette-size-'))
try {
  for (const samples of [1, 3]) {
    const testPath = join(dir, `samples-${samples}.test.ts`)
    const rt = {
      client: new JudgeClient({ endpoints: [{ model: 'gpt-4o-mini', baseURL: server.url, apiKey: 'bench' }] }),
      model: 'gpt-4o-mini',
      temperature: 0,
      cacheMode: 'auto',
      fs: nodeFileSystem(),
      cassettes: new Map(),
      capabilities: { logprobs: true, n: true, jsonSchema: true },
    }
    for (let i = 0; i < VERDICTS; i++) {
      const output = `- Revenue rose 5% to $85.8 billion (item ${i}).\n- Services set a record of $24.2 billion.`
      await runJudge({ output, source, samples, testPath }, rt)
    }
    const bytes = readFileSync(join(dir, '__llm_cassettes__', `samples-${samples}.test.ts.json`)).length
    console.log(`samples=${samples}: ${VERDICTS} verdicts, ${bytes} bytes, ${Math.round(bytes / VERDICTS)} bytes per verdict`)
  }
} finally {
  await server.close()
  rmSync(dir, { recursive: true, force: true })
}
