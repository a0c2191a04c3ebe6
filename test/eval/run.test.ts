import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { z } from 'zod'
import { caseVerdict, defineEval, describeEvalFor, Slots, type EvalOptions, type EvalRunner } from '../../src/eval/run.js'
import type { CaseOutcome } from '../../src/eval/types.js'
import { setRecordSink, type AssayRecord, type EvalCaseRecord, type RecordOwner } from '../../src/report/records.js'
import { registerSecret, resetSecrets } from '../../src/secrets.js'
import { usageError } from '../helpers.js'
import { onProgress, type ProgressNotice } from '../../src/eval/progress.js'
import { useProgressTarget } from '../../src/eval/progress-notice.js'
import { startCoordinator } from '../../src/judge/coordinator.js'
import { startFixtureServer, type FixtureServer } from '../../fixtures/server/index.js'
import { configure, resetConfig } from '../../src/config.js'
import { judgeRuntime, useRunnerConcurrency } from '../../src/judge/runtime.js'

interface Declared {
  describes: { name: string; mode: string }[]
  tests: { name: string; body: (owner: RecordOwner | undefined) => Promise<void>; options: { concurrent: boolean; timeout: number } }[]
  afterAll: (() => void | Promise<void>)[]
  raised: number[]
}

let files = 0

/**
 * A runner that records what describeEval declares, so a test can run it step by step; each
 * is a test file of its own unless `file` names one.
 */
function fakeRunner(config: { maxConcurrency?: number; testTimeout?: number } = {}, file = `${process.cwd()}/evals/news-${++files}.test.ts`): { runner: EvalRunner; declared: Declared } {
  const declared: Declared = { describes: [], tests: [], afterAll: [], raised: [] }
  const runner: EvalRunner = {
    describe: (name, body, mode) => {
      declared.describes.push({ name, mode })
      body()
    },
    test: (name, body, options) => void declared.tests.push({ name, body, options }),
    afterAll: (fn) => void declared.afterAll.push(fn),
    testPath: () => file,
    root: () => process.cwd(),
    maxConcurrency: () => config.maxConcurrency,
    testTimeout: () => config.testTimeout,
    raiseConcurrency: (n) => void declared.raised.push(n),
  }
  return { runner, declared }
}

const schema = z.object({ id: z.string(), text: z.string() })
const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `r${i}`, text: `row ${i}` }))
const options = (extra: Partial<EvalOptions<z.infer<typeof schema>, string>> = {}): EvalOptions<z.infer<typeof schema>, string> => ({ data: rows(3), schema, task: (row) => row.text.toUpperCase(), ...extra })
const runAll = (d: Declared) => Promise.allSettled(d.tests.map((t) => t.body({ task: t.name })))
const afterAll = async (d: Declared) => {
  for (const fn of d.afterAll) await fn()
}

let records: { record: AssayRecord; owner: RecordOwner | undefined }[] = []
beforeEach(() => setRecordSink((record, owner) => records.push({ record, owner })))
afterEach(() => {
  setRecordSink(undefined)
  records = []
})

