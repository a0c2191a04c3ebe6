import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeEach, describe, expect, test } from 'vitest'
import { testRuntime } from '../helpers.js'
import { startFixtureServer, type ChatReply, type FixtureServer } from '../../fixtures/server/index.js'
import { CASSETTE_HEADER, type CacheMode } from '../../src/judge/cassette.js'
import { runJudge, type JudgeRuntime, type Verdict } from '../../src/judge/judge.js'
import { tokensOf } from '../../src/judge/slim.js'
import { weightedScores } from '../../src/judge/verdict.js'
import { parseStore, serializeStore, StoreCorruptError } from '../../src/store/file.js'

let server: FixtureServer
let dir: string
beforeEach(async () => {
  await server?.close()
  server = await startFixtureServer()
  dir = mkdtempSync(join(tmpdir(), 'assay-slim-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))
afterAll(() => server?.close())

const runtime = (cacheMode: CacheMode): JudgeRuntime => testRuntime({ baseURL: server.url, apiKey: 'sk-slim', cacheMode })
const testPath = () => join(dir, 'summary.test.ts')
const cassetteFile = () => join(dir, '__llm_cassettes__', 'summary.test.ts.json')
const reply = (scores: number[]) =>
  JSON.stringify({ criteria: Object.fromEntries(['accuracy', 'completeness', 'conciseness'].map((k, i) => [k, { reasoning: `The ${k} holds up.`, score: scores[i] }])) })
// Choice i weighs a different criterion's score, so every choice's kept tokens matter.
const weighted = (_b: unknown, i: number): ChatReply => ({ content: reply([9 - i, 7, 8 - i]), topLogprobs: { at: String(9 - i), probabilities: { [9 - i]: 0.6, [8 - i]: 0.3, 10: 0.1 } } })
/** Everything a verdict says, bar where it came from and how long it took. */
const said = ({ overall, criteria, samples, spread, weighted, usage, cost, model, judge }: Verdict) => ({ overall, criteria, samples, spread, weighted, usage, cost, model, judge })
const entries = () => parseStore<{ response: unknown; recordedAt: string }>(cassetteFile(), readFileSync(cassetteFile(), 'utf8'), CASSETTE_HEADER)

describe('a judge entry keeps what replay reads', () => {
  test('a three-criterion verdict with log-probs costs under 2 KB, keeping the score tokens’ alternatives and no token stream', async () => {
    server.configure({ respond: weighted })
    const v = await runJudge({ output: '- Revenue rose 5% to $85.8 billion.', source: 'Revenue rose 5% to $85.8 billion in the quarter.', testPath: testPath() }, runtime('auto'))
    expect(v.weighted).toBe(true)
    const file = readFileSync(cassetteFile(), 'utf8')
    // The entry's bytes, as the file holds it: the file less the file with no entries.
    expect(Buffer.byteLength(file) - serializeStore(CASSETTE_HEADER, {}).length).toBeLessThanOrEqual(2048)
    for (const field of ['"content": [', '"bytes"', '"id"', '"created"', '"system_fingerprint"', '"schema"', 'strict, impartial evaluator', '"response_format"', '"top_logprobs"', '<<<ASSAY-', 'ASSAY-']) expect(file).not.toContain(field)
    const [entry] = Object.values(entries()) as unknown as { request: { messages: { content: string }[]; params: object }; response: { choices: { logprobs: { scores: Record<string, Record<string, number>> } }[] } }[]
    const content = reply([9, 7, 8])
    const scores = entry!.response.choices[0]!.logprobs.scores
    // Each score token under "<offset>:<token>", at its offset in the content.
    const at = (score: number) => `${content.indexOf(`:${score}}`) + 1}:${score}`
    expect(Object.keys(scores).sort()).toEqual([at(9), at(7), at(8)].sort())
    expect(Object.keys(scores[at(9)]!).sort()).toEqual(['10', '8', '9'])
    // The texts as the test gave them, without the fence the judge saw, and only the parameters a reader learns from.
    expect(entry!.request.messages[0]!.content).toBe('SOURCE:\nRevenue rose 5% to $85.8 billion in the quarter.\n\nOUTPUT:\n- Revenue rose 5% to $85.8 billion.')
    expect(entry!.request.params).toEqual({ temperature: 0 })
  })

  test('the bench\'s verdict (three criteria, five alternatives, the source and output of a real summary) costs at most 2 KB in the file', async () => {
    server.configure({ respond: (_b, i) => ({ content: reply([9, 7, 8]).replace('The accuracy holds up.', 'Every figure in the summary is supported by the source.'), topLogprobs: { at: String(9 - i), probabilities: { 9: 0.7, 8: 0.2, 10: 0.06, 7: 0.03, 6: 0.01 } } }) })
    const source = 'Apple reported revenue of $85.8 billion for its fiscal third quarter, up 5% from a year earlier. Services revenue reached a record $24.2 billion, while revenue from Greater China declined 6.5% to $14.7 billion.'
    await runJudge({ output: '- Revenue rose 5% to $85.8 billion (item 0).\n- Services set a record of $24.2 billion.', source, testPath: testPath() }, runtime('auto'))
    const file = readFileSync(cassetteFile(), 'utf8')
    expect(Buffer.byteLength(file) - serializeStore(CASSETTE_HEADER, {}).length).toBeLessThanOrEqual(2048)
  })

  test('weighted verdicts of several samples replay exactly as the live call gave them', async () => {
    server.configure({ respond: weighted })
    const live = await runJudge({ output: 'The summary.', samples: 3, testPath: testPath() }, runtime('auto'))
    expect(live.weighted).toBe(true)
    expect(new Set(live.samples).size).toBe(3)
    const replayed = await runJudge({ output: 'The summary.', samples: 3, testPath: testPath() }, runtime('lockdown'))
    expect(replayed.replayed).toBe(true)
    expect(said(replayed)).toStrictEqual(said(live))
  })

  test('a weighted verdict with a repaired reply replays exactly as the live call gave it', async () => {
    server.configure({ respond: (body, i) => (i === 1 && body.n === 2 ? 'About 8/10, I would say.' : weighted(body, i)) })
    const live = await runJudge({ output: 'The summary.', samples: 2, testPath: testPath() }, runtime('auto'))
    expect(server.requests).toHaveLength(2)
    expect(live.weighted).toBe(true)
    expect(Object.keys(entries())).toHaveLength(2)
    const replayed = await runJudge({ output: 'The summary.', samples: 2, testPath: testPath() }, runtime('lockdown'))
    expect(said(replayed)).toStrictEqual(said(live))
  })
})

describe('cassettes of the full format stay readable', () => {
  /** Turns the recorded entries back into the full format: the whole answer, in a version 1 file. */
  async function fullFormat(): Promise<void> {
    const full = (await (await fetch(`${server.url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(server.requests.at(-1)!.body) })).json()) as { choices: { logprobs: { content: unknown[] } }[] }
    expect(full.choices[0]!.logprobs.content.length).toBeGreaterThan(20)
    const all = entries()
    for (const entry of Object.values(all)) entry.response = full
    writeFileSync(cassetteFile(), `${JSON.stringify({ assay: 'cassette', version: 1, entries: all }, null, 2)}\n`)
  }

  test('an entry with the whole answer replays to the same verdict, and replaying rewrites nothing', async () => {
    server.configure({ respond: weighted })
    const live = await runJudge({ output: 'The summary.', samples: 3, testPath: testPath() }, runtime('auto'))
    await fullFormat()
    const before = readFileSync(cassetteFile(), 'utf8')
    const replayed = await runJudge({ output: 'The summary.', samples: 3, testPath: testPath() }, runtime('auto'))
    expect(replayed.replayed).toBe(true)
    expect(said(replayed)).toStrictEqual(said(live))
    expect(readFileSync(cassetteFile(), 'utf8')).toBe(before)
  })

  test('a file holding both formats replays both, and is written at version 3', async () => {
    server.configure({ respond: weighted })
    const old = await runJudge({ output: 'Old.', samples: 2, testPath: testPath() }, runtime('auto'))
    await fullFormat()
    const fresh = await runJudge({ output: 'New.', samples: 2, testPath: testPath() }, runtime('auto'))
    const file = JSON.parse(readFileSync(cassetteFile(), 'utf8')) as { version: number; entries: Record<string, { response: { choices: { logprobs: object }[] } }> }
    expect(file.version).toBe(3)
    expect(Object.values(file.entries).map((e) => ('scores' in e.response.choices[0]!.logprobs ? 'slim' : 'full')).sort()).toEqual(['full', 'slim'])
    const rt = runtime('lockdown')
    expect(said(await runJudge({ output: 'Old.', samples: 2, testPath: testPath() }, rt))).toStrictEqual(said(old))
    expect(said(await runJudge({ output: 'New.', samples: 2, testPath: testPath() }, rt))).toStrictEqual(said(fresh))
  })

  test('a version 2 file, whose slim entries list their score tokens, replays to the same verdicts, and replaying rewrites nothing', async () => {
    server.configure({ respond: weighted })
    const live = await runJudge({ output: 'The summary.', samples: 3, testPath: testPath() }, runtime('auto'))
    // The same entries as version 2 wrote them: a list of { offset, token, top_logprobs }.
    const all = entries() as Record<string, { response: { choices: { logprobs: { scores: unknown } }[] } }>
    for (const entry of Object.values(all)) {
      for (const choice of entry.response.choices) {
        const kept = choice.logprobs.scores as Record<string, unknown>
        choice.logprobs.scores = Object.entries(kept)
          .map(([at, top_logprobs]) => ({ offset: Number(at.split(':')[0]), token: at.slice(at.indexOf(':') + 1), top_logprobs }))
          .sort((a, b) => a.offset - b.offset)
      }
    }
    writeFileSync(cassetteFile(), `${JSON.stringify({ assay: 'cassette', version: 2, entries: all }, null, 2)}\n`)
    const before = readFileSync(cassetteFile(), 'utf8')
    const replayed = await runJudge({ output: 'The summary.', samples: 3, testPath: testPath() }, runtime('auto'))
    expect(replayed.replayed).toBe(true)
    expect(said(replayed)).toStrictEqual(said(live))
    expect(readFileSync(cassetteFile(), 'utf8')).toBe(before)
  })

  test('a reader of versions 1 and 2 only refuses a version 3 file rather than replay it unweighted', async () => {
    server.configure({ respond: weighted })
    await runJudge({ output: 'x', testPath: testPath() }, runtime('auto'))
    expect(() => parseStore(cassetteFile(), readFileSync(cassetteFile(), 'utf8'), { assay: 'cassette', version: 2, reads: [1] })).toThrow(StoreCorruptError)
    expect(() => parseStore(cassetteFile(), readFileSync(cassetteFile(), 'utf8'), { assay: 'cassette', version: 1 })).toThrow(StoreCorruptError)
  })
})

describe('re-recording', () => {
  test('an answer recorded again unchanged leaves its entry byte for byte; a changed one is rewritten', async () => {
    server.configure({ respond: weighted })
    await runJudge({ output: 'x', testPath: testPath() }, runtime('auto'))
    const before = readFileSync(cassetteFile(), 'utf8')
    await new Promise((resolve) => setTimeout(resolve, 5))
    await runJudge({ output: 'x', testPath: testPath() }, runtime('refresh'))
    expect(server.requests).toHaveLength(2)
    expect(readFileSync(cassetteFile(), 'utf8')).toBe(before)
    server.configure({ respond: () => reply([3, 3, 3]) })
    await runJudge({ output: 'x', testPath: testPath() }, runtime('refresh'))
    expect(readFileSync(cassetteFile(), 'utf8')).not.toBe(before)
    expect(readFileSync(cassetteFile(), 'utf8')).toContain('\\"score\\":3')
  })
})

describe('tokensOf', () => {
  const content = '{"criteria":{"a":{"reasoning":"ok","score":8}}}'
  const at = content.indexOf('8')
  const criteria = [{ key: 'a', description: 'A.' }]
  test('spells out kept score tokens so the weighting reads them where it did', () => {
    const tokens = tokensOf({ scores: [{ offset: at, token: '8', top_logprobs: { 8: Math.log(0.5), 6: Math.log(0.5) } }] }, content)
    expect(tokens.map((t) => t.token).join('')).toBe(content)
    expect(weightedScores(content, tokens, criteria, [1, 10])).toEqual({ a: 7 })
  })

  test('reads the kept tokens by key, as version 3 stores them, in content order whatever the key order', () => {
    const two = '{"criteria":{"a":{"reasoning":"ok","score":8},"b":{"reasoning":"ok","score":6}}}'
    const first = two.indexOf('8')
    const second = two.indexOf('6')
    const tokens = tokensOf({ scores: { [`${second}:6`]: { 6: 0 }, [`${first}:8`]: { 8: Math.log(0.5), 6: Math.log(0.5) } } }, two)
    expect(tokens.map((t) => t.token).join('')).toBe(two)
    expect(weightedScores(two, tokens, [...criteria, { key: 'b', description: 'B.' }], [1, 10])).toEqual({ a: 7, b: 6 })
  })

  test('a kept token that does not fit the content (an edited entry) gives no tokens, and so no weighting', () => {
    expect(tokensOf({ scores: [{ offset: at + 1, token: '8', top_logprobs: { 8: 0 } }] }, content)).toEqual([])
    expect(tokensOf({ scores: [{ offset: at, token: '9', top_logprobs: { 9: 0 } }] }, content)).toEqual([])
    expect(tokensOf({ scores: { [`${at + 1}:8`]: { 8: 0 } } }, content)).toEqual([])
    expect(tokensOf({ scores: { 'x:8': { 8: 0 } } }, content)).toEqual([])
    expect(tokensOf({ scores: { '8': { 8: 0 } } }, content)).toEqual([])
  })
})

test('log-prob weighting gives the same bits whatever order the alternatives come in, as a cassette keeps them by token', () => {
  const content = '{"criteria":{"a":{"reasoning":"ok","score":7}}}'
  const at = content.indexOf('7')
  const alternatives = [
    { token: '7', logprob: -0.807 },
    { token: '8', logprob: -3.95 },
    { token: '9', logprob: -1.194 },
    { token: '10', logprob: -3.675 },
  ]
  const weigh = (top: typeof alternatives) => weightedScores(content, [{ token: content.slice(0, at), logprob: 0 }, { token: '7', logprob: 0, top_logprobs: top }, { token: content.slice(at + 1), logprob: 0 }], [{ key: 'a', description: 'A.' }], [1, 10])
  expect(weigh([...alternatives].reverse()).a).toBe(weigh(alternatives).a)
})
