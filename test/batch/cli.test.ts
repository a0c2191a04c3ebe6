import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { lockBatchRun } from '../../src/batch/state.js'
import { main } from '../../src/cli/batch.js'

// `assay batch`'s own arguments, checked before any runner is spawned (the runs themselves are end to end, in test/e2e/batch.test.ts).
let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'assay-batch-cli-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

async function run(argv: string[], env: Record<string, string> = {}) {
  const out: string[] = []
  const err: string[] = []
  const code = await main(argv, { cwd: dir, env: { ...env }, stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t) } })
  return { code, stdout: out.join(''), stderr: err.join('') }
}

describe('assay batch arguments', () => {
  test('--help prints the usage, with the passes and exit codes', async () => {
    const r = await run(['--help'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('Usage: assay batch [--runner=vitest|jest] [--failed=live|report] [--poll-interval=MS] [runner arguments]')
    expect(r.stdout).toContain("Exit codes: the replay pass's; 1 when the batch expired, was cancelled or failed; 2 a usage error,\nor another assay batch run in the same project holds its lock")
  })

  test.each([
    [['--runner=mocha'], '--runner must be vitest or jest, but got "mocha".'],
    [['--failed=retry'], '--failed must be live or report, but got "retry".'],
    [['--poll-interval=soon'], '--poll-interval must be a whole number of milliseconds, but got "soon".'],
  ])('%j is a usage error (exit 2) saying what is allowed', async (argv, message) => {
    const r = await run(argv)
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(`assay batch: ${message}\nSee npx assay batch --help.\n`)
  })

  test('refuses ASSAY_CACHE=off, which would leave nothing to replay', async () => {
    const r = await run([], { ASSAY_CACHE: 'off' })
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('ASSAY_CACHE is "off", but batch mode writes the answers into the cassettes and replays them')
  })

  test('a runner that is not installed is a usage error naming it', async () => {
    writeFileSync(join(dir, 'package.json'), '{}')
    const r = await run(['--runner=jest'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`assay batch runs jest, but jest is not installed in ${dir}.`)
  })

  test('while another run holds the batch lock, exits 2 naming it, before running anything or touching its pending file', async () => {
    writeFileSync(join(dir, 'package.json'), '{}')
    // A runner that would leave a mark if it ran.
    mkdirSync(join(dir, 'node_modules', 'vitest'), { recursive: true })
    writeFileSync(join(dir, 'node_modules', 'vitest', 'package.json'), '{"name":"vitest","version":"0.0.0"}')
    writeFileSync(join(dir, 'node_modules', 'vitest', 'vitest.mjs'), `import { writeFileSync } from 'node:fs'\nwriteFileSync('ran', '')\n`)
    const cassettes = join(dir, '__llm_cassettes__')
    const release = lockBatchRun(cassettes)
    writeFileSync(join(cassettes, 'batch-pending.json'), 'the other run is collecting')
    try {
      const r = await run(['--runner=vitest'])
      expect(r.code).toBe(2)
      expect(r.stderr).toContain(`assay batch: another \`assay batch\` run (process ${process.pid}) holds ${join(cassettes, 'batch-run.lock')}`)
      expect(existsSync(join(dir, 'ran'))).toBe(false)
      expect(readFileSync(join(cassettes, 'batch-pending.json'), 'utf8')).toBe('the other run is collecting')
    } finally {
      release()
    }
    // Released, the next run goes ahead (its runner runs).
    rmSync(join(cassettes, 'batch-pending.json'))
    const r = await run(['--runner=vitest'], { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' })
    expect(existsSync(join(dir, 'ran'))).toBe(true)
    expect(r.code).not.toBe(2)
  })
})
