// CPU per judged dataset case, as the gate's error-rate e2e test spends it by the thousand:
// describeEval datasets of 200 cases, one toScoreAtLeast each, run live (ASSAY_CACHE=off)
// under Vitest 4 with the assay() plugin against the fixture server, which runs in this
// process. Runs of 1 and 3 datasets are compared, so the runner's start-up cancels out:
// the test worker's CPU and the fixture server's, per case. `node bench/judge-cpu.mjs` after
// `npm run build`; a shared machine makes single runs noisy, so it repeats them.
import { spawn } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { seededDraw, startFixtureServer } from '../dist/esm/fixtures/server/index.js'

const root = join(import.meta.dirname, '..')
// Inside the repository, so that `assay` resolves to this package as it does for the example.
const dir = join(root, '.tmp', 'bench-judge-cpu')
const CASES = 200
const REPEATS = Number(process.env.BENCH_REPEATS) || 3

rmSync(dir, { recursive: true, force: true })
mkdirSync(dir, { recursive: true })
writeFileSync(
  join(dir, 'vitest.config.js'),
  `import { defineConfig } from 'vitest/config'
import { assay } from 'assay/vitest/plugin'
export default defineConfig({ plugins: [assay({ judge: { requestsPerMinute: 60000 } })], test: { include: ['*.test.js'], setupFiles: ['./cpu.js'] } })
`,
)
// The worker's CPU from the first test to the last, written where the bench reads it.
writeFileSync(
  join(dir, 'cpu.js'),
  `import { afterAll, beforeAll } from 'vitest'
import { writeFileSync } from 'node:fs'
let start
beforeAll(() => { start = process.cpuUsage() })
afterAll(() => { const u = process.cpuUsage(start); writeFileSync(process.env.BENCH_CPU_FILE, String((u.user + u.system) / 1000)) })
`,
)
writeFileSync(
  join(dir, 'cases.test.js'),
  `import { expect } from 'vitest'
import { z } from 'zod'
import { describeEval } from 'assay/vitest'
for (let s = 1; s <= Number(process.env.BENCH_DATASETS); s++) {
  describeEval('seed ' + s, {
    data: () => Array.from({ length: ${CASES} }, (_, i) => ({ id: String(i + 1) })),
    schema: z.object({ id: z.string() }),
    task: (row) => 'draw seed=' + s + ' case=' + row.id,
    assert: async (output) => { await expect(output).toScoreAtLeast(7) },
    concurrency: 16,
    thresholds: { passRate: 0 },
  })
}
`,
)

const score = (text) => {
  const m = /draw seed=(\d+) case=(\d+)/.exec(text)
  return m && seededDraw(Number(m[1]), m[2]) < 0.9 ? 8 : 4
}
const server = await startFixtureServer({
  respond: (chat) => JSON.stringify({ criteria: Object.fromEntries(['accuracy', 'completeness', 'conciseness'].map((k) => [k, { reasoning: 'Scripted.', score: score(JSON.stringify(chat.messages)) }])) }),
})

async function run(datasets) {
  const cpuFile = join(dir, 'cpu.txt')
  const env = { ...process.env, OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'sk-bench', ASSAY_CACHE: 'off', CI: 'true', BENCH_DATASETS: String(datasets), BENCH_CPU_FILE: cpuFile }
  const sent = server.requests.length
  const serverStart = process.cpuUsage()
  const child = spawn(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (d) => (output += d))
  child.stderr.on('data', (d) => (output += d))
  const code = await new Promise((resolve) => child.on('close', resolve))
  const s = process.cpuUsage(serverStart)
  if (code !== 0) throw new Error(`the bench run failed (exit ${code}):\n${output.slice(-3000)}`)
  return { worker: Number(readFileSync(cpuFile, 'utf8')), server: (s.user + s.system) / 1000, requests: server.requests.length - sent }
}

const rows = []
for (let r = 0; r < REPEATS; r++) {
  const one = await run(1)
  const three = await run(3)
  const cases = 2 * CASES
  if (three.requests - one.requests !== cases) throw new Error(`expected ${cases} more judge requests in the run of 3 datasets, got ${three.requests - one.requests}`)
  rows.push({ worker: (three.worker - one.worker) / cases, server: (three.server - one.server) / cases })
}
await server.close()
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
console.log(`judged dataset case, CPU ms per case (median of ${REPEATS}; each: runs of 3 and 1 datasets of ${CASES}, difference / ${2 * CASES})`)
console.log(`  test worker:    ${median(rows.map((r) => r.worker)).toFixed(2)} ms  (${rows.map((r) => r.worker.toFixed(2)).join(', ')})`)
console.log(`  fixture server: ${median(rows.map((r) => r.server)).toFixed(2)} ms  (${rows.map((r) => r.server.toFixed(2)).join(', ')})`)