describe('describeEval', () => {
  test('declares a describe block of the dataset with one concurrent test per case, named by its id; .only and .skip pass on', () => {
    const { runner, declared } = fakeRunner({ maxConcurrency: 5, testTimeout: 5000 })
    const describeEval = describeEvalFor(() => runner)
    describeEval('news', options())
    describeEval.only('only', options())
    describeEval.skip('skip', options())
    expect(declared.describes).toEqual([
      { name: 'news', mode: 'run' },
      { name: 'only', mode: 'only' },
      { name: 'skip', mode: 'skip' },
    ])
    expect(declared.tests.slice(0, 3).map((t) => [t.name, t.options.concurrent])).toEqual([
      ['r0', true],
      ['r1', true],
      ['r2', true],
    ])
    expect(declared.afterAll).toHaveLength(3)
  })

  test('each case emits its eval-case record, and its trials\' records, to its own test, with the thresholds and the data file', async () => {
    const { runner, declared } = fakeRunner({ maxConcurrency: 5 })
    defineEval(runner, 'news', options({ trials: 2, thresholds: { passRate: 0.5 }, assert: (output) => expect(`- ${output}`).toHaveBullets({ max: 1 }) }), 'run')
    const settled = await runAll(declared)
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled'])
    // The matcher's own test is this unit test; the trial knows better.
    const checks = records.filter((r) => r.record.kind === 'check')
    expect(checks.map((c) => (c.owner as { task: string }).task).sort()).toEqual(['r0', 'r0', 'r1', 'r1', 'r2', 'r2'])
    const cases = records.filter((r) => r.record.kind === 'eval-case')
    expect(cases.map((c) => c.owner)).toEqual([{ task: 'r0' }, { task: 'r1' }, { task: 'r2' }])
    expect(cases[0]!.record).toMatchObject({ kind: 'eval-case', thresholds: { passRate: 0.5 }, case: { dataset: 'news', id: 'r0', passRate: 1, flaky: false, trials: [{ trial: 0, output: 'ROW 0' }, { trial: 1, output: 'ROW 0' }] } })
    expect(cases[0]!.record).not.toHaveProperty('source')
  })

  test('runs at most `concurrency` cases at once, raising the runner\'s lower limit to it', async () => {
    const { runner, declared } = fakeRunner({ maxConcurrency: 5 })
    let running = 0
    let peak = 0
    const task = async (row: { text: string }) => {
      running++
      peak = Math.max(peak, running)
      await new Promise((r) => setTimeout(r, 20))
      running--
      return row.text
    }
    defineEval(runner, 'wide', options({ data: rows(12), task, concurrency: 8 }), 'run')
    expect(declared.raised).toEqual([8])
    await runAll(declared)
    expect(peak).toBe(8)

    const narrow = fakeRunner({ maxConcurrency: 5 })
    peak = 0
    defineEval(narrow.runner, 'narrow', options({ data: rows(6), task, concurrency: 2 }), 'run')
    expect(narrow.declared.raised).toEqual([])
    await runAll(narrow.declared)
    expect(peak).toBe(2)
  })

  test("a dataset's concurrency raises the judge's only while its cases run: before and after, other requests of the worker keep the runner's limit", async () => {
    const servers = await Promise.all([0, 1, 2].map(() => startFixtureServer({ latencyMs: 150 })))
    const [before, during, after] = servers as [FixtureServer, FixtureServer, FixtureServer]
    const judgeAt = (server: FixtureServer) => configure({ judge: { baseURL: server.url, apiKey: 'sk-unit', maxRetries: 0 }, cache: { mode: 'off' } })
    const ask = (content: string) => judgeRuntime().client.complete({ messages: [{ role: 'user', content }] })
    const burst = (label: string) => Promise.all(Array.from({ length: 6 }, (_, i) => ask(`${label} ${i}`)))
    // As in Jest, raising the runner's limit for the file changes what the judge reads as the runner's limit.
    let limit = 2
    useRunnerConcurrency(() => limit)
    try {
      const { runner, declared } = fakeRunner({ maxConcurrency: 2 })
      runner.raiseConcurrency = (n) => void (limit = n)
      defineEval(runner, 'wide', options({ data: rows(6), concurrency: 6, task: async (row) => (await ask(row.text)).model }), 'run')
      judgeAt(before)
      await burst('plain before')
      expect(before.peakInFlight).toBe(2)
      judgeAt(during)
      expect((await runAll(declared)).map((s) => s.status)).toEqual(Array(6).fill('fulfilled'))
      expect(during.peakInFlight).toBe(6)
      judgeAt(after)
      await burst('plain after')
      expect(after.peakInFlight).toBe(2)
    } finally {
      useRunnerConcurrency(() => undefined)
      resetConfig()
      await Promise.all(servers.map((s) => s.close()))
    }
  })

  test('concurrency 1 declares plain tests; the default is the runner\'s limit', async () => {
    const one = fakeRunner({ maxConcurrency: 5 })
    defineEval(one.runner, 'serial', options({ concurrency: 1 }), 'run')
    expect(one.declared.tests.every((t) => !t.options.concurrent)).toBe(true)
    const byDefault = fakeRunner({ maxConcurrency: 3 })
    defineEval(byDefault.runner, 'default', options(), 'run')
    expect(byDefault.declared.raised).toEqual([])
    expect(byDefault.declared.tests.every((t) => t.options.concurrent)).toBe(true)
  })

  test('the case timeout starts once the case has its slot, and fails the case with what to change', async () => {
    const { runner, declared } = fakeRunner({ maxConcurrency: 5, testTimeout: 5000 })
    // Each case takes 100 ms (900 ms less than its timeout), one at a time: the last waits
    // at least 1,100 ms for its slot, longer than its timeout.
    defineEval(runner, 'slow', options({ data: rows(12), concurrency: 1, timeout: 1000, task: async (row) => (await new Promise((r) => setTimeout(r, 100)), row.text) }), 'run')
    const settled = await Promise.allSettled(declared.tests.map((t) => t.body(undefined)))
    expect(settled.map((s) => s.status)).toEqual(Array(12).fill('fulfilled'))
    const hung = fakeRunner({ maxConcurrency: 5 })
    defineEval(hung.runner, 'hung', options({ data: rows(1), timeout: 30, task: () => new Promise<string>(() => undefined) }), 'run')
    await expect(hung.declared.tests[0]!.body(undefined)).rejects.toThrow('describeEval: case "r0" of dataset "hung" took more than its timeout of 30 ms for 1 trial(s). Raise the timeout option of describeEval.')
  })

  test('the dataset\'s gates are checked over the cases that ran, and a failed gate throws its message', async () => {
    const { runner, declared } = fakeRunner({ maxConcurrency: 5 })
    defineEval(runner, 'gated', options({ data: rows(4), trials: 2, task: (row) => (row.id === 'r1' ? Promise.reject(new Error('no answer')) : row.text), thresholds: { passRate: 0.99 } }), 'run')
    // Nothing ran (all filtered out): no gate to check.
    await expect(afterAll(declared)).resolves.toBeUndefined()
    await runAll(declared)
    await expect(afterAll(declared)).rejects.toThrow(/^Dataset "gated" failed 1 of 1 gates:\n  - passRate: pass rate 75\.0% \(6\/8 trials of 4 cases, effective n 4\)/)
    const passing = fakeRunner({ maxConcurrency: 5 })
    defineEval(passing.runner, 'fine', options({ thresholds: { passRate: 0.1 } }), 'run')
    await runAll(passing.declared)
    await expect(afterAll(passing.declared)).resolves.toBeUndefined()
  })

  test('a case that times out counts in its dataset: its unfinished trials fail, with a latency of at least the timeout', async () => {
    // The other cases finish at once; r2's task never does.
    const { runner, declared } = fakeRunner({ maxConcurrency: 5 })
    const task = (row: { id: string; text: string }) => (row.id === 'r2' ? new Promise<string>(() => undefined) : row.text)
    defineEval(runner, 'p95', options({ data: rows(4), trials: 3, timeout: 500, task, thresholds: { passRate: 0.3, p95LatencyMs: 40 } }), 'run')
    const settled = await runAll(declared)
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled'])
    expect(String((settled[2] as PromiseRejectedResult).reason)).toMatch(/took more than its timeout of 500 ms for 3 trial\(s\)[^]*Trials that finished before: 0 of 3 \(0 passed\)/)
    const hung = records.map((r) => r.record).find((r): r is EvalCaseRecord => r.kind === 'eval-case' && r.case.id === 'r2')!
    expect(hung.case.trials.map((t) => [t.trial, t.pass, t.unfinished])).toEqual([
      [0, false, true],
      [1, false, true],
      [2, false, true],
    ])
    expect(hung.case.trials.every((t) => t.latencyMs >= 500 && /took more than its timeout of 500 ms/.test(t.error!))).toBe(true)
    await expect(afterAll(declared)).rejects.toThrow(/^Dataset "p95" failed 1 of 2 gates:\n {2}- p95LatencyMs: p95 trial latency \d+ ms exceeds the budget 40 ms/)
  })

  test('a dataset whose cases all timed out fails its gates: no trial finished', async () => {
    const { runner, declared } = fakeRunner({ maxConcurrency: 5 })
    defineEval(runner, 'all-timeout', options({ data: rows(2), timeout: 20, task: () => new Promise<string>(() => undefined), thresholds: { maxCost: 1 } }), 'run')
    await runAll(declared)
    expect(records.filter((r) => r.record.kind === 'eval-case')).toHaveLength(2)
    await expect(afterAll(declared)).rejects.toThrow(/^Dataset "all-timeout" failed 1 of 1 gates:\n {2}- maxCost: no trial finished: all 2 trial\(s\) of 2 case\(s\) were stopped by the case timeout/)
  })

  test('after its timeout a case starts no trial and runs no assertion', async () => {
    const { runner, declared } = fakeRunner({ maxConcurrency: 5 })
    let tasks = 0
    let asserts = 0
    let release!: () => void
    const held = new Promise<void>((r) => (release = r))
    // Trial 0 ends at once; trial 1's task is held until the case has timed out.
    const task = async (row: { text: string }) => {
      if (tasks++ === 1) await held
      return row.text
    }
    defineEval(runner, 'stop', options({ data: rows(1), trials: 5, timeout: 100, task, assert: () => void asserts++ }), 'run')
    await expect(declared.tests[0]!.body(undefined)).rejects.toThrow('took more than its timeout of 100 ms for 5 trial(s)')
    release()
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r))
    expect([tasks, asserts]).toEqual([2, 1])
  })

  test('the trial loop yields to the event loop, so the timeout fires although the task never waits on a timer', async () => {
    const { runner, declared } = fakeRunner({ maxConcurrency: 5 })
    let tasks = 0
    // Each trial holds the thread for 0.1 ms and awaits only a resolved promise: 2,000 trials
    // take at least 200 ms, ten times the timeout.
    const task = async (row: { text: string }) => {
      tasks++
      const until = performance.now() + 0.1
      while (performance.now() < until);
      await null
      return row.text
    }
    defineEval(runner, 'busy', options({ data: rows(1), trials: 2000, timeout: 20, task }), 'run')
    await expect(declared.tests[0]!.body(undefined)).rejects.toThrow('took more than its timeout of 20 ms for 2000 trial(s)')
    expect(tasks).toBeLessThan(2000)
  })

  test("a runner test timeout of 0, or one Node cannot time, means no case timeout, as in the runners", async () => {
    for (const testTimeout of [0, 3e9]) {
      const { runner, declared } = fakeRunner({ maxConcurrency: 5, testTimeout })
      defineEval(runner, 'untimed', options({ data: rows(1), task: async (row) => (await new Promise((r) => setTimeout(r, 30)), row.text) }), 'run')
      await expect(declared.tests[0]!.body(undefined)).resolves.toBeUndefined()
    }
  })

  test('a case verdict redacts known secrets from the output and the error', async () => {
    registerSecret('sk-unit-leak-0123456789')
    try {
      const { runner, declared } = fakeRunner({ maxConcurrency: 5 })
      defineEval(runner, 'leaky', options({ data: rows(1), task: () => 'reply with sk-unit-leak-0123456789', assert: (output) => expect(output).toBe('x') }), 'run')
      const error = await declared.tests[0]!.body(undefined).then(() => undefined, (e: Error) => e)
      expect(error!.message).toContain('Output: reply with [REDACTED]')
      expect(error!.message).not.toContain('sk-unit-leak')
    } finally {
      resetSecrets()
    }
  })

  test("tells the reporters' process of its cases for the progress line: declared, each done with its trials and live cost, and how many ran", async () => {
    const coordinator = await startCoordinator()
    const seen: ProgressNotice[] = []
    const stop = onProgress((n) => seen.push(n))
    try {
      useProgressTarget(coordinator.url)
      const { runner, declared } = fakeRunner({ maxConcurrency: 5 })
      defineEval(runner, 'news', options({ data: rows(4), trials: 2 }), 'run')
      defineEval(fakeRunner().runner, 'skipped', options(), 'skip')
      // Two of the four cases run, as under -t, the second twice, as a runner's retry does:
      // the retry runs nothing, so it tells nothing.
      await Promise.all(declared.tests.slice(0, 2).map((t) => t.body({ task: t.name })))
      await declared.tests[1]!.body({ task: 'r1' })
      await afterAll(declared)
      const key = `${runner.testPath()}\u0000news`
      expect(seen).toEqual([
        { type: 'declared', key, cases: 4, trials: 2 },
        { type: 'case', key, trials: 2, cost: 0 },
        { type: 'case', key, trials: 2, cost: 0 },
        { type: 'settled', key, ran: 2 },
      ])
    } finally {
      stop()
      useProgressTarget(undefined)
      await coordinator.close()
    }
  })

  test("a runner's retry of a case runs nothing: a failed case fails again with its first attempt's failure, and its records stay the first attempt's", async () => {
    const { runner, declared } = fakeRunner({ maxConcurrency: 5 })
    let tasks = 0
    // Only the first attempt's trials fail: a retry that ran again would pass and hide them.
    const task = (row: { id: string; text: string }) => (tasks++ < 2 && row.id === 'r0' ? Promise.reject(new Error('first attempt fails')) : row.text)
    defineEval(runner, 'retried', options({ data: rows(2), trials: 2, concurrency: 1, task, thresholds: { passRate: 0.6 } }), 'run')
    const [failing, passing] = declared.tests
    const first = await failing!.body({ task: 'r0' }).then(() => undefined, (e: Error) => e)
    expect(first!.message).toMatch(/^Case "r0" of dataset "retried" failed 2 of 2 trial\(s\)/)
    await passing!.body({ task: 'r1' })
    const before = { tasks, records: records.length }
    for (let retry = 0; retry < 2; retry++) {
      const again = await failing!.body({ task: 'r0' }).then(() => undefined, (e: Error) => e)
      expect(again!.message).toBe(`${first!.message}\n\nCase "r0" of dataset "retried" is not run again on a retry: its first attempt's trials are its result, so that a retry cannot hide a failed trial or its cost. For more samples, raise trials.`)
    }
    // A passed case run again passes again, without running either.
    await expect(passing!.body({ task: 'r1' })).resolves.toBeUndefined()
    expect({ tasks, records: records.length }).toEqual(before)
    await expect(afterAll(declared)).rejects.toThrow(/pass rate 50\.0% \(2\/4 trials of 2 cases/)
  })

  test('two datasets of one name in one file are a usage error naming both lines; in other files, or once the file ran, the name is free', async () => {
    const file = `${process.cwd()}/evals/twice.test.ts`
    const { runner, declared } = fakeRunner({ maxConcurrency: 5 }, file)
    const declare = () => defineEval(runner, 'same', options(), 'run')
    declare()
    const message = usageError(() => declare())
    expect(message).toMatch(/^describeEval: dataset "same" is declared twice in evals\/twice\.test\.ts: results, gates, progress and `assay gate` know a dataset by its file and name, so the two would be merged into one\. Give each describeEval its own name\.$/)
    expect(usageError(() => defineEval(runner, 'same', options(), 'skip'))).toMatch(/declared twice/)
    // Another file may use the name; so may this file's next run, once its cases have run.
    expect(() => defineEval(fakeRunner({ maxConcurrency: 5 }).runner, 'same', options(), 'run')).not.toThrow()
    await runAll(declared)
    expect(() => declare()).not.toThrow()
  })

  test('the usage error names the two lines of the test file that declared the dataset', () => {
    // This unit test's own file stands for the test file: its stack frames name it.
    const { runner } = fakeRunner({ maxConcurrency: 5 }, import.meta.filename)
    const lineOf = (stack: string) => Number(/:(\d+):\d+\)?$/.exec(stack.split('\n')[1]!)![1])
    const first = lineOf(new Error().stack!) + 1
    defineEval(runner, 'lines', options(), 'run')
    const second = lineOf(new Error().stack!) + 1
    const message = usageError(() => defineEval(runner, 'lines', options(), 'run'))
    expect(message).toContain(`is declared twice in test/eval/run.test.ts, at line ${first} and at line ${second}:`)
  })

  test('a bad option is a usage error saying what was expected', () => {
    const { runner } = fakeRunner()
    expect(usageError(() => defineEval(runner, 'news', options({ trials: 0 }), 'run'))).toBe('describeEval: dataset "news": trials must be a whole number of at least 1, but got 0.')
    expect(usageError(() => defineEval(runner, 'news', options({ trials: '5' as never }), 'run'))).toBe('describeEval: dataset "news": trials must be a whole number of at least 1, but got "5" (a string).')
    expect(usageError(() => defineEval(runner, 'news', options({ concurrency: [2] as never }), 'run'))).toBe('describeEval: dataset "news": concurrency must be a whole number of at least 1, but got an object.')
    expect(usageError(() => defineEval(runner, 'news', options({ concurrency: 1.5 }), 'run'))).toBe('describeEval: dataset "news": concurrency must be a whole number of at least 1, but got 1.5.')
    expect(usageError(() => defineEval(runner, 'news', options({ trials: 1e9 }), 'run'))).toBe('describeEval: dataset "news": trials must be at most 10,000, but got 1000000000: each trial runs the task and its assertions again, one after another; for more samples, add rows.')
    expect(usageError(() => defineEval(runner, 'news', options({ timeout: 3e9 }), 'run'))).toBe('describeEval: dataset "news": timeout must be at most 2,147,483,647, but got 3000000000: the longest timer Node can set (about 24.8 days); longer ones fire at once.')
    expect(usageError(() => defineEval(runner, 'news', options({ concurrency: 1001 }), 'run'))).toBe(
      'describeEval: dataset "news": concurrency must be at most 1,000, but got 1001: cases running at once share one worker, its sockets and its judge; for more throughput, run more workers or shards.',
    )
    expect(() => defineEval(runner, 'news', options({ trials: 10_000, timeout: 2 ** 31 - 1, concurrency: 1000 }), 'run')).not.toThrow()
    expect(usageError(() => defineEval(runner, 'news', options({ thresholds: { passRate: 2 } }), 'run'))).toMatch(/^describeEval: thresholds.passRate must be a number from 0 to 1/)
    expect(usageError(() => defineEval(runner, 'news', { ...options(), task: undefined as never }, 'run'))).toBe('describeEval: dataset "news": task must be a function (input, { trial, id }) => output, but got undefined.')
  })
})

