import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { sampleRun } from '../../fixtures/report/sample-run.js'
import { writeReport } from '../../reporters/output.js'
import { main } from '../../src/cli/merge.js'
import { buildResults } from '../../src/report/build.js'
import { readHistory } from '../../src/report/history.js'
import { parseResults } from '../../src/report/schema.js'
import { nodeFileSystem } from '../../src/store/file.js'

let cwd: string
beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'assay-merge-'))
})
afterEach(() => rmSync(cwd, { recursive: true, force: true }))

/** Writes three shards' report folders (shard-1 … shard-3) the way the reporters do; returns the unsharded run's results. */
function writeShards(id = 'nightly-9') {
  const input = sampleRun({ tests: 300, perFile: 50, root: cwd })
  mkdirSync(join(cwd, 'test'))
  for (const f of input.files) writeFileSync(f.path, `// ${f.path}\n`)
  const whole = buildResults(input)
  for (let index = 1; index <= 3; index++) {
    const part = buildResults({ ...input, files: input.files.filter((_, i) => i % 3 === index - 1), id, shard: { index, count: 3 } })
    writeReport(part, cwd, {}, () => {}, join(cwd, `shard-${index}`))
  }
  return whole
}

async function merge(...argv: string[]) {
  let stdout = ''
  let stderr = ''
  const code = await main(argv, { cwd, env: {}, stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } })
  return { code, stdout, stderr }
}

