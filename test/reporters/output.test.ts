import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { sampleRun } from '../../fixtures/report/sample-run.js'
import { writeReport } from '../../reporters/output.js'
import { buildResults } from '../../src/report/build.js'
import type { JudgeRecord } from '../../src/report/records.js'
import { REDACTED, resetSecrets } from '../../src/secrets.js'
import { embeddedResults } from '../report/embedded.js'

const key = 'sk-reporter-0123456789abcdef'
let dir: string
const saved = { ...process.env }
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'assay-output-'))
  process.env.OPENAI_API_KEY = key
  process.env.GITHUB_ACTIONS = 'true'
  process.env.GITHUB_STEP_SUMMARY = join(dir, 'step-summary.md')
  delete process.env.ASSAY_REPORT_DIR
})
afterEach(() => {
  process.env = { ...saved }
  resetSecrets()
  rmSync(dir, { recursive: true, force: true })
})

describe('writeReport', () => {
  test('no file it writes and nothing it prints holds a known key, wherever the run put it', () => {
    const run = sampleRun({ tests: 12 })
    // What a worker did not redact: the runner's own errors (an SDK error quoting an
    // echoed key), a test title, and a record from an older assay.
    run.errors.push(`Error: 401 Incorrect API key provided: ${key}`)
    const file = run.files[0]!
    file.errors.push(`Bearer ${key}`)
    const failed = file.tests.find((t) => t.state === 'failed')!
    failed.titles = [...failed.titles.slice(0, -1), `uses ${key}`]
    failed.errors.push(`AuthenticationError: ${JSON.stringify({ error: { message: `bad key ${key}` } })}`)
    const judged = file.tests.flatMap((t) => t.records).find((r): r is JudgeRecord => r.kind === 'judge' && r.verdict !== undefined)!
    judged.pass = false
    judged.location = { line: 3, column: 5 }
    judged.message = `Expected more. ${encodeURIComponent(key)}`
    judged.verdict!.criteria.accuracy!.reasoning = `The judge saw ${key}.`
    const lines: string[] = []
    const written = writeReport(buildResults(run), dir, { outputDir: 'report' }, (line) => lines.push(line))

    const outputs = [
      readFileSync(written.results, 'utf8'),
      readFileSync(written.html!, 'utf8'),
      JSON.stringify(embeddedResults(readFileSync(written.html!, 'utf8'))),
      ...readdirSync(join(written.dir, 'history')).map((f) => readFileSync(join(written.dir, 'history', f), 'utf8')),
      readFileSync(join(dir, 'step-summary.md'), 'utf8'),
      lines.join('\n'),
    ]
    for (const output of outputs) {
      expect(output).not.toContain(key)
      expect(output).not.toContain(encodeURIComponent(key))
    }
    expect(outputs[0]).toContain(`Incorrect API key provided: ${REDACTED}`)
    expect(outputs[0]).toContain(`The judge saw ${REDACTED}.`)
    expect(lines.join('\n')).toContain(`::error file=`)
    expect(lines.join('\n')).toContain(`Expected more. ${REDACTED}`)
  })
})
