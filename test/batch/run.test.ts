import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import OpenAI from 'openai'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { startFixtureServer, type ChatCompletionBody, type FixtureServer } from '../../fixtures/server/index.js'
import { BatchCollectedError, readPending } from '../../src/batch/pending.js'
import { runBatch, type BatchRunOptions } from '../../src/batch/run.js'
import { keptRequest, readState, writeState } from '../../src/batch/state.js'
import { configure, resetConfig } from '../../src/config.js'
import { registerSecret, resetSecrets } from '../../src/secrets.js'
import { cassettePath, openCassettes, type CacheMode } from '../../src/judge/cassette.js'
import { runJudge } from '../../src/judge/judge.js'
import { recordingFetch } from '../../src/judge/recording-fetch.js'
import { testRuntime } from '../helpers.js'

let server: FixtureServer
let dir: string
const env = { ...process.env }

/** A judge reply whose scores depend on the output judged, so each request has its own answer. */
const reply = (chat: ChatCompletionBody) => {
  const text = JSON.stringify(chat.messages)
  const score = text.includes('weak') ? 3 : 8
  return JSON.stringify({ criteria: { accuracy: { reasoning: 'Fair.', score }, completeness: { reasoning: 'Fair.', score }, conciseness: { reasoning: 'Fair.', score } } })
}

beforeEach(async () => {
  server = await startFixtureServer({ respond: reply })
  dir = mkdtempSync(join(tmpdir(), 'assay-batch-'))
  process.env.ASSAY_BATCH_DIR = join(dir, 'state')
  // The batch goes to the configured judge endpoint, as judgeRuntime builds the judge from it.
  configure({ judge: { baseURL: server.url } })
})
afterEach(async () => {
  process.env = { ...env }
  resetSecrets()
  resetConfig()
  await server.close()
  rmSync(dir, { recursive: true, force: true })
})

const runtime = (cacheMode: CacheMode = 'auto') => testRuntime({ baseURL: server.url, apiKey: 'sk-judge-secret', cacheMode })
const testPath = (name = 'summary.test.ts') => join(dir, name)
const chatRequests = () => server.requests.filter((r) => r.path === '/v1/chat/completions').length

/** A collect pass over `outputs`: every verdict must fail with "collected for the batch". */
async function collect(outputs: string[], file = testPath(), cacheMode: CacheMode = 'auto') {
  process.env.ASSAY_BATCH = 'collect'
  for (const output of outputs) await expect(runJudge({ output, testPath: file }, runtime(cacheMode))).rejects.toBeInstanceOf(BatchCollectedError)
  delete process.env.ASSAY_BATCH
}

function batch(extra: Partial<BatchRunOptions> = {}) {
  const lines: string[] = []
  const run = runBatch({ dir: process.env.ASSAY_BATCH_DIR!, apiKey: 'sk-batch-secret', write: (l) => lines.push(l), pollIntervalMs: 1, ...extra })
  return { lines, run }
}

