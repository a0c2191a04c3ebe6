import { afterEach, describe, expect, test } from 'vitest'
import { forgetTimers, timersDue, watchTimers } from '../src/timers.js'

// A global of its own, so that the runner's timers are left alone.
function target() {
  const t = { setTimeout: globalThis.setTimeout, clearTimeout: globalThis.clearTimeout }
  watchTimers(t as never)
  return t as { setTimeout: typeof globalThis.setTimeout; clearTimeout: typeof globalThis.clearTimeout }
}

describe('timers a test leaves behind', () => {
  afterEach(() => forgetTimers())

  test("the file's end waits for a short timer to fire, and for the one its callback sets", async () => {
    const t = target()
    const fired: string[] = []
    t.setTimeout(() => {
      fired.push('first')
      t.setTimeout(() => fired.push('second'), 20)
    }, 30)
    await timersDue()
    expect(fired).toEqual(['first', 'second'])
  })

  test('a cleared timer, or one due beyond the window, is not waited for', async () => {
    const t = target()
    let fired = false
    const cleared = t.setTimeout(() => (fired = true), 30)
    t.clearTimeout(cleared)
    const far = t.setTimeout(() => (fired = true), 60_000)
    await timersDue(1_000)
    expect(fired).toBe(false)
    t.clearTimeout(far)
  })

  test("an unref'd timer is housekeeping, not a test's: it is not waited for", async () => {
    const t = target()
    let fired = false
    const handle = t.setTimeout(() => (fired = true), 500)
    handle.unref()
    // Were it waited for, it would have fired by now.
    await timersDue(1_000, 60_000)
    expect(fired).toBe(false)
    t.clearTimeout(handle)
  })

  test('a timer cleared through the unwrapped clearTimeout is not waited for either', async () => {
    const t = target()
    let fired = false
    const handle = t.setTimeout(() => (fired = true), 500)
    globalThis.clearTimeout(handle)
    // Were it waited for, this would outlast the test's timeout: it never fires.
    await timersDue(1_000, 60_000)
    expect(fired).toBe(false)
  })

  test('a timer that re-arms forever is waited for at most the cap', async () => {
    const t = target()
    let ticks = 0
    const tick = () => {
      ticks++
      handle = t.setTimeout(tick, 10)
    }
    let handle = t.setTimeout(tick, 10)
    await timersDue(1_000, 100)
    expect(ticks).toBeGreaterThan(0)
    t.clearTimeout(handle)
  })

  test('the wrapper passes arguments and the handle through, and is installed once', async () => {
    const t = target()
    const wrapped = t.setTimeout
    watchTimers(t as never)
    expect(t.setTimeout).toBe(wrapped)
    const got = await new Promise((resolve) => {
      const handle = t.setTimeout((a: number, b: string) => resolve([a, b, typeof handle.ref]), 1, 7, 'x')
    })
    expect(got).toEqual([7, 'x', 'function'])
  })
})
