import { describe, expect, test } from 'vitest'
import { classifyFailure, parseDuration, retryDelay, serverRetryAfter } from '../../src/judge/retry.js'

const headers = (h: Record<string, string>) => ({ get: (name: string) => h[name] ?? null })

describe('classifyFailure', () => {
  test.each([
    [{ status: 408 }, 'retry'],
    [{ status: 409 }, 'retry'],
    [{ status: 429, code: 'rate_limit_exceeded' }, 'retry'],
    [{ status: 500 }, 'retry'],
    [{ status: 503 }, 'retry'],
    [{ name: 'APIConnectionError' }, 'retry'],
    [{ name: 'APIConnectionTimeoutError' }, 'retry'],
    [{ status: 429, code: 'insufficient_quota' }, 'quota'],
    [{ status: 400 }, 'fatal'],
    [{ status: 401 }, 'fatal'],
    [{ status: 404 }, 'fatal'],
    [new TypeError('bug'), 'fatal'],
  ])('%o is %s', (error, kind) => {
    expect(classifyFailure(error)).toBe(kind)
  })
})

describe('retry delays', () => {
  test('honour retry-after-ms first, then retry-after in seconds or as a date', () => {
    expect(serverRetryAfter({ headers: headers({ 'retry-after-ms': '1500', 'retry-after': '9' }) })).toBe(1500)
    expect(serverRetryAfter({ headers: headers({ 'retry-after': '2' }) })).toBe(2000)
    expect(serverRetryAfter({ headers: headers({ 'retry-after': new Date(10_000).toUTCString() }) }, 7_000)).toBe(3000)
    expect(serverRetryAfter({ headers: headers({ 'retry-after': 'soon' }) })).toBeUndefined()
    expect(serverRetryAfter({})).toBeUndefined()
  })

  test('back off exponentially with full jitter, capped', () => {
    expect(retryDelay(0, {}, { random: () => 0.999 })).toBe(500)
    expect(retryDelay(3, {}, { random: () => 0.5 })).toBe(2000)
    expect(retryDelay(20, {}, { random: () => 0.999, maxMs: 10_000 })).toBe(9990)
    expect(retryDelay(0, {}, { random: () => 0 })).toBe(0)
    expect(retryDelay(5, { headers: headers({ 'retry-after-ms': '700' }) })).toBe(700)
  })

  test('parse OpenAI reset durations and reject the rest', () => {
    expect(parseDuration('1s')).toBe(1000)
    expect(parseDuration('6m0s')).toBe(360_000)
    expect(parseDuration('20ms')).toBe(20)
    expect(parseDuration('1h2m3.5s')).toBe(3_723_500)
    for (const bad of ['', 'soon', '-3s', '3 fortnights', null, undefined]) expect(parseDuration(bad)).toBeUndefined()
  })
})

describe('prices', async () => {
  const { costOf, priceOf } = await import('../../src/judge/prices.js')
  test('price dated snapshots by their family, and compute cost', () => {
    expect(priceOf('gpt-4o-mini-2024-07-18')).toEqual({ input: 0.15, output: 0.6 })
    expect(priceOf('gpt-4o-2024-08-06')).toEqual({ input: 2.5, output: 10 })
    expect(priceOf('llama3.1:8b')).toBeUndefined()
    expect(priceOf('llama3.1:8b', { 'llama3.1:8b': { input: 0, output: 0 } })).toEqual({ input: 0, output: 0 })
    expect(costOf({ prompt_tokens: 1_000_000, completion_tokens: 500_000 }, priceOf('gpt-4o-mini'))).toBeCloseTo(0.45)
    expect(costOf({ prompt_tokens: 10, completion_tokens: 10 }, undefined)).toBeUndefined()
  })
})
