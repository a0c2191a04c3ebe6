// Judge benchmarks P1 and P2, measured in one run (see the README's Benchmarks section).
// P1: 200 toScoreAtLeast assertions in 4 files of sequential tests, against the fixture
// server at 100 ms latency and 5 requests per second, with the limit configured and then
// learnt from 429s and headers alone, in one test worker and in four (which share the
// coordinator's budget). P2: the same suite re-run from its cassettes.
import { spawn } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startFixtureServer } from '../dist/esm/fixtures/server/index.js'

const root = join(import.meta.dirname, '..')
// Inside the repository, so that `assay` resolves to this package as it does for the example.
const dir = join(root, '.tmp', 'bench-judge')
const FILES = 4
const PER_FILE = 50
const RATE = 5
const ideal = (FILES * PER_FILE) / RATE

rmSync(dir, { recursive: true, force: true })
mkdirSync(dir, { recursive: true })
for (let f = 0; f < FILES; f++) {
  writeFileSync(
    join(dir, `judged-${f}.test.js`),
    `import { expect, test } from 'vitest'
const judged = process.env.BENCH_NO_JUDGE !== '1'
for (let i = 0; i < ${PER_FILE}; i++) {
  test('verdict ${f}-' + i, async () => {
    const output = '- Revenue of file ${f}, item ' + i + ', rose.'
    expect(output).toContain('Revenue')
    if (judged) await expect(output).toScoreAtLeast(7)
  })
}
`,
  )
}
writeFileSync(
  join(dir, 'vitest.config.js'),
  `import { defineConfig } from 'vitest/config'
import { assay } from 'assay/vitest/plugin'
const rpm = Number(process.env.BENCH_RPM) || undefined
export default defineConfig({
  plugins: [assay({ judge: { requestsPerMinute: rpm, maxRetries: 10 } })],
  test: { root: ${JSON.stringify(dir)}, include: ['*.test.js'], testTimeout: 600000 },
})
`,
)

const verdict = JSON.stringify({ criteria: Object.fromEntries(['accuracy', 'completeness', 'conciseness'].map((k) => [k, { reasoning: 'Fine.', score: 9 }])) })
const server = await startFixtureServer({ latencyMs: 100, rateLimit: { requests: RATE, windowMs: 1000 }, respond: () => verdict })

