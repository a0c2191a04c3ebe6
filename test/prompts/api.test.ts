import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test, vi } from 'vitest'
import { configure, prompts, PromptRegistryError, resetConfig } from '../../src/index.js'
import { rejection, tempProject, V1, V2 } from './helpers.js'


describe('prompts.get', () => {
  test('loads a version with its name, hash, model, config, metadata and labels', async () => {
    const project = tempProject()
    const file = project.write('summarizer', 'v1', V1)
    const p = await prompts.get('summarizer', 'v1')
    expect(p.name).toBe('summarizer')
    expect(p.version).toBe('v1')
    expect(p.hash).toMatch(/^[0-9a-f]{64}$/)
    const { createHash } = await import('node:crypto')
    expect(p.hash).toBe(createHash('sha256').update(readFileSync(file)).digest('hex'))
    expect(p.model).toBe('gpt-4o-mini')
    expect(p.config).toEqual({ temperature: 0 })
    expect(p.metadata).toEqual({ author: 'ana', tested: '2026-01-05 on news-50, 47/50' })
    expect(p.labels).toEqual([])
  })

  test('without a version: production when set, else the latest', async () => {
    const project = tempProject()
    project.write('summarizer', 'v1', V1)
    project.write('summarizer', 'v2', V2)
    expect((await prompts.get('summarizer')).version).toBe('v2')
    await prompts.label('summarizer', 'v1', 'production')
    const p = await prompts.get('summarizer')
    expect(p.version).toBe('v1')
    expect(p.labels).toEqual(['production'])
    expect((await prompts.get('summarizer', 'latest')).version).toBe('v2')
    expect((await prompts.get('summarizer', 'production')).version).toBe('v1')
  })

  test('an unknown version or prompt is a usage error listing what exists', async () => {
    const project = tempProject()
    project.write('summarizer', 'v1', V1)
    const version = await rejection(prompts.get('summarizer', 'v3'))
    expect(version.name).toBe('AssayUsageError')
    expect(version.message).toContain('prompt "summarizer" has no version or label "v3". Versions: v1. Labels: latest.')
    const prompt = await rejection(prompts.get('summariser'))
    expect(prompt.name).toBe('AssayUsageError')
    expect(prompt.message).toContain('there is no prompt "summariser"')
    expect(prompt.message).toContain('Prompts there: summarizer.')
  })
})

describe('prompts.resolve', () => {
  test('names the version a reference points at, synchronously, with the hash get loads', async () => {
    const project = tempProject()
    project.write('summarizer', 'v1', V1)
    project.write('summarizer', 'v2', V2)
    expect(prompts.resolve('summarizer')).toMatchObject({ version: 'v2', labels: [] })
    await prompts.label('summarizer', 'v1', 'production')
    const resolved = prompts.resolve('summarizer')
    expect(resolved).toEqual({ version: 'v1', hash: (await prompts.get('summarizer')).hash, labels: ['production'], file: join(project.dir, 'summarizer', 'v1.prompt') })
    expect(prompts.resolve('summarizer', 'latest').version).toBe('v2')
    expect(() => prompts.resolve('summarizer', 'v3')).toThrow('prompts.resolve: prompt "summarizer" has no version or label "v3"')
  })
})

describe('Prompt.render', () => {
  test('renders chat messages for the openai SDK', async () => {
    const project = tempProject()
    project.write('summarizer', 'v1', V1)
    const p = await prompts.get('summarizer', 'v1')
    expect(p.render({ text: 'The cat sat.' })).toEqual([
      { role: 'system', content: 'Summarize the following text in 3 bullet points.' },
      { role: 'user', content: 'The cat sat.' },
    ])
  })

  test('a missing, a wrongly typed and an unused variable are usage errors naming prompt, version and variable', async () => {
    const project = tempProject()
    project.write('summarizer', 'v2', V2)
    const p = await prompts.get('summarizer', 'v2')
    const error = (input: Record<string, unknown>) => {
      try {
        p.render(input)
      } catch (e) {
        expect((e as Error).name).toBe('AssayUsageError')
        return (e as Error).message
      }
      throw new Error('render did not throw')
    }
    expect(error({})).toContain('render: prompt "summarizer" version "v2" (')
    expect(error({})).toContain('the variable "text" is missing')
    expect(error({ text: 42 })).toContain('the variable "text" must be string, but it is number 42')
    expect(error({ text: 'x', bullets: 'three' })).toContain('the variable "bullets" must be integer or null, but it is the string "three"')
    expect(error({ text: 'x', tone: 'formal' })).toContain('the template never uses the variable "tone". It uses: bullets, text.')
    expect(p.render({ text: 'x', bullets: 5 })[0]!.content).toContain('Write 5 bullet points')
    expect(p.render({ text: 'x' })[0]!.content).toContain('Write 3 bullet points')
  })
})

