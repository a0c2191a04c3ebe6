import { afterEach, describe, expect, test } from 'vitest'
import { remoteFlights, remotePacer, startCoordinator, type Coordinator } from '../../src/judge/coordinator.js'

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
})
