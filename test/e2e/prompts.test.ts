// The prompt registry loaded from the packed package in every runner: ESM under Vitest,
// CommonJS under Jest, where the lazily loaded prompt parser goes through Jest's registry.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { FixtureProject, runners, type RunResult } from './harness.js'

const V1 = `---
model: gpt-4o-mini
config:
  temperature: 0
input:
  schema:
    text: string
author: ana
---
{{role "system"}}
Summarize the following text in 3 bullet points.
{{role "user"}}
{{text}}
`

const BODY = `
test('pass: prompts', async () => {
  const p = await prompts.get('summarizer')
  expect([p.version, p.model, p.config.temperature, p.metadata.author]).toEqual(['v1', 'gpt-4o-mini', 0, 'ana'])
  expect(p.render({ text: 'The cat sat.' })).toEqual([
    { role: 'system', content: 'Summarize the following text in 3 bullet points.' },
    { role: 'user', content: 'The cat sat.' },
  ])
  expect(() => p.render({ text: 1 })).toThrow('the variable "text" must be string')
  await expect(prompts.get('summarizer', 'v9')).rejects.toThrow('has no version or label "v9"')
  expect((await prompts.versions('summarizer')).map((v) => v.version)).toEqual(['v1'])
  // Render input no template can use is refused in this realm too (Jest's vm context).
  const g = await prompts.get('guard')
  expect(g.config).toEqual({ temperature: 0.5, max_tokens: 9 })
  expect(() => g.render({ x: { y: new Map([['a', 1]]) } })).toThrow('the value at "x.y" is a Map')
  let called = 0
  expect(() => g.render({ x: { y: () => String(++called) } })).toThrow('the value at "x.y" is a function')
  expect(called).toBe(0)
})
`

// A tagged credential (the yaml library would warn, quoting the line) and a merge key.
const GUARD = `---
model: m
api_key: !vault sk-proj-TAGGEDSECRET1234567890abcdefXYZ
base: &base
  temperature: 0.5
config:
  <<: *base
  max_tokens: 9
---
{{x.y}}
`

describe.each(runners)('$name', (runner) => {
  let project: FixtureProject
  let run: RunResult
  beforeAll(async () => {
    project = new FixtureProject(runner.project, inject('assayPackage'), runner.trees?.())
    mkdirSync(join(project.dir, 'prompts', 'summarizer'), { recursive: true })
    writeFileSync(join(project.dir, 'prompts', 'summarizer', 'v1.prompt'), V1)
    mkdirSync(join(project.dir, 'prompts', 'guard'), { recursive: true })
    writeFileSync(join(project.dir, 'prompts', 'guard', 'v1.prompt'), GUARD)
    project.writeTest('prompts.test.js', BODY, ['prompts'])
    run = await runner.run(project, undefined, 'prompts.test.js', { CI: '' })
  })
  afterAll(() => project?.remove())

  test('prompts.get, render and versions work from the packed package, and the version is registered', () => {
    expect(run.code, run.output).toBe(0)
    expect(project.results().get('pass: prompts')?.status).toBe('passed')
    expect(run.output).not.toContain('TAGGEDSECRET')
    const labels = JSON.parse(readFileSync(join(project.dir, 'prompts', 'summarizer', 'labels.json'), 'utf8'))
    expect(Object.keys(labels.versions)).toEqual(['v1'])
  })
})
