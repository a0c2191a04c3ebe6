// The semantic judge cache under real runners: turned on by ASSAY_SEMANTIC_CACHE=1, a
// near-duplicate output reuses the recorded verdict (one judge request fewer, marked in
// results.json), a look-alike with another decision is judged afresh, and under lockdown
// (where the cache stays off unless configured for it) a verdict never recorded stays a miss.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { startFixtureServer, type FixtureServer } from '../../fixtures/server/index.js'
import { parseResults } from '../../src/report/schema.js'
import { FixtureProject, runners, type Runner } from './harness.js'

const BODY = `
test('first', async () => {
  await expect('Your refund of $40 was approved.').toScoreAtLeast(7, { criteria: 'accuracy' })
})
test('near-duplicate', async () => {
  await expect('Your  refund of $40 was  approved.').toScoreAtLeast(7, { criteria: 'accuracy' })
})
test('trap', async () => {
  await expect('Your refund of $40 was denied.').not.toScoreAtLeast(7, { criteria: 'accuracy' })
})
`

const used: Runner[] = runners.filter((r) => ['vitest-esm', 'vitest5', 'jest-cjs'].includes(r.project))

describe.each(used)('$name', (runner) => {
  let project: FixtureProject
  let server: FixtureServer
  beforeAll(async () => {
    project = new FixtureProject(runner.project, inject('assayPackage'), runner.trees?.())
    project.writeTest('cache.test.js', BODY)
    // The judge scores a decision: approved 9, denied 2.
    server = await startFixtureServer({
      respond: (body) => {
        const text = JSON.stringify(body.messages)
        return JSON.stringify({ criteria: { accuracy: { reasoning: 'Read the decision.', score: /denied/.test(text) ? 2 : 9 } } })
      },
    })
  })
  afterAll(async () => {
    await server?.close()
    project?.remove()
  })

  test('a near-duplicate reuses the verdict, a trap is judged afresh, and lockdown keeps a never-recorded verdict a miss', async () => {
    const env = { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'sk-e2e-key', ASSAY_SEMANTIC_CACHE: '1' }
    const recorded = await runner.run(project, undefined, 'cache.test.js', { ...env, CI: '', ASSAY_CACHE: 'auto' })
    expect(recorded.code, recorded.output).toBe(0)
    expect(server.requests.filter((r) => r.path === '/v1/chat/completions')).toHaveLength(2)
    const results = parseResults(readFileSync(join(project.dir, 'assay-report/results.json'), 'utf8'))
    const judged = (title: string) => results.files[0]!.tests.find((t) => t.titles.at(-1) === title)!.assertions[0]!
    expect(judged('near-duplicate')).toMatchObject({ pass: true, judge: { replayed: true, requests: 0, reusedFrom: { output: 'Your refund of $40 was approved.' } } })
    expect(judged('trap').judge?.reusedFrom).toBeUndefined()
    expect(judged('first').judge?.reusedFrom).toBeUndefined()
    // Every look-up's embedding is on its assertion, apart from the judge's requests, and the
    // totals and both summaries say what the cache cost and what it saved.
    for (const title of ['first', 'near-duplicate', 'trap']) expect(judged(title).judge?.semanticCache).toMatchObject({ replayed: false, requests: expect.any(Number) })
    const lookups = ['first', 'near-duplicate', 'trap'].reduce((n, title) => n + judged(title).judge!.semanticCache!.requests, 0)
    expect(lookups).toBe(server.requests.filter((r) => r.path === '/v1/embeddings').length)
    expect(results.totals.judge.requests).toBe(2)
    expect(results.totals.judge.semanticCache).toMatchObject({ lookups: 3, requests: lookups, reused: 1, callsSaved: 1, saved: expect.closeTo(judged('near-duplicate').judge!.cost!, 5) })
    expect(results.totals.judge.semanticCache!.cost).toBeGreaterThan(0)
    expect(recorded.output).toContain(`assay: semantic cache 3 look-ups, ${lookups} embedding request${lookups === 1 ? '' : 's'}`)
    expect(recorded.output).toMatch(/1 verdict reused, 1 judge call saved/)

    // On CI the cache is off (no { lockdown: true }): the near-duplicate has no answer of its own.
    const before = server.requests.length
    const replayed = await runner.run(project, undefined, 'cache.test.js', { ...env, CI: 'true' })
    expect(replayed.code, replayed.output).toBe(1)
    const outcomes = project.results()
    expect(outcomes.get('first')?.status).toBe('passed')
    expect(outcomes.get('trap')?.status).toBe('passed')
    expect(outcomes.get('near-duplicate')?.status).toBe('failed')
    expect(outcomes.get('near-duplicate')?.message).toContain('cache.test.js.json')
    expect(server.requests.length).toBe(before)
  })
})

