// The GitHub Actions workflow in the README's "Shards and merging" section is meant to be
// copied as is: it must be valid YAML, shard and upload consistently, and run the assay
// commands that exist, with arguments they accept.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { sampleRun } from '../../fixtures/report/sample-run.js'
import { writeReport } from '../../reporters/output.js'
import { main as gateMain } from '../../src/cli/gate.js'
import { main } from '../../src/cli/merge.js'
import { buildResults } from '../../src/report/build.js'
import { parseResults } from '../../src/report/schema.js'

// js-yaml is in node_modules through Jest's coverage tooling; its 3.x API.
const yaml = createRequire(import.meta.url)('js-yaml') as { safeLoad(text: string): unknown }

const root = join(import.meta.dirname, '../..')
const readme = readFileSync(join(root, 'README.md'), 'utf8')

/** The first yaml block of the README's "Shards and merging" section. */
function workflowText(): string {
  const section = readme.split(/^#{2,3} /m).find((s) => s.startsWith('Shards and merging\n'))
  if (!section) throw new Error('README.md has no "Shards and merging" section (## or ###)')
  const block = /^```yaml\n([\s\S]*?)^```$/m.exec(section)
  if (!block) throw new Error('the "Shards and merging" section has no ```yaml block')
  return block[1]!
}

interface Step {
  uses?: string
  run?: string
  if?: string
  with?: Record<string, unknown>
  env?: Record<string, string>
}
interface Job {
  needs?: string | string[]
  if?: string
  strategy?: { matrix?: { shard?: number[] } }
  steps: Step[]
}
interface Workflow {
  on: { schedule?: { cron: string }[] }
  env?: Record<string, string>
  jobs: Record<string, Job>
}

const workflow = yaml.safeLoad(workflowText()) as Workflow
const jobs = Object.entries(workflow.jobs)
const [shardName, shardJob] = jobs.find(([, j]) => j.strategy?.matrix?.shard)!
const [, mergeJob] = jobs.find(([, j]) => j.steps.some((s) => s.run?.includes('npx assay merge')))!
const runs = (job: Job) => job.steps.flatMap((s) => (s.run ? [s.run] : []))
const uses = (job: Job, action: string) => job.steps.filter((s) => s.uses?.startsWith(`${action}@`))

/** The commands bin/assay.mjs lists in its usage. */
const binCommands = () => [...readFileSync(join(root, 'bin/assay.mjs'), 'utf8').matchAll(/^ {2}([a-z]+) /gm)].map((m) => m[1]!)

describe('the README workflow', () => {
  test('runs nightly, on a schedule', () => {
    expect(workflow.on.schedule?.[0]?.cron).toMatch(/^\S+ \S+ \S+ \S+ \S+$/)
  })

  test('shards with the runner\'s --shard over the matrix, each uploading its assay-report/ under its own name', () => {
    const shards = shardJob.strategy!.matrix!.shard!
    expect(shards).toEqual([1, 2, 3])
    expect(runs(shardJob).some((r) => r.includes(`--shard=\${{ matrix.shard }}/${shards.length}`))).toBe(true)
    const [upload] = uses(shardJob, 'actions/upload-artifact')
    expect(upload?.with).toMatchObject({ name: expect.stringContaining('${{ matrix.shard }}'), path: 'assay-report/' })
    // A shard whose tests failed still uploads its report.
    expect(upload?.if).toMatch(/!cancelled\(\)|always\(\)/)
  })

  test('merges after every shard, even failed ones, downloading each shard\'s artifact into its own folder', () => {
    expect([mergeJob.needs].flat()).toContain(shardName)
    expect(mergeJob.if).toMatch(/!cancelled\(\)|always\(\)/)
    const [download] = uses(mergeJob, 'actions/download-artifact')
    const name = String(uses(shardJob, 'actions/upload-artifact')[0]!.with!.name)
    const pattern = String(download!.with!.pattern)
    expect(name.replace('${{ matrix.shard }}', '1')).toMatch(new RegExp(`^${pattern.replace('*', '.*')}$`))
    // Without merge-multiple, each artifact is unpacked into <path>/<artifact name>/.
    expect(download!.with!['merge-multiple']).toBeUndefined()
    const merge = runs(mergeJob).find((r) => r.startsWith('npx assay merge'))!
    expect(merge).toBe(`npx assay merge ${download!.with!.path}/${pattern} --out assay-report`)
    // The history the gate reads is restored before the merge adds tonight's run to it.
    const steps = mergeJob.steps.map((s) => s.uses?.split('@')[0] ?? s.run)
    expect(steps.indexOf('actions/cache/restore')).toBeLessThan(steps.indexOf(merge))
    expect(steps.indexOf(merge)).toBeLessThan(steps.indexOf('actions/cache/save'))
    expect(uses(mergeJob, 'actions/upload-artifact')[0]?.with).toMatchObject({ path: 'assay-report/' })
  })

  test('names only assay commands that bin/assay.mjs has', () => {
    const named = [...workflowText().matchAll(/npx assay ([a-z]+)/g)].map((m) => m[1]!)
    expect(named).toEqual(['merge', 'gate'])
    for (const command of named) expect(binCommands()).toContain(command)
  })

  test('its gate step uses options the gate command lists in its --help', async () => {
    const gate = runs(mergeJob).find((r) => r.startsWith('npx assay gate'))!
    let usage = ''
    const code = await gateMain(['--help'], { cwd: root, env: {}, stdout: { write: (s: string) => (usage += s) }, stderr: { write: () => true } })
    expect(code).toBe(0)
    const options = gate.match(/--[a-z-]+/g) ?? []
    expect(options.length).toBeGreaterThan(0)
    for (const option of options) expect(usage).toContain(option)
  })

  describe('its merge step, run on artifacts laid out as download-artifact lays them out', () => {
    let cwd: string
    beforeAll(() => {
      cwd = mkdtempSync(join(tmpdir(), 'assay-workflow-'))
    })
    afterAll(() => rmSync(cwd, { recursive: true, force: true }))

    test('merges the three shards into assay-report/', async () => {
      const input = sampleRun({ tests: 90, perFile: 30, root: cwd })
      mkdirSync(join(cwd, 'test'))
      for (const f of input.files) writeFileSync(f.path, '// a test file\n')
      const [download] = uses(mergeJob, 'actions/download-artifact')
      const name = String(uses(shardJob, 'actions/upload-artifact')[0]!.with!.name)
      for (const index of shardJob.strategy!.matrix!.shard!) {
        const part = buildResults({ ...input, files: [input.files[index - 1]!], id: '1234567', shard: { index, count: 3 } })
        writeReport(part, cwd, {}, () => {}, join(cwd, String(download!.with!.path), name.replace('${{ matrix.shard }}', String(index))))
      }
      const line = runs(mergeJob).find((r) => r.startsWith('npx assay merge'))!
      // The shell expands the glob; here, against the folders written above.
      const argv = line
        .split(' ')
        .slice(3)
        .flatMap((arg) => {
          if (!arg.includes('*')) return [arg]
          const [dir, glob] = [arg.slice(0, arg.lastIndexOf('/')), arg.slice(arg.lastIndexOf('/') + 1)]
          const re = new RegExp(`^${glob.replace('*', '.*')}$`)
          return readdirSync(join(cwd, dir)).filter((n) => re.test(n)).sort().map((n) => `${dir}/${n}`)
        })
      let err = ''
      const code = await main(argv, { cwd, env: {}, stdout: { write: () => true }, stderr: { write: (s: string) => (err += s) } })
      expect(err).toBe('')
      expect(code).toBe(0)
      expect(parseResults(readFileSync(join(cwd, 'assay-report/results.json'), 'utf8')).totals.files).toBe(3)
    })
  })
})
