import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { cassettePath, openCassettes } from '../../src/judge/cassette.js'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import OpenAI from 'openai'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { startFixtureServer, type FixtureServer } from '../../fixtures/server/index.js'
import { configure } from '../../src/config.js'
import { JudgeClient, JudgeError } from '../../src/judge/client.js'
import { JudgeReplyError, runJudge, type JudgeRuntime } from '../../src/judge/judge.js'
import { recordingFetch } from '../../src/judge/recording-fetch.js'
import { resetSecrets } from '../../src/secrets.js'
import { collectRecords, testRuntime } from '../helpers.js'

// An endpoint that echoes the key it was sent (a proxy, a misconfigured gateway): the key
// must reach none of what assay writes or prints.
let server: FixtureServer
let dir: string
const records = collectRecords()
beforeAll(async () => {
  server = await startFixtureServer({ echoAuthorization: true })
  dir = mkdtempSync(join(tmpdir(), 'assay-redaction-'))
})
afterEach(() => {
  resetSecrets()
  server.configure({ respond: undefined })
})
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true })
  await server.close()
})

/** A verdict whose reasoning repeats the Authorization header the judge received. */
const echoingVerdict = (score: number) => (_body: unknown, _choice: number, request: { headers: Record<string, unknown> }) =>
  JSON.stringify({ criteria: Object.fromEntries(['accuracy', 'completeness', 'conciseness'].map((k) => [k, { reasoning: `Checked with ${String(request.headers.authorization)}.`, score }])) })

function runtime(apiKey: string, fallbackKey?: string): JudgeRuntime {
  const endpoints = [{ model: 'gpt-4o-mini', baseURL: server.url, apiKey }, ...(fallbackKey ? [{ model: 'gpt-4o', baseURL: server.url, apiKey: fallbackKey }] : [])]
  configure({ judge: { apiKey, fallback: fallbackKey ? [{ model: 'gpt-4o', apiKey: fallbackKey }] : [] } })
  return testRuntime({ client: new JudgeClient({ endpoints, maxRetries: 0, random: () => 0 }), logprobs: false })
}

