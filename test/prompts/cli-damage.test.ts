// `assay prompts` in-process on damaged or hostile registries: every refusal is a message
// and an exit code, never a stack trace.
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { main } from '../../src/cli/prompts.js'
import { prompts } from '../../src/index.js'
import { registerSecret, resetSecrets } from '../../src/secrets.js'
import { tempProject, V1, V2 } from './helpers.js'

function project() {
  const p = tempProject()
  p.write('s', 'v1', V1)
  p.write('s', 'v2', V2)
  const assay = async (...args: string[]) => {
    let stdout = ''
    let stderr = ''
    const status = await main(args, { cwd: p.root, env: { CI: '' }, stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } })
    return { status, stdout, stderr }
  }
  return { ...p, assay }
}

const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at /)

describe('damaged version files are refused with exit 1 and a message', () => {
  test('a dangling symbolic link', async () => {
    const p = project()
    symlinkSync(join(p.root, 'nonexistent'), join(p.dir, 's', 'v3.prompt'))
    const run = await p.assay('list')
    expect(run.status).toBe(1)
    expect(run.stderr).toContain(`${join('prompts', 's', 'v3.prompt')} is listed in ${join('prompts', 's')} but cannot be read: it is a symbolic link to a missing file`)
    noStack(run.stderr)
  })

  test('a folder named like a version', async () => {
    const p = project()
    mkdirSync(join(p.dir, 's', 'v3.prompt'))
    expect((await p.assay('show', 's@v1')).status).toBe(0)
    const run = await p.assay('show', 's@v3')
    expect(run.status).toBe(1)
    expect(run.stderr).toContain(`${join('prompts', 's', 'v3.prompt')} is not a file.`)
  })

  test('a symbolic link to a file outside the prompt\'s folder', async () => {
    const p = project()
    writeFileSync(join(p.root, 'secret.txt'), 'top secret {{x}}')
    symlinkSync(join(p.root, 'secret.txt'), join(p.dir, 's', 'v3.prompt'))
    expect((await p.assay('show', 's@v1')).status).toBe(0)
    const run = await p.assay('show', 's@v3')
    expect(run.status).toBe(1)
    expect(run.stderr).toContain(`${join('prompts', 's', 'v3.prompt')} is a symbolic link to ${join(p.root, 'secret.txt')}, outside the prompt's folder`)
    expect(run.stdout).not.toContain('top secret')
  })

  test('version names that differ only in case', async () => {
    const p = project()
    p.write('s', 'V2', V2)
    const run = await p.assay('list')
    expect(run.status).toBe(1)
    expect(run.stderr).toContain('differ only in case, so they are one file on macOS and Windows')
  })
})

test('a prompt folder whose name the disk keeps in NFD is found by its NFC name', async () => {
  const p = project()
  const nfd = 're\u0301sume'
  p.write(nfd, 'v1', V1)
  const run = await p.assay('list')
  expect(run.stderr).toBe('')
  expect(run.status).toBe(0)
  expect(run.stdout).toContain('résume\n  v1')
  expect((await p.assay('show', 'r\u00e9sume@v1')).status).toBe(0)
  expect((await prompts.get('r\u00e9sume')).version).toBe('v1')
})

describe('labels', () => {
  test.each(['v11', 'V3', '2026-01-05', 'v2-candidate'])('a label shaped like a version (%s) is refused when set', async (label) => {
    const p = project()
    const run = await p.assay('label', 's', 'v1', label)
    expect(run.status).toBe(2)
    expect(run.stderr).toContain(`"${label}" looks like a version name`)
  })

  test('a version file with a label\'s name is refused with exit 1, advising a name that is free', async () => {
    const p = project()
    const path = join(p.dir, 's', 'labels.json')
    await p.assay('list')
    const labels = JSON.parse((await import('node:fs')).readFileSync(path, 'utf8'))
    labels.labels = { beta: 'v1' }
    writeFileSync(path, JSON.stringify(labels))
    p.write('s', 'beta', V2.replace('ben', 'cy'))
    const run = await p.assay('list')
    expect(run.status).toBe(1)
    expect(run.stderr).toContain('"beta" is already a label of prompt "s" (pointing at "v1" in')
    expect(run.stderr).toContain('Rename the file, e.g. to v3.prompt.')
  })

  test.each([
    ['latest', 'is computed'],
    ['../../x', 'is not a valid label name'],
    ['a b', 'is not a valid label name'],
    ['__proto__', 'is not a valid label name'],
    ['v11', 'looks like a version name'],
    ['v1', 'looks like a version name'],
  ])('a label %j written into labels.json by hand is refused (exit 1), not dropped or listed', async (label, why) => {
    const p = project()
    await p.assay('list')
    const path = join(p.dir, 's', 'labels.json')
    const text = (await import('node:fs')).readFileSync(path, 'utf8').replace('"labels": {}', `"labels": { ${JSON.stringify(label)}: "v1" }`)
    writeFileSync(path, text)
    for (const args of [['list'], ['label', 's', 'v1', 'staging']]) {
      const run = await p.assay(...args)
      expect(run.status).toBe(1)
      expect(run.stderr).toContain(`the label ${JSON.stringify(label)} cannot be read`)
      expect(run.stderr).toContain(why)
    }
    expect((await import('node:fs')).readFileSync(path, 'utf8')).toBe(text)
  })

  test('a label named like a registered version is reported as the damaged label, not as a file to rename', async () => {
    const p = project()
    p.write('s', 'beta', V2.replace('ben', 'cy'))
    await p.assay('list')
    const path = join(p.dir, 's', 'labels.json')
    const labels = JSON.parse((await import('node:fs')).readFileSync(path, 'utf8'))
    labels.labels = { beta: 'v1' }
    writeFileSync(path, JSON.stringify(labels))
    const run = await p.assay('list')
    expect(run.status).toBe(1)
    expect(run.stderr).toContain(`"beta" is a registered version of prompt "s", so the label "beta" in ${join('prompts', 's', 'labels.json')} (pointing at "v1") is what is damaged`)
    expect(run.stderr).not.toContain('Rename the file')
  })
})

