// Per-assertion cost of toMatchStructuralBaseline against Vitest's own toMatchSnapshot on
// the same outputs, measured in one run: a suite of 2,000 assertions of each kind records
// once, then re-runs three times in compare mode; each test times its own loop, so runner
// start-up is left out, and each side is the median of the three.
import { spawn } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..')
const dir = join(root, '.tmp', 'bench-baseline')
const N = 2000
rmSync(dir, { recursive: true, force: true })
mkdirSync(dir, { recursive: true })

const body = (kind, assertion) => `import { writeFileSync } from 'node:fs'
import { expect, test } from 'vitest'
const outputs = Array.from({ length: ${N} }, (_, i) => '- Item ' + i + ': Apple rose ' + (i % 10) + '%.\\n- Tim Cook spoke.\\n- Shares rose after hours.')
test('outputs', () => {
  const started = performance.now()
  for (const output of outputs) ${assertion}
  writeFileSync(${JSON.stringify(join(dir, kind + '.ms'))}, String(performance.now() - started))
})
`
writeFileSync(join(dir, 'structural.test.js'), body('structural', 'expect(output).toMatchStructuralBaseline()'))
writeFileSync(join(dir, 'snapshot.test.js'), body('snapshot', 'expect(output).toMatchSnapshot()'))
writeFileSync(
  join(dir, 'vitest.config.js'),
  `import { defineConfig } from 'vitest/config'
export default defineConfig({ test: { root: ${JSON.stringify(dir)}, setupFiles: ['assay/vitest/v4'] } })
`,
)

function run(file) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', file, '--config', join(dir, 'vitest.config.js')], {
      cwd: root,
      env: { ...process.env, CI: '' },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let err = ''
    child.stderr.on('data', (d) => (err += d))
    child.on('exit', (code) => (code === 0 ? resolve(Number(readFileSync(join(dir, file.replace('.test.js', '.ms')), 'utf8'))) : reject(new Error(`${file} failed: ${err}`))))
  })
}

const median = (xs) => [...xs].sort((a, b) => a - b)[1]
await run('structural.test.js')
await run('snapshot.test.js')
const times = { structural: [], snapshot: [] }
for (let i = 0; i < 3; i++) for (const kind of Object.keys(times)) times[kind].push(await run(`${kind}.test.js`))
const perAssertion = (kind) => (median(times[kind]) * 1000) / N
const structural = perAssertion('structural')
const snapshot = perAssertion('snapshot')
const entries = Object.keys(JSON.parse(readFileSync(join(dir, '__llm_baselines__', 'structural.test.js.json'), 'utf8')).entries).length
console.log(
  `\nassay baseline vs snapshot (${N} assertions per suite, compare mode, medians of 3 runs, runner start-up subtracted)\n` +
    `toMatchStructuralBaseline  ${structural.toFixed(0)} µs per assertion (${entries} entries in its file)\n` +
    `toMatchSnapshot            ${snapshot.toFixed(0)} µs per assertion\n` +
    `ratio                      ${(structural / snapshot).toFixed(2)}× (for reference)`,
)
rmSync(dir, { recursive: true, force: true })
