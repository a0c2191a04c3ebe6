// `npx assay prompts …` as a user runs it: the built CLI in a project folder.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, test } from 'vitest'
import { tempProject, V1, V2 } from './helpers.js'

const bin = join(import.meta.dirname, '..', '..', 'bin', 'assay.mjs')
const env = (extra: Record<string, string> = {}) => {
  const { ASSAY_PROMPTS_DIR: _, CI: __, ...rest } = process.env
  return { ...rest, ...extra }
}

function project() {
  const p = tempProject()
  p.write('summarizer', 'v1', V1)
  p.write('summarizer', 'v2', V2)
  const assay = (args: string[], extra: Record<string, string> = {}) => spawnSync(process.execPath, [bin, 'prompts', ...args], { cwd: p.root, encoding: 'utf8', env: env(extra) })
  return { ...p, assay }
}

beforeAll(() => {
  if (!existsSync(join(import.meta.dirname, '..', '..', 'dist', 'esm', 'src', 'cli', 'prompts.js'))) throw new Error('The CLI runs from dist: run npm run build first.')
})

// Each test spawns several CLI processes on a machine that may be busy: generous time, no luck.
describe('npx assay prompts', { timeout: 120_000 }, () => {
  test('is listed in npx assay --help, and --help prints its commands and exit codes', () => {
    const top = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' })
    expect(top.stdout).toContain('prompts <command>          The prompt registry')
    const { assay } = project()
    for (const args of [['--help'], ['-h'], []]) {
      const run = assay(args)
      expect(run.status).toBe(0)
      expect(run.stdout).toContain('Usage: assay prompts <command> [options]')
      expect(run.stdout).toContain('rollback NAME VERSION [--reason TEXT]')
      expect(run.stdout).toContain('1  refused: a registered version was edited or deleted')
    }
  })

  test.each([
    ['list', 'Usage: assay prompts list'],
    ['show', 'Usage: assay prompts show NAME[@VERSION]'],
    ['diff', 'Usage: assay prompts diff NAME A B'],
    ['label', 'Usage: assay prompts label NAME VERSION LABEL [--reason TEXT]'],
    ['rollback', 'Usage: assay prompts rollback NAME VERSION [--reason TEXT]'],
    ['history', 'Usage: assay prompts history NAME'],
  ])('%s --help prints its own usage and exits 0', (command, usage) => {
    const run = project().assay([command, '--help'])
    expect(run.status).toBe(0)
    expect(run.stdout).toContain(usage)
  })

  test('list shows versions in order with labels, latest and short hashes, and registers them', () => {
    const p = project()
    const run = p.assay(['list'])
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(/^summarizer\n {2}v1 {2}[0-9a-f]{12}\n {2}v2 {2}[0-9a-f]{12} {2}latest\n {2}registered v1, v2 in prompts\/summarizer\/labels.json and prompts\/summarizer\/history.jsonl: commit them with the version files.\n$/)
    expect(p.assay(['list']).stdout).not.toContain('registered')
  })

  test('show prints version, hash, labels, model, config, metadata and template', () => {
    const p = project()
    p.assay(['label', 'summarizer', 'v1', 'production'])
    const run = p.assay(['show', 'summarizer'])
    expect(run.status).toBe(0)
    expect(run.stdout).toContain('summarizer@v1\nfile:      prompts/summarizer/v1.prompt\nhash:      sha256 ')
    expect(run.stdout).toContain('labels:    production\nmodel:     gpt-4o-mini\nconfig:    {"temperature":0}\nmetadata:\n  author: ana\n  tested: 2026-01-05 on news-50, 47/50\ntemplate:\n  {{role "system"}}\n  Summarize the following text in 3 bullet points.')
    expect(p.assay(['show', 'summarizer@v2']).stdout).toContain('labels:    latest\nmodel:     gpt-4o\n')
  })

  test('diff prints a unified diff of the two files', () => {
    const run = project().assay(['diff', 'summarizer', 'v1', 'v2'])
    expect(run.status).toBe(0)
    expect(run.stdout).toContain('--- prompts/summarizer/v1.prompt\tsummarizer@v1\n+++ prompts/summarizer/v2.prompt\tsummarizer@v2\n')
    expect(run.stdout).toContain('\n-model: gpt-4o-mini\n')
    expect(run.stdout).toContain('\n+model: gpt-4o\n')
  })

  test('label, rollback and history: the moves, in a table', () => {
    const p = project()
    expect(p.assay(['label', 'summarizer', 'v1', 'production']).stdout).toBe('summarizer: production (unset) → v1 (promote), recorded in the history.\n')
    expect(p.assay(['label', 'summarizer', 'v2', 'production', '--reason', 'better on news-50']).status).toBe(0)
    const rollback = p.assay(['rollback', 'summarizer', 'v1', '--reason', 'v2 invents numbers'])
    expect(rollback.status).toBe(0)
    expect(rollback.stdout).toBe('summarizer: production v2 → v1 (rollback: v2 invents numbers), recorded in the history.\n')
    expect(p.assay(['rollback', 'summarizer', 'v1']).stdout).toBe('summarizer: production already points at v1; nothing recorded.\n')
    const history = p.assay(['history', 'summarizer'])
    expect(history.status).toBe(0)
    const lines = history.stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^time {22}label {7}from {2}to {2}action {4}reason$/)
    expect(lines[1]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z {2}production {2}- {5}v1 {2}promote$/)
    expect(lines[2]).toMatch(/ {2}production {2}v1 {4}v2 {2}promote {3}better on news-50$/)
    expect(lines[3]).toMatch(/ {2}production {2}v2 {4}v1 {2}rollback {2}v2 invents numbers$/)
    expect(JSON.parse(readFileSync(join(p.dir, 'summarizer', 'labels.json'), 'utf8')).labels.production.version).toBe('v1')
  })

  test('usage errors exit 2 with the reason: unknown command, option, prompt or version, wrong arguments', () => {
    const p = project()
    const cases: [string[], string][] = [
      [['purge'], 'assay prompts: unknown command "purge".'],
      [['list', '--force'], "Unknown option '--force'"],
      [['show', 'nope'], 'assay prompts: there is no prompt "nope" in prompts. Prompts there: summarizer.'],
      [['show', 'summarizer@v7'], 'prompt "summarizer" has no version or label "v7". Versions: v1, v2.'],
      [['show', 'summarizer@'], 'names no version after "@"'],
      [['diff', 'summarizer', 'v1'], 'diff takes 3 arguments, but got 2.'],
      [['label', '../etc', 'v1', 'x'], '"../etc" is not a valid prompt name'],
      [['history', 'summarizer', '--reason', 'x'], '--reason is for label and rollback, not history.'],
    ]
    for (const [args, message] of cases) {
      const run = p.assay(args)
      expect({ args, status: run.status }).toEqual({ args, status: 2 })
      expect(run.stderr).toContain(message)
    }
  })

  test('a refused operation exits 1: an edited version, a deleted one, an unregistered one on CI', () => {
    const p = project()
    expect(p.assay(['list']).status).toBe(0)
    writeFileSync(join(p.dir, 'summarizer', 'v1.prompt'), V1.replace('ana', 'eve'))
    expect(p.assay(['show', 'summarizer@v2']).status).toBe(0)
    const edited = p.assay(['show', 'summarizer@v1'])
    expect(edited.status).toBe(1)
    expect(edited.stderr).toContain('assay prompts: prompts/summarizer/v1.prompt was edited after it was registered')
    const listed = p.assay(['list'])
    expect(listed.status).toBe(1)
    expect(listed.stderr).toContain('assay prompts: summarizer: v1: prompts/summarizer/v1.prompt was edited')
    rmSync(join(p.dir, 'summarizer', 'v1.prompt'))
    expect(p.assay(['show', 'summarizer@v1']).stderr).toContain('its file prompts/summarizer/v1.prompt is gone')
    p.write('summarizer', 'v1', V1)
    p.write('summarizer', 'v3', V2)
    const ci = p.assay(['list'], { CI: 'true' })
    expect(ci.status).toBe(1)
    expect(ci.stderr).toContain('"v3" (prompts/summarizer/v3.prompt) is not registered')
  })

  test('--dir and ASSAY_PROMPTS_DIR choose the registry folder', () => {
    const p = project()
    expect(p.assay(['list'], { ASSAY_PROMPTS_DIR: 'elsewhere' }).stdout).toContain('No prompts in elsewhere.')
    expect(p.assay(['list', '--dir', 'prompts'], { ASSAY_PROMPTS_DIR: 'elsewhere' }).stdout).toContain('summarizer\n')
  })
})