test('a prompt folder that is a symbolic link out of the registry is refused, and listed', async () => {
  const p = project()
  const outside = join(p.root, 'outside')
  mkdirSync(outside)
  writeFileSync(join(outside, 'v1.prompt'), V1)
  symlinkSync(outside, join(p.dir, 'ext'))
  const show = await p.assay('show', 'ext@v1')
  expect(show.status).toBe(1)
  expect(show.stderr).toContain(`${join('prompts', 'ext')} is a symbolic link to ${outside}, outside the registry folder`)
  const list = await p.assay('list')
  expect(list.status).toBe(1)
  expect(list.stderr).toContain(`${join('prompts', 'ext')} is a symbolic link`)
  expect((await import('node:fs')).existsSync(join(outside, 'labels.json'))).toBe(false)
  // A link that stays inside the registry is a second name for a prompt folder there.
  rmSync(join(p.dir, 'ext'))
  symlinkSync(join(p.dir, 's'), join(p.dir, 'alias'))
  expect((await p.assay('show', 'alias@v1')).status).toBe(0)
})

describe('nothing printed holds a key', () => {
  afterEach(() => resetSecrets())
  const key = 'sk-proj-ABCDEF1234567890abcdef1234567890XYZ'

  test('show, diff and history redact known keys and credential fields', async () => {
    const p = project()
    registerSecret(key)
    p.write('s', 'v3', V1.replace('author: ana', `author: ana\napi_key: ${key}\ndb_password: hunter2-hunter2`))
    p.write('s', 'v4', V1.replace('author: ana', 'author: ana\napi_key: other-value-123456'))
    const shown = await p.assay('show', 's@v3')
    expect(shown.status).toBe(0)
    expect(shown.stdout).toContain('api_key: [REDACTED]')
    expect(shown.stdout).toContain('db_password: [REDACTED]')
    const diff = await p.assay('diff', 's', 'v3', 'v4')
    // Both values are redacted before the diff, so the line is the same on both sides.
    expect(diff.stdout).toContain(' api_key: [REDACTED]')
    await p.assay('label', 's', 'v1', 'staging', '--reason', `rotated ${key}`)
    const history = await p.assay('history', 's')
    for (const out of [shown.stdout, diff.stdout, history.stdout]) {
      expect(out).not.toContain(key)
      expect(out).not.toContain('hunter2')
      expect(out).not.toContain('other-value-123456')
    }
    expect(history.stdout).toContain('rotated [REDACTED]')
  })

  test('a reason is stored with credentials in any form it takes in free text redacted', async () => {
    const p = project()
    const reason = 'api_key=RSNAK123456 header Authorization: Bearer RSNBEARER123456 body {"token": "RSNTOKEN123456"} password RSNPASS123456'
    expect((await p.assay('label', 's', 'v1', 'staging', '--reason', reason)).status).toBe(0)
    const stored = readFileSync(join(p.dir, 's', 'history.jsonl'), 'utf8')
    for (const secret of ['RSNAK123456', 'RSNBEARER123456', 'RSNTOKEN123456', 'RSNPASS123456']) expect(stored).not.toContain(secret)
    expect(stored).toContain('header Authorization')
  })
})

describe('usage', () => {
  test('--dir naming a missing folder is a usage error', async () => {
    const p = project()
    const run = await p.assay('list', '--dir', join(p.root, 'nonexistent'))
    expect(run.status).toBe(2)
    expect(run.stderr).toContain(`there is no folder ${join(p.root, 'nonexistent')}`)
    rmSync(join(p.dir, 's'), { recursive: true })
    expect((await p.assay('list', '--dir', 'prompts')).status).toBe(0)
  })

  test('an option without its value prints the command\'s own help', async () => {
    const p = project()
    const run = await p.assay('label', 's', 'v1', 'staging', '--reason')
    expect(run.status).toBe(2)
    expect(run.stderr).toContain("Option '--reason <value>' argument missing")
    expect(run.stderr).toContain('Usage: assay prompts label NAME VERSION LABEL')
  })
})