describe('collect pass', () => {
  test('a judge request that misses the cassette is collected, not sent, and the verdict fails saying so', async () => {
    process.env.ASSAY_BATCH = 'collect'
    const error = await runJudge({ output: 'A good summary.', testPath: testPath() }, runtime()).catch((e: Error) => e)
    expect(error).toBeInstanceOf(BatchCollectedError)
    expect((error as Error).message).toMatch(/^Collected for the batch: this judge request \(key [0-9a-f]{32}\) has no recorded answer/)
    expect(chatRequests()).toBe(0)
    const pending = readPending(process.env.ASSAY_BATCH_DIR!)
    expect(Object.keys(pending)).toEqual([(error as BatchCollectedError).key])
    expect(Object.values(pending)[0]).toMatchObject({ kind: 'judge', url: '/v1/chat/completions', body: { model: 'gpt-4o-mini' }, cassettes: [{ path: cassettePath(testPath()) }] })
  })

  test('collects under lockdown too, instead of failing with a cassette miss; a recorded answer still replays', async () => {
    await runJudge({ output: 'Recorded before.', testPath: testPath() }, runtime())
    process.env.ASSAY_BATCH = 'collect'
    await expect(runJudge({ output: 'Recorded before.', testPath: testPath() }, runtime('lockdown'))).resolves.toMatchObject({ replayed: true })
    await expect(runJudge({ output: 'Never recorded.', testPath: testPath() }, runtime('lockdown'))).rejects.toBeInstanceOf(BatchCollectedError)
    expect(Object.keys(readPending(process.env.ASSAY_BATCH_DIR!))).toHaveLength(1)
  })

  test('the same request from two test files is one line, wanted by both cassettes', async () => {
    await collect(['Shared.'], testPath('a.test.ts'))
    await collect(['Shared.'], testPath('b.test.ts'))
    const [request] = Object.values(readPending(process.env.ASSAY_BATCH_DIR!))
    expect(request!.cassettes.map((c) => c.path)).toEqual([cassettePath(testPath('a.test.ts')), cassettePath(testPath('b.test.ts'))])
  })

  test('an ASSAY_BATCH other than collect is an error naming the value it takes', async () => {
    process.env.ASSAY_BATCH = 'yes'
    await expect(runJudge({ output: 'x', testPath: testPath() }, runtime())).rejects.toThrow(/ASSAY_BATCH is "yes", but the only value it takes is "collect"/)
  })
})

