import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { parseStore } from '../../src/store/file.js'

const writer = join(import.meta.dirname, 'scripts/store-writer.mjs')
const holder = join(import.meta.dirname, 'scripts/lock-holder.mjs')
const dir = mkdtempSync(join(tmpdir(), 'assay-store-e2e-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Starts a writer; resolves with the keys it reported committed once it exits. */
function run(kind: string, path: string, prefix: string, count: number, killAfterFirstKeyMs?: number, startAt?: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const args = [writer, kind, path, prefix, String(count), ...(startAt === undefined ? [] : [String(startAt)])]
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    let timer: NodeJS.Timeout | undefined
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      if (killAfterFirstKeyMs !== undefined && timer === undefined) timer = setTimeout(() => child.kill('SIGKILL'), killAfterFirstKeyMs)
    })
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      if (code !== 0 && signal !== 'SIGKILL') reject(new Error(`writer failed (${code}): ${err}`))
      else resolve(out.split('\n').filter(Boolean))
    })
  })
}

describe.each(['cassette', 'baseline'])('%s files under real processes', (kind) => {
  const read = (path: string) => parseStore<unknown>(path, readFileSync(path, 'utf8'), { assay: kind, version: 1 })

  test('four processes writing one file at once lose no entries', async () => {
    const path = join(dir, `${kind}-concurrent.json`)
    const committed = await Promise.all(['a', 'b', 'c', 'd'].map((p) => run(kind, path, p, 40)))
    const keys = Object.keys(read(path))
    expect(keys).toHaveLength(160)
    for (const list of committed) for (const key of list) expect(keys).toContain(key)
  })

  test('kill -9 at random moments, 100 times: the file stays valid and keeps every committed entry', async () => {
    const path = join(dir, `${kind}-crash.json`)
    const committed: string[] = []
    for (let round = 0; round < 100; round++) {
      committed.push(...(await run(kind, path, `r${round}`, 100_000, Math.floor(Math.random() * 25))))
      const entries = read(path)
      for (const key of committed) expect(entries, `round ${round}: ${key}`).toHaveProperty([key])
    }
    expect(committed.length).toBeGreaterThanOrEqual(100)
    // The next writer removes whatever temp files the killed ones left.
    await run(kind, path, 'final', 1)
    expect(readdirSync(dir).filter((f) => f.startsWith(`${kind}-crash.json.`))).toEqual([])
  })
})

/** Starts a process that takes the lock of `path` and holds it; resolves once it holds it. */
function hold(path: string): Promise<{ child: ChildProcess; exited: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [holder, path], { stdio: ['pipe', 'pipe', 'pipe'] })
    let err = ''
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()))
    const exited = new Promise<void>((done, fail) =>
      child.on('exit', (code, signal) => (code === 0 || signal === 'SIGKILL' ? done() : fail(new Error(`lock holder failed (${code}): ${err}`)))),
    )
    child.on('error', reject)
    child.stdout!.once('data', () => resolve({ child, exited }))
  })
}

/** Backdates the lock of `path` (a file, or a folder and what is in it) by ten minutes. */
function backdate(path: string): void {
  const lock = `${path}.lock`
  const then = new Date(Date.now() - 600_000)
  const stat = statSync(lock)
  if (stat.isDirectory()) for (const name of readdirSync(lock)) utimesSync(join(lock, name), then, then)
  utimesSync(lock, then, then)
}

// A stale lock is one whose owner died (kill -9), or one older than staleLockMs while its
// pid is alive (a reused pid, or a process in another container). Six writers released
// together all find it stale at once; only one may take it over, and the old owner, if it
// wakes up and releases, must not remove the lock a writer holds by then.
describe.each([
  ['whose owner was killed', 'dead'],
  ['older than staleLockMs, whose owner is alive and releases it meanwhile', 'old'],
] as const)('a stale lock %s, found by six writers at once', (_name, staleness) => {
  test('25 rounds: no entry is lost, and no lock or temp file remains', async () => {
    for (let round = 0; round < 25; round++) {
      const folder = mkdtempSync(join(dir, `race-${staleness}-`))
      const path = join(folder, 'x.json')
      const held = await hold(path)
      if (staleness === 'dead') held.child.kill('SIGKILL')
      else backdate(path)
      // Far enough ahead that all six have loaded and wait at the line together.
      const startAt = Date.now() + 1_000
      if (staleness === 'old') setTimeout(() => held.child.stdin!.end(), startAt - Date.now() + 15)
      const committed = await Promise.all([0, 1, 2, 3, 4, 5].map((w) => run('cassette', path, `w${w}`, 3, undefined, startAt)))
      await held.exited
      const keys = Object.keys(parseStore<unknown>(path, readFileSync(path, 'utf8'), { assay: 'cassette', version: 1 })).sort()
      expect(keys, `round ${round}`).toEqual(committed.flat().sort())
      expect(keys, `round ${round}`).toHaveLength(18)
      expect(readdirSync(folder), `round ${round}`).toEqual(['x.json'])
    }
  })
})
