import { describe, expect, test } from 'vitest'
import { afterMacrotask, takeUnawaited, takeUnawaitedInFile, trackAsync } from '../src/pending.js'

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