describe('a judge that echoes its key', () => {
  test('in its reply: the cassette (request and response) holds no key, and its replay neither', async () => {
    const key = 'sk-judge-echo-0123456789'
    server.configure({ respond: echoingVerdict(8) })
    const testPath = join(dir, 'content.test.ts')
    const live = await runJudge({ output: `An output that quotes ${key} itself.`, testPath }, runtime(key))
    const file = readFileSync(join(dir, '__llm_cassettes__', 'content.test.ts.json'), 'utf8')
    expect(file).not.toContain(key)
    expect(file).toContain('Checked with Bearer [REDACTED].')
    // The endpoint echoes the request's headers beside the choices: a judge entry keeps none of that.
    expect(file).not.toContain('"authorization"')
    expect(file).toContain('An output that quotes [REDACTED] itself.')
    const replayed = await runJudge({ output: `An output that quotes ${key} itself.`, testPath }, runtime(key))
    expect(replayed).toMatchObject({ replayed: true, overall: live.overall })
    expect(JSON.stringify(replayed)).not.toContain(key)
  })

  test('in a reasoning scored with log-probabilities: the tokens in the cassette hold no piece of it, and the replay weighs as the live call did', async () => {
    const key = 'sk-judge-tokens-0123456789'
    server.configure({ respond: (body, choice, request) => ({ content: echoingVerdict(8)(body, choice, request), topLogprobs: { at: '8', probabilities: { '8': 0.6, '7': 0.4 } } }) })
    const testPath = join(dir, 'tokens.test.ts')
    const rt = runtime(key)
    rt.capabilities.logprobs = true
    const live = await runJudge({ output: 'An output.', testPath }, rt)
    expect(live.weighted).toBe(true)
    const file = readFileSync(join(dir, '__llm_cassettes__', 'tokens.test.ts.json'), 'utf8')
    for (const piece of ['judge', 'tokens', '0123456789']) expect(file).not.toMatch(new RegExp(`"token": "${piece}"`))
    const again = runtime(key)
    again.capabilities.logprobs = true
    const replayed = await runJudge({ output: 'An output.', testPath }, again)
    expect(replayed).toMatchObject({ replayed: true, weighted: true, overall: live.overall })
  })

  test('in the error body of a 401, for the judge and its fallback: the JudgeError holds no key', async () => {
    const key = 'sk-judge-401-0123456789'
    const fallback = 'sk-fallback-401-0123456789'
    server.script({ kind: 'status', status: 401, message: `Incorrect API key provided: ${key}.` }, { kind: 'status', status: 401, message: 'Incorrect API key provided.' })
    const error = await runJudge({ output: 'An output.' }, runtime(key, fallback)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(JudgeError)
    const { message, failures } = error as JudgeError
    expect(message).toContain('401 Incorrect API key provided: [REDACTED]. (received Authorization: Bearer [REDACTED])')
    expect(`${message}${JSON.stringify(failures)}`).not.toContain(key)
    expect(`${message}${JSON.stringify(failures)}`).not.toContain(fallback)
  })

  test('in an invalid reply: the JudgeReplyError and its raw reply hold no key', async () => {
    const key = 'sk-judge-raw-0123456789'
    server.configure({ respond: (_b, _c, request) => `not JSON, but ${String(request.headers.authorization)} and {"authorization":"${String(request.headers.authorization)}"}` })
    const error = await runJudge({ output: 'An output.' }, runtime(key)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(JudgeReplyError)
    expect((error as JudgeReplyError).raw).toContain('not JSON, but Bearer [REDACTED]')
    expect(`${(error as Error).message}${(error as JudgeReplyError).raw}`).not.toContain(key)
  })

  test('through toScoreAtLeast: the failure message and the records hold no key', async () => {
    const key = 'sk-judge-matcher-0123456789'
    server.configure({ respond: echoingVerdict(3) })
    configure({ judge: { baseURL: server.url, apiKey: key, maxRetries: 0 }, cache: { mode: 'off' } })
    const failed = (await expect('A summary.').toScoreAtLeast(7).catch((e: Error) => e)) as Error
    expect(failed.message).toContain('Checked with Bearer [REDACTED].')
    server.script({ kind: 'status', status: 401, message: `Incorrect API key provided: ${key}.` })
    const noVerdict = (await expect('Another summary.').toScoreAtLeast(7).catch((e: Error) => e)) as Error
    expect(noVerdict.message).toContain('Incorrect API key provided: [REDACTED].')
    expect(records).toHaveLength(2)
    expect(`${failed.message}${noVerdict.message}${JSON.stringify(records)}`).not.toContain(key)
  })
})

describe('recordingFetch with an endpoint that echoes the app key', () => {
  const ask = (client: OpenAI) => client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Summarise.' }] })

  test('the key from the Authorization header reaches neither the cassette nor the records; the replay has none', async () => {
    const key = 'sk-app-echo-0123456789'
    configure({ cache: { mode: 'auto' } })
    server.configure({ respond: (_b, _c, request) => `Your key is ${String(request.headers.authorization)}.` })
    const testPath = join(dir, 'app.test.ts')
    const client = () => new OpenAI({ baseURL: server.url, apiKey: key, fetch: recordingFetch({ testPath }), maxRetries: 0 })
    await ask(client())
    // Recordings are written behind; flush them as the end of the test file would.
    openCassettes().get(cassettePath(testPath))?.flush()
    const file = readFileSync(join(dir, '__llm_cassettes__', 'app.test.ts.json'), 'utf8')
    expect(file).toContain('Your key is Bearer [REDACTED].')
    expect(file).not.toContain(key)
    const replayed = await ask(client())
    expect(replayed.choices[0]!.message.content).toBe('Your key is Bearer [REDACTED].')
    expect(records).toHaveLength(2)
    expect(JSON.stringify(records)).not.toContain(key)
  })

  test('a key sent in an x-api-key or api-key header is redacted too', async () => {
    const key = 'xk-app-header-0123456789'
    configure({ cache: { mode: 'auto' } })
    server.configure({ respond: (_b, _c, request) => `Header ${String(request.headers['x-api-key'])}, ${encodeURIComponent(String(request.headers['api-key']))}.` })
    const testPath = join(dir, 'headers.test.ts')
    const client = new OpenAI({ baseURL: server.url, apiKey: 'no-key', defaultHeaders: { 'x-api-key': key, 'api-key': `${key}/2` }, fetch: recordingFetch({ testPath }), maxRetries: 0 })
    await ask(client)
    // Recordings are written behind; flush them as the end of the test file would.
    openCassettes().get(cassettePath(testPath))?.flush()
    const file = readFileSync(join(dir, '__llm_cassettes__', 'headers.test.ts.json'), 'utf8')
    expect(file).toContain('Header [REDACTED], [REDACTED].')
    expect(file).not.toContain(key)
    expect(file).not.toContain(encodeURIComponent(`${key}/2`))
  })
})
