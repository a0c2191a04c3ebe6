// Label moves from several real processes at once: each move is a read-change-write of
// labels.json and history.jsonl, which only the registry's lock keeps from losing updates.
import { spawn } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { expect, test } from 'vitest'
import type { LabelMove } from '../../src/prompts/types.js'
import { tempProject, V1, V2 } from './helpers.js'

const built = join(import.meta.dirname, '..', '..', 'dist', 'esm', 'src', 'index.js')
const PROCESSES = 4
const MOVES = 20

// Each child waits for the go file, so all of them move labels at the same time.
const CHILD = `
import { existsSync } from 'node:fs'
const [entry, id, moves, go] = process.argv.slice(2)
const { prompts } = await import(entry)
const sleep = new Int32Array(new SharedArrayBuffer(4))
for (let i = 0; i < 3000 && !existsSync(go); i++) Atomics.wait(sleep, 0, 0, 5)
for (let i = 0; i < Number(moves); i++) {
  await prompts.label('summarizer', i % 2 === 0 ? 'v2' : 'v1', 'own' + id, { reason: id + ':' + i })
  await prompts.label('summarizer', (i + Number(id)) % 2 === 0 ? 'v1' : 'v2', 'shared')
}
`

test(`${PROCESSES} processes making ${MOVES} moves each lose none of them`, { timeout: 120_000 }, async () => {
  if (!existsSync(built)) throw new Error(`${built} is missing: run npm run build first.`)
  const project = tempProject()
  project.write('summarizer', 'v1', V1)
  project.write('summarizer', 'v2', V2)
  const child = join(project.root, 'child.mjs')
  const go = join(project.root, 'go')
  writeFileSync(child, CHILD)
  const runs = Array.from({ length: PROCESSES }, (_, id) => {
    const proc = spawn(process.execPath, [child, pathToFileURL(built).href, String(id), String(MOVES), go], { env: { ...process.env, ASSAY_PROMPTS_DIR: project.dir, CI: '' }, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    return new Promise<{ code: number | null; stderr: string }>((done) => proc.on('exit', (code) => done({ code, stderr })))
  })
  writeFileSync(go, '')
  for (const r of await Promise.all(runs)) expect(r).toEqual({ code: 0, stderr: '' })

  const labels = JSON.parse(readFileSync(join(project.dir, 'summarizer', 'labels.json'), 'utf8')) as { labels: Record<string, { version: string }> }
  const history = readFileSync(join(project.dir, 'summarizer', 'history.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as LabelMove)
  for (let id = 0; id < PROCESSES; id++) {
    const own = history.filter((m) => m.label === `own${id}`)
    // Every one of this process's moves is a real move (it alternates), so all are there, in order.
    expect(own.map((m) => m.reason)).toEqual(Array.from({ length: MOVES }, (_, i) => `${id}:${i}`))
    expect(labels.labels[`own${id}`]!.version).toBe(own.at(-1)!.to)
  }
  // Each move starts where the one before it left the label: no move was lost or interleaved.
  for (const label of Object.keys(labels.labels)) {
    const moves = history.filter((m) => m.label === label)
    moves.forEach((m, i) => expect(m.from).toBe(i === 0 ? null : moves[i - 1]!.to))
    expect(labels.labels[label]!.version).toBe(moves.at(-1)!.to)
  }
  expect(history.filter((m) => m.label === 'shared').length).toBeGreaterThan(0)
})