describe("a case's test", () => {
  const outcome = (passes: boolean[]): CaseOutcome => ({
    dataset: 'news',
    id: 'a1',
    input: '{}',
    trials: passes.map((pass, trial) => ({ trial, pass, output: `out ${trial}`, cost: 0, latencyMs: 1, ...(pass ? {} : { error: `bad ${trial}` }) })),
    passRate: passes.filter(Boolean).length / passes.length,
    flaky: passes.some(Boolean) && !passes.every(Boolean),
  })

  test('without a passRate gate fails when any trial failed, naming the first failed trial and its output', () => {
    expect(caseVerdict(outcome([true, true]), {})).toBeUndefined()
    expect(caseVerdict(outcome([true, false, false]), {})).toBe('Case "a1" of dataset "news" failed 2 of 3 trial(s): every trial must pass (no passRate threshold).\nTrial 1: bad 1\nOutput: out 1')
  })

  test('with a passRate gate fails only when its pass rate is below it', () => {
    expect(caseVerdict(outcome([true, false, true]), { passRate: 0.6 })).toBeUndefined()
    expect(caseVerdict(outcome([true, false, true]), { passRate: 0.9 })).toMatch(/^Case "a1" of dataset "news" failed 1 of 3 trial\(s\): its pass rate 0.67 is below passRate 0.9\./)
  })
})

describe('Slots', () => {
  test('hands a freed slot to the next waiter in order, and frees it after a failure', async () => {
    const slots = new Slots(1)
    const order: string[] = []
    const a = slots.use(async () => void order.push('a'))
    const b = slots.use(async () => {
      order.push('b')
      throw new Error('b failed')
    })
    const c = slots.use(async () => void order.push('c'))
    await Promise.allSettled([a, b, c])
    expect(order).toEqual(['a', 'b', 'c'])
    await expect(slots.use(async () => 'free again')).resolves.toBe('free again')
  })
})
