import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import OpenAI from 'openai'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { startFixtureServer, type ChatCompletionBody, type FixtureServer } from '../../fixtures/server/index.js'
import { BatchCollectedError, readPending } from '../../src/batch/pending.js'
import { runBatch, type BatchRunOptions } from '../../src/batch/run.js'
import { keepAnswers, readSalvage, SALVAGE_FILE, sentHash, useKeptAnswers, writeSalvage } from '../../src/batch/salvage.js'
import { readState } from '../../src/batch/state.js'
import { configure, resetConfig } from '../../src/config.js'
import { cassettePath, type CacheMode } from '../../src/judge/cassette.js'
import { runJudge } from '../../src/judge/judge.js'
import { resetSecrets } from '../../src/secrets.js'
import { nodeFileSystem, StoreCorruptError } from '../../src/store/file.js'
import { testRuntime } from '../helpers.js'

// The answers of a batch that expired or was cancelled: kept, not written, then written by
// the next run for the same requests only, which batches the rest.
let server: FixtureServer
let dir: string
let state: string
const env = { ...process.env }

const reply = (chat: ChatCompletionBody) => {
  const score = JSON.stringify(chat.messages).includes('weak') ? 3 : 8
  return JSON.stringify({ criteria: { accuracy: { reasoning: 'Fair.', score }, completeness: { reasoning: 'Fair.', score }, conciseness: { reasoning: 'Fair.', score } } })
}
const OUTPUTS = ['A good summary.', 'A weak summary.', 'A third summary.']

