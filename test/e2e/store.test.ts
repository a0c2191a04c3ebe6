import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, inject, test } from 'vitest'
import { CASSETTE_HEADER } from '../../src/judge/cassette.js'
import { parseStore } from '../../src/store/file.js'
import { fillLeaving, mountTmpfs, tmpfsUnavailable } from '../store/tmpfs.js'
import { FixtureProject, node22Path, root, type RunResult } from './harness.js'

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
  const read = (path: string) => parseStore<unknown>(path, readFileSync(path, 'utf8'), kind === 'cassette' ? CASSETTE_HEADER : { assay: kind, version: 1 })

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
      const keys = Object.keys(parseStore<unknown>(path, readFileSync(path, 'utf8'), CASSETTE_HEADER)).sort()
      expect(keys, `round ${round}`).toEqual(committed.flat().sort())
      expect(keys, `round ${round}`).toHaveLength(18)
      expect(readdirSync(folder), `round ${round}`).toEqual(['x.json'])
    }
  })
})

// A store or report folder on a disk that fills up: the run must fail and say so, and the
// committed file must keep every byte, never be replaced by the part that fitted.
interface Runner {
  name: string
  project: string
  trees?: () => string[]
  run(p: FixtureProject, extra: string[], env?: Record<string, string>): Promise<RunResult>
}

// Runs as a developer's would, where CI is not set (CI runs this suite with CI=true, which
// would make the first run refuse to record the baseline), unless a test says otherwise.
const local = (env: Record<string, string> = {}) => ({ CI: '', ...env })
const runners: Runner[] = [
  { name: 'Vitest 4', project: 'vitest-esm', run: (p, extra, env) => p.run(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', 'baseline.test.js', ...extra], local(env)) },
  {
    name: 'Vitest 5',
    project: 'vitest5',
    trees: () => [join(root, 'test/e2e/vitest5/node_modules'), join(root, 'node_modules')],
    run: (p, extra, env) => p.run(node22Path(), ['node_modules/vitest/vitest.mjs', 'run', 'baseline.test.js', '--reporter=default', '--reporter=assay/reporter', ...extra], local(env)),
  },
  { name: 'Jest 30', project: 'jest-cjs', run: (p, extra, env) => p.run(process.execPath, ['node_modules/jest/bin/jest.js', 'baseline.test.js', ...extra], local(env)) },
]

describe.skipIf(tmpfsUnavailable !== undefined).each(runners)(`$name on a full disk${tmpfsUnavailable ? ` (skipped: ${tmpfsUnavailable})` : ''}`, (runner) => {
  test('a baseline that no longer fits fails the run, naming ENOSPC and the file, and the committed baseline is kept byte for byte', async () => {
    const p = new FixtureProject(runner.project, inject('assayPackage'), runner.trees?.())
    const folder = join(p.dir, '__llm_baselines__')
    mkdirSync(folder)
    const disk = mountTmpfs(64 * 1024, folder)
    try {
      const first = await runner.run(p, [])
      expect(first.code, first.output).toBe(0)
      const path = join(folder, 'baseline.test.js.json')
      const committed = readFileSync(path, 'utf8')
      const free = fillLeaving(folder, 1)
      // -u rewrites the baseline with a sample bigger than the space left: the disk takes
      // the first part of the write and refuses the rest.
      const long = Array.from({ length: Math.ceil(free / 40) }, (_, i) => `- Bullet number ${i} of the long output.`).join('\n')
      const second = await runner.run(p, ['-u'], { BASELINE_OUTPUT: long })
      expect(second.code, second.output).not.toBe(0)
      expect(second.output).toContain(`Could not write ${path}: no space left on device (ENOSPC). The committed file was left unchanged. Free some disk space and run again.`)
      expect(readFileSync(path, 'utf8')).toBe(committed)
      expect(readdirSync(folder).sort()).toEqual(['baseline.test.js.json', 'filler'])
    } finally {
      disk.unmount()
      p.remove()
    }
  })

  test('a report folder with no space left fails the run with a message naming ENOSPC and results.json', async () => {
    const p = new FixtureProject(runner.project, inject('assayPackage'), runner.trees?.())
    const folder = join(p.dir, 'assay-report')
    mkdirSync(folder)
    const disk = mountTmpfs(64 * 1024, folder)
    try {
      fillLeaving(folder, 0)
      const run = await runner.run(p, [])
      expect(run.code, run.output).not.toBe(0)
      expect(run.output).toContain(
        `assay could not write its report, so the run fails although the tests finished (their outcome is above).\nCould not write ${join(folder, 'results.json')}: no space left on device (ENOSPC). Nothing was written. Free some disk space and run again.`,
      )
      expect(readdirSync(folder)).toEqual(['filler'])
    } finally {
      disk.unmount()
      p.remove()
    }
  })
})
