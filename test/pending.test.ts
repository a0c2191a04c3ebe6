import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { inTrial } from '../src/eval/trial.js'
import { afterMacrotask, drainFile, markHandled, markOutliving, onStartedAfterFile, openFile, setMomentProvider, takeUnawaited, takeUnawaitedInFile, trackAsync, type Moment } from '../src/pending.js'

const owner = { testPath: import.meta.filename, currentTestName: 'suite > judged' }

describe('async assertions left running when a test ends', () => {
  test('one still running fails its test, naming the matcher and the line of its expect', async () => {
    let finish!: () => void
    const done = trackAsync('toScoreAtLeast', owner, () => new Promise<void>((r) => (finish = r)))
    const line = new Error().stack!.split('\n')[1]!.match(/:(\d+):\d+\)?$/)![1]
    const error = takeUnawaited(owner)
    expect(error?.name).toBe('UnawaitedAssertionError')
    expect(error?.message).toContain('toScoreAtLeast was not awaited: the test ended before its verdict arrived, so it cannot pass.')
    expect(error?.message).toContain(`${import.meta.filename}:${Number(line) - 1}:`)
    expect(error?.message).toContain('await expect(output).toScoreAtLeast(…)')
    // Taken once: the next test starts clean.
    expect(takeUnawaited(owner)).toBeUndefined()
    finish()
    await done
  })

  test('one that settled before the end, or belongs to another test, does not fail this one', async () => {
    await trackAsync('toScoreAtLeast', owner, async () => {})
    const other = { ...owner, currentTestName: 'suite > other' }
    let finish!: () => void
    const running = trackAsync('toScoreAtLeast', other, () => new Promise<void>((r) => (finish = r)))
    expect(takeUnawaited(owner)).toBeUndefined()
    expect(takeUnawaited(other)?.message).toContain('toScoreAtLeast was not awaited')
    finish()
    await running
  })

  test('Vitest tasks tell concurrent tests apart even with the same name', async () => {
    const [a, b] = [{ id: 'a' }, { id: 'b' }]
    let finish!: () => void
    const running = trackAsync('toScoreAtLeast', { ...owner, task: a }, () => new Promise<void>((r) => (finish = r)))
    expect(takeUnawaited({ ...owner, task: b })).toBeUndefined()
    expect(takeUnawaited({ ...owner, task: a })).toBeDefined()
    finish()
    await running
  })

  test('two left running are both listed', async () => {
    const finishers: (() => void)[] = []
    const both = [1, 2].map(() => trackAsync('toScoreAtLeast', owner, () => new Promise<void>((r) => finishers.push(r))))
    expect(takeUnawaited(owner)?.message).toMatch(/^2 judged assertions were not awaited: the test ended before their verdicts arrived/)
    for (const f of finishers) f()
    await Promise.all(both)
  })

  test('a replayed verdict cannot settle within the microtasks that end a test', async () => {
    let settled = false
    void afterMacrotask().then(() => (settled = true))
    for (let i = 0; i < 1000; i++) await Promise.resolve()
    expect(settled).toBe(false)
    await afterMacrotask()
    expect(settled).toBe(true)
  })

  test('at the end of a file, anything of that file still running fails it (concurrent tests sharing one expect)', async () => {
    const finishers: (() => void)[] = []
    const mine = trackAsync('toScoreAtLeast', { ...owner, currentTestName: 'concurrent 7' }, () => new Promise<void>((r) => finishers.push(r)))
    const other = trackAsync('toScoreAtLeast', { testPath: '/other.test.ts', currentTestName: 'x' }, () => new Promise<void>((r) => finishers.push(r)))
    expect(takeUnawaitedInFile(import.meta.filename)?.message).toContain('toScoreAtLeast was not awaited')
    expect(takeUnawaitedInFile(import.meta.filename)).toBeUndefined()
    expect(takeUnawaitedInFile('/other.test.ts')).toBeDefined()
    for (const f of finishers) f()
    await Promise.all([mine, other])
  })
})

