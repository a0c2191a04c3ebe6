import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { parseStore } from '../../src/store/file.js'

const writer = join(import.meta.dirname, 'scripts/store-writer.mjs')
const dir = mkdtempSync(join(tmpdir(), 'assay-store-e2e-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Starts a writer; resolves with the keys it reported committed once it exits. */
function run(kind: string, path: string, prefix: string, count: number, killAfterFirstKeyMs?: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [writer, kind, path, prefix, String(count)], { stdio: ['ignore', 'pipe', 'pipe'] })
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