// Every similarity is 1 here, so the guard alone decides: each trap differs from the output
// judged before it only in a disguise, and must be judged afresh; the near-duplicate shows
// that the cache still reuses what only differs in spacing.
const PAD = ' Thank you for contacting support about your order today.'
const FIRSTS = [
  'Your refund is approved.',
  'Alice refunded the order. Bob charged the card.',
  'Refund approved: Y',
  'Refund approved: \u2713',
  'Refund status = approved.',
  'Your account balance is $50 after the adjustment.',
  'Ihre Erstattung betr\u00E4gt 500 \u20AC und wurde genehmigt.',
  'Set the gateway to 192.168.1.1 today.',
  'The area is return w * h in the code.',
  '-- Keep the real orders; remove the test rows first:\nDELETE FROM orders WHERE test = true;',
  '{"refund": "approved", "amount": 40}',
  'The number of ways to order n distinct items is n!',
]
const TRAPS = [
  'Your refund isnt approved.',
  'Your refund isn\u00B4t approved.',
  'Your refund isn`t approved.',
  'Your refund is n\u2019t approved.',
  'Your refund is nt approved.',
  'Your refund is un-approved.',
  'Your refund is approved? Nope.',
  'Your refund is approved. JK.',
  'Your refund is a\u0336p\u0336p\u0336r\u0336o\u0336v\u0336e\u0336d\u0336.',
  'Your refund is ~~approved~~.',
  'Bob refunded the order. Alice charged the card.',
  'Refund approved: N',
  'Refund approved: \u2717',
  'Refund status \u2260 approved.',
  'Your account balance is \u2013$50 after the adjustment.',
  'Ihre Erstattung betr\u00E4gt 500 $ und wurde genehmigt.',
  'Ihre Erstattung betr\u00E4gt 500 \u20AC und w\u00FCrde genehmigt.',
  'Set the gateway to 192.168.1.10 today.',
  'The area is return w / h in the code.',
  // The DELETE moved onto the comment's line, so it never runs; quotes that are no JSON
  // delimiters; a factorial written as a full stop.
  '-- Keep the real orders; remove the test rows first: DELETE FROM orders WHERE test = true;',
  '{\u201Crefund\u201D: \u201Capproved\u201D, \u201Camount\u201D: 40}',
  'The number of ways to order n distinct items is n.',
]
const NEAR = 'Your  refund is approved.'
const TRAP_BODY = [
  ...FIRSTS.map((o, i) => `test('first ${i}', async () => { await expect(${JSON.stringify(o + PAD)}).toScoreAtLeast(7, { criteria: 'accuracy' }) })`),
  `test('near-duplicate', async () => { await expect(${JSON.stringify(NEAR + PAD)}).toScoreAtLeast(7, { criteria: 'accuracy' }) })`,
  ...TRAPS.map((o, i) => `test('trap ${i}', async () => { await expect(${JSON.stringify(o + PAD)}).not.toScoreAtLeast(7, { criteria: 'accuracy' }) })`),
].join('\n')

describe.each(runners.filter((r) => ['vitest-esm', 'vitest5', 'jest-cjs'].includes(r.project)))('$name: disguised traps under a constant embedding', (runner) => {
  let project: FixtureProject
  let server: FixtureServer
  beforeAll(async () => {
    project = new FixtureProject(runner.project, inject('assayPackage'), runner.trees?.())
    project.writeTest('traps.test.js', TRAP_BODY)
    const good = new Set([...FIRSTS, NEAR].map((o) => o + PAD))
    server = await startFixtureServer({
      embeddings: (texts) => texts.map(() => [1, 0, 0, 0]),
      respond: (body) => {
        const output = /OUTPUT:\n<<<(ASSAY-[0-9a-f]+)\n([\s\S]*)\n\1>>>/.exec(String(body.messages.at(-1)?.content))?.[2] ?? ''
        return JSON.stringify({ criteria: { accuracy: { reasoning: 'Read the decision.', score: good.has(output) ? 9 : 2 } } })
      },
    })
  })
  afterAll(async () => {
    await server?.close()
    project?.remove()
  })

  test('no trap reuses the verdict of an output judged good, and each fails the score; the near-duplicate is reused', async () => {
    const run = await runner.run(project, undefined, 'traps.test.js', { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'sk-e2e-key', ASSAY_SEMANTIC_CACHE: '1', CI: '', ASSAY_CACHE: 'auto' })
    expect(run.code, run.output).toBe(0)
    const results = parseResults(readFileSync(join(project.dir, 'assay-report/results.json'), 'utf8'))
    const judged = (title: string) => results.files[0]!.tests.find((t) => t.titles.at(-1) === title)!.assertions[0]!
    expect(judged('near-duplicate').judge?.reusedFrom).toMatchObject({ output: FIRSTS[0] + PAD, similarity: 1 })
    // A trap may share the verdict of another spelling of the same trap ("isnt", "is n’t"),
    // never that of an output judged good.
    const fromTraps = TRAPS.map((_, i) => judged(`trap ${i}`).judge?.reusedFrom?.output)
    for (const [i, from] of fromTraps.entries()) if (from !== undefined) expect(TRAPS.map((t) => t + PAD), TRAPS[i]).toContain(from)
    const reused = fromTraps.filter((f) => f !== undefined).length
    expect(reused).toBeLessThan(TRAPS.length / 2)
    expect(server.requests.filter((r) => r.path === '/v1/chat/completions')).toHaveLength(FIRSTS.length + TRAPS.length - reused)
  })
})