describe('judged assertions that start after their test ended', () => {
  let moment: Moment = 'test'
  beforeEach(() => {
    openFile(import.meta.filename)
    setMomentProvider(() => moment)
  })
  afterEach(() => {
    moment = 'test'
    setMomentProvider(() => 'test')
  })

  test('one that starts with no test or hook running never runs, and fails its file with its line and the fix', async () => {
    moment = 'outside'
    const run = vi.fn(async () => 'verdict')
    const refused = trackAsync('toScoreAtLeast', owner, run)
    const line = Number(new Error().stack!.split('\n')[1]!.match(/:(\d+):\d+\)?$/)![1]) - 1
    expect(run).not.toHaveBeenCalled()
    await expect(refused).rejects.toThrow('toScoreAtLeast started after its test ended')
    const error = takeUnawaitedInFile(import.meta.filename)
    expect(error?.name).toBe('LateAssertionError')
    expect(error?.message).toContain(`toScoreAtLeast started after its test ended at ${import.meta.filename}:${line}:`)
    expect(error?.message).toContain('so the judge was not asked and the run cannot pass')
    expect(error?.message).toContain('for … of, not forEach(async …)')
    // Reported once.
    openFile(import.meta.filename)
    expect(takeUnawaitedInFile(import.meta.filename)).toBeUndefined()
  })

  test('one that starts after its file ended fails the process, since no test or file is left to fail', async () => {
    const exitCode = process.exitCode
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    try {
      expect(takeUnawaitedInFile(import.meta.filename)).toBeUndefined()
      moment = 'outside'
      const run = vi.fn(async () => 'verdict')
      await expect(trackAsync('toScoreAtLeast', owner, run)).rejects.toThrow('toScoreAtLeast started after its test ended')
      expect(run).not.toHaveBeenCalled()
      expect(process.exitCode).toBe(1)
      expect(String(write.mock.calls[0]?.[0])).toContain('toScoreAtLeast started after its test ended')
    } finally {
      process.exitCode = exitCode
      write.mockRestore()
    }
  })

  test('one that starts after its file ended is told at once, before its rejection settles, to the listener the runner installed; one late inside its open file is not', async () => {
    const exitCode = process.exitCode
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    const heard: string[] = []
    onStartedAfterFile((message) => heard.push(message))
    try {
      moment = 'outside'
      const inFile = trackAsync('toScoreAtLeast', owner, async () => 'verdict')
      expect(heard).toEqual([])
      await expect(inFile).rejects.toThrow('started after its test ended')
      expect(takeUnawaitedInFile(import.meta.filename)?.name).toBe('LateAssertionError')
      const refused = trackAsync('toScoreAtLeast', owner, async () => 'verdict')
      // Synchronously: a Jest worker may be gone by the next turn of its event loop.
      expect(heard).toHaveLength(1)
      expect(heard[0]).toContain(`toScoreAtLeast started after its test ended at ${import.meta.filename}:`)
      await expect(refused).rejects.toThrow('toScoreAtLeast started after its test ended')
      // A listener that throws does not turn the refusal into another error.
      onStartedAfterFile(() => {
        throw new Error('the run is over')
      })
      await expect(trackAsync('toScoreAtLeast', owner, async () => 'verdict')).rejects.toThrow('toScoreAtLeast started after its test ended')
      expect(process.exitCode).toBe(1)
    } finally {
      onStartedAfterFile(undefined)
      process.exitCode = exitCode
      write.mockRestore()
    }
  })

  test("a hook's assertion runs while the file is open, and is late once the file's end began", async () => {
    moment = 'hook'
    await expect(trackAsync('toScoreAtLeast', owner, async () => 'verdict')).resolves.toBe('verdict')
    await drainFile(import.meta.filename)
    const run = vi.fn(async () => 'verdict')
    await expect(trackAsync('toScoreAtLeast', owner, run)).rejects.toThrow('started after its test ended')
    expect(run).not.toHaveBeenCalled()
    expect(takeUnawaitedInFile(import.meta.filename)?.name).toBe('LateAssertionError')
  })

  test("the file's end waits for its assertions in flight, then fails the file for them", async () => {
    let finish!: () => void
    let settled = false
    const inFlight = trackAsync('toScoreAtLeast', owner, () => new Promise<void>((r) => (finish = r))).then(() => (settled = true))
    // Another file's assertion, which never settles, is not waited for.
    void trackAsync('toScoreAtLeast', { testPath: '/in-flight-elsewhere.test.ts' }, () => new Promise<void>(() => {}))
    const drained = drainFile(import.meta.filename)
    await afterMacrotask()
    await afterMacrotask()
    expect(settled).toBe(false)
    finish()
    await drained
    await inFlight
    expect(settled).toBe(true)
    expect(takeUnawaitedInFile(import.meta.filename)?.message).toContain('toScoreAtLeast was not awaited')
  })

  test("one the file's end waited for says how it failed, which its test never showed; under .not a passing verdict is the failure", async () => {
    const finishers: (() => void)[] = []
    const later = <T,>(value: T) => () => new Promise<T>((r) => finishers.push(() => r(value)))
    const below = trackAsync('toScoreAtLeast', owner, later({ pass: false, message: () => 'expect(received).toScoreAtLeast(min)\n\nExpected an overall score of at least 7, but the judge gave 3.' }))
    const negated = trackAsync('toScoreAtLeast', { ...owner, isNot: true }, later({ pass: true, message: () => 'Expected the judge to score the text below 7, but it scored 9.' }))
    const passed = trackAsync('toScoreAtLeast', owner, later({ pass: true, message: () => 'Expected the judge to score the text below 7, but it scored 8.' }))
    const thrown = trackAsync('toScoreAtLeast', owner, () => new Promise((_, reject) => finishers.push(() => reject(new Error('toScoreAtLeast: the judge gave no verdict')))))
    thrown.catch(() => {})
    const drained = drainFile(import.meta.filename)
    // The file's end has collected them (it looks after a macrotask) before they settle.
    await afterMacrotask()
    await afterMacrotask()
    for (const f of finishers) f()
    await drained
    await Promise.allSettled([below, negated, passed, thrown])
    const message = takeUnawaitedInFile(import.meta.filename)?.message ?? ''
    expect(message).toMatch(/^4 judged assertions were not awaited/)
    expect(message).toContain(', and failed: Expected an overall score of at least 7, but the judge gave 3.')
    expect(message).toContain(', and failed: Expected the judge to score the text below 7, but it scored 9.')
    expect(message).not.toContain('it scored 8')
    expect(message).toContain(', and failed: toScoreAtLeast: the judge gave no verdict')
  })

  test('concurrent tests sharing one expect: one that fails after its test ended and that no test reported was not awaited', async () => {
    // The shared expect may name another running test: every running one is remembered.
    const test1 = { id: 'concurrent 2' }
    const finishers: (() => void)[] = []
    const failing = (message: string) => () => new Promise((r) => finishers.push(() => r({ pass: false, message: () => message })))
    const unawaited = trackAsync('toScoreAtLeast', { ...owner, task: test1 }, failing('Expected an overall score of at least 7, but the judge gave 3.'))
    const awaitedElsewhere = trackAsync('toScoreAtLeast', { ...owner, task: test1 }, failing('Expected an overall score of at least 7, but the judge gave 4.'))
    const passing = trackAsync('toScoreAtLeast', { ...owner, task: test1 }, async () => ({ pass: true, message: () => '' }))
    await passing
    markOutliving(import.meta.filename)
    for (const f of finishers) f()
    await Promise.all([unawaited, awaitedElsewhere])
    const message = takeUnawaitedInFile(import.meta.filename, ['custom: Expected an overall score of at least 7, but the judge gave 4.'])?.message ?? ''
    expect(message).toMatch(/^toScoreAtLeast was not awaited/)
    expect(message).toContain('the judge gave 3.')
    expect(message).not.toContain('the judge gave 4.')
  })

  test('concurrent tests sharing one expect: a failure that the code awaiting it handled (a dataset trial) was awaited', async () => {
    const finishers: (() => void)[] = []
    const failing = (message: string) => () => new Promise((r) => finishers.push(() => r({ pass: false, message: () => message })))
    const handled = trackAsync('toScoreAtLeast', { ...owner, task: { id: 'case 1' } }, failing('Expected an overall score of at least 7, but the judge gave 5.'))
    const dropped = trackAsync('toScoreAtLeast', { ...owner, task: { id: 'case 1' } }, failing('Expected an overall score of at least 7, but the judge gave 2.'))
    markOutliving(import.meta.filename)
    for (const f of finishers) f()
    await Promise.all([handled, dropped])
    // What expect throws for a failed verdict: the matcher's message, behind its hint.
    markHandled(new Error('expect(received).toScoreAtLeast(expected)\n\nExpected an overall score of at least 7, but the judge gave 5.'))
    const message = takeUnawaitedInFile(import.meta.filename)?.message ?? ''
    expect(message).toMatch(/^toScoreAtLeast was not awaited/)
    expect(message).toContain('the judge gave 2.')
    expect(message).not.toContain('the judge gave 5.')
  })

  test("concurrent dataset cases: a case's assertion running when another case's test ends is not that test's, and failing awaited is no unawaited one", async () => {
    // The shared expect names whichever case started last; each trial knows its own case's test.
    const caseA = { id: 'unaw > r0' }
    const caseB = { id: 'unaw > r5' }
    let fail!: () => void
    const { value: awaited } = await inTrial(0, () => ({ p: trackAsync('toScoreAtLeast', { ...owner, task: caseA }, () => new Promise<never>((_, reject) => (fail = () => reject(new Error('No recorded answer for this LLM request.'))))) }), { owner: { task: caseB } })
    // Case A's test ends while case B's assertion runs: B's is not A's, so not outliving A.
    markOutliving(import.meta.filename, caseA)
    fail()
    // Case B awaited it: its trial caught the miss, and its test reported it in its own words.
    await expect(awaited.p).rejects.toThrow('No recorded answer')
    expect(takeUnawaitedInFile(import.meta.filename, ['Case "r5" failed 1 of 1 trial(s)'])).toBeUndefined()
  })

  test("concurrent dataset cases: an assertion still running when its own case's test ends outlives it", async () => {
    const caseB = { id: 'unaw > r5' }
    let fail!: () => void
    const { value: left } = await inTrial(0, () => ({ p: trackAsync('toScoreAtLeast', { ...owner, task: { id: 'another' } }, () => new Promise<never>((_, reject) => (fail = () => reject(new Error('No recorded answer for this LLM request.'))))) }), { owner: { task: caseB } })
    markOutliving(import.meta.filename, caseB)
    fail()
    await expect(left.p).rejects.toThrow('No recorded answer')
    expect(takeUnawaitedInFile(import.meta.filename)?.message).toMatch(/^toScoreAtLeast was not awaited/)
  })

  test('concurrent tests: only assertions whose test the async context named are matched', async () => {
    const finishers: (() => void)[] = []
    const named = trackAsync('toScoreAtLeast', { ...owner, currentTestName: 'b', currentConcurrentTestName: () => 'a' }, () => new Promise<void>((r) => finishers.push(r)))
    const unnamed = trackAsync('toScoreAtLeast', { ...owner, currentTestName: 'a' }, () => new Promise<void>((r) => finishers.push(r)))
    expect(takeUnawaited({ testPath: import.meta.filename, currentTestName: 'b' }, true)).toBeUndefined()
    expect(takeUnawaited({ testPath: import.meta.filename, currentTestName: 'a' }, true)?.message).toMatch(/^toScoreAtLeast was not awaited/)
    expect(takeUnawaitedInFile(import.meta.filename)?.message).toMatch(/^toScoreAtLeast was not awaited/)
    for (const f of finishers) f()
    await Promise.all([named, unnamed])
  })
})
