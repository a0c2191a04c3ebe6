import { afterEach, describe, expect, test } from 'vitest'
import { flushReports, formatSummary, remoteFlights, remotePacer, reportTo, startCoordinator, type Coordinator } from '../../src/judge/coordinator.js'

let coordinator: Coordinator | undefined
afterEach(() => coordinator?.close())

describe('coordinator', () => {
  test('one budget for every worker: reservations from two clients share one pace', async () => {
    coordinator = await startCoordinator({ requestsPerMinute: 600 })
    const a = remotePacer(coordinator.url)
    const b = remotePacer(coordinator.url)
    const waits = [await a.reserve(0), await b.reserve(0), await a.reserve(0), await b.reserve(0)]
    // 600 per minute is one per 100 ms; each reservation takes the next slot whoever asks.
    for (let i = 1; i < waits.length; i++) expect(waits[i]! - waits[i - 1]!).toBeGreaterThan(60)
  })

  test('workers bring their configured budget, and a 429 back-off holds everyone', async () => {
    coordinator = await startCoordinator()
    const a = remotePacer(coordinator.url, { rpm: 60 })
    expect(await a.reserve(0)).toBe(0)
    expect(await a.reserve(0)).toBeGreaterThan(900)
    const b = remotePacer(coordinator.url)
    b.backOff(5_000)
    await new Promise((r) => setTimeout(r, 50))
    expect(await b.reserve(0)).toBeGreaterThan(3_000)
  })

  test('single-flight: the first asker leads, the others receive its result', async () => {
    coordinator = await startCoordinator()
    const flights = remoteFlights(coordinator.url)
    expect(await flights.begin('k')).toEqual({ lead: true })
    const follower = flights.begin('k')
    await flights.end('k', { answer: 42 })
    expect(await follower).toEqual({ lead: false, result: { answer: 42 } })
    expect(await flights.begin('k')).toEqual({ lead: true })
    await flights.end('k', null)
  })

  test('collects the workers\' records into one end-of-run summary', async () => {
    coordinator = await startCoordinator()
    const verdict = (replayed: boolean) => ({ replayed, requests: replayed ? 0 : 1, usage: { prompt_tokens: 80, completion_tokens: 20, total_tokens: 100 }, cost: 0.0012 })
    const judge = (replayed: boolean) => ({ kind: 'judge' as const, matcher: 'toScoreAtLeast', pass: true, threshold: 7, every: false, negated: false, verdict: verdict(replayed) as never })
    reportTo(coordinator.url, judge(false))
    reportTo(coordinator.url, judge(true))
    reportTo(coordinator.url, { kind: 'judge', matcher: 'toScoreAtLeast', pass: false, threshold: 7, every: false, negated: false, error: 'No judge gave a verdict' })
    reportTo(coordinator.url, { kind: 'llm-call', url: '/v1/chat/completions', model: 'gpt-4o-mini', replayed: true, status: 200, usage: undefined, cost: undefined, latencyMs: 3 })
    reportTo(coordinator.url, { kind: 'cassette', testPath: 'a.test.ts', path: '__llm_cassettes__/a.test.ts.json', obsolete: ['k1', 'k2'], pruned: 0 })
    await flushReports()
    expect(formatSummary(coordinator.summary())).toBe(
      [
        'assay: 2 judge verdicts (1 live, 1 replayed), 1 without a verdict; 1 request, 100 tokens, $0.0012',
        'assay: 1 app LLM call through recordingFetch',
        'assay: 2 obsolete entries in __llm_cassettes__/a.test.ts.json; run with -u or ASSAY_UPDATE=1 to remove',
      ].join('\n'),
    )
    expect(formatSummary({ verdicts: 0, live: 0, replayed: 0, failures: 0, requests: 0, tokens: 0, cost: 0, appCalls: 0, obsolete: [], pruned: 0, baselines: { written: 0, updated: 0 } })).toBeUndefined()
  })
})
