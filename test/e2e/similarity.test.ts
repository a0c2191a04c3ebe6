// toBeSemanticallySimilarTo under real runners: recorded against the fixture server, then
// replayed with the server gone (no request can succeed), and a missing vector under
// lockdown failing with the cassette's name.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { startFixtureServer, type FixtureServer } from '../../fixtures/server/index.js'
import { parseResults } from '../../src/report/schema.js'
import { FixtureProject, runners, type Runner, type TestOutcome } from './harness.js'

const BODY = `
test('pass: similar', async () => {
  await expect('the refund was approved').toBeSemanticallySimilarTo('approved: the refund was')
})
test('fail: similar', async () => {
  await expect('the weather is sunny today').toBeSemanticallySimilarTo('your refund was approved')
})
test('pass: not similar', async () => {
  await expect('the weather is sunny today').not.toBeSemanticallySimilarTo('your refund was approved')
})
test('fail: not similar', async () => {
  await expect('the refund was approved').not.toBeSemanticallySimilarTo('the refund was approved today', { threshold: 0.5 })
})
`

// Bag-of-words vectors (fixtures/server/sample.ts): these similarities are exact.
const MESSAGES: Record<string, string[]> = {
  'fail: similar': [
    'expect(received).toBeSemanticallySimilarTo(expected)',
    'Expected the text to mean the same as expected: a cosine similarity of at least 0.8, but it was 0.2236.',
    'Expected:   your refund was approved',
    'Received:   the weather is sunny today',
    'Similarity: 0.2236 (threshold 0.8)',
  ],
  'fail: not similar': [
    'expect(received).not.toBeSemanticallySimilarTo(expected)',
    'Expected the text not to mean the same as expected: a cosine similarity below 0.5, but it was 0.9449.',
    'Similarity: 0.9449 (threshold 0.5)',
  ],
}

const used: Runner[] = runners.filter((r) => ['vitest-esm', 'vitest5', 'jest-cjs'].includes(r.project))

function expectQuartet(results: Map<string, TestOutcome>, how: RegExp): void {
  expect(results.get('pass: similar')?.status).toBe('passed')
  expect(results.get('pass: not similar')?.status).toBe('passed')
  for (const [title, lines] of Object.entries(MESSAGES)) {
    const outcome = results.get(title)!
    expect(outcome.status).toBe('failed')
    for (const line of lines) expect(outcome.message).toContain(line)
    expect(outcome.message).toMatch(how)
  }
}

describe.each(used)('$name', (runner) => {
  let project: FixtureProject
  let server: FixtureServer
  let stopped = false
  beforeAll(async () => {
    project = new FixtureProject(runner.project, inject('assayPackage'), runner.trees?.())
    project.writeTest('similar.test.js', BODY)
    server = await startFixtureServer()
  })
  afterAll(async () => {
    if (!stopped) await server?.close()
    project?.remove()
  })

  test('records against the fixture server, replays with the server stopped (0 requests), and a lockdown miss names the cassette', async () => {
    const env = { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'sk-e2e-key', CI: '' }
    const recorded = await runner.run(project, undefined, 'similar.test.js', { ...env, ASSAY_CACHE: 'auto' })
    expect(recorded.code, recorded.output).toBe(1)
    expectQuartet(project.results(), /Embeddings: text-embedding-3-small, live, 1 request, \d+ tokens, \$0\.\d{6}/)
    // One request per assertion, but the third's texts were recorded by the second: each input is recorded once.
    expect(server.requests.filter((r) => r.path === '/v1/embeddings')).toHaveLength(3)
    const cassette = join(project.dir, '__llm_cassettes__', 'similar.test.js.json')
    const entries = Object.values((JSON.parse(readFileSync(cassette, 'utf8')) as { entries: Record<string, { request: { params: { kind: string } } }> }).entries)
    expect(entries).toHaveLength(5)
    expect(entries.every((e) => e.request.params.kind === 'embedding')).toBe(true)
    const live = parseResults(readFileSync(join(project.dir, 'assay-report/results.json'), 'utf8'))
    expect(live.totals.embeddings).toMatchObject({ assertions: 4, live: 3, replayed: 1, failures: 0, requests: 3 })
    expect(live.files[0]!.tests.find((t) => t.titles.at(-1) === 'fail: similar')!.assertions[0]).toMatchObject({ matcher: 'toBeSemanticallySimilarTo', pass: false, similarity: { similarity: expect.closeTo(0.2236, 4), threshold: 0.8, replayed: false } })
    expect(readFileSync(join(project.dir, 'assay-report/index.html'), 'utf8')).toContain('<dt>Embeddings live / replayed</dt><dd>3 / 1</dd>')

    await server.close()
    stopped = true
    const replayed = await runner.run(project, undefined, 'similar.test.js', { ...env, CI: 'true' })
    expect(replayed.code, replayed.output).toBe(1)
    expectQuartet(project.results(), /Embeddings: text-embedding-3-small, replayed from the cassette/)
    const replay = parseResults(readFileSync(join(project.dir, 'assay-report/results.json'), 'utf8'))
    expect(replay.totals.embeddings).toMatchObject({ assertions: 4, live: 0, replayed: 4, requests: 0, cost: 0 })
    expect(replayed.output).toContain('assay: embeddings 0 live, 4 replayed; 0 requests, 0 tokens, $0.0000')

    project.writeTest('miss.test.js', `
test('miss', async () => {
  await expect('a reply never recorded').not.toBeSemanticallySimilarTo('your refund was approved')
})
`)
    const missed = await runner.run(project, undefined, 'miss.test.js', { ...env, CI: 'true' })
    expect(missed.code, missed.output).toBe(1)
    const miss = project.results().get('miss')!
    expect(miss.status).toBe('failed')
    expect(miss.message).toContain('toBeSemanticallySimilarTo: no similarity was computed, so the assertion cannot pass.')
    expect(miss.message).toContain(`__llm_cassettes__/miss.test.js.json, and the cache mode is lockdown`)
    expect(miss.message).toContain('ASSAY_CACHE=auto')
    expect(existsSync(join(project.dir, '__llm_cassettes__', 'miss.test.js.json'))).toBe(false)
    expect(missed.output).toContain('(1 similarity)')
  })
})
