// One bad entry in a prompt's folder (a version two merged branches each added, a stray
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

describe('a version two branches each added with different content', () => {
  test('a real git merge, with the shipped .gitattributes: labels.json conflicts, the history does not; taking one side and saving the other as a new version settles it', async () => {
    const p = project()
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=a@b', '-c', 'user.name=a', '-c', 'commit.gpgsign=false', '-c', 'core.hooksPath=/dev/null', ...args], { cwd: p.root, stdio: 'pipe' }).toString()
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
    expect(conflicted).toContain('labels.json')
    expect(conflicted).not.toContain('history.jsonl')
    git('checkout', '--ours', 'prompts/s/v3.prompt', 'prompts/s/labels.json')
    expect((await prompts.get('s', 'v3')).template).toContain('A text')
    p.write('s', 'v4', B)
    expect((await p.assay('list')).status).toBe(0)
    expect((await prompts.get('s', 'v4')).template).toContain('B text')
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

describe('a version whose hash labels.json lost', () => {
  test('is not registered afresh with content other than a label on it was set on; put back, it registers again', async () => {
    const p = project()
    expect((await p.assay('label', 's', 'v1', 'production')).status).toBe(0)
    const labels = join(p.dir, 's', 'labels.json')
    const data = JSON.parse(readFileSync(labels, 'utf8'))
    delete data.versions.v1
    writeFileSync(labels, JSON.stringify(data))
    p.write('s', 'v1', `${V1}EVIL\n`)
    expect((await prompts.get('s', 'v2')).version).toBe('v2')
    for (const ci of ['', 'true']) {
      vi.stubEnv('CI', ci)
      for (const ref of ['v1', 'production']) {
        const e = await rejection(prompts.get('s', ref))
        expect(e).toBeInstanceOf(PromptRegistryError)
        expect(e.message).toContain(`its label "production" was set on it when it had sha256 ${sha(V1)}`)
      }
    }
    vi.stubEnv('CI', '')
    expect((await p.assay('show', 's')).status).toBe(1)
    expect(JSON.parse(readFileSync(labels, 'utf8')).versions).not.toHaveProperty('v1')
    p.write('s', 'v1', V1)
    expect((await p.assay('list')).status).toBe(0)
    expect(JSON.parse(readFileSync(labels, 'utf8')).versions.v1).toBe(sha(V1))
    expect((await prompts.get('s')).version).toBe('v1')
  })
})
