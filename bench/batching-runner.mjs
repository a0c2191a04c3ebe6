// Embedding batching through a real runner (see the README's Benchmarks section): 500
// toBeSemanticallySimilarTo assertions, concurrent tests in 4 files, under real Vitest with
// the plugin and `--maxWorkers=4`, against the fixture server at 50 ms latency with a limit
// of 50 requests per second, once with batching on (the defaults) and once off
// (`embedding.maxBatchSize: 1`, a request per input), with the cache off so every vector is
// asked live. Reports the embedding requests the server got and the wall time, as ratios
// measured in one run. `node bench/batching-runner.mjs` after `npm run build`.
import { spawn } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startFixtureServer } from '../dist/esm/fixtures/server/index.js'

const root = join(import.meta.dirname, '..')
// Inside the repository, so that `assay` resolves to this package as it does for the example.
const dir = join(root, '.tmp', 'bench-batching-runner')
const FILES = 4
const PER_FILE = 125
const CONCURRENCY = 25
const LATENCY_MS = 50
const RATE = 50
const topics = ['refund', 'delivery', 'password reset', 'invoice', 'subscription']

rmSync(dir, { recursive: true, force: true })
mkdirSync(dir, { recursive: true })
for (let f = 0; f < FILES; f++) {
  // Each assertion embeds two texts of its own, so nothing is shared between assertions.
  writeFileSync(
    join(dir, `similar-${f}.test.js`),
    `import { expect, test } from 'vitest'
const asserted = process.env.BENCH_NO_ASSERT !== '1'
const topics = ${JSON.stringify(topics)}
for (let i = 0; i < ${PER_FILE}; i++) {
  test.concurrent('similar ${f}-' + i, async () => {
    const reply = 'Ticket ${f}-' + i + ': your ' + topics[i % topics.length] + ' request is handled within ' + ((i % 7) + 1) + ' days.'
    const expected = 'Ticket ${f}-' + i + ': we handle your ' + topics[i % topics.length] + ' request within ' + ((i % 7) + 1) + ' days.'
    expect(reply).toContain('Ticket')
    if (asserted) await expect(reply).toBeSemanticallySimilarTo(expected, { threshold: 0.5 })
  })
}
`,
  )
}
writeFileSync(
  join(dir, 'vitest.config.js'),
  `import { defineConfig } from 'vitest/config'
import { assay } from 'assay/vitest/plugin'
const unbatched = process.env.BENCH_UNBATCHED === '1'
export default defineConfig({
  plugins: [assay({ judge: { requestsPerMinute: ${RATE * 60}, maxRetries: 10 }, embedding: unbatched ? { maxBatchSize: 1 } : {}, report: false })],
  test: { root: ${JSON.stringify(dir)}, include: ['*.test.js'], testTimeout: 600000, maxConcurrency: ${CONCURRENCY} },
})
`,
)

const server = await startFixtureServer({ latencyMs: LATENCY_MS, rateLimit: { requests: RATE, windowMs: 1000 } })

function run(env) {
  return new Promise((resolve) => {
    const started = performance.now()
    const child = spawn(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--config', join(dir, 'vitest.config.js'), '--maxWorkers=4', '--reporter=dot'], {
      cwd: root,
      env: { ...process.env, OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'bench-key', ASSAY_CACHE: 'off', CI: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (out += d))
    child.on('exit', (code) => {
      const seconds = (performance.now() - started) / 1000
      // The run's own count of embedding requests, from the summary the global teardown prints.
      const counted = /assay: \d+ similarit\S+ \((\d+) live.*?; (\d+) embedding requests?/.exec(out)
      resolve({ code, seconds, live: counted ? Number(counted[1]) : 0, counted: counted ? Number(counted[2]) : undefined, out })
    })
  })
}

async function measure(name, env) {
  const before = server.requests.length
  const r = await run(env)
  const sent = server.requests.slice(before).filter((q) => q.path.endsWith('/embeddings'))
  if (r.code !== 0) throw new Error(`${name}: vitest exited with ${r.code}\n${r.out.slice(Math.max(0, r.out.indexOf('Failed Tests')), 8000)}`)
  return { name, ...r, requests: sent.length, billed: sent.filter((q) => q.status === 200).length, limited: sent.filter((q) => q.status === 429).length }
}

const startup = await measure('no assertions (runner start-up)', { BENCH_NO_ASSERT: '1' })
const on = await measure('batching on (defaults: maxBatchSize 256, maxWaitMs 10)', {})
const off = await measure('batching off (maxBatchSize 1)', { BENCH_UNBATCHED: '1' })
await server.close()
rmSync(dir, { recursive: true, force: true })

const assertions = FILES * PER_FILE
for (const r of [on, off]) if (r.live !== assertions) throw new Error(`${r.name}: ${r.live} of ${assertions} similarities were measured live`)
console.log(`\nembedding batching in a real run: ${assertions} toBeSemanticallySimilarTo in ${FILES} files of concurrent tests (maxConcurrency ${CONCURRENCY}), Vitest --maxWorkers=4, ${LATENCY_MS} ms latency, ${RATE} requests/s`)
for (const r of [on, off]) {
  console.log(`  ${r.name.padEnd(58)} ${String(r.requests).padStart(4)} embedding requests (${r.billed} answered, ${r.limited} answered 429; the run counted ${r.counted}), ${r.seconds.toFixed(1)} s (${(r.seconds - startup.seconds).toFixed(1)} s after the runner's start-up of ${startup.seconds.toFixed(1)} s)`)
}
const afterStartup = (r) => Math.max(0.001, r.seconds - startup.seconds)
console.log(`  batching sends ${(off.billed / on.billed).toFixed(1)}× fewer requests and is ${(off.seconds / on.seconds).toFixed(1)}× faster (${(afterStartup(off) / afterStartup(on)).toFixed(1)}× after start-up)`)
