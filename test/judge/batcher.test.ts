import { afterEach, describe, expect, test, vi } from 'vitest'
import { localBatcher, type EmbedCall } from '../../src/judge/batcher.js'

// A fake endpoint: each input's vector is [its length, its first char code], so a caller can
// tell its own vector from another's; usage is one token per character.
function fakeSend(options: { fail?: (inputs: string[]) => Error | undefined; cost?: number; reply?: (inputs: string[]) => number[][] } = {}) {
  const calls: string[][] = []
  const send = vi.fn(async (inputs: string[]): Promise<EmbedCall> => {
    calls.push(inputs)
    await Promise.resolve()
    const error = options.fail?.(inputs)
    if (error) throw error
    const tokens = inputs.reduce((n, t) => n + t.length, 0)
    return {
      vectors: options.reply?.(inputs) ?? inputs.map(vectorOf),
      model: 'embed-model',
      requests: 1,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
      cost: options.cost,
      latencyMs: 7,
    }
  })
  return { send, calls }
}
const vectorOf = (input: string) => [input.length, input.charCodeAt(0)]

// Timers a test controls, like the batcher's default (node:timers) but fakeable.
const fakeable = { setTimeout: (f: () => void, ms: number) => setTimeout(f, ms), clearTimeout: (t: NodeJS.Timeout) => clearTimeout(t) }

afterEach(() => {
  vi.useRealTimers()
})