describe('assay merge', () => {
  test('merges the shards into one results.json, index.html and history entry, equal to the unsharded run', async () => {
    const whole = writeShards()
    const run = await merge('shard-1', 'shard-2', 'shard-3/results.json', '--out', 'merged')
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('assay merge: merged 3 shards of run nightly-9 (6 test files, 300 tests) into merged')
    const results = parseResults(readFileSync(join(cwd, 'merged/results.json'), 'utf8'))
    expect(results.files).toEqual(whole.files)
    expect(results.totals).toEqual(whole.totals)
    expect(results.run).toMatchObject({ id: 'nightly-9', mergedFrom: 3 })
    expect(readFileSync(join(cwd, 'merged/index.html'), 'utf8')).toContain('<h1>assay report</h1>')
    // The merged run's history entry (not the shards'), which a gate against the previous run reads.
    const history = readHistory(nodeFileSystem(), join(cwd, 'merged/history'))
    expect(history.entries.map((e) => e.run.mergedFrom)).toEqual([3])
    // A second night adds to the history kept in the output folder.
    await merge('shard-1', 'shard-2', 'shard-3', '--out', 'merged')
    expect(readdirSync(join(cwd, 'merged/history'))).toHaveLength(2)
  })

  test('--allow-missing merges the shards there are, with a warning', async () => {
    writeShards()
    const refused = await merge('shard-1', 'shard-3', '--out', 'merged')
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('assay merge: shard 2 of 3 is missing')
    expect(existsSync(join(cwd, 'merged'))).toBe(false)
    const run = await merge('shard-1', 'shard-3', '--out', 'merged', '--allow-missing')
    expect(run.code).toBe(0)
    expect(run.stderr).toContain('assay merge: warning: shard 2 of 3 is missing: the merged run covers 4 of its test files only.')
    expect(run.stdout).toContain('into merged\n')
    // After a full merge, one with shards missing is a partial run, and goes where partial runs go.
    await merge('shard-1', 'shard-2', 'shard-3', '--out', 'merged')
    const partial = await merge('shard-1', 'shard-3', '--out', 'merged', '--allow-missing')
    expect(partial.stdout).toContain('into merged/partial\n')
    expect(parseResults(readFileSync(join(cwd, 'merged/partial/results.json'), 'utf8')).run).toMatchObject({ partialOf: 6, mergedFrom: 2 })
    expect(parseResults(readFileSync(join(cwd, 'merged/results.json'), 'utf8')).run.mergedFrom).toBe(3)
  })

  test('shards of different runs are refused (exit 1), naming the files', async () => {
    writeShards()
    const other = parseResults(readFileSync(join(cwd, 'shard-3/results.json'), 'utf8'))
    other.run.id = 'nightly-10'
    writeFileSync(join(cwd, 'shard-3/results.json'), JSON.stringify(other))
    const run = await merge('shard-1', 'shard-2', 'shard-3', '--out', 'merged')
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('assay merge: the shards are of different runs (shard-1/results.json, shard-2/results.json: nightly-9; shard-3/results.json: nightly-10)')
  })

  test('different schema versions are refused, saying which file has which', async () => {
    writeShards()
    const text = readFileSync(join(cwd, 'shard-2/results.json'), 'utf8')
    writeFileSync(join(cwd, 'shard-2/results.json'), text.replace('"version": 1', '"version": 2'))
    const run = await merge('shard-1', 'shard-2', 'shard-3', '--out', 'merged')
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('assay merge: the results are of different format versions (shard-1/results.json, shard-3/results.json: version 1; shard-2/results.json: version 2); this assay reads version 1.')
  })

  test('an unreadable or invalid results.json is a usage error naming the file and what is wrong', async () => {
    writeShards()
    rmSync(join(cwd, 'shard-2/results.json'))
    const missing = await merge('shard-1', 'shard-2', '--out', 'merged')
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('assay merge: shard-2/results.json cannot be read (ENOENT): is shard-2 a shard\'s report folder')
    writeFileSync(join(cwd, 'shard-2/results.json'), '{"schema": "assay-results", "version": 1, "run": {}}')
    const invalid = await merge('shard-1', 'shard-2', '--out', 'merged')
    expect(invalid.code).toBe(2)
    expect(invalid.stderr).toMatch(/assay merge: shard-2\/results\.json is not valid results\.json: run\.runner: Invalid option/)
    writeFileSync(join(cwd, 'shard-2/results.json'), '{"schema": ')
    const torn = await merge('shard-1', 'shard-2', '--out', 'merged')
    expect(torn.code).toBe(2)
    expect(torn.stderr).toContain('assay merge: shard-2/results.json is not JSON')
  })

  test('usage errors exit 2: no inputs, no --out, an --out inside an input, an unknown option', async () => {
    writeShards()
    const none = await merge('--out', 'merged')
    expect(none).toMatchObject({ code: 2 })
    expect(none.stderr).toContain('assay merge: no results to merge')
    expect(none.stderr).toContain('Usage: assay merge')
    const noOut = await merge('shard-1', 'shard-2', 'shard-3')
    expect(noOut.code).toBe(2)
    expect(noOut.stderr).toContain('assay merge: --out is required')
    const inside = await merge('shard-1', 'shard-2', 'shard-3', '--out', 'shard-2/merged')
    expect(inside.code).toBe(2)
    expect(inside.stderr).toContain('assay merge: --out shard-2/merged is inside the input shard-2')
    expect(existsSync(join(cwd, 'shard-2/merged'))).toBe(false)
    const same = await merge('shard-1', 'shard-2', '--out', 'shard-1')
    expect(same.stderr).toContain('assay merge: --out shard-1 is inside the input shard-1')
    const unknown = await merge('shard-1', '--outdir', 'x')
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain("assay merge: Unknown option '--outdir'")
  })

  test('an --out inside an input is refused through symlinks too: in --out, in the input, or a link to a folder not made yet', async () => {
    writeShards()
    mkdirSync(join(cwd, 'link'))
    symlinkSync(join(cwd, 'shard-1'), join(cwd, 'link/s1'))
    const viaOut = await merge('shard-1', 'shard-2', 'shard-3', '--out', 'link/s1/merged')
    expect(viaOut.code).toBe(2)
    expect(viaOut.stderr).toContain('assay merge: --out link/s1/merged is inside the input shard-1')
    expect(existsSync(join(cwd, 'shard-1/merged'))).toBe(false)
    const viaInput = await merge('link/s1', 'shard-2', 'shard-3', '--out', 'shard-1/merged/deeper')
    expect(viaInput.code).toBe(2)
    expect(viaInput.stderr).toContain('assay merge: --out shard-1/merged/deeper is inside the input link/s1')
    symlinkSync(join(cwd, 'shard-2'), join(cwd, 'to-shard-2'))
    const linkedOut = await merge('shard-1', 'shard-2/results.json', 'shard-3', '--out', 'to-shard-2')
    expect(linkedOut.code).toBe(2)
    expect(linkedOut.stderr).toContain('assay merge: --out to-shard-2 is inside the input shard-2/results.json')
    // A dangling link: writing through it would create the folder it names, in shard-3.
    symlinkSync(join(cwd, 'shard-3/new'), join(cwd, 'dangling'))
    const dangling = await merge('shard-1', 'shard-2', 'shard-3', '--out', 'dangling/report')
    expect(dangling.code).toBe(2)
    expect(dangling.stderr).toContain('assay merge: --out dangling/report is inside the input shard-3')
    expect(existsSync(join(cwd, 'shard-3/new'))).toBe(false)
    // A link that leads elsewhere is fine.
    mkdirSync(join(cwd, 'reports'))
    symlinkSync(join(cwd, 'reports'), join(cwd, 'link/reports'))
    const fine = await merge('link/s1', 'shard-2', 'shard-3', '--out', 'link/reports/merged')
    expect(fine.stderr).toBe('')
    expect(fine.code).toBe(0)
    expect(existsSync(join(cwd, 'reports/merged/results.json'))).toBe(true)
  })

  test('one shard given twice, under two paths, is a usage error naming both', async () => {
    writeShards()
    symlinkSync(join(cwd, 'shard-1'), join(cwd, 'again'))
    const linked = await merge('shard-1', 'again', 'shard-2', 'shard-3', '--out', 'merged')
    expect(linked.code).toBe(2)
    expect(linked.stderr).toContain('assay merge: shard-1 and again are the same results.json (shard-1/results.json): give each shard once.')
    const spelled = await merge('shard-1', 'shard-2', './shard-2/results.json', 'shard-3', '--out', 'merged')
    expect(spelled.code).toBe(2)
    expect(spelled.stderr).toContain('assay merge: shard-2 and ./shard-2/results.json are the same results.json (shard-2/results.json): give each shard once.')
    expect(existsSync(join(cwd, 'merged'))).toBe(false)
  })

  test('a shard whose results.json says passed beside failed tests merges as failed, with a warning on stderr naming it', async () => {
    writeShards()
    const edited = parseResults(readFileSync(join(cwd, 'shard-1/results.json'), 'utf8'))
    const failed = edited.files.flatMap((f) => f.tests).filter((t) => t.state === 'failed').length
    expect(failed).toBeGreaterThan(0)
    for (const s of ['shard-1', 'shard-2', 'shard-3']) {
      const r = parseResults(readFileSync(join(cwd, s, 'results.json'), 'utf8'))
      r.run.status = 'passed'
      writeFileSync(join(cwd, s, 'results.json'), JSON.stringify(r))
    }
    const run = await merge('shard-1', 'shard-2', 'shard-3', '--out', 'merged')
    expect(run.code).toBe(0)
    expect(run.stderr).toContain(`assay merge: warning: shard-1/results.json says run.status "passed", but it has ${failed} failed tests; the merged run is failed.\n`)
    expect(parseResults(readFileSync(join(cwd, 'merged/results.json'), 'utf8')).run.status).toBe('failed')
  })

  test('--help prints the usage and exits 0', async () => {
    const run = await merge('--help')
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('Usage: assay merge DIR… --out DIR [--allow-missing]')
    expect(run.stdout).toContain('Exit codes: 0')
  })

  test('an --out naming a regular file is a usage error (exit 2), not an errno', async () => {
    writeShards()
    writeFileSync(join(cwd, 'afile'), 'not a folder\n')
    for (const out of ['afile', 'afile/sub']) {
      const run = await merge('shard-1', 'shard-2', 'shard-3', '--out', out)
      expect(run).toMatchObject({ code: 2, stdout: '' })
      expect(run.stderr).toBe(`assay merge: --out ${out} names a file (or a path through one), not a folder: the merged report is a folder (results.json, index.html, history/). Name a folder, e.g. --out assay-report.\n`)
    }
    expect(readFileSync(join(cwd, 'afile'), 'utf8')).toBe('not a folder\n')
  })

  test('a shard with figures no run produces (a negative cost or latency) is refused (exit 2), naming the file and the field', async () => {
    writeShards()
    const path = join(cwd, 'shard-2/results.json')
    const shard = parseResults(readFileSync(path, 'utf8'))
    const f = shard.files.findIndex((x) => x.tests.some((t) => t.assertions.some((a) => a.judge)))
    const t = shard.files[f]!.tests.findIndex((x) => x.assertions.some((a) => a.judge))
    const a = shard.files[f]!.tests[t]!.assertions.findIndex((x) => x.judge)
    Object.assign(shard.files[f]!.tests[t]!.assertions[a]!.judge!, { cost: -1, latencyMs: -5 })
    writeFileSync(path, JSON.stringify(shard))
    const run = await merge('shard-1', 'shard-2', 'shard-3', '--out', 'merged')
    expect(run.code).toBe(2)
    expect(run.stderr).toContain(`assay merge: shard-2/results.json is not valid results.json: it holds figures no run produces: files[${f}].tests[${t}].assertions[${a}].judge.cost is -1, but cannot be negative; files[${f}].tests[${t}].assertions[${a}].judge.latencyMs is -5, but cannot be negative.`)
    expect(existsSync(join(cwd, 'merged'))).toBe(false)
  })

  test('a filtered shard makes the merged run filtered, so that it is no previous run for the gate', async () => {
    writeShards()
    const path = join(cwd, 'shard-2/results.json')
    const shard = parseResults(readFileSync(path, 'utf8'))
    shard.run.filtered = ['-t summary']
    writeFileSync(path, JSON.stringify(shard))
    expect((await merge('shard-1', 'shard-2', 'shard-3', '--out', 'merged')).code).toBe(0)
    expect(parseResults(readFileSync(join(cwd, 'merged/results.json'), 'utf8')).run.filtered).toEqual(['-t summary'])
    expect(readHistory(nodeFileSystem(), join(cwd, 'merged/history')).entries[0]!.run.filtered).toEqual(['-t summary'])
  })

  test('warnings show control characters in test titles and dataset names escaped, not raw', async () => {
    writeShards()
    const path = join(cwd, 'shard-2/results.json')
    const shard = parseResults(readFileSync(path, 'utf8'))
    const t = shard.files[0]!.tests.find((x) => x.state === 'passed')!
    t.titles = ['evil\u001b[31m\r\ntitle']
    t.errors = ['an error']
    writeFileSync(path, JSON.stringify(shard))
    const run = await merge('shard-1', 'shard-2', 'shard-3', '--out', 'merged')
    expect(run.code).toBe(0)
    expect(run.stderr).toContain('evil\\x1b[31m\\r\\ntitle')
    expect(run.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/)
  })
})
