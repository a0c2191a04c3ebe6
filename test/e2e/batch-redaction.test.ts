// What `npx assay batch` prints of a test's own values: a near-copy of the API key (changed by
// one character, cut, upper-cased, cut short with `...`) and a token of a credential's shape
// are redacted in the runners' failure output, coloured or not.
import { afterEach, beforeEach, describe, expect, inject, test } from 'vitest'
import { startFixtureServer, type FixtureServer } from '../../fixtures/server/index.js'
import { FixtureProject, node22Path, runners } from './harness.js'

const setups = [
  { name: 'Vitest 4 (ESM, Node 20)', node: () => process.execPath, args: ['--runner=vitest'] },
  { name: 'Vitest 5 (ESM, Node 22)', node: node22Path, args: ['--runner=vitest'] },
  { name: 'Jest 29 (CommonJS, globals)', node: () => process.execPath, args: ['--runner=jest', '--ci'] },
  { name: 'Jest 30 (CommonJS, globals)', node: () => process.execPath, args: ['--runner=jest', '--ci'] },
]

const KEY = 'gw-9f8e7d6c5b4a39281706f5e4d3c2b1a0'
const GITHUB_TOKEN = 'ghp_R2d2C3poL8bB4yoda9Xwing0Falcon1Tie2Ab'

for (const setup of setups) {
  const runner = runners.find((r) => r.name === setup.name)!
  describe(setup.name, () => {
    let project: FixtureProject
    let server: FixtureServer
    beforeEach(async () => {
      project = new FixtureProject(runner.project, inject('assayPackage'), runner.trees?.())
      server = await startFixtureServer({ respond: () => '{}' })
    })
    afterEach(async () => {
      project.remove()
      await server.close()
    })

    test('near-copies of the key and a GitHub token in failed checks are not printed', async () => {
      project.writeTest(
        'near.test.js',
        `const KEY = process.env.OPENAI_API_KEY
test('one character changed', () => { expect(KEY.slice(0, 4) + 'Z' + KEY.slice(5)).toBe(KEY) })
test('cut by one', () => { expect(KEY.slice(1)).toBe(KEY) })
test('upper-cased', () => { expect(KEY.toUpperCase()).toBe(KEY) })
test('cut short', () => { expect(KEY.slice(0, 20) + '...').toBe('') })
test('a token of a known shape', () => { expect('${GITHUB_TOKEN}').toBe('') })
`,
      )
      for (const color of [false, true]) {
        // The harness sets NO_COLOR, which Vitest obeys whenever it is set at all.
        const command = color ? ['env', ['-u', 'NO_COLOR', setup.node()]] as const : [setup.node(), []] as const
        const run = await project.run(command[0], [...command[1], 'node_modules/assay/bin/assay.mjs', 'batch', ...setup.args, 'near.test.js'], { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: KEY, CI: 'true', ASSAY_BATCH_POLL_MS: '20', ...(color ? { FORCE_COLOR: '1' } : {}) })
        expect(run.code, run.output).toBe(1)
        if (color) expect(run.output).toContain('\x1b[')
        const plain = run.output.replace(/\x1b\[[0-9;]*m/g, '')
        expect(plain).toContain('[REDACTED]')
        for (const part of [KEY.slice(5), KEY.slice(1, 25), KEY.toUpperCase().slice(3), KEY.slice(0, 20), GITHUB_TOKEN.slice(4)]) expect(plain, `${part} (colour: ${color})`).not.toContain(part)
      }
    })

    test('ordinary names, data fields and paths are printed, and a short key changed in the middle is not', async () => {
      // A gateway key too short for two near-copy windows; a cache label and a credentials
      // file's path guessed as keys from their variables' names. Every test fails, so that
      // every runner prints its name.
      const SHORT = 'gw-9f8e7d6c5b4a39281706'
      project.writeTest(
        'names.test.js',
        `const KEY = process.env.OPENAI_API_KEY
test('handles basic arithmetic in refunds', () => { expect({ sort_key: 'created_at', stop_token: '</s>' }).toEqual({ sort_key: 'updated_at', stop_token: '<eos>' }) })
test('linux-x64-node20 build matrix', () => { expect(1).toBe(2) })
test('sk-learn-2024-pipeline-classifier returns labels', () => { expect(1).toBe(2) })
test('a short key changed in the middle', () => { expect(KEY.slice(0, 10) + 'Z' + KEY.slice(11)).toBe(KEY) })
test('where the credentials are', () => { expect(process.env.GOOGLE_APPLICATION_CREDENTIALS).toBe('') })
`,
      )
      const env = { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: SHORT, CACHE_KEY: 'linux-x64-node20-npm-deps', GOOGLE_APPLICATION_CREDENTIALS: `${project.dir}/gcp-sa.json`, CI: 'true', ASSAY_BATCH_POLL_MS: '20' }
      const run = await project.run(setup.node(), ['node_modules/assay/bin/assay.mjs', 'batch', ...setup.args, 'names.test.js'], env)
      expect(run.code, run.output).toBe(1)
      for (const shown of ['handles basic arithmetic in refunds', 'linux-x64-node20 build matrix', 'sk-learn-2024-pipeline-classifier returns labels', 'created_at', 'updated_at', '<eos>', project.dir]) expect(run.output).toContain(shown)
      expect(run.output).not.toContain(SHORT.slice(3, 10))
    })
  })
}