describe('localBatcher', () => {
  test('concurrent callers share one request, and each gets the vector of its own input', async () => {
    const { send, calls } = fakeSend()
    const batcher = localBatcher(send, { maxBatchSize: 10, maxWaitMs: 5 })
    const results = await Promise.all(['alpha', 'be', 'gamma ray'].map((t) => batcher.embed(t)))
    expect(calls).toEqual([['alpha', 'be', 'gamma ray']])
    expect(results.map((r) => r.vector)).toEqual([vectorOf('alpha'), vectorOf('be'), vectorOf('gamma ray')])
  })

  test('a batch leaves as soon as it holds maxBatchSize inputs; the rest wait for the next', async () => {
    vi.useFakeTimers()
    const { send, calls } = fakeSend()
    const batcher = localBatcher(send, { maxBatchSize: 2, maxWaitMs: 1_000, timers: fakeable })
    const pending = ['a1', 'b22', 'c333', 'd4444', 'e5'].map((t) => batcher.embed(t))
    await vi.advanceTimersByTimeAsync(0)
    // Two full batches left at once, with no wait; the fifth input waits for more.
    expect(calls).toEqual([
      ['a1', 'b22'],
      ['c333', 'd4444'],
    ])
    await vi.advanceTimersByTimeAsync(999)
    expect(calls).toHaveLength(2)
    await vi.advanceTimersByTimeAsync(1)
    expect(calls[2]).toEqual(['e5'])
    expect((await Promise.all(pending)).map((r) => r.vector)).toEqual(['a1', 'b22', 'c333', 'd4444', 'e5'].map(vectorOf))
  })

  test('a batch leaves maxWaitMs after its first input, with what joined it meanwhile', async () => {
    vi.useFakeTimers()
    const { calls, send } = fakeSend()
    const batcher = localBatcher(send, { maxBatchSize: 100, maxWaitMs: 50, timers: fakeable })
    const first = batcher.embed('first')
    await vi.advanceTimersByTimeAsync(30)
    const second = batcher.embed('second')
    await vi.advanceTimersByTimeAsync(19)
    expect(calls).toEqual([])
    await vi.advanceTimersByTimeAsync(1)
    expect(calls).toEqual([['first', 'second']])
    await Promise.all([first, second])
    // The next input opens a new batch with its own wait.
    const third = batcher.embed('third')
    await vi.advanceTimersByTimeAsync(49)
    expect(calls).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(calls[1]).toEqual(['third'])
    await third
  })

  test('maxWaitMs 0 still coalesces the inputs that arrive in the same tick', async () => {
    const { send, calls } = fakeSend()
    const batcher = localBatcher(send, { maxBatchSize: 10, maxWaitMs: 0 })
    await Promise.all([batcher.embed('one'), batcher.embed('two'), batcher.embed('three')])
    await batcher.embed('four')
    expect(calls).toEqual([['one', 'two', 'three'], ['four']])
  })

  test("a test's fake timers do not hold a batch back", async () => {
    // The batcher's own timers are node:timers, which a test's fake timers leave alone.
    vi.useFakeTimers()
    const { send } = fakeSend()
    const batcher = localBatcher(send, { maxBatchSize: 10, maxWaitMs: 20 })
    const result = batcher.embed('frozen clock')
    vi.useRealTimers()
    expect((await result).vector).toEqual(vectorOf('frozen clock'))
  })

  test('identical inputs in one batch are sent once, and each caller gets the vector', async () => {
    const { send, calls } = fakeSend()
    const batcher = localBatcher(send, { maxBatchSize: 10, maxWaitMs: 5 })
    const results = await Promise.all(['same', 'other', 'same', 'same'].map((t) => batcher.embed(t)))
    expect(calls).toEqual([['same', 'other']])
    expect(results.map((r) => r.vector)).toEqual(['same', 'other', 'same', 'same'].map(vectorOf))
  })

  test('a deduplicated input does not count twice towards maxBatchSize', async () => {
    const { send, calls } = fakeSend()
    const batcher = localBatcher(send, { maxBatchSize: 2, maxWaitMs: 5 })
    await Promise.all(['x', 'x', 'x', 'y', 'z'].map((t) => batcher.embed(t)))
    expect(calls).toEqual([['x', 'y'], ['z']])
  })

  test("each caller's share: the request counted once, tokens and cost split by input length", async () => {
    const { send } = fakeSend({ cost: 0.009 })
    const batcher = localBatcher(send, { maxBatchSize: 10, maxWaitMs: 5 })
    // The two 'aa' callers split one input's 2 tokens; 'bbbb' has 4: 6 in all.
    const shares = (await Promise.all(['aa', 'bbbb', 'aa'].map((t) => batcher.embed(t)))).map((r) => r.share)
    expect(shares.map((s) => s.requests)).toEqual([1, 0, 0])
    expect(shares.map((s) => s.usage.total_tokens)).toEqual([1, 4, 1])
    expect(shares.map((s) => s.usage.prompt_tokens)).toEqual([1, 4, 1])
    expect(shares.map((s) => s.cost)).toEqual([0.0015, 0.006, 0.0015].map((c) => expect.closeTo(c, 12)))
    expect(shares[0]).toMatchObject({ model: 'embed-model', latencyMs: 7, batchSize: 2 })
  })

  test('token shares are whole numbers that add up to the request\'s usage', async () => {
    const { send } = fakeSend()
    const batcher = localBatcher(send, { maxBatchSize: 10, maxWaitMs: 5 })
    const shares = (await Promise.all(['a', 'b', 'c'].map((t) => batcher.embed(t)))).map((r) => r.share)
    const tokens = shares.map((s) => s.usage.total_tokens)
    expect(tokens.every(Number.isInteger)).toBe(true)
    expect(tokens.reduce((a, b) => a + b)).toBe(3)
    expect(shares.map((s) => s.cost)).toEqual([undefined, undefined, undefined])
  })

  test('a failed request fails every caller of its batch with the error, and the next batch still works', async () => {
    const boom = new Error('embeddings endpoint answered 500')
    const { send, calls } = fakeSend({ fail: (inputs) => (inputs.includes('bad') ? boom : undefined) })
    const batcher = localBatcher(send, { maxBatchSize: 10, maxWaitMs: 5 })
    const outcomes = await Promise.allSettled(['bad', 'good', 'bad'].map((t) => batcher.embed(t)))
    expect(outcomes).toEqual([
      { status: 'rejected', reason: boom },
      { status: 'rejected', reason: boom },
      { status: 'rejected', reason: boom },
    ])
    expect((await batcher.embed('later')).vector).toEqual(vectorOf('later'))
    expect(calls).toEqual([['bad', 'good'], ['later']])
  })

  test('a send that throws at once fails its callers too', async () => {
    const batcher = localBatcher(
      () => {
        throw new Error('no endpoint configured')
      },
      { maxBatchSize: 10, maxWaitMs: 1 },
    )
    await expect(batcher.embed('x')).rejects.toThrow('no endpoint configured')
  })

  test.each([
    ['fewer vectors than inputs', () => [[1, 2]], /2 inputs.*1 vector/],
    ['a vector that is not a list of finite numbers', () => [[1, 2], [1, Number.NaN]], /vector 1 .*finite numbers/],
  ])('a reply with %s fails every caller, saying so', async (_name, reply, message) => {
    const { send } = fakeSend({ reply })
    const batcher = localBatcher(send, { maxBatchSize: 10, maxWaitMs: 1 })
    const outcomes = await Promise.allSettled([batcher.embed('p'), batcher.embed('q')])
    for (const o of outcomes) expect(o.status === 'rejected' && String(o.reason)).toMatch(message)
  })

  test('a reply without usage fails every caller, saying so, rather than leaving them waiting', async () => {
    const batcher = localBatcher(async (inputs) => ({ vectors: inputs.map(vectorOf), model: 'm' }) as unknown as EmbedCall, { maxBatchSize: 10, maxWaitMs: 1 })
    await expect(batcher.embed('p')).rejects.toThrow(/unusable reply: its usage has no token counts/)
  })

  test('an aborted caller leaves the batch before it is sent; the others get their vectors', async () => {
    const { send, calls } = fakeSend()
    const batcher = localBatcher(send, { maxBatchSize: 10, maxWaitMs: 5 })
    const controller = new AbortController()
    const left = batcher.embed('leaver', controller.signal)
    const stays = batcher.embed('stayer')
    controller.abort(new Error('test ended'))
    await expect(left).rejects.toThrow('test ended')
    expect((await stays).vector).toEqual(vectorOf('stayer'))
    expect(calls).toEqual([['stayer']])
  })

  test('a batch whose callers all left is not sent', async () => {
    vi.useFakeTimers()
    const { send } = fakeSend()
    const batcher = localBatcher(send, { maxBatchSize: 10, maxWaitMs: 5, timers: fakeable })
    const controller = new AbortController()
    const results = Promise.allSettled([batcher.embed('a', controller.signal), batcher.embed('a', controller.signal)])
    controller.abort()
    await vi.advanceTimersByTimeAsync(100)
    expect(send).not.toHaveBeenCalled()
    for (const r of await results) expect(r).toMatchObject({ status: 'rejected', reason: { name: 'AbortError' } })
  })

  test('a caller aborted after its batch left is answered at once; the others still get theirs', async () => {
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const { send: inner } = fakeSend()
    const batcher = localBatcher(
      async (inputs) => {
        await gate
        return inner(inputs)
      },
      { maxBatchSize: 2, maxWaitMs: 5 },
    )
    const controller = new AbortController()
    const left = batcher.embed('leaver', controller.signal)
    const stays = batcher.embed('stayer')
    await new Promise((r) => setTimeout(r, 20))
    controller.abort(new Error('gave up'))
    await expect(left).rejects.toThrow('gave up')
    release()
    const { vector, share } = await stays
    expect(vector).toEqual(vectorOf('stayer'))
    // The one caller left carries the whole request.
    expect(share).toMatchObject({ requests: 1, usage: { total_tokens: 12 } })
  })

  test('a signal aborted before the call rejects without sending', async () => {
    const { send } = fakeSend()
    const batcher = localBatcher(send, { maxBatchSize: 10, maxWaitMs: 1 })
    await expect(batcher.embed('x', AbortSignal.abort(new Error('already over')))).rejects.toThrow('already over')
    await new Promise((r) => setTimeout(r, 10))
    expect(send).not.toHaveBeenCalled()
  })

  test('options and inputs are checked', async () => {
    const { send } = fakeSend()
    expect(() => localBatcher(send, { maxBatchSize: 0, maxWaitMs: 1 })).toThrow(/maxBatchSize must be a whole number of at least 1, got 0/)
    expect(() => localBatcher(send, { maxBatchSize: 2, maxWaitMs: -1 })).toThrow(/maxWaitMs must be a number of at least 0, got -1/)
    const batcher = localBatcher(send, { maxBatchSize: 2, maxWaitMs: 1 })
    await expect(batcher.embed(42 as unknown as string)).rejects.toThrow(/embed\(\) takes one string input, got number/)
  })
})
