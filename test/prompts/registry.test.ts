import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test, vi } from 'vitest'
import { prompts, PromptRegistryError } from '../../src/index.js'
import { rejection, tempProject, V1, V2 } from './helpers.js'


const labelsOf = (dir: string, name: string) => JSON.parse(readFileSync(join(dir, name, 'labels.json'), 'utf8')) as { labels: Record<string, { version: string; sha256: string }>; versions: Record<string, string> }

describe('labels', () => {
  test('label moves a label and records the move; moving production is a promotion', async () => {
    const project = tempProject()
    project.write('summarizer', 'v1', V1)
    project.write('summarizer', 'v2', V2)
    const first = await prompts.label('summarizer', 'v1', 'staging', { reason: 'try it' })
    expect(first).toMatchObject({ label: 'staging', from: null, to: 'v1', action: 'set', reason: 'try it' })
    await prompts.label('summarizer', 'v2', 'staging')
    await prompts.label('summarizer', 'latest', 'production')
    const v2 = labelsOf(project.dir, 'summarizer').versions.v2
    expect(labelsOf(project.dir, 'summarizer').labels).toEqual({ production: { version: 'v2', sha256: v2 }, staging: { version: 'v2', sha256: v2 } })
    const history = await prompts.history('summarizer')
    expect(history.map((m) => [m.label, m.from, m.to, m.action])).toEqual([
      ['staging', null, 'v1', 'set'],
      ['staging', 'v1', 'v2', 'set'],
      ['production', null, 'v2', 'promote'],
    ])
    expect(Date.parse(history[0]!.time)).not.toBeNaN()
    expect(history[1]).not.toHaveProperty('reason')
  })

  test('a label may point at another label; a move to where the label already is records nothing', async () => {
    const project = tempProject()
    project.write('summarizer', 'v1', V1)
    await prompts.label('summarizer', 'v1', 'staging')
    expect(await prompts.label('summarizer', 'staging', 'canary')).toMatchObject({ to: 'v1' })
    expect(await prompts.label('summarizer', 'v1', 'staging')).toBeUndefined()
    expect(await prompts.history('summarizer')).toHaveLength(2)
  })

  test('"latest", a version name, and an invalid name cannot be labels; "production" and labels cannot be versions', async () => {
    const project = tempProject()
    project.write('summarizer', 'v1', V1)
    project.write('summarizer', 'v2', V2)
    expect((await rejection(prompts.label('summarizer', 'v1', 'latest'))).message).toContain('"latest" is computed')
    expect((await rejection(prompts.label('summarizer', 'v1', 'v2'))).message).toContain('"v2" is a version of prompt "summarizer", so it cannot be a label name')
    expect((await rejection(prompts.label('summarizer', 'v1', '../x'))).message).toContain('"../x" is not a valid label name')
    await prompts.label('summarizer', 'v1', 'staging')
    project.write('summarizer', 'staging', V1)
    // The label still names its version; the file that cannot be a version is a problem row.
    expect((await prompts.get('summarizer', 'staging')).version).toBe('v1')
    const problem = (await prompts.versions('summarizer')).find((v) => v.version === 'staging')?.problem
    expect(problem).toContain('"staging" is already a label of prompt "summarizer" (pointing at "v1" in')
    expect(problem).toContain('Rename the file, e.g. to v3.prompt')
    rmSync(join(project.dir, 'summarizer', 'staging.prompt'))
    project.write('summarizer', 'production', V1)
    expect((await prompts.versions('summarizer')).find((v) => v.version === 'production')?.problem).toContain('"production" is a reserved name')
  })
})

