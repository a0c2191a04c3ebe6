// How long a run takes when the judge's endpoint is dead: 12 toScoreAtLeast tests in 2 files
// against a closed port, end to end with real Vitest (from the build in dist/). Every test
// must fail; the figure is the wall time of the whole run, start-up included.
import { spawn } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..')
const dir = join(root, '.tmp', 'bench-dead-endpoint')
rmSync(dir, { recursive: true, force: true })
mkdirSync(dir, { recursive: true })
for (let f = 0; f < 2; f++) {
  writeFileSync(
    join(dir, `dead-${f}.test.js`),
    `import { expect, test } from 'vitest'
for (let i = 0; i < 6; i++) test('verdict ${f}-' + i, async () => { await expect('- Revenue rose ' + i + '.').toScoreAtLeast(7) })
`,
  )
}
writeFileSync(
  join(dir, 'vitest.config.js'),
  `import { defineConfig } from 'vitest/config'
import { assay } from 'assay/vitest/plugin'
export default defineConfig({ plugins: [assay()], test: { root: ${JSON.stringify(dir)}, include: ['*.test.js'], testTimeout: 120000 } })
`,
)

// A port that was just free and is closed now: connections to it are refused.
const probe = createServer()
await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve))
const port = probe.address().port
await new Promise((resolve) => probe.close(resolve))

const started = performance.now()
const child = spawn(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--config', join(dir, 'vitest.config.js')], {
  cwd: root,
  env: { ...process.env, OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`, OPENAI_API_KEY: 'bench-key', CI: '', ASSAY_CACHE: 'off' },
  stdio: ['ignore', 'pipe', 'pipe'],
})
let out = ''
child.stdout.on('data', (d) => (out += d))
child.stderr.on('data', (d) => (out += d))
const code = await new Promise((resolve) => child.on('close', resolve))
const seconds = (performance.now() - started) / 1000
const failed = /Tests\s+(\d+) failed/.exec(out.replace(/\x1b\[[0-9;]*m/g, ''))?.[1]
console.log(`dead endpoint: 12 judged tests against a closed port, ${failed ?? '?'} failed (exit ${code}), ${seconds.toFixed(1)} s end to end`)
rmSync(dir, { recursive: true, force: true })
