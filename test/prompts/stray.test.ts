// One bad entry in a prompt's folder (a merge that registered a version twice, a stray
// file, a draft on CI) is refused only where it is asked for: every other version and
// label of the prompt still loads.
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test, vi } from 'vitest'
import { main } from '../../src/cli/prompts.js'
import { prompts, PromptRegistryError } from '../../src/index.js'
import { rejection, tempProject, V1, V2 } from './helpers.js'

function project(env: Record<string, string> = { CI: '' }) {
  const p = tempProject()
  p.write('s', 'v1', V1)
  p.write('s', 'v2', V2)
  const assay = async (...args: string[]) => {
    let stdout = ''
    let stderr = ''
    const status = await main(args, { cwd: p.root, env, stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } })
    return { status, stdout, stderr }
  }
  return { ...p, assay }
}


const A = '---\nmodel: m\n---\nA text\n'
const B = '---\nmodel: m\n---\nB text\n'
const sha = (text: string) => execFileSync('sha256sum', { input: text }).toString().slice(0, 64)

describe('a version registered twice with different content (two branches merged)', () => {
  async function merged() {
    const p = project()
    expect((await p.assay('label', 's', 'v1', 'production')).status).toBe(0)
    p.write('s', 'v3', A)
    expect((await p.assay('list')).status).toBe(0)
    // What a union merge of history.jsonl adds: the other branch's registration of v3.
    const history = join(p.dir, 's', 'history.jsonl')
    writeFileSync(history, `${readFileSync(history, 'utf8')}${JSON.stringify({ time: '2026-01-01T00:00:00.000Z', action: 'register', version: 'v3', hash: sha(B) })}\n`)
    return p
  }

  test('only that version refuses, saying how to repair it; the others and their labels load', async () => {
    const p = await merged()
    expect((await prompts.get('s', 'v1')).version).toBe('v1')
    expect((await prompts.get('s')).version).toBe('v1')
    expect((await prompts.get('s', 'v2')).version).toBe('v2')
    for (const ref of ['v3', 'latest']) {
      const e = await rejection(prompts.get('s', ref))
      expect(e).toBeInstanceOf(PromptRegistryError)
      expect(e.message).toContain(`version "v3" of prompt "s" was registered twice with different content`)
      expect(e.message).toContain(sha(A))
      expect(e.message).toContain(sha(B))
      expect(e.message).toContain('npx assay prompts keep s v3')
    }
    const list = await p.assay('list')
    expect(list.status).toBe(1)
    expect(list.stdout).toMatch(/ {2}v1 +[0-9a-f]{12} +production/)
    expect(list.stdout).toMatch(/ {2}v3 +PROBLEM/)
  })

  test('keeping the file\'s content as v3 and the other as v4 repairs it, recorded in the history', async () => {
    const p = await merged()
    p.write('s', 'v4', B)
    const keep = await p.assay('keep', 's', 'v3')
    expect(keep.stderr).toBe('')
    expect(keep.status).toBe(0)
    expect(keep.stdout).toContain(`s: v3 keeps sha256 ${sha(A)}`)
    const lines = readFileSync(join(p.dir, 's', 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(lines).toContainEqual({ time: expect.any(String), action: 'keep', version: 'v3', hash: sha(A), dropped: [sha(B)] })
    expect((await prompts.get('s', 'v3')).template.trim()).toBe('A text')
    expect((await prompts.get('s', 'v4')).template.trim()).toBe('B text')
    expect((await p.assay('list')).status).toBe(0)
    expect(JSON.parse(readFileSync(join(p.dir, 's', 'labels.json'), 'utf8')).versions.v3).toBe(sha(A))
    expect(await prompts.history('s')).toHaveLength(1)
  })

  test('keep refuses a file that matches neither registration, and a version registered once', async () => {
    const p = await merged()
    p.write('s', 'v3', 'edited\n')
    const run = await p.assay('keep', 's', 'v3')
    expect(run.status).toBe(1)
    expect(run.stderr).toContain('matches neither')
    const once = await p.assay('keep', 's', 'v2')
    expect(once.status).toBe(1)
    expect(once.stderr).toContain('"v2" of prompt "s" has one registered content')
    const label = await p.assay('keep', 's', 'production')
    expect(label.status).toBe(2)
    expect(label.stderr).toContain('prompt "s" has no version file "production": keep takes the name of a version whose file is there (not a label)')
  })

  test('a real git merge of two branches that each add v3, with the shipped .gitattributes', async () => {
    const p = project()
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=a@b', '-c', 'user.name=a', ...args], { cwd: p.root, stdio: 'pipe' }).toString()
    writeFileSync(join(p.root, '.gitattributes'), readFileSync(join(__dirname, '..', '..', 'example', '.gitattributes'), 'utf8'))
    git('init', '-q', '-b', 'main')
    expect((await p.assay('list')).status).toBe(0)
    git('add', '-A')
    git('commit', '-qm', 'base')
    git('checkout', '-qb', 'A')
    p.write('s', 'v3', A)
    expect((await p.assay('list')).status).toBe(0)
    git('add', '-A')
    git('commit', '-qm', 'A')
    git('checkout', '-q', 'main')
    git('checkout', '-qb', 'B')
    p.write('s', 'v3', B)
    expect((await p.assay('list')).status).toBe(0)
    git('add', '-A')
    git('commit', '-qm', 'B')
    git('checkout', '-q', 'A')
    expect(() => git('merge', '-q', 'B')).toThrow()
    const conflicted = git('diff', '--name-only', '--diff-filter=U')
    expect(conflicted).not.toContain('history.jsonl')
    git('checkout', '--ours', 'prompts/s/v3.prompt', 'prompts/s/labels.json')
    expect((await prompts.get('s', 'v1')).version).toBe('v1')
    expect((await rejection(prompts.get('s', 'v3'))).message).toContain('registered twice')
    p.write('s', 'v4', B)
    expect((await p.assay('keep', 's', 'v3')).status).toBe(0)
    expect((await p.assay('list')).status).toBe(0)
  })
})

describe('stray files in a prompt folder', () => {
  test('hidden files (editor locks, AppleDouble, .DS_Store) are ignored', async () => {
    const p = project()
    await p.assay('label', 's', 'v1', 'production')
    symlinkSync('root@host.12345:1700000000', join(p.dir, 's', '.#v2.prompt'))
    writeFileSync(join(p.dir, 's', '._v1.prompt'), Buffer.from([0, 5, 22, 7, 0xff]))
    writeFileSync(join(p.dir, 's', '.DS_Store'), Buffer.from([0, 0, 0, 1, 0xff]))
    expect((await prompts.get('s')).version).toBe('v1')
    expect((await prompts.versions('s')).map((v) => v.version)).toEqual(['v1', 'v2'])
    const list = await p.assay('list')
    expect(list.stderr).toBe('')
    expect(list.status).toBe(0)
  })

  const strays: [string, (dir: string) => void, string, string][] = [
    ['a file with a space in its name', (d) => writeFileSync(join(d, 'v3 draft.prompt'), V2), 'v3 draft', 'is not a valid version name'],
    ['a dangling link', (d) => symlinkSync('/nonexistent-assay', join(d, 'v3.prompt')), 'v3', 'is a symbolic link to a missing file'],
    ['a folder named like a version', (d) => mkdirSync(join(d, 'v3.prompt')), 'v3', 'is not a file'],
    ['a file that is not UTF-8', (d) => writeFileSync(join(d, 'v3.prompt'), Buffer.from([0x2d, 0xff, 0xfe, 0x0a])), 'v3', 'is not UTF-8 text'],
    ['a case twin', (d) => writeFileSync(join(d, 'V2.prompt'), V2), 'V2', 'differ only in case'],
    ['a reserved name', (d) => writeFileSync(join(d, 'latest.prompt'), V2), 'latest', 'is a reserved name'],
    ['a leading-zero twin', (d) => writeFileSync(join(d, 'v01.prompt'), V2), 'v01', 'cannot be ordered'],
    ['an NFD twin', (d) => {
      writeFileSync(join(d, 'v\u00e9.prompt'), V2)
      writeFileSync(join(d, 've\u0301.prompt'), V2)
    }, 'v\u00e9', 'in different Unicode forms'],
  ]
  test.each(strays)('%s refuses only itself, with exit 1, and is a problem row in list and versions', async (_, make, version, message) => {
    const p = project()
    expect((await p.assay('label', 's', 'v1', 'production')).status).toBe(0)
    expect((await p.assay('label', 's', 'v2', 'staging')).status).toBe(0)
    make(join(p.dir, 's'))
    expect((await prompts.get('s')).version).toBe('v1')
    expect((await prompts.get('s', 'staging')).version).toBe('v2')
    expect((await p.assay('show', 's@v1')).status).toBe(0)
    // "latest" names the newest version, so a file called latest.prompt can never be asked for.
    if (version !== 'latest') {
      const e = await rejection(prompts.get('s', version))
      expect(e).toBeInstanceOf(PromptRegistryError)
      expect(e.message).toContain(message)
      const show = await p.assay('show', `s@${version}`)
      expect(show.status).toBe(1)
    }
    const list = await p.assay('list')
    expect(list.status).toBe(1)
    expect(list.stdout).toMatch(/ {2}v1 +[0-9a-f]{12} +production/)
    expect(list.stdout).toContain(`  ${version}`)
    expect(list.stderr).toContain(message)
    const rows = await prompts.versions('s')
    expect(rows.find((r) => r.version === 'v1')?.problem).toBeUndefined()
    expect(rows.find((r) => r.version === version)?.problem).toContain(message)
  })
})

describe('on CI, an unregistered or unloadable draft blocks only itself', () => {
  test('registered versions load; the draft, and latest when it is the draft, refuse with advice that works', async () => {
    const p = project()
    expect((await p.assay('list')).status).toBe(0)
    p.write('s', 'v3', '---\nmodel: m\n---\n{{> foo}}\n')
    vi.stubEnv('CI', '1')
    expect((await prompts.get('s', 'v1')).version).toBe('v1')
    expect((await prompts.get('s', 'v2')).version).toBe('v2')
    for (const ref of ['v3', 'latest']) {
      const e = await rejection(prompts.get('s', ref))
      expect(e).toBeInstanceOf(PromptRegistryError)
      expect(e.message).toContain(`"v3" (${join(p.dir, 's', 'v3.prompt')}) is not registered`)
      expect(e.message).toContain('npx assay prompts show s@v3')
    }
    const ci = await main(['show', 's@v1'], { cwd: p.root, env: { CI: '1' }, stdout: { write: () => true }, stderr: { write: () => true } })
    expect(ci).toBe(0)
    vi.stubEnv('CI', '')
    // The advice, followed locally, names what stops the draft.
    const local = await main(['show', 's@v3'], { cwd: p.root, env: { CI: '' }, stdout: { write: () => true }, stderr: { write: (t: string) => expect(t).toContain('includes a partial') } })
    expect(local).toBe(1)
  })
})

describe('a version whose registrations were all lost', () => {
  test('is refused when label moves name it, until keep records its content again', async () => {
    const p = project()
    expect((await p.assay('label', 's', 'v1', 'production')).status).toBe(0)
    const labels = join(p.dir, 's', 'labels.json')
    const data = JSON.parse(readFileSync(labels, 'utf8'))
    delete data.versions.v1
    writeFileSync(labels, JSON.stringify(data))
    const history = join(p.dir, 's', 'history.jsonl')
    writeFileSync(history, readFileSync(history, 'utf8').split('\n').filter((l) => !l.includes('"action":"register","version":"v1"')).join('\n'))
    p.write('s', 'v1', `${V1}EVIL\n`)
    expect((await prompts.get('s', 'v2')).version).toBe('v2')
    for (const ref of ['v1', 'production']) {
      const e = await rejection(prompts.get('s', ref))
      expect(e).toBeInstanceOf(PromptRegistryError)
      expect(e.message).toContain('label moves in')
      expect(e.message).toContain('npx assay prompts keep s v1')
    }
    expect((await p.assay('show', 's@v1')).status).toBe(1)
    p.write('s', 'v1', V1)
    // production names v1 in labels.json: the label is reviewed on this path too.
    const unreviewed = await p.assay('keep', 's', 'v1')
    expect(unreviewed.status).toBe(1)
    expect(unreviewed.stderr).toContain('production → v1')
    expect(unreviewed.stderr).toContain('--labels-reviewed')
    const keep = await p.assay('keep', 's', 'v1', '--labels-reviewed')
    expect(keep.stderr).toBe('')
    expect(keep.status).toBe(0)
    expect(keep.stdout).toMatch(/^s: v1 keeps sha256 [0-9a-f]{64}\. Recorded in the history/)
    expect((await prompts.get('s')).version).toBe('v1')
  })
})
