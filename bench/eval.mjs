// Dataset-eval benchmark P3 (see the README's Benchmarks section): a describeEval of 200
// cases with `concurrency: 8`, each judged once, against the fixture server at 100 ms
// latency and no rate limit. The ideal is N·L/C = 200 × 0.1 s / 8 = 2.5 s plus the
// runner's start-up, measured by the same dataset with its judge assertion left out.
import { spawn } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startFixtureServer } from '../dist/esm/fixtures/server/index.js'

const root = join(import.meta.dirname, '..')
// Inside the repository, so that `assay` resolves to this package as it does for the example.
const dir = join(root, '.tmp', 'bench-eval')
const CASES = 200
const LATENCY_MS = 100
const CONCURRENCY = 8
const ideal = (CASES * LATENCY_MS) / 1000 / CONCURRENCY
const GOAL = 1.3

rmSync(dir, { recursive: true, force: true })
mkdirSync(dir, { recursive: true })
writeFileSync(
  join(dir, 'eval.test.js'),
  `import { describeEval } from 'assay/vitest'
import { expect } from 'vitest'
import { z } from 'zod'
const judged = process.env.BENCH_NO_JUDGE !== '1'
describeEval('bench', {
  data: Array.from({ length: ${CASES} }, (_, i) => ({ id: 'c' + i, text: 'Revenue of item ' + i + ' rose.' })),
  schema: z.object({ id: z.string(), text: z.string() }),
  task: async (row) => '- ' + row.text,
  assert: async (output) => {
    expect(output).toContain('Revenue')
    if (judged) await expect(output).toScoreAtLeast(7)
  },
  concurrency: ${CONCURRENCY},
})
`,
)
writeFileSync(
  join(dir, 'vitest.config.js'),
  `import { defineConfig } from 'vitest/config'
import { assay } from 'assay/vitest/plugin'
export default defineConfig({
  plugins: [assay()],
  test: { root: ${JSON.stringify(dir)}, include: ['*.test.js'], testTimeout: 600000 },
})
`,
)

const verdict = JSON.stringify({ criteria: Object.fromEntries(['accuracy', 'completeness', 'conciseness'].map((k) => [k, { reasoning: 'Fine.', score: 9 }])) })

// A server per run, so that its peak of requests in flight is that run's.
async function run(env) {
  const server = await startFixtureServer({ latencyMs: LATENCY_MS, respond: () => verdict })
  const result = await new Promise((resolve) => {
    const started = performance.now()
    const child = spawn(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--config', join(dir, 'vitest.config.js'), '--reporter=json', `--outputFile.json=${join(dir, 'results.json')}`], {
      cwd: root,
      env: { ...process.env, OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'bench-key', CI: '', ASSAY_CACHE: 'off', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let err = ''
    child.stderr.on('data', (d) => (err += d))
    child.on('exit', () => {
      const seconds = (performance.now() - started) / 1000
      const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'))
      resolve({ seconds, passed: results.numPassedTests, failed: results.numFailedTests, requests: server.requests.length, peak: server.peakInFlight, err })
    })
  })
  await server.close()
  return result
}

// Start-up and the judged run alternate, three times each, compared by their medians.
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const startups = []
const judged = []
for (let i = 0; i < 3; i++) {
  startups.push(await run({ BENCH_NO_JUDGE: '1' }))
  judged.push(await run({}))
}
rmSync(dir, { recursive: true, force: true })

const start = median(startups.map((r) => r.seconds))
const wall = median(judged.map((r) => r.seconds))
const ratio = wall / (ideal + start)
const failed = judged.reduce((n, r) => n + r.failed, 0) + startups.reduce((n, r) => n + r.failed, 0)
const requests = judged.map((r) => r.requests)
const row = (label, value, goal, met) => `${label.padEnd(58)} ${value.padEnd(44)} ${goal ? `goal ${goal}  ${met ? 'met' : 'NOT MET'}` : '(for reference)'}`
console.log(
  [
    `\nassay dataset-eval benchmark P3 (${CASES} cases, concurrency ${CONCURRENCY}, fixture server at ${LATENCY_MS} ms, no rate limit; ideal ${ideal} s + start-up; 3 runs, medians)`,
    row('  wall time ÷ (ideal + start-up)', `${ratio.toFixed(3)} (${wall.toFixed(1)} s; start-up ${start.toFixed(1)} s)`, `≤ ${GOAL}`, ratio <= GOAL),
    row('  judge requests per run', requests.join(', '), `= ${CASES}`, requests.every((n) => n === CASES)),
    row('  most judge requests in flight at once', judged.map((r) => r.peak).join(', '), `= ${CONCURRENCY}`, judged.every((r) => r.peak === CONCURRENCY)),
    row('  false failures', String(failed), '0', failed === 0),
    ...(failed ? [judged.concat(startups).find((r) => r.failed)?.err.slice(0, 2000) ?? ''] : []),
  ].join('\n'),
)
if (ratio > GOAL || failed) process.exitCode = 1