function run(env, workers) {
  return new Promise((resolve) => {
    const started = performance.now()
    const child = spawn(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--config', join(dir, 'vitest.config.js'), `--maxWorkers=${workers}`, '--reporter=json', `--outputFile.json=${join(dir, 'results.json')}`], {
      cwd: root,
      env: { ...process.env, OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'bench-key', CI: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (err += d))
    child.on('exit', () => {
      const seconds = (performance.now() - started) / 1000
      const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'))
      // The run's own count of judge requests, from the summary the global teardown prints.
      const counted = /; (\d+) requests?, /.exec(out)?.[1]
      resolve({ seconds, passed: results.numPassedTests, failed: results.numFailedTests, counted: counted === undefined ? undefined : Number(counted), err })
    })
  })
}

async function measure(name, env, workers = 1) {
  const before = server.requests.length
  const r = await run(env, workers)
  const sent = server.requests.slice(before)
  const billed = sent.filter((q) => q.status === 200).length
  const limited = sent.filter((q) => q.status === 429).length
  return { name, workers, ...r, requests: sent.length, billed, limited }
}

// `--quick` measures only the four-worker P1 runs (for tuning); `--runs=N` repeats them.
const args = process.argv.slice(2)
const quick = args.includes('--quick')
const repeats = Number(/^--runs=(\d+)$/.exec(args.find((a) => a.startsWith('--runs=')) ?? '')?.[1] ?? 1)
const startup = await measure('no judge (runner start-up and plain assertions)', { BENCH_NO_JUDGE: '1', ASSAY_CACHE: 'off' })
const startup4 = await measure('no judge, 4 workers', { BENCH_NO_JUDGE: '1', ASSAY_CACHE: 'off' }, 4)
const p1s = []
if (!quick) {
  p1s.push(await measure('P1, 1 worker, limit configured (requestsPerMinute: 300)', { BENCH_RPM: String(RATE * 60), ASSAY_CACHE: 'off' }))
  p1s.push(await measure('P1, 1 worker, nothing configured (learnt from 429s and headers), recording', { ASSAY_CACHE: 'auto' }))
}
// Four workers share the coordinator's budget; they record nothing, so P2 replays the run above.
for (let i = 0; i < repeats; i++) {
  p1s.push(await measure('P1, 4 workers, limit configured (requestsPerMinute: 300)', { BENCH_RPM: String(RATE * 60), ASSAY_CACHE: 'off' }, 4))
  p1s.push(await measure('P1, 4 workers, nothing configured (learnt from 429s and headers)', { ASSAY_CACHE: 'off' }, 4))
}
// P2 runs take two or three seconds, mostly runner start-up, so one pair is mostly noise:
// five alternating pairs, compared by their medians.
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const pairs = []
for (let i = 0; i < (quick ? 0 : 5); i++) {
  pairs.push([await measure('P2, re-run from the cassettes', { ASSAY_CACHE: 'auto' }), await measure('P2 baseline', { BENCH_NO_JUDGE: '1', ASSAY_CACHE: 'auto' })])
}
const rerun = { name: 'P2, re-run from the cassettes (5 runs, medians)', seconds: median(pairs.map(([r]) => r.seconds)), requests: pairs.reduce((n, [r]) => n + r.requests, 0), failed: pairs.reduce((n, [r]) => n + r.failed, 0) }
const plain = { seconds: median(pairs.map(([, p]) => p.seconds)) }
await server.close()

const verdicts = FILES * PER_FILE
const row = (label, value, goal, met) => `${label.padEnd(58)} ${value.padEnd(44)} ${goal ? `goal ${goal}  ${met ? 'met' : 'NOT MET'}` : '(for reference)'}`
const lines = [`\nassay judge benchmarks (${verdicts} verdicts, ${FILES} files, fixture server at 100 ms and ${RATE} requests/s; ideal ${ideal} s)`]
for (const p1 of p1s) {
  const start = (p1.workers === 4 ? startup4 : startup).seconds
  const ratio = (p1.seconds - start) / ideal
  lines.push(`${p1.name}:`)
  lines.push(row('  wall time ÷ ideal, after the runner start-up', `${ratio.toFixed(3)} (${p1.seconds.toFixed(1)} s, start-up ${start.toFixed(1)} s)`, '≤ 1.15', ratio <= 1.15))
  lines.push(row('  billed (successful) requests per verdict', (p1.billed / verdicts).toFixed(2), '= 1.00', p1.billed === verdicts))
  lines.push(row('  429s among all requests', `${((100 * p1.limited) / Math.max(1, p1.requests)).toFixed(2)}% (${p1.limited} of ${p1.requests})`, '≤ 2%', p1.limited <= 0.02 * p1.requests))
  lines.push(row('  false failures', String(p1.failed), '0', p1.failed === 0))
  lines.push(row("  the run's request count ÷ the server's", `${p1.counted ?? 'none'} ÷ ${p1.requests}`, '= 1', p1.counted === p1.requests))
}
if (!quick) lines.push(`${rerun.name}:`)
if (!quick) {
  lines.push(row('  requests', String(rerun.requests), '0', rerun.requests === 0))
  lines.push(row('  wall time ÷ the suite without judge assertions', `${(rerun.seconds / plain.seconds).toFixed(3)} (${rerun.seconds.toFixed(1)} s vs ${plain.seconds.toFixed(1)} s)`, '≤ 1.1', rerun.seconds / plain.seconds <= 1.1))
  lines.push(row('  false failures', String(rerun.failed), '0', rerun.failed === 0))
}
console.log(lines.join('\n'))
rmSync(dir, { recursive: true, force: true })
