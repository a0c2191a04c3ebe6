// Templates and inputs built to cost or leak: subexpressions nested thousands deep (a parse
// that takes minutes, a render that doubles its text at each level), a parse error that
// would quote the text before it, and class instances that carry data no template can print.
import { describe, expect, test } from 'vitest'
import { main } from '../../src/cli/prompts.js'
import { AssayUsageError, prompts, PromptRegistryError } from '../../src/index.js'
import { loadPrompt, MAX_SUBEXPRESSION_DEPTH } from '../../src/prompts/load.js'
import { tempProject, V1 } from './helpers.js'

async function cli(root: string, ...args: string[]) {
  let out = ''
  const status = await main(args, { cwd: root, env: { CI: '' }, stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (out += t) } })
  return { status, out }
}

const nested = (levels: number) => `---\nmodel: m\n---\nline one\n{{json ${'(json '.repeat(levels)}a${')'.repeat(levels)}}}\n`

describe('nested subexpressions', () => {
  test('a tag nested deeper than the cap is refused before it is parsed, naming the file, the line, the cap and the fix', async () => {
    const source = { name: 's', version: 'v3', hash: 'h-deep', file: 'prompts/s/v3.prompt', labels: [] }
    const error = await loadPrompt(source, nested(8000)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PromptRegistryError)
    const message = (error as Error).message
    expect(message).toContain('prompts/s/v3.prompt: line 5:')
    expect(message).toContain(`more than ${MAX_SUBEXPRESSION_DEPTH} levels deep`)
    expect(message).toContain('pass it in as a variable')
    // A file that failed to load is not parsed again while its content is the same.
    expect(await loadPrompt(source, nested(8000)).catch((e: unknown) => e)).toBe(error)
    expect(await loadPrompt({ ...source, hash: 'h-other' }, nested(8000)).catch((e: unknown) => e)).not.toBe(error)
  })

  test('nesting up to the cap loads and renders', async () => {
    const prompt = await loadPrompt({ name: 's', version: 'v3', hash: 'h-ok', file: 'prompts/s/v3.prompt', labels: [] }, nested(MAX_SUBEXPRESSION_DEPTH))
    expect(prompt.render({ a: 'x' })[0]!.content).toContain('line one')
    await expect(loadPrompt({ name: 's', version: 'v3', hash: 'h-over', file: 'prompts/s/v3.prompt', labels: [] }, nested(MAX_SUBEXPRESSION_DEPTH + 1))).rejects.toThrow(PromptRegistryError)
  })

  test('parentheses in text, comments and string literals are not subexpressions', async () => {
    const deep = '('.repeat(50)
    const text = `---\nmodel: m\n---\n${deep} {{!-- ${deep} --}} {{! ${deep} }} {{json "${deep}"}} {{a}}\n`
    const prompt = await loadPrompt({ name: 's', version: 'v3', hash: 'h-text', file: 'prompts/s/v3.prompt', labels: [] }, text)
    expect(prompt.render({ a: 'x' })[0]!.content).toContain(deep)
  })
})

describe('a template that does not parse', () => {
  const broken = `---\nmodel: m\n---\nAuthorization: Bearer HbsParseSecret123456 {{#if a}\n`

  test('its error quotes none of the text before the error, in the API and the CLI', async () => {
    const p = tempProject()
    p.write('s', 'v1', V1)
    p.write('s', 'v2', broken)
    const error = await prompts.get('s', 'v2').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PromptRegistryError)
    expect((error as Error).message).toContain('the template is not valid Handlebars: Parse error on line 1')
    expect((error as Error).message).not.toContain('Secret123456')
    for (const args of [['list'], ['show', 's@v2']]) {
      const out = await cli(p.root, ...args)
      expect(out.out).toContain('Parse error on line 1')
      expect(out.out).not.toContain('123456')
    }
  })
})

describe('class instances in the input', () => {
  class Holder {
    constructor(readonly value: unknown) {}
    describe(): string {
      return 'a method'
    }
  }
  function* generator() {
    yield 1
  }
  const disguised = Promise.resolve(1)
  Object.defineProperty(disguised, Symbol.toStringTag, { value: 'Object' })

  test.each([
    ['a Promise', Promise.resolve(1), 'a Promise'],
    ['a typed array', new Uint8Array([1, 2]), 'a Uint8Array'],
    ['a Map', new Map(), 'a Map'],
    ['a generator', generator(), 'a Generator'],
    ['a WeakRef', new WeakRef({}), 'a WeakRef'],
    ['a Promise whose tag is redefined', disguised, 'a Promise'],
  ])('%s inside one is refused, naming its path', async (_, value, what) => {
    const p = tempProject()
    p.write('s', 'v1', '---\nmodel: m\n---\n{{x.value}} {{x.inner.value}}\n')
    const prompt = await prompts.get('s', 'v1')
    expect(() => prompt.render({ x: new Holder(value) })).toThrow(AssayUsageError)
    expect(() => prompt.render({ x: new Holder(value) })).toThrow(`the value at "x.value" is ${what}`)
    expect(() => prompt.render({ x: { inner: new Holder(value) } })).toThrow(`the value at "x.inner.value" is ${what}`)
  })

  test('a class instance of text, a Date and a cycle print as before', async () => {
    const p = tempProject()
    p.write('s', 'v1', '---\nmodel: m\n---\n{{x.value}} {{x.when}}\n')
    const prompt = await prompts.get('s', 'v1')
    const holder = Object.assign(new Holder('text'), { when: new Date(0) }) as Holder & { self?: unknown }
    holder.self = holder
    expect(prompt.render({ x: holder })[0]!.content).toContain('text')
  })
})