describe('runBatch', () => {
  test('sends the collected requests as one batch and writes the answers as the live path records them, at half the price', async () => {
    await collect(['A good summary.', 'A weak summary.'])
    const { lines, run } = batch()
    const result = await run
    expect(result).toMatchObject({ status: 'done', written: 2, failed: [], noVerdict: [], discarded: [] })
    expect(chatRequests()).toBe(0)
    expect(server.requests.filter((r) => r.path === '/v1/batches' && r.method === 'POST')).toHaveLength(1)

    // The replay needs no request, and gives the verdicts a live judge gives.
    const replayed = await runJudge({ output: 'A weak summary.', testPath: testPath() }, runtime('lockdown'))
    const live = await runJudge({ output: 'A weak summary.', testPath: testPath('live.test.ts') }, runtime())
    expect(replayed).toMatchObject({ replayed: true, overall: live.overall, criteria: live.criteria })
    // Same keys and the same slim entries as a live recording; the cost at half the price.
    const entries = (name: string) => JSON.parse(readFileSync(cassettePath(testPath(name)), 'utf8')).entries as Record<string, { request: unknown; response: unknown; cost: number }>
    const [key, batched] = Object.entries(entries('summary.test.ts')).find(([k]) => k in entries('live.test.ts'))!
    const recorded = entries('live.test.ts')[key]!
    expect(batched.request).toEqual(recorded.request)
    expect(batched.response).toEqual(recorded.response)
    expect(batched.cost).toBeCloseTo(recorded.cost / 2, 12)
    expect(readFileSync(cassettePath(testPath()), 'utf8')).not.toMatch(/sk-judge-secret|sk-batch-secret/)

    expect(result.cost).toBeCloseTo(result.standardCost! / 2, 12)
    expect(lines.at(-1)).toMatch(/^assay batch: wrote 2 answers into the cassettes\. Cost \$[\d.]+ at the batch price instead of \$[\d.]+: \$[\d.]+ saved\.$/)
    // Progress on every poll: done, failed and elapsed.
    expect(lines.filter((l) => /: \d+\/2 done, \d+ failed, \d+s elapsed$/.test(l)).length).toBeGreaterThanOrEqual(2)
    // Nothing is left to resume or send.
    expect(readState(process.env.ASSAY_BATCH_DIR!)).toEqual({})
    expect(readPending(process.env.ASSAY_BATCH_DIR!)).toEqual({})
  })

  test('a restarted run resumes the same batch from the state file instead of creating another', async () => {
    server.configure({ batch: { polls: 3 } })
    await collect(['A good summary.'])
    const first = batch({ maxPolls: 1 })
    await expect(first.run).resolves.toMatchObject({ status: 'unfinished' })
    const [created] = Object.values(readState(process.env.ASSAY_BATCH_DIR!))
    expect(created!.id).toMatch(/^batch_/)
    // The collect pass of the restarted run finds the same requests missing.
    await collect(['A good summary.'])
    const second = batch()
    await expect(second.run).resolves.toMatchObject({ status: 'done', written: 1 })
    expect(second.lines[0]).toMatch(new RegExp(`^assay batch: resuming batch ${created!.id} \\(1 requests to /v1/chat/completions\\)`))
    expect(server.requests.filter((r) => r.path === '/v1/batches' && r.method === 'POST')).toHaveLength(1)
  })

  test('more requests than one input file may hold go out as several batches, tracked in one state file, resumed and written together', async () => {
    process.env.ASSAY_BATCH_MAX_LINES = '2'
    server.configure({ batch: { polls: 3 } })
    const outputs = ['One.', 'Two.', 'Three.', 'Four.', 'Five.']
    await collect(outputs)
    const first = batch({ maxPolls: 1 })
    await expect(first.run).resolves.toMatchObject({ status: 'unfinished' })
    const records = Object.values(readState(process.env.ASSAY_BATCH_DIR!))
    expect(records.map((r) => r.lines)).toEqual([2, 2, 1])
    expect(first.lines.filter((l) => /^assay batch: created batch \S+ with [12] requests/.test(l))).toHaveLength(3)
    // Every part is polled.
    expect(new Set(first.lines.flatMap((l) => /^assay batch: (batch_\S+) in_progress/.exec(l)?.[1] ?? []))).toEqual(new Set(records.map((r) => r.id)))

    await collect(outputs)
    const second = batch()
    await expect(second.run).resolves.toMatchObject({ status: 'done', written: 5, failed: [] })
    expect(second.lines.filter((l) => l.startsWith('assay batch: resuming batch '))).toHaveLength(3)
    expect(server.requests.filter((r) => r.path === '/v1/batches' && r.method === 'POST')).toHaveLength(3)
    expect(readState(process.env.ASSAY_BATCH_DIR!)).toEqual({})
    for (const output of outputs) await expect(runJudge({ output, testPath: testPath() }, runtime('lockdown'))).resolves.toMatchObject({ replayed: true })
  })

  test('an input file is also cut at its byte limit, and an invalid lowered limit is an error naming it', async () => {
    await collect(['One.', 'Two.', 'Three.'])
    // Room for any one line, never for two.
    const sizes = Object.entries(readPending(process.env.ASSAY_BATCH_DIR!)).map(([k, r]) => Buffer.byteLength(JSON.stringify({ custom_id: k, method: 'POST', url: r.url, body: r.body })) + 1)
    await expect(batch({ maxBytes: Math.max(...sizes) + Math.min(...sizes) - 1 }).run).resolves.toMatchObject({ status: 'done', written: 3 })
    expect(server.batches().map((b) => (b.request_counts as { total: number }).total)).toEqual([1, 1, 1])
    process.env.ASSAY_BATCH_MAX_LINES = '0'
    await collect(['Four.'])
    await expect(batch().run).rejects.toThrow(/^ASSAY_BATCH_MAX_LINES is "0", but it must be a whole number of at least 1/)
  })

  test('partial failure: the failed lines are reported with the tests that asked, the others written', async () => {
    server.configure({ batch: { polls: 1, failLine: (l) => JSON.stringify(l.body).includes('weak') } })
    await collect(['A good summary.', 'A weak summary.'])
    const { lines, run } = batch()
    const result = await run
    expect(result).toMatchObject({ status: 'done', written: 1, failed: [{ reason: expect.stringContaining('status 500') }] })
    expect(lines.some((l) => l.startsWith(`assay batch: failed request ${result.failed[0]!.key}`))).toBe(true)
    await expect(runJudge({ output: 'A good summary.', testPath: testPath() }, runtime('lockdown'))).resolves.toMatchObject({ replayed: true })
    await expect(runJudge({ output: 'A weak summary.', testPath: testPath() }, runtime('lockdown'))).rejects.toThrow(/No recorded answer/)
  })

  test('unreadable lines in the output file fail only their own requests, named by file and line; the good answers are written and the batch forgotten', async () => {
    // A corrupt middle line that names no request, and a last line cut off after its custom_id.
    server.configure({ batch: { polls: 1, mangleOutput: (l) => [l[0]!, '{not json', l[2]!.slice(0, 100)] } })
    await collect(['A good summary.', 'A weak summary.', 'A third summary.'])
    const keys = Object.keys(readPending(process.env.ASSAY_BATCH_DIR!))
    const { lines, run } = batch()
    const result = await run
    const [output] = server.batches().map((b) => String(b.output_file_id))
    expect(result).toMatchObject({ status: 'done', written: 1 })
    expect(result.failed).toHaveLength(2)
    const lastLine = result.failed.find((f) => f.reason.startsWith('line 3 '))!
    expect(lastLine.reason).toMatch(new RegExp(`^line 3 of output file ${output} is unreadable: it is not JSON \\(`))
    expect(keys).toContain(lastLine.key)
    const unnamed = result.failed.find((f) => f !== lastLine)!
    expect(unnamed.reason).toBe(`the batch returned no readable line for it (unreadable, naming no request: line 2 of output file ${output})`)
    expect(lines).toContain(`assay batch: failed request ${lastLine.key} (${lastLine.tests.join(', ')}): ${lastLine.reason}`)
    expect(lines.find((l) => l.startsWith('assay batch: line 2 of'))).toMatch(new RegExp(`^assay batch: line 2 of output file ${output} is unreadable \\(it is not JSON \\(.+\\)\\) and names no request`))
    // The answer that was read is in the cassette; the other two are not.
    expect(Object.keys(JSON.parse(readFileSync(cassettePath(testPath()), 'utf8')).entries)).toHaveLength(1)
    // Nothing left to resume: the next run sends a new batch for what is still missing.
    expect(readState(process.env.ASSAY_BATCH_DIR!)).toEqual({})
    expect(readPending(process.env.ASSAY_BATCH_DIR!)).toEqual({})
  })

  test('a server echoing the key in a failed line or in the reasons of a failed batch has it redacted in every line printed and in the result', async () => {
    const echo = 'server error (received Authorization: Bearer sk-batch-secret)'
    server.configure({ batch: { polls: 1, failLine: (l) => JSON.stringify(l.body).includes('weak'), failMessage: echo } })
    await collect(['A good summary.', 'A weak summary.'])
    const partial = batch()
    const result = await partial.run
    expect(result.failed[0]!.reason).toBe('status 500: server error (received Authorization: [REDACTED]')
    expect(partial.lines.find((l) => l.startsWith('assay batch: failed request'))).toContain('(received Authorization: [REDACTED]')

    server.configure({ batch: { polls: 1, outcome: 'failed', failedBatchMessage: `bad key sk-batch-secret` } })
    await collect(['Another summary.'])
    const failed = batch()
    await failed.run
    expect(failed.lines.find((l) => / failed \(/.test(l))).toContain('failed (bad key [REDACTED])')
    expect([...partial.lines, ...failed.lines].join('\n')).not.toContain('sk-batch-secret')
  })

  test('a request answered twice with different answers fails, named by custom_id; one answered twice alike is written once', async () => {
    server.configure({
      batch: {
        mangleOutput: (lines) =>
          lines.flatMap((l) => {
            // The weak summary's answer (scores of 3) comes twice, the second time with other scores.
            const other = JSON.parse(l) as { response: { body: { choices: { message: { content: string } }[] } } }
            const content = other.response.body.choices[0]!.message.content
            if (!content.includes('"score":3')) return [l, l]
            other.response.body.choices[0]!.message.content = content.replaceAll('"score":3', '"score":9')
            return [l, JSON.stringify(other)]
          }),
      },
    })
    await collect(['A good summary.', 'A weak summary.'])
    const { lines, run } = batch()
    const result = await run
    expect(result).toMatchObject({ status: 'done', written: 1 })
    expect(result.failed).toEqual([{ key: expect.any(String), tests: [expect.any(String)], reason: expect.stringMatching(/^the batch answered custom_id \S+ 2 times, with different answers, so none of them was written$/) }])
    expect(result.failed[0]!.reason).toContain(result.failed[0]!.key)
    expect(lines.some((l) => l.startsWith(`assay batch: failed request ${result.failed[0]!.key} `))).toBe(true)
    await expect(runJudge({ output: 'A good summary.', testPath: testPath() }, runtime('lockdown'))).resolves.toMatchObject({ replayed: true })
    await expect(runJudge({ output: 'A weak summary.', testPath: testPath() }, runtime('lockdown'))).rejects.toThrow()
  })

  test('an unreadable line that names no request is reported by file and line even when every request has its answer', async () => {
    server.configure({ batch: { polls: 1, mangleOutput: (l) => [...l, '{"truncat'] } })
    await collect(['A good summary.'])
    const { lines, run } = batch()
    await expect(run).resolves.toMatchObject({ status: 'done', written: 1, failed: [], unreadable: [{ line: 2, customId: undefined }] })
    expect(lines.some((l) => /^assay batch: line 2 of output file \S+ is unreadable \(it is not JSON/.test(l))).toBe(true)
  })

  test('a request that holds a secret is kept without its text and never batched: its answer is not filed under its key, and the replay pass is told to ask it live', async () => {
    registerSecret('sk-output-secret-123456')
    const leaky = 'A summary quoting the token sk-output-secret-123456.'
    await collect([leaky, 'A good summary.'])
    const pending = readFileSync(join(process.env.ASSAY_BATCH_DIR!, 'batch-pending.json'), 'utf8')
    expect(pending).not.toContain('sk-output-secret-123456')
    expect(pending).not.toContain('A summary quoting the token')
    const [key] = Object.entries(readPending(process.env.ASSAY_BATCH_DIR!)).find(([, r]) => r.secret)!
    const { lines, run } = batch()
    const result = await run
    expect(result).toMatchObject({ status: 'done', written: 1, failed: [], secret: [{ key, reason: 'it holds a secret' }] })
    expect(server.batches().map((b) => (b.request_counts as { total: number }).total)).toEqual([1])
    expect(lines).toContain(`assay batch: request ${key} (${result.secret[0]!.tests.join(', ')}) holds a secret, so it was not batched: a batch file would carry the secret, or a redacted text whose answer is not this request's. The replay pass asks it live, at the full price.`)
    // No answer to another text stands in for this one: a replay misses, and a live run asks the text itself.
    await expect(runJudge({ output: leaky, testPath: testPath() }, runtime('lockdown'))).rejects.toThrow(/No recorded answer/)
    await expect(runJudge({ output: leaky, testPath: testPath() }, runtime())).resolves.toMatchObject({ replayed: false })
    expect(JSON.stringify(server.requests.filter((r) => r.path === '/v1/chat/completions').map((r) => r.body))).toContain('sk-output-secret-123456')
  })

  test('an answer that holds no verdict is not recorded, and is reported', async () => {
    server.configure({ respond: (chat) => (JSON.stringify(chat.messages).includes('weak') ? 'no idea' : reply(chat)) })
    await collect(['A good summary.', 'A weak summary.'])
    const result = await batch().run
    expect(result).toMatchObject({ written: 1, failed: [], noVerdict: [{ reason: expect.any(String) }] })
    expect(readFileSync(cassettePath(testPath()), 'utf8')).not.toContain('no idea')
  })

  for (const [outcome, act] of [
    ['expired', async () => server.configure({ batch: { polls: 1, outcome: 'expired', answered: 0 } })],
    ['cancelled', async () => server.configure({ batch: { polls: 50 } })],
  ] as const) {
    // With answers done before the end, see salvage.test.ts.
    test(`a batch that ${outcome} before answering anything leaves the cassettes as they were and says so`, async () => {
      await runJudge({ output: 'Recorded before.', testPath: testPath() }, runtime())
      const before = readFileSync(cassettePath(testPath()), 'utf8')
      await act()
      await collect(['A good summary.', 'A weak summary.'])
      let cancelled = false
      const { lines, run } = batch({
        sleep: async () => {
          if (outcome !== 'cancelled' || cancelled) return
          cancelled = true
          const [record] = Object.values(readState(process.env.ASSAY_BATCH_DIR!))
          await new OpenAI({ baseURL: server.url, apiKey: 'k' }).batches.cancel(record!.id!)
        },
      })
      const result = await run
      expect(result).toMatchObject({ status: 'done', written: 0, discarded: [{ status: outcome, lines: 2, kept: 0 }] })
      expect(readFileSync(cassettePath(testPath()), 'utf8')).toBe(before)
      expect(lines.some((l) => new RegExp(`batch_\\S+ ${outcome}: none of its 2 answers were written, and the cassettes are as they were`).test(l))).toBe(true)
      expect(readState(process.env.ASSAY_BATCH_DIR!)).toEqual({})
    })
  }

  test('without an API key or a base URL, fails before sending anything, saying what to set', async () => {
    resetConfig()
    delete process.env.OPENAI_API_KEY
    delete process.env.OPENAI_BASE_URL
    await collect(['A good summary.'])
    await expect(runBatch({ dir: process.env.ASSAY_BATCH_DIR!, write: () => {} })).rejects.toThrow(/^No API key for the Batch API: OPENAI_API_KEY is not set, so nothing was sent\. Set OPENAI_API_KEY/)
    expect(server.requests).toHaveLength(0)
  })

  test('nothing pending and no batch recorded: says so and sends nothing', async () => {
    const { lines, run } = batch()
    await expect(run).resolves.toMatchObject({ status: 'nothing' })
    expect(lines).toEqual(['assay batch: no request is missing from the cassettes; nothing to send.'])
    expect(server.requests).toHaveLength(0)
  })

  test('a batch recorded by a stopped run is finished and its answers written though other requests are missing now; only the new one is sent anew', async () => {
    server.configure({ batch: { polls: 3 } })
    await collect(['A good summary.', 'A weak summary.'])
    const first = batch({ maxPolls: 1 })
    await expect(first.run).resolves.toMatchObject({ status: 'unfinished' })
    const [old] = Object.values(readState(process.env.ASSAY_BATCH_DIR!))
    // The rerun's collect pass misses a third request too (a test added after the stop).
    rmSync(join(process.env.ASSAY_BATCH_DIR!, 'batch-pending.json'))
    await collect(['A good summary.', 'A weak summary.', 'A third summary.'])
    const second = batch()
    await expect(second.run).resolves.toMatchObject({ status: 'done', written: 3, failed: [] })
    expect(second.lines).toContain(`assay batch: resuming batch ${old!.id} (2 requests to /v1/chat/completions), created 0s ago.`)
    expect(second.lines.filter((l) => l.startsWith('assay batch: created batch '))).toEqual([expect.stringMatching(/ with 1 requests /)])
    expect(server.batches().map((b) => [b.id, b.status])).toEqual([[old!.id, 'completed'], [expect.any(String), 'completed']])
    expect(readState(process.env.ASSAY_BATCH_DIR!)).toEqual({})
    for (const output of ['A good summary.', 'A weak summary.', 'A third summary.']) await expect(runJudge({ output, testPath: testPath() }, runtime('lockdown'))).resolves.toMatchObject({ replayed: true })
  })

  test('finishing only the recorded batches (before a collect pass) writes their answers, sends nothing new and leaves the pending file alone', async () => {
    server.configure({ batch: { polls: 3 } })
    await collect(['A good summary.'])
    await expect(batch({ maxPolls: 1 }).run).resolves.toMatchObject({ status: 'unfinished' })
    rmSync(join(process.env.ASSAY_BATCH_DIR!, 'batch-pending.json'))
    await collect(['Another summary.'])
    const { run } = batch({ recordedOnly: true })
    await expect(run).resolves.toMatchObject({ status: 'done', written: 1 })
    expect(server.requests.filter((r) => r.path === '/v1/batches' && r.method === 'POST')).toHaveLength(1)
    expect(Object.keys(readPending(process.env.ASSAY_BATCH_DIR!))).toHaveLength(1)
    expect(readState(process.env.ASSAY_BATCH_DIR!)).toEqual({})
    await expect(runJudge({ output: 'A good summary.', testPath: testPath() }, runtime('lockdown'))).resolves.toMatchObject({ replayed: true })
  })
})

describe('a batch whose creation went unanswered', () => {
  test('a lost create response is not retried, and the next run finds the batch by the run id in its metadata instead of creating another', async () => {
    server.configure({ batch: { loseCreateResponse: true } })
    await collect(['A good summary.'])
    await expect(batch().run).rejects.toThrow()
    const [record] = Object.values(readState(process.env.ASSAY_BATCH_DIR!))
    expect(record).toMatchObject({ run: expect.stringMatching(/^assay_/), lines: 1 })
    expect(record!.id).toBeUndefined()
    expect(server.batches()).toHaveLength(1)
    expect(server.batches()[0]!.metadata).toEqual({ created_by: 'assay', assay_run: record!.run })
    server.configure({ batch: {} })
    const second = batch()
    await expect(second.run).resolves.toMatchObject({ status: 'done', written: 1 })
    expect(second.lines).toContain(`assay batch: found batch ${String(server.batches()[0]!.id)}, created by a run stopped while waiting for its creation.`)
    expect(server.batches()).toHaveLength(1)
    expect(readState(process.env.ASSAY_BATCH_DIR!)).toEqual({})
    await expect(runJudge({ output: 'A good summary.', testPath: testPath() }, runtime('lockdown'))).resolves.toMatchObject({ replayed: true })
  })

  test('the batch is found beyond the first page of the list; with no batch carrying the run id, the requests are sent anew', async () => {
    await collect(['A good summary.'])
    const pending = readPending(process.env.ASSAY_BATCH_DIR!)
    const requests = Object.fromEntries(Object.entries(pending).map(([k, r]) => [k, keptRequest(r)]))
    const record = (run: string) => ({ run, baseURL: Object.values(pending)[0]!.baseURL, url: '/v1/chat/completions' as const, requests, lines: 1, createdAt: Date.now() })
    const sdk = new OpenAI({ baseURL: server.url, apiKey: 'k' })
    const jsonl = Object.entries(pending).map(([key, r]) => `${JSON.stringify({ custom_id: key, method: 'POST', url: r.url, body: r.body })}\n`).join('')
    const file = await sdk.files.create({ file: await OpenAI.toFile(Buffer.from(jsonl), 'in.jsonl'), purpose: 'batch' })
    const target = await sdk.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h', metadata: { assay_run: 'assay_lost_run' } })
    // Other batches created since, so the list's first page (100, newest first) misses it.
    for (let i = 0; i < 101; i++) await sdk.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h', metadata: { assay_run: `other_${i}` } })
    writeState(process.env.ASSAY_BATCH_DIR!, { assay_lost_run: record('assay_lost_run') })
    const found = batch()
    await expect(found.run).resolves.toMatchObject({ status: 'done', written: 1 })
    expect(found.lines).toContain(`assay batch: found batch ${target.id}, created by a run stopped while waiting for its creation.`)
    expect(server.requests.filter((r) => r.path === '/v1/batches' && r.method === 'GET')).toHaveLength(2)
    expect(server.batches()).toHaveLength(102)

    await collect(['A weak summary.'])
    writeState(process.env.ASSAY_BATCH_DIR!, { assay_never_created: record('assay_never_created') })
    const anew = batch()
    await expect(anew.run).resolves.toMatchObject({ status: 'done', written: 1 })
    expect(anew.lines).toContain('assay batch: no batch was created for run assay_never_created (stopped before the Batch API answered); its requests are sent again if still missing.')
    expect(server.batches()).toHaveLength(103)
    await expect(runJudge({ output: 'A weak summary.', testPath: testPath() }, runtime('lockdown'))).resolves.toMatchObject({ replayed: true })
  })
})

describe('app requests through recordingFetch', () => {
  test('are collected in a collect pass (answered 424 "collected for the batch"), then replayed from the batch', async () => {
    configure({ cache: { mode: 'lockdown' }, judge: { baseURL: 'http://127.0.0.1:9/v1' } })
    const app = () => new OpenAI({ baseURL: server.url, apiKey: 'sk-app-secret', fetch: recordingFetch({ testPath: testPath('app.test.ts') }), maxRetries: 0 })
    const ask = () => app().chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Summarise: the weak article' }] })
    process.env.ASSAY_BATCH = 'collect'
    await expect(ask()).rejects.toMatchObject({ status: 424, message: expect.stringContaining('Collected for the batch: this request to /v1/chat/completions') })
    delete process.env.ASSAY_BATCH
    expect(chatRequests()).toBe(0)
    openCassettes().delete(cassettePath(testPath('app.test.ts')))
    await expect(batch().run).resolves.toMatchObject({ written: 1 })
    const answer = await ask()
    expect(answer.choices[0]!.message.content).toContain('"score":3')
    expect(chatRequests()).toBe(0)
    expect(existsSync(cassettePath(testPath('app.test.ts')))).toBe(true)
  })

  test('under lockdown, a request the Batch API cannot answer is still a cassette miss in a collect pass, never sent', async () => {
    configure({ cache: { mode: 'lockdown' }, judge: { baseURL: 'http://127.0.0.1:9/v1' } })
    process.env.ASSAY_BATCH = 'collect'
    const res = await recordingFetch({ testPath: testPath('app.test.ts') })(`${server.url}/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4o-mini', input: 'hi' }) })
    expect(res.status).toBe(424)
    expect(await res.text()).toContain('cassette_miss')
    expect(server.requests).toHaveLength(0)
    expect(readPending(process.env.ASSAY_BATCH_DIR!)).toEqual({})
  })

  test('chat and embedding requests go out as one batch per endpoint, and both replay', async () => {
    configure({ cache: { mode: 'lockdown' }, judge: { baseURL: 'http://127.0.0.1:9/v1' } })
    const app = () => new OpenAI({ baseURL: server.url, apiKey: 'sk-app-secret', fetch: recordingFetch({ testPath: testPath('app.test.ts') }), maxRetries: 0 })
    const chat = () => app().chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Summarise: the weak article' }] })
    const embed = () => app().embeddings.create({ model: 'text-embedding-3-small', input: ['refund approved'] })
    process.env.ASSAY_BATCH = 'collect'
    await expect(chat()).rejects.toMatchObject({ status: 424 })
    await expect(embed()).rejects.toMatchObject({ status: 424 })
    delete process.env.ASSAY_BATCH
    openCassettes().delete(cassettePath(testPath('app.test.ts')))
    await expect(batch().run).resolves.toMatchObject({ written: 2, failed: [] })
    expect(server.batches().map((b) => b.endpoint).sort()).toEqual(['/v1/chat/completions', '/v1/embeddings'])
    expect((await embed()).data[0]!.embedding).toHaveLength(64)
    expect((await chat()).choices[0]!.message.content).toContain('"score":3')
    expect(server.requests.filter((r) => r.path === '/v1/embeddings' || r.path === '/v1/chat/completions')).toHaveLength(0)
  })
})