beforeEach(async () => {
  server = await startFixtureServer({ respond: reply })
  dir = mkdtempSync(join(tmpdir(), 'assay-salvage-'))
  state = join(dir, 'state')
  process.env.ASSAY_BATCH_DIR = state
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
const file = () => join(dir, 'summary.test.ts')
const cassette = () => cassettePath(file())
const totals = () => server.batches().map((b) => (b.request_counts as { total: number }).total)

async function collect(outputs: readonly string[]) {
  rmSync(join(state, 'batch-pending.json'), { force: true })
  process.env.ASSAY_BATCH = 'collect'
  for (const output of outputs) await expect(runJudge({ output, testPath: file() }, runtime())).rejects.toBeInstanceOf(BatchCollectedError)
  delete process.env.ASSAY_BATCH
}

function batch(extra: Partial<BatchRunOptions> = {}) {
  const lines: string[] = []
  const run = runBatch({ dir: state, apiKey: 'sk-batch-secret', write: (l) => lines.push(l), pollIntervalMs: 1, ...extra })
  return { lines, run }
}

const replays = async () => {
  for (const output of OUTPUTS) await expect(runJudge({ output, testPath: file() }, runtime('lockdown'))).resolves.toMatchObject({ replayed: true })
}

describe('the salvage file', () => {
  const line = (n: number) => ({ custom_id: `k${n}`, response: { status_code: 200, body: { n } }, error: null })

  test('keeps answers by key with the batch, its end and the hash of the line sent; a later answer to the same key replaces the earlier; none left removes the file', () => {
    keepAnswers(state, { id: 'batch_a', status: 'expired' }, [{ key: 'k1', sent: 'h1', line: line(1) }, { key: 'k2', sent: 'h2', line: line(2) }])
    keepAnswers(state, { id: 'batch_b', status: 'cancelled' }, [{ key: 'k2', sent: 'h2b', line: line(3) }])
    expect(readSalvage(state)).toEqual({
      k1: { batch: 'batch_a', status: 'expired', sent: 'h1', line: line(1), keptAt: expect.any(String) },
      k2: { batch: 'batch_b', status: 'cancelled', sent: 'h2b', line: line(3), keptAt: expect.any(String) },
    })
    writeSalvage(state, {})
    expect(existsSync(join(state, SALVAGE_FILE))).toBe(false)
  })

  test('is written only through an atomic replace: a write that fails leaves the kept answers as they were', () => {
    keepAnswers(state, { id: 'batch_a', status: 'expired' }, [{ key: 'k1', sent: 'h1', line: line(1) }])
    const before = readFileSync(join(state, SALVAGE_FILE), 'utf8')
    const failing = { ...nodeFileSystem(), writeAtomic: () => { throw new Error('disk full') } }
    expect(() => keepAnswers(state, { id: 'batch_b', status: 'expired' }, [{ key: 'k2', sent: 'h2', line: line(2) }], failing)).toThrow('disk full')
    expect(readFileSync(join(state, SALVAGE_FILE), 'utf8')).toBe(before)
  })

  test('a corrupt file is an error naming it, never a silent reset', () => {
    keepAnswers(state, { id: 'batch_a', status: 'expired' }, [{ key: 'k1', sent: 'h1', line: line(1) }])
    writeFileSync(join(state, SALVAGE_FILE), '{"assay": "batch-salvage", "version": 1, "entries": ')
    expect(() => readSalvage(state)).toThrow(StoreCorruptError)
    expect(() => readSalvage(state)).toThrow(join(state, SALVAGE_FILE))
  })

  test('the hash covers the endpoint, the base URL and the whole body', () => {
    const r = { url: '/v1/embeddings' as const, baseURL: 'http://a/v1', body: { model: 'm', input: ['x'] } }
    expect(sentHash(r)).toBe(sentHash({ ...r, body: { input: ['x'], model: 'm' } }))
    expect(sentHash(r)).not.toBe(sentHash({ ...r, body: { model: 'm2', input: ['x'] } }))
    expect(sentHash(r)).not.toBe(sentHash({ ...r, baseURL: 'http://b/v1' }))
    expect(sentHash(r)).not.toBe(sentHash({ ...r, url: '/v1/chat/completions' }))
  })
})

describe('an expired batch', () => {
  test('with 2 of 3 answers: the cassettes are as they were, the 2 are kept and it says so; the next run writes them, batches only the third, and all replay', async () => {
    await runJudge({ output: 'Recorded before.', testPath: file() }, runtime())
    const before = readFileSync(cassette(), 'utf8')
    server.configure({ batch: { polls: 1, outcome: 'expired', answered: 2 } })
    await collect(OUTPUTS)
    const first = batch()
    const result = await first.run
    expect(result).toMatchObject({ status: 'done', written: 0, failed: [], discarded: [{ status: 'expired', lines: 3, kept: 2 }] })
    expect(readFileSync(cassette(), 'utf8')).toBe(before)
    expect(first.lines).toContain(`assay batch: batch ${result.discarded[0]!.id} expired: 2 of its 3 answers were kept in ${join(state, SALVAGE_FILE)}, and the cassettes are as they were. The next \`npx assay batch\` writes them into the cassettes and sends only the other 1 request(s) in a new batch.`)
    // The output file was read; the batch is forgotten, its answers kept.
    expect(server.requests.some((r) => r.method === 'GET' && /^\/v1\/files\/[^/]+\/content$/.test(r.path))).toBe(true)
    expect(readState(state)).toEqual({})
    expect(Object.values(readSalvage(state)).map((k) => [k.batch, k.status])).toEqual([[result.discarded[0]!.id, 'expired'], [result.discarded[0]!.id, 'expired']])
    await expect(runJudge({ output: OUTPUTS[0]!, testPath: file() }, runtime('lockdown'))).rejects.toThrow(/No recorded answer/)

    server.configure({ batch: { polls: 1 } })
    await collect(OUTPUTS)
    const second = batch()
    const again = await second.run
    expect(again).toMatchObject({ status: 'done', written: 3, failed: [], discarded: [] })
    expect(totals()).toEqual([3, 1])
    expect(second.lines).toContain(`assay batch: wrote 2 answers kept from batch ${result.discarded[0]!.id} (expired) into the cassettes; they are not sent again.`)
    // At the batch price, like any batch answer.
    expect(again.cost).toBeCloseTo(again.standardCost! / 2, 12)
    expect(again.cost).toBeGreaterThan(0)
    expect(existsSync(join(state, SALVAGE_FILE))).toBe(false)
    await replays()
    expect(server.requests.filter((r) => r.path === '/v1/chat/completions')).toHaveLength(1)
  })

  test('an answer without a verdict, or a failed line, is not kept: its request is just batched again', async () => {
    server.configure({ batch: { polls: 1, outcome: 'expired', answered: 3, failLine: (l) => JSON.stringify(l.body).includes('third') }, respond: (chat) => (JSON.stringify(chat.messages).includes('weak') ? 'no idea' : reply(chat)) })
    await collect(OUTPUTS)
    await expect(batch().run).resolves.toMatchObject({ discarded: [{ status: 'expired', lines: 3, kept: 1 }] })
    expect(Object.keys(readSalvage(state))).toHaveLength(1)
    server.configure({ batch: { polls: 1 }, respond: reply })
    await collect(OUTPUTS)
    await expect(batch().run).resolves.toMatchObject({ written: 3, failed: [], noVerdict: [] })
    expect(totals()).toEqual([3, 2])
    await replays()
  })

  test('a kept answer is never used for another request under the same key: it stays kept, the request is batched, and the run says so', async () => {
    server.configure({ batch: { polls: 1, outcome: 'expired', answered: 1 } })
    await collect(OUTPUTS.slice(0, 1))
    await batch().run
    const [key] = Object.keys(readSalvage(state)) as [string]
    // The line that batch sent was another one than the request now under this key sends.
    const other = sentHash({ url: '/v1/chat/completions', body: { other: true } })
    writeSalvage(state, { [key]: { ...readSalvage(state)[key]!, sent: other } })
    server.configure({ batch: { polls: 1 } })
    await collect(OUTPUTS.slice(0, 1))
    const { lines, run } = batch()
    await expect(run).resolves.toMatchObject({ written: 1 })
    expect(totals()).toEqual([1, 1])
    expect(lines).toContain(`assay batch: the answer kept for request ${key} was not used: its request sends another line now than the batch was sent (a different model, endpoint or body under the same key), so it is batched again.`)
    expect(readSalvage(state)[key]!.sent).toBe(other)
  })

  test('kept answers that no request asks for now stay for a later run', async () => {
    server.configure({ batch: { polls: 1, outcome: 'expired', answered: 2 } })
    await collect(OUTPUTS.slice(0, 2))
    const pending = readPending(state)
    await batch().run
    const kept = readSalvage(state)
    const [one] = Object.keys(pending)
    const used = useKeptAnswers(state, { [one!]: pending[one!]! }, nodeFileSystem())
    expect([...used.used]).toEqual([one])
    expect(Object.keys(readSalvage(state))).toEqual(Object.keys(kept).filter((k) => k !== one))
  })

  test('a run killed (SIGKILL) right after keeping the answers, before forgetting the batch: the rerun reads the batch again, keeps the same answers once, writes them and batches only the rest', async () => {
    const built = join(import.meta.dirname, '..', '..', 'dist', 'esm', 'src')
    if (!existsSync(join(built, 'batch', 'salvage.js'))) throw new Error(`${built} lacks batch/salvage.js: run npm run build first.`)
    server.configure({ batch: { polls: 1, outcome: 'expired', answered: 2 } })
    await collect(OUTPUTS)
    const child = join(dir, 'child.mjs')
    writeFileSync(
      child,
      `const [dist, dir] = process.argv.slice(2)
const { runBatch } = await import(dist + '/batch/run.js')
const { nodeFileSystem } = await import(dist + '/store/file.js')
const real = nodeFileSystem()
const fs = { ...real, writeAtomic(path, content) { real.writeAtomic(path, content); if (path.endsWith('${SALVAGE_FILE}')) process.kill(process.pid, 'SIGKILL') } }
await runBatch({ dir, apiKey: 'k', write: () => {}, pollIntervalMs: 1, fs })
`,
    )
    const signal = await new Promise<NodeJS.Signals | null>((done) => spawn(process.execPath, [child, pathToFileURL(built).href, state], { stdio: 'ignore' }).on('exit', (_code, s) => done(s)))
    expect(signal).toBe('SIGKILL')
    expect(Object.keys(readSalvage(state))).toHaveLength(2)
    expect(Object.keys(readState(state))).toHaveLength(1)
    expect(existsSync(cassette())).toBe(false)

    server.configure({ batch: { polls: 1 } })
    const { lines, run } = batch()
    await expect(run).resolves.toMatchObject({ status: 'done', written: 3, discarded: [{ status: 'expired', kept: 2 }] })
    expect(lines.some((l) => /expired: 2 of its 3 answers were kept .* They are written into the cassettes for the requests still missing, and only the other 1 request\(s\) are sent again\.$/.test(l))).toBe(true)
    expect(totals()).toEqual([3, 1])
    expect(readState(state)).toEqual({})
    expect(existsSync(join(state, SALVAGE_FILE))).toBe(false)
    await replays()
  })
})

describe('a cancelled batch', () => {
  test('cancelled from elsewhere with 1 of 2 answers: the cassettes are as they were, 1 is kept; the next run writes it and batches only the other', async () => {
    server.configure({ batch: { polls: 1, outcome: 'cancelled', answered: 1 } })
    await collect(OUTPUTS.slice(0, 2))
    const first = batch()
    const result = await first.run
    expect(result).toMatchObject({ written: 0, discarded: [{ status: 'cancelled', lines: 2, kept: 1 }] })
    expect(existsSync(cassette())).toBe(false)
    expect(first.lines.some((l) => l.includes('cancelled: 1 of its 2 answers were kept in ') && l.includes('and the cassettes are as they were. The next `npx assay batch` writes them'))).toBe(true)
    server.configure({ batch: { polls: 1 } })
    await collect(OUTPUTS.slice(0, 2))
    const second = batch()
    await expect(second.run).resolves.toMatchObject({ written: 2, failed: [] })
    expect(second.lines).toContain(`assay batch: wrote 1 answers kept from batch ${result.discarded[0]!.id} (cancelled) into the cassettes; they are not sent again.`)
    expect(totals()).toEqual([2, 1])
    for (const output of OUTPUTS.slice(0, 2)) await expect(runJudge({ output, testPath: file() }, runtime('lockdown'))).resolves.toMatchObject({ replayed: true })
  })

  test('cancelled through the API while running: the answers done by then are kept', async () => {
    server.configure({ batch: { polls: 50, answered: 2 } })
    await collect(OUTPUTS)
    let cancelled = false
    const { run } = batch({
      sleep: async () => {
        if (cancelled) return
        cancelled = true
        const [record] = Object.values(readState(state))
        await new OpenAI({ baseURL: server.url, apiKey: 'k' }).batches.cancel(record!.id!)
      },
    })
    await expect(run).resolves.toMatchObject({ written: 0, discarded: [{ status: 'cancelled', lines: 3, kept: 2 }] })
    expect(existsSync(cassette())).toBe(false)
  })

  test('a batch recorded by an earlier assay (no hashes of its lines) keeps nothing, and says why', async () => {
    server.configure({ batch: { polls: 3, outcome: 'expired', answered: 1 } })
    await collect(OUTPUTS.slice(0, 1))
    await expect(batch({ maxPolls: 1 }).run).resolves.toMatchObject({ status: 'unfinished' })
    const path = join(state, 'batch-state.json')
    const old = JSON.parse(readFileSync(path, 'utf8')) as { entries: Record<string, { sent?: unknown }> }
    for (const record of Object.values(old.entries)) delete record.sent
    writeFileSync(path, JSON.stringify(old))
    server.configure({ batch: { polls: 1 } })
    const { lines, run } = batch()
    await expect(run).resolves.toMatchObject({ written: 1, discarded: [{ status: 'expired', kept: 0 }] })
    expect(lines.some((l) => /^assay batch: the answers of batch \S+ cannot be kept: it was recorded by an earlier assay, which did not note what each of its lines sent\.$/.test(l))).toBe(true)
    expect(existsSync(join(state, SALVAGE_FILE))).toBe(false)
  })
})