describe('rollback and history', () => {
  test('rollback moves production back and appends the move with its reason', async () => {
    const project = tempProject()
    project.write('summarizer', 'v1', V1)
    project.write('summarizer', 'v2', V2)
    await prompts.label('summarizer', 'v1', 'production')
    await prompts.label('summarizer', 'v2', 'production', { reason: 'better on news-50' })
    expect((await prompts.get('summarizer')).version).toBe('v2')
    const move = await prompts.rollback('summarizer', 'v1', { reason: 'v2 invents numbers' })
    expect(move).toMatchObject({ label: 'production', from: 'v2', to: 'v1', action: 'rollback', reason: 'v2 invents numbers' })
    expect((await prompts.get('summarizer')).version).toBe('v1')
    const lines = readFileSync(join(project.dir, 'summarizer', 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { action: string })
    // The two registrations first, then the three moves; history() gives the moves.
    expect(lines.map((l) => l.action)).toEqual(['register', 'register', 'promote', 'promote', 'rollback'])
    expect(lines[4]).toEqual(move)
    expect(await prompts.history('summarizer')).toEqual(lines.slice(2))
  })

  test('a scratch file that a killed writer left beside the history is removed by the next move', async () => {
    const project = tempProject()
    project.write('summarizer', 'v1', V1)
    const dead = spawnSync(process.execPath, ['-e', '']).pid!
    const orphan = join(project.dir, 'summarizer', `history.jsonl.${dead}.0123456789ab.tmp`)
    writeFileSync(orphan, '{"half": ')
    await prompts.label('summarizer', 'v1', 'staging')
    expect(existsSync(orphan)).toBe(false)
    expect(await prompts.history('summarizer')).toHaveLength(1)
  })

  test('a prompt without moves has an empty history; a damaged history line is refused, naming file and line', async () => {
    const project = tempProject()
    project.write('summarizer', 'v1', V1)
    expect(await prompts.history('summarizer')).toEqual([])
    await prompts.label('summarizer', 'v1', 'staging')
    writeFileSync(join(project.dir, 'summarizer', 'history.jsonl'), `${readFileSync(join(project.dir, 'summarizer', 'history.jsonl'), 'utf8')}{"time": 3}\n`)
    const e = await rejection(prompts.history('summarizer'))
    expect(e).toBeInstanceOf(PromptRegistryError)
    expect(e.message).toContain('line 3 of')
    expect(e.message).toContain('history.jsonl is not a label move')
  })
})

describe('immutability', () => {
  test('a deleted registered version is refused when asked for; the other versions load', async () => {
    const project = tempProject()
    const v1 = project.write('summarizer', 'v1', V1)
    project.write('summarizer', 'v2', V2)
    await prompts.versions('summarizer')
    rmSync(v1)
    expect((await prompts.get('summarizer', 'v2')).version).toBe('v2')
    const e = await rejection(prompts.get('summarizer', 'v1'))
    expect(e).toBeInstanceOf(PromptRegistryError)
    expect(e.message).toContain(`prompt "summarizer" version "v1" is registered in`)
    expect(e.message).toContain(`but its file ${v1} is gone`)
  })

  test('an edit is caught, listed, and the fix names a version after the latest', async () => {
    const project = tempProject()
    const v1 = project.write('summarizer', 'v1', V1)
    project.write('summarizer', 'v9', V2)
    await prompts.versions('summarizer')
    writeFileSync(v1, V1.replace('ana', 'eve'))
    expect((await prompts.versions('summarizer')).find((r) => r.version === 'v1')?.problem).toContain(`${v1} was edited after it was registered`)
    const e = await rejection(prompts.get('summarizer', 'v1'))
    expect(e.message).toContain(`${v1} was edited after it was registered`)
    expect(e.message).toContain(join(project.dir, 'summarizer', 'v10.prompt'))
  })

  test('a damaged labels.json is refused and left as it is', async () => {
    const project = tempProject()
    project.write('summarizer', 'v1', V1)
    writeFileSync(join(project.dir, 'summarizer', 'labels.json'), '{"labels": ')
    const e = await rejection(prompts.get('summarizer'))
    expect(e).toBeInstanceOf(PromptRegistryError)
    expect(e.message).toContain('labels.json is not JSON')
    expect(readFileSync(join(project.dir, 'summarizer', 'labels.json'), 'utf8')).toBe('{"labels": ')
  })
})

describe('on CI', () => {
  test('an unregistered version is refused with the command to register it; registered ones load without a write', async () => {
    const project = tempProject()
    project.write('summarizer', 'v1', V1)
    await prompts.versions('summarizer')
    const before = readFileSync(join(project.dir, 'summarizer', 'labels.json'), 'utf8')
    vi.stubEnv('CI', 'true')
    expect((await prompts.get('summarizer')).version).toBe('v1')
    const v2 = project.write('summarizer', 'v2', V2)
    expect((await prompts.get('summarizer', 'v1')).version).toBe('v1')
    const e = await rejection(prompts.get('summarizer', 'v2'))
    expect(e).toBeInstanceOf(PromptRegistryError)
    expect(e.message).toContain(`"v2" (${v2}) is not registered`)
    expect(e.message).toContain('Register it locally with `npx assay prompts show summarizer@v2`')
    expect(readFileSync(join(project.dir, 'summarizer', 'labels.json'), 'utf8')).toBe(before)
  })

  test.each(['false', '0'])('CI=%s is not CI: versions are registered', async (ci) => {
    const project = tempProject()
    project.write('summarizer', 'v1', V1)
    vi.stubEnv('CI', ci)
    await prompts.get('summarizer')
    expect(labelsOf(project.dir, 'summarizer').versions).toHaveProperty('v1')
  })
})

describe('hostile inputs', () => {
  test.each(['../x', 'a/b', '..', '/etc'])('the prompt name %j is refused before any file is read', async (name) => {
    const project = tempProject()
    project.write('summarizer', 'v1', V1)
    const e = await rejection(prompts.get(name))
    expect(e.name).toBe('AssayUsageError')
    expect(e.message).toContain('is not a valid prompt name')
  })

  test('a version reference that escapes the folder finds nothing', async () => {
    const project = tempProject()
    project.write('summarizer', 'v1', V1)
    project.write('other', 'v1', V2)
    const e = await rejection(prompts.get('summarizer', '../other/v1'))
    expect(e.message).toContain('has no version or label "../other/v1"')
  })

  test('a frontmatter that is not valid YAML is refused, named, and never registered', async () => {
    const project = tempProject()
    const file = project.write('summarizer', 'v1', '---\nmodel: [gpt-4o\nauthor: ana\n---\nHello {{text}}\n')
    const e = await rejection(prompts.get('summarizer'))
    expect(e).toBeInstanceOf(PromptRegistryError)
    expect(e.message).toContain(`${file}: the frontmatter is not valid YAML`)
    expect(existsSync(join(project.dir, 'summarizer', 'labels.json'))).toBe(false)
    project.write('summarizer', 'v1', '---\nmodel: gpt-4o\n{{text}}\n')
    expect((await rejection(prompts.get('summarizer'))).message).toContain('has no closing "---" line')
    project.write('summarizer', 'v1', '---\n- a list\n---\n{{text}}\n')
    expect((await rejection(prompts.get('summarizer'))).message).toContain('the frontmatter must be a YAML mapping')
  })

  test('a bad input schema, model, config, an empty template or a partial is refused, naming the file', async () => {
    const project = tempProject()
    const file = project.write('summarizer', 'v1', '---\ninput:\n  schema:\n    text: strin\n---\n{{text}}\n')
    const schema = await rejection(prompts.get('summarizer'))
    expect(schema).toBeInstanceOf(PromptRegistryError)
    expect(schema.message).toContain(`${file}: the input schema is not valid Picoschema or JSON Schema: Picoschema: unsupported scalar type 'strin'.`)
    const cases: [string, string][] = [
      ['---\nmodel: 4\n---\n{{text}}\n', '"model" must be a string'],
      ['---\nconfig: hot\n---\n{{text}}\n', '"config" must be a mapping'],
      ['---\nmodel: gpt-4o\n---\n\n', 'has no template'],
      ['Hello {{> signature}}', 'the template includes a partial'],
      ['Hello {{#if x}}', 'the template is not valid Handlebars'],
    ]
    for (const [text, message] of cases) {
      project.write('summarizer', 'v1', text)
      expect((await rejection(prompts.get('summarizer'))).message).toContain(message)
    }
    expect(existsSync(join(project.dir, 'summarizer', 'labels.json'))).toBe(false)
  })

  test('versions and labels named like Object properties (constructor, toString) are registered and checked', async () => {
    const project = tempProject()
    const file = project.write('summarizer', 'constructor', V1)
    await prompts.label('summarizer', 'constructor', 'toString')
    expect(labelsOf(project.dir, 'summarizer')).toMatchObject({ labels: { toString: { version: 'constructor' } }, versions: { constructor: expect.stringMatching(/^[0-9a-f]{64}$/) } })
    expect((await prompts.get('summarizer', 'toString')).version).toBe('constructor')
    expect((await rejection(prompts.get('summarizer', 'hasOwnProperty'))).message).toContain('has no version or label "hasOwnProperty"')
    writeFileSync(file, V2)
    expect((await rejection(prompts.get('summarizer'))).message).toContain('was edited after it was registered')
  })

  test('a template just under the 256 KB cap loads and renders; a 1 MB one is refused, naming the file and its size', { timeout: 60_000 }, async () => {
    const project = tempProject()
    const file = (big: string) => `---\ninput:\n  schema:\n    text: string\n---\n{{role "system"}}\n${big}\n{{role "user"}}\n{{text}}\n`
    project.write('summarizer', 'v1', file('Keep every figure exact. '.repeat(10_000)))
    const messages = (await prompts.get('summarizer', 'v1')).render({ text: 'x' })
    expect(messages[0]!.content.length).toBeGreaterThan(240_000)
    expect(messages[1]).toEqual({ role: 'user', content: 'x' })
    project.write('summarizer', 'v2', file('Keep every figure exact. '.repeat(42_000)))
    const refused = await prompts.get('summarizer', 'v2').catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(PromptRegistryError)
    expect((refused as Error).message).toMatch(/prompts\/summarizer\/v2\.prompt is 1025 KB \(1050\d{3} bytes\), more than a version file may be \(256 KB\)/)
    expect((await prompts.versions('summarizer')).map((v) => [v.version, v.problem === undefined])).toEqual([['v1', true], ['v2', false]])
  })

  test('a template of more than 5,000 mustache tags is refused, naming the file and the count', async () => {
    const project = tempProject()
    project.write('summarizer', 'v1', `{{text}}\n${'{{a}}'.repeat(2500)}${'{{json a}}'.repeat(1500)}${'{{{a}}}'.repeat(1000)}\n`)
    await expect(prompts.get('summarizer', 'v1')).rejects.toThrow('prompts/summarizer/v1.prompt: the template has 5001 mustache tags ({{…}}), more than a template may have (5000)')
    project.write('summarizer', 'v2', `{{text}}\n${'{{a}}'.repeat(4999)}\n`)
    expect((await prompts.get('summarizer', 'v2')).version).toBe('v2')
  })

  test('a template of thousands of block helpers is refused before Handlebars compiles it', async () => {
    const project = tempProject()
    project.write('summarizer', 'v1', `{{#if text}}{{text}}{{/if}}\n${'{{#if a}}x{{/if}}'.repeat(1001)}\n`)
    const started = Date.now()
    await expect(prompts.get('summarizer', 'v1')).rejects.toThrow('prompts/summarizer/v1.prompt: the template has more than 1000 block helpers ({{#if}}, {{#each}}, …)')
    // Measured in the test only as a bound far above the refusal's cost and far below a compile's.
    expect(Date.now() - started).toBeLessThan(20_000)
  })

  test('Unicode prompt and version names work, typed in either normal form', async () => {
    const project = tempProject()
    project.write('résumé', '版本1', V1)
    const p = await prompts.get('re\u0301sume\u0301', '版本1')
    expect(p.name).toBe('résumé')
    expect(p.version).toBe('版本1')
    expect(await prompts.list()).toEqual(['résumé'])
  })

  test('a file that is not UTF-8 is refused', async () => {
    const project = tempProject()
    const file = project.write('summarizer', 'v1', '')
    writeFileSync(file, Buffer.from([0x48, 0xff, 0xfe, 0x21]))
    expect((await rejection(prompts.get('summarizer'))).message).toContain('is not UTF-8 text')
  })
})
