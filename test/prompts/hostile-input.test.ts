// Inputs that once crashed, leaked or misled: a reason that forges history rows, a YAML
// alias that contains itself, merge keys, render input no template can use, and a listing
// of a folder that cannot be written.
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { main, printable } from '../../src/cli/prompts.js'
import { AssayUsageError, prompts, PromptRegistryError } from '../../src/index.js'
import { listVersions } from '../../src/prompts/api.js'
import { Registry } from '../../src/prompts/registry.js'
import { nodeFileSystem, type StoreFileSystem } from '../../src/store/file.js'
import { tempProject, V1, V2 } from './helpers.js'

async function cli(root: string, ...args: string[]) {
  let stdout = ''
  let stderr = ''
  const status = await main(args, { cwd: root, env: { CI: '' }, stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } })
  return { status, stdout, stderr }
}

describe('prompts history', () => {
  test('a reason holding newlines and terminal escapes is printed escaped, so it forges no row', async () => {
    const p = tempProject()
    p.write('s', 'v1', V1)
    p.write('s', 'v2', V2)
    const forged = 'ok\n2026-11-28T00:00:00.000Z  production  v1    v2  promote  approved by lead\u001b[31m\u0085\u202e'
    const label = await cli(p.root, 'label', 's', 'v2', 'canary', '--reason', forged)
    expect(label.stdout).toBe('s: canary (unset) → v2 (set: ok\\n2026-11-28T00:00:00.000Z  production  v1    v2  promote  approved by lead\\u001b[31m\\u0085\\u202e), recorded in the history.\n')
    const history = await cli(p.root, 'history', 's')
    expect(history.status).toBe(0)
    const lines = history.stdout.trimEnd().split('\n')
    expect(lines).toHaveLength(2)
    expect(lines[1]).toMatch(/ canary +- +v2 +set +ok\\n2026-11-28T00:00:00\.000Z  production  v1    v2  promote  approved by lead\\u001b\[31m\\u0085\\u202e$/)
    expect(history.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/)
    // The history keeps the reason as it was given.
    expect((await prompts.history('s'))[0]!.reason).toBe(forged)
  })

  test('printable escapes C0, DEL, C1 and line separators, and leaves other text alone', () => {
    expect(printable('a\tb\rc\u0000d\u007f\u009b\u2028é ✓')).toBe('a\\tb\\rc\\u0000d\\u007f\\u009b\\u2028é ✓')
  })
})

describe('YAML the frontmatter may hold', () => {
  test.each([
    ['a list', 'loop: &x [1, *x]', 'loop[1]'],
    ['a mapping', 'node: &n\n  name: a\n  self: *n', 'node.self'],
  ])('an alias to %s that contains it is refused at load, naming the file and the field', async (_, yaml, field) => {
    const p = tempProject()
    p.write('s', 'v1', `---\nmodel: m\n${yaml}\n---\nhi\n`)
    const e = await prompts.get('s', 'v1').catch((x: unknown) => x)
    expect(e).toBeInstanceOf(PromptRegistryError)
    expect((e as Error).message).toContain(`prompts/s/v1.prompt: the frontmatter's "${field}" contains itself through a YAML alias`)
    const show = await cli(p.root, 'show', 's@v1')
    expect(show.status).toBe(1)
    expect(show.stderr).toContain('contains itself through a YAML alias')
  })

  test('merge keys are applied: config gets the base mapping\'s fields, never a "<<" key', async () => {
    const p = tempProject()
    p.write('s', 'v1', `---\nmodel: m\nbase: &base\n  temperature: 0.5\n  max_tokens: 100\nconfig:\n  <<: *base\n  max_tokens: 300\n---\nhi\n`)
    const prompt = await prompts.get('s', 'v1')
    expect(prompt.config).toEqual({ temperature: 0.5, max_tokens: 300 })
    expect(Object.keys(prompt.config)).not.toContain('<<')
  })
})

describe('render input no template can use', () => {
  const template = `{{#each items}}{{this.name}} {{/each}}{{x.y}}`

  test.each([
    ['a Map', () => ({ items: [], x: { y: new Map([['a', 1]]) } }), 'x.y', 'a Map'],
    ['a Set', () => ({ items: [{ name: new Set([1]) }], x: { y: 1 } }), 'items[0].name', 'a Set'],
    ['a Symbol', () => ({ items: [], x: { y: Symbol('s') } }), 'x.y', 'a Symbol'],
    ['a WeakMap', () => ({ items: [], x: { y: new WeakMap() } }), 'x.y', 'a WeakMap, which would print as "[object WeakMap]"'],
    ['a WeakSet', () => ({ items: [], x: { y: new WeakSet() } }), 'x.y', 'a WeakSet, which would print as "[object WeakSet]"'],
    ['a Promise', () => ({ items: [], x: { y: Promise.resolve('later') } }), 'x.y', 'a Promise, which would print as "[object Promise]": await it before rendering'],
    ['a typed array', () => ({ items: [{ name: new Uint8Array([1, 2]) }], x: { y: 1 } }), 'items[0].name', 'a Uint8Array, which would print as its numbers'],
    ['an ArrayBuffer', () => ({ items: [], x: { y: new ArrayBuffer(2) } }), 'x.y', 'an ArrayBuffer, which would print as "[object ArrayBuffer]"'],
  ])('%s is an AssayUsageError naming where it is', async (_, input, at, what) => {
    const p = tempProject()
    p.write('s', 'v1', template)
    const prompt = await prompts.get('s', 'v1')
    expect(() => prompt.render(input())).toThrow(AssayUsageError)
    expect(() => prompt.render(input())).toThrow(`the value at "${at}" is ${what}`)
  })

  test('a Node Buffer still prints as its text', async () => {
    const p = tempProject()
    p.write('s', 'v1', template)
    const prompt = await prompts.get('s', 'v1')
    expect(JSON.stringify(prompt.render({ items: [], x: { y: Buffer.from('hello') } }))).toContain('hello')
  })

  test('a function anywhere in the input is refused and never called', async () => {
    const p = tempProject()
    p.write('s', 'v1', template)
    const prompt = await prompts.get('s', 'v1')
    let calls = 0
    const fn = () => {
      calls++
      return 'called'
    }
    expect(() => prompt.render({ items: [{ name: 'a' }], x: { y: fn } })).toThrow('the value at "x.y" is a function, which the template would call')
    expect(() => prompt.render({ items: [{ name: fn }], x: { y: 1 } })).toThrow('the value at "items[0].name" is a function')
    expect(calls).toBe(0)
  })
})

describe('a listing of a folder that cannot be written', () => {
  test('lists every version, each unregistered one with its problem, instead of failing the whole prompt', async () => {
    const p = tempProject()
    p.write('s', 'v1', V1)
    p.write('s', 'v2', V2)
    await prompts.versions('s')
    p.write('s', 'v3', V2.replace('ben', 'cy'))
    const real = nodeFileSystem()
    const erofs = (path: string) => Object.assign(new Error(`EROFS: read-only file system, mkdir '${path}.lock'`), { code: 'EROFS' })
    const fs: StoreFileSystem = {
      read: real.read,
      writeAtomic: (path) => {
        throw erofs(path)
      },
      lock: (path) => {
        throw erofs(path)
      },
    }
    const registry = new Registry({ root: p.dir, cwd: p.root, env: { CI: '' }, fs })
    const listed = await listVersions(registry, registry.scan('s', 'test'))
    expect(listed.map((v) => [v.version, v.problem === undefined])).toEqual([['v1', true], ['v2', true], ['v3', false]])
    expect(listed[2]!.problem).toContain(`version "v3" of prompt "s" (${join('prompts', 's', 'v3.prompt')}) is not registered yet, and it could not be`)
    expect(listed[2]!.problem).toContain('cannot be written (EROFS)')
  })
})
