import { rmSync } from 'node:fs'
import { dirname } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startFixtureServer, type FixtureServer } from '../../fixtures/server/index.js'
import { configure } from '../../src/config.js'
import { cassettePath, openCassettes } from '../../src/judge/cassette.js'
import { embeddingKey } from '../../src/judge/embed-cassette.js'
import { collectRecords } from '../helpers.js'

let server: FixtureServer
const records = collectRecords()
beforeAll(async () => {
  server = await startFixtureServer()
})
afterAll(async () => {
  await server.close()
  openCassettes().delete(cassettePath(__filename))
  rmSync(`${dirname(__filename)}/__llm_cassettes__`, { recursive: true, force: true })
})
/** The fixture server answers with `vectors` (one per input), or bag-of-words vectors. */
const use = (vectors?: number[][], mode: 'off' | 'auto' | 'lockdown' = 'off') => {
  server.configure({ embeddings: vectors && (() => vectors) })
  server.requests.length = 0
  configure({ judge: { baseURL: server.url, apiKey: 'sk-unit-secret', maxRetries: 1 }, cache: { mode } })
}
// cos([1, 0], [3, 4]) = 3 / 5 = 0.6, exactly (and float32 holds every component exactly).
const SIXTY = [
  [1, 0],
  [3, 4],
]
const ANSI = /\u001b\[[0-9;]*m/g
const failure = async (run: () => Promise<unknown>) => ((await run().then(() => undefined, (e: Error) => e)) as Error | undefined)?.message.replace(ANSI, '')

describe('toBeSemanticallySimilarTo', () => {
  test('pass', async () => {
    use()
    // Bag-of-words vectors: the same words in another order mean the same.
    await expect('the refund was approved').toBeSemanticallySimilarTo('approved: the refund was')
    expect(records[0]).toMatchObject({ kind: 'similarity', matcher: 'toBeSemanticallySimilarTo', pass: true, negated: false, similarity: 1, threshold: 0.8, model: 'text-embedding-3-small', replayed: false, requests: 1 })
    expect(records[0]).not.toHaveProperty('message')
    expect(server.requests).toHaveLength(1)
  })

  test('fail', async () => {
    use(SIXTY)
    const message = await failure(() => expect('Your refund was denied.').toBeSemanticallySimilarTo('Your refund has been approved.'))
    expect(message).toMatch(/^expect\(received\)\.toBeSemanticallySimilarTo\(expected\)\n\nExpected the text to mean the same as expected: a cosine similarity of at least 0\.8, but it was 0\.6\.\n\n/)
    expect(message).toContain('Expected:   Your refund has been approved.\nReceived:   Your refund was denied.\nSimilarity: 0.6 (threshold 0.8)\n')
    expect(message).toMatch(/Embeddings: text-embedding-3-small, live, 1 request, \d+ tokens, \$0\.\d{6}$/)
    expect(records[0]).toMatchObject({ pass: false, similarity: 0.6, message: expect.stringContaining('but it was 0.6') })
  })

  test('.not pass', async () => {
    use(SIXTY)
    await expect('Your refund was denied.').not.toBeSemanticallySimilarTo('Your refund has been approved.')
    expect(records[0]).toMatchObject({ pass: true, negated: true, similarity: 0.6 })
  })

  test('.not fail', async () => {
    use()
    const message = await failure(() => expect('the refund was approved').not.toBeSemanticallySimilarTo('the refund was approved', { threshold: 0.9 }))
    expect(message).toMatch(/^expect\(received\)\.not\.toBeSemanticallySimilarTo\(expected\)\n\nExpected the text not to mean the same as expected: a cosine similarity below 0\.9, but it was 1\.\n/)
    expect(message).toContain('Similarity: 1 (threshold 0.9)')
    expect(records[0]).toMatchObject({ pass: false, negated: true, similarity: 1 })
  })

  test('threshold and model options: the model is asked for and named', async () => {
    use(SIXTY)
    await expect('a').toBeSemanticallySimilarTo('b', { threshold: 0.55, model: 'text-embedding-3-large' })
    expect(server.requests[0]!.body).toMatchObject({ model: 'text-embedding-3-large' })
    expect(records[0]).toMatchObject({ pass: true, threshold: 0.55, model: 'text-embedding-3-large' })
  })

  test('usage errors: non-string output or expected text, empty text, a threshold outside (0, 1], unknown options', async () => {
    use()
    await expect(expect(42).toBeSemanticallySimilarTo('x')).rejects.toThrow('toBeSemanticallySimilarTo: received must be a string, but got number 42.')
    await expect(expect('x').toBeSemanticallySimilarTo(undefined as never)).rejects.toThrow('toBeSemanticallySimilarTo: expected must be a string, but got undefined.')
    await expect(expect('').toBeSemanticallySimilarTo('x')).rejects.toThrow('received is an empty string, which has no meaning to compare.')
    await expect(expect('x').not.toBeSemanticallySimilarTo('  \n')).rejects.toThrow('expected is only whitespace, which has no meaning to compare.')
    await expect(expect('x').toBeSemanticallySimilarTo('y', { threshold: 0 })).rejects.toThrow('options.threshold')
    await expect(expect('x').toBeSemanticallySimilarTo('y', { threshold: 1.5 })).rejects.toThrow('options.threshold')
    await expect(expect('x').toBeSemanticallySimilarTo('y', { treshold: 0.9 } as never)).rejects.toThrow('unknown option "treshold"')
    for (const run of [() => expect(42).toBeSemanticallySimilarTo('x'), () => expect('x').toBeSemanticallySimilarTo('y', { threshold: 2 })]) {
      expect(((await run().catch((e: unknown) => e)) as Error).name).toBe('AssayUsageError')
    }
    expect(server.requests).toHaveLength(0)
    expect(records).toHaveLength(0)
  })

  test('a threshold of 1 passes a text compared with itself', async () => {
    use()
    await expect('exactly these words').toBeSemanticallySimilarTo('exactly these words', { threshold: 1 })
  })

  test.each([false, true])('a zero vector fails with the cause, never a pass (negated: %s)', async (negated) => {
    use([
      [0, 0],
      [1, 0],
    ])
    const run = () => (negated ? expect('a').not.toBeSemanticallySimilarTo('b') : expect('a').toBeSemanticallySimilarTo('b'))
    const message = await failure(run)
    expect(message).toBe('toBeSemanticallySimilarTo: no similarity was computed, so the assertion cannot pass.\nThe embedding of the received text is a zero vector (text-embedding-3-small), which has no direction, so no similarity can be computed.')
    expect(records[0]).toMatchObject({ kind: 'similarity', pass: false, negated, error: expect.stringContaining('zero vector') })
    expect(records[0]).not.toHaveProperty('similarity')
  })

  test.each([false, true])('a failed call fails with the cause and its requests, never a pass (negated: %s)', async (negated) => {
    use()
    server.script({ kind: 'status', status: 400, message: 'The model does not exist' })
    const run = () => (negated ? expect('a').not.toBeSemanticallySimilarTo('b') : expect('a').toBeSemanticallySimilarTo('b'))
    const message = await failure(run)
    expect(message).toBe(`toBeSemanticallySimilarTo: no similarity was computed, so the assertion cannot pass.\nNo embedding model gave vectors:\n  embedding model text-embedding-3-small at ${server.url}: 400 The model does not exist`)
    expect(records[0]).toMatchObject({ pass: false, negated, requests: 1 })
  })

  test('recorded, then replayed with no request and the same similarity; under lockdown a missing vector fails naming the cassette', async () => {
    use(SIXTY, 'auto')
    await expect('first text').not.toBeSemanticallySimilarTo('second text')
    use(undefined, 'auto')
    await expect('first text').not.toBeSemanticallySimilarTo('second text')
    expect(server.requests).toHaveLength(0)
    expect(records[1]).toMatchObject({ similarity: 0.6, replayed: true, requests: 0, cost: 0 })
    const replayed = await failure(() => expect('first text').toBeSemanticallySimilarTo('second text'))
    expect(replayed).toContain('Embeddings: text-embedding-3-small, replayed from the cassette')

    use(undefined, 'lockdown')
    const message = await failure(() => expect('first text').not.toBeSemanticallySimilarTo('a text never recorded'))
    expect(message).toContain(`toBeSemanticallySimilarTo: no similarity was computed, so the assertion cannot pass.\nNo recorded answer for this LLM request (key ${embeddingKey('text-embedding-3-small', 'a text never recorded')}) in ${cassettePath(__filename)}, and the cache mode is lockdown`)
    expect(records.at(-1)).toMatchObject({ pass: false, cassetteMiss: true })
    expect(server.requests).toHaveLength(0)
  })
})