describe('prompts.versions', () => {
  test('lists versions in natural order with labels and hashes, and registers them in labels.json', async () => {
    const project = tempProject()
    for (const v of ['v10', 'v2', 'v9', 'v2.1']) project.write('summarizer', v, V1.replace('ana', v))
    await prompts.label('summarizer', 'v9', 'staging')
    const versions = await prompts.versions('summarizer')
    expect(versions.map((v) => v.version)).toEqual(['v2', 'v2.1', 'v9', 'v10'])
    expect(versions.find((v) => v.version === 'v9')!.labels).toEqual(['staging'])
    expect(versions[0]!.file).toBe(join(project.dir, 'summarizer', 'v2.prompt'))
    const labels = JSON.parse(readFileSync(join(project.dir, 'summarizer', 'labels.json'), 'utf8'))
    expect(labels.labels).toEqual({ staging: { version: 'v9', sha256: versions[2]!.hash } })
    expect(Object.keys(labels.versions)).toEqual(['v2', 'v2.1', 'v9', 'v10'])
    expect(labels.versions.v10).toBe(versions[3]!.hash)
  })

  test('an edited registered version is refused, naming the file and both hashes', async () => {
    const project = tempProject()
    const file = project.write('summarizer', 'v1', V1)
    const before = (await prompts.get('summarizer', 'v1')).hash
    project.write('summarizer', 'v1', V1.replace('3 bullet points', '4 bullet points'))
    const e = await rejection(prompts.get('summarizer', 'v1'))
    expect(e).toBeInstanceOf(PromptRegistryError)
    expect(e.message).toContain(`${file} was edited after it was registered`)
    expect(e.message).toContain(`records sha256 ${before}`)
    expect(e.message).toMatch(/the file now has sha256 [0-9a-f]{64}/)
    expect(e.message).toContain('add your change as a new version, e.g.')
  })
})

describe('where the registry is', () => {
  test('configure({ promptsDir }) sets the folder, relative to the working directory; ASSAY_PROMPTS_DIR overrides it', async () => {
    const project = tempProject()
    project.write('summarizer', 'v1', V1)
    vi.stubEnv('ASSAY_PROMPTS_DIR', '')
    const cwd = vi.spyOn(process, 'cwd').mockReturnValue(project.root)
    try {
      configure({ promptsDir: 'prompts' })
      expect((await prompts.get('summarizer')).version).toBe('v1')
      configure({ promptsDir: 'elsewhere' })
      expect((await rejection(prompts.get('summarizer'))).message).toContain(`there is no prompt "summarizer" in elsewhere`)
      vi.stubEnv('ASSAY_PROMPTS_DIR', project.dir)
      expect((await prompts.get('summarizer')).version).toBe('v1')
      expect(() => configure({ promptsDir: '' } as never)).toThrow('promptsDir')
    } finally {
      cwd.mockRestore()
      resetConfig()
    }
  })
})

describe('the README', () => {
  test('its example .prompt file loads and renders as described', async () => {
    const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8')
    const section = readme.slice(readme.indexOf('## Prompts as code'), readme.indexOf('## Configuration'))
    const example = /```handlebars\n([\s\S]*?)```/.exec(section)![1]!
    const project = tempProject()
    project.write('summarizer', 'v2', example)
    const p = await prompts.get('summarizer')
    expect(p.metadata).toMatchObject({ author: 'ana@example.com' })
    expect(p.config).toEqual({ temperature: 0, max_tokens: 300 })
    const messages = p.render({ text: 'Revenue rose 12% to $4.1bn.', bullets: 2 })
    expect(messages.map((m) => m.role)).toEqual(['system', 'user'])
    expect(messages[0]!.content).toContain('Summarize the text in 2\nbullet points')
    expect(p.render({ text: 'x' })[0]!.content).toContain('in 3\nbullet points')
  })
})
