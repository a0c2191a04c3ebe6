import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { root } from './harness.js'

// The packed package, loaded by plain Node the way a user's code would load it.
describe('the published package', () => {
  let dir: string
  // A local run (CI unset), where the registry registers the versions a test writes.
  const node = (args: string[]) => execFileSync(process.execPath, args, { cwd: dir, encoding: 'utf8', env: { ...process.env, CI: '' } }).trim()

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'assay-package-'))
    mkdirSync(join(dir, 'node_modules'))
    cpSync(inject('assayPackage'), join(dir, 'node_modules/assay'), { recursive: true })
    const { dependencies } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }
    for (const dep of Object.keys(dependencies)) symlinkSync(join(root, 'node_modules', dep), join(dir, 'node_modules', dep))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  test('ships the builds and types, and no sources or tests', () => {
    const pkg = inject('assayPackage')
    for (const file of ['dist/esm/src/index.js', 'dist/cjs/src/index.js', 'dist/cjs/package.json', 'types/vitest.d.ts', 'types/vitest-v4.d.ts', 'types/jest.d.ts', 'bin/assay.mjs', 'README.md']) {
      expect(existsSync(join(pkg, file)), file).toBe(true)
    }
    for (const file of ['src', 'test', 'bench', 'matchers', 'node_modules']) expect(existsSync(join(pkg, file)), file).toBe(false)
  })

  test('require and import give the same API', () => {
    const cjs = node(['-e', "console.log(Object.keys(require('assay')).sort().join(','), Object.keys(require('assay/matchers')).sort().join(','))"])
    const esm = node(['--input-type=module', '-e', "const a = await import('assay'); const m = await import('assay/matchers'); console.log(Object.keys(a).sort().join(','), Object.keys(m).sort().join(','))"])
    expect(cjs).toBe(esm)
    expect(cjs).toContain('configure')
    expect(cjs).toContain('toHaveNoInventedNumbers')
  })

  test('the matchers load without the NLP library or the openai SDK; each loads on first use', () => {
    expect(node(['-e', "require('assay/matchers'); console.log(Object.keys(require.cache).filter((k) => /[\\/](openai|compromise)[\\/]/.test(k)).length)"])).toBe('0')
    const script = `
      const { extractEntities } = require('assay')
      const loaded = () => Object.keys(require.cache).some((k) => k.includes('compromise'))
      const before = loaded()
      const people = extractEntities('Tim Cook spoke.', ['person']).map((e) => e.text)
      console.log(JSON.stringify({ before, after: loaded(), people }))`
    expect(JSON.parse(node(['-e', script]))).toEqual({ before: false, after: true, people: ['Tim Cook'] })
    const esm = node(['--input-type=module', '-e', "const { extractEntities } = await import('assay'); console.log(extractEntities('Tim Cook spoke.', ['person'])[0].text)"])
    expect(esm).toBe('Tim Cook')
  })

  test('the prompt registry loads its parser (dotprompt, ajv, yaml) on first use, from the declared dependencies alone', () => {
    mkdirSync(join(dir, 'prompts', 'greet'), { recursive: true })
    writeFileSync(join(dir, 'prompts', 'greet', 'v1.prompt'), '---\ninput:\n  schema:\n    name: string\n---\nHello {{name}}\n')
    const heavy = "Object.keys(require.cache).filter((k) => /[\\/](dotprompt|ajv|yaml)[\\/]/.test(k)).length"
    const script = `const { prompts } = require('assay')
      const before = ${heavy}
      prompts.get('greet').then((p) => console.log(JSON.stringify({ before, after: ${heavy} > 0, messages: p.render({ name: 'Ana' }) })))`
    expect(JSON.parse(node(['-e', script]))).toEqual({ before: 0, after: true, messages: [{ role: 'user', content: 'Hello Ana' }] })
    const esm = node(['--input-type=module', '-e', "const { prompts } = await import('assay'); console.log((await prompts.get('greet')).render({ name: 'Bo' })[0].content)"])
    expect(esm).toBe('Hello Bo')
  })

  test('the fixture server is importable from both formats and answers', () => {
    const script = (load: string) => `${load}
      const server = await startFixtureServer()
      const res = await fetch(server.url + '/chat/completions', { method: 'POST', body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }) })
      console.log((await res.json()).choices[0].message.content)
      await server.close()`
    expect(node(['--input-type=module', '-e', script("const { startFixtureServer } = await import('assay/fixture-server')")])).toBe('ok')
    expect(node(['-e', `(async () => { ${script("const { startFixtureServer } = require('assay/fixture-server')")} })()`])).toBe('ok')
  })

  test('source maps carry their sources, so stack frames and Vitest point at code that exists', () => {
    const pkg = inject('assayPackage')
    for (const map of ['dist/esm/src/index.js.map', 'dist/esm/runners/vitest.js.map', 'dist/cjs/matchers/toScoreAtLeast.js.map']) {
      const data = JSON.parse(readFileSync(join(pkg, map), 'utf8')) as { sources: string[]; sourcesContent?: (string | null)[] }
      expect(data.sourcesContent, map).toHaveLength(data.sources.length)
      for (const content of data.sourcesContent!) expect(content?.length, map).toBeGreaterThan(0)
    }
  })

  test('npm pack on a fresh clone builds and ships dist/', () => {
    const clone = mkdtempSync(join(tmpdir(), 'assay-clone-'))
    try {
      execFileSync('git', ['clone', '-q', root, clone])
      symlinkSync(join(root, 'node_modules'), join(clone, 'node_modules'))
      const out = execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: clone, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
      const [{ files }] = JSON.parse(out.slice(out.indexOf('['))) as [{ files: { path: string }[] }]
      const paths = files.map((f) => f.path)
      for (const file of ['dist/esm/src/index.js', 'dist/cjs/src/index.js', 'dist/esm/runners/vitest.js', 'dist/esm/src/index.d.ts']) expect(paths).toContain(file)
    } finally {
      rmSync(clone, { recursive: true, force: true })
    }
  })
})
