// `assay prompts merge` and `merge-driver` in a real git repository: two branches that each
// register a new version conflict in labels.json under git's line merge (both insert after
// the same last entry), and the command, or the driver git runs itself, keeps both.
import { readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, test, vi } from 'vitest'
import { main } from '../../src/cli/prompts.js'
import { prompts } from '../../src/index.js'
import { A, B, gitProject, sha, V1, V2 } from './helpers.js'


/** A repository with v1 and v2 of prompt s registered and committed, production on v1, and a branch b from there. */
async function repository() {
  const p = gitProject()
  const { git, assay, commit } = p
  const labelsPath = join(p.dir, 's', 'labels.json')
  writeFileSync(join(p.root, '.gitattributes'), 'prompts/**/history.jsonl merge=union\n')
  p.write('s', 'v1', V1)
  p.write('s', 'v2', V2)
  expect((await assay('label', 's', 'v1', 'production')).status).toBe(0)
  commit('v1, v2')
  git('branch', 'b')
  /** Registers `version` with `text` on `branch` and commits it. */
  const add = async (branch: string, version: string, text: string) => {
    git('checkout', '-q', branch)
    p.write('s', version, text)
    expect((await assay('list')).status).toBe(0)
    commit(`${branch}: ${version}`)
  }
  return { ...p, git, assay, commit, add, labelsPath }
}

const served = async (ref: string) => (await prompts.get('s', ref)).render({ text: 'x' })[0]!.content

describe('assay prompts merge', () => {
  test('--help prints each command\'s usage (the driver\'s with its .gitattributes line and git config command); bad arguments are usage errors', async () => {
    const r = await repository()
    const merge = await r.assay('merge', '--help')
    expect(merge).toMatchObject({ status: 0 })
    expect(merge.stdout).toContain('Usage: assay prompts merge NAME [--ours LABEL]… [--theirs LABEL]…')
    const driver = await r.assay('merge-driver', '--help')
    expect(driver.status).toBe(0)
    expect(driver.stdout).toContain('prompts/**/labels.json merge=assay-labels')
    expect(driver.stdout).toContain('git config merge.assay-labels.driver "npx assay prompts merge-driver %O %A %B %P"')
    expect((await r.assay('--help')).stdout).toContain('merge NAME [--ours LABEL] [--theirs LABEL]')
    for (const args of [['merge'], ['merge-driver', 'a', 'b'], ['list', '--ours', 'production'], ['merge', 'nope']]) expect((await r.assay(...args)).status, args.join(' ')).toBe(2)
  })

  test('two branches that each add a new version conflict in git; merge keeps both, and the registry serves both, on CI too', async () => {
    const r = await repository()
    await r.add('b', 'v4', B)
    await r.add('main', 'v3', A)
    expect(() => r.git('merge', '-q', 'b')).toThrow()
    expect(r.git('diff', '--name-only', '--diff-filter=U')).toBe('prompts/s/labels.json\n')
    expect((await r.assay('list')).stderr).toContain('Run npx assay prompts merge s')
    const merged = await r.assay('merge', 's')
    expect(merged).toMatchObject({ status: 0, stderr: '' })
    expect(merged.stdout).toContain(`git add "${join('prompts', 's', 'labels.json')}"`)
    expect(readFileSync(r.labelsPath, 'utf8')).toContain(`"v3": "${sha(A)}"`)
    expect(readFileSync(r.labelsPath, 'utf8')).toContain(`"v4": "${sha(B)}"`)
    r.git('add', 'prompts/s/labels.json')
    r.git('commit', '-qm', 'merge b')
    vi.stubEnv('CI', 'true')
    expect(await served('v3')).toBe('A text x')
    expect(await served('v4')).toBe('B text x')
    expect(await served('production')).toContain('Summarize')
    const list = await r.assay('list')
    expect(list.status).toBe(0)
    expect(list.stdout).not.toContain('registered')
  })

  test('a conflicted file git add-ed with its markers is named, with how to bring the conflict back, which then merges', async () => {
    const r = await repository()
    await r.add('b', 'v4', B)
    await r.add('main', 'v3', A)
    expect(() => r.git('merge', '-q', 'b')).toThrow()
    r.git('add', 'prompts/s/labels.json')
    const refused = await r.assay('merge', 's')
    expect(refused.status).toBe(1)
    expect(refused.stderr).toContain('git no longer records it as conflicted')
    r.git('checkout', '-m', '--', 'prompts/s/labels.json')
    expect((await r.assay('merge', 's')).status).toBe(0)
    expect((await r.assay('list')).status).toBe(0)
  })

  test('the same version added with different content is refused, the file left as it is; keeping one content and saving the other as a new version settles it, naming a label left on the other content', async () => {
    const r = await repository()
    await r.add('b', 'v3', B)
    await r.add('main', 'v3', A)
    expect((await r.assay('label', 's', 'v3', 'production')).status).toBe(0)
    r.commit('main: production to v3')
    expect(() => r.git('merge', '-q', 'b')).toThrow()
    const conflicted = readFileSync(r.labelsPath, 'utf8')
    const refused = await r.assay('merge', 's')
    expect(refused.status).toBe(1)
    expect(refused.stderr).toContain(`version "v3" was registered on both sides with different content: ours sha256 ${sha(A).slice(0, 12)}, theirs sha256 ${sha(B).slice(0, 12)}`)
    expect(refused.stderr).toContain('save the other side\'s as a new version')
    expect(readFileSync(r.labelsPath, 'utf8')).toBe(conflicted)
    // Theirs stays v3; ours becomes v4.
    r.git('checkout', '--theirs', '--', 'prompts/s/v3.prompt')
    writeFileSync(join(r.dir, 's', 'v4.prompt'), r.git('-C', join(r.dir, 's'), 'show', ':2:./v3.prompt'))
    const merged = await r.assay('merge', 's')
    expect(merged.status).toBe(0)
    // Production was promoted on our v3, whose content is v4 now: it must be moved again.
    expect(merged.stderr).toContain('the label "production" names v3 with content other than the one kept for it')
    expect((await r.assay('list')).status).toBe(1)
    expect((await r.assay('label', 's', 'v4', 'production')).status).toBe(0)
    expect((await r.assay('list')).status).toBe(0)
    r.commit('merge b')
    vi.stubEnv('CI', 'true')
    expect(await served('v3')).toBe('B text x')
    expect(await served('v4')).toBe('A text x')
    expect(await served('production')).toBe('A text x')
  })

  test('a label moved two ways is refused until a side is named; a side named for no conflicting label, and a file git does not list as conflicted, are usage errors', async () => {
    const r = await repository()
    r.git('checkout', '-q', 'b')
    expect((await r.assay('label', 's', 'v2', 'production')).status).toBe(0)
    r.commit('b: production to v2')
    expect((await r.assay('merge', 's')).status).toBe(2)
    r.git('checkout', '-q', 'main')
    await r.add('main', 'v3', A)
    expect((await r.assay('label', 's', 'v3', 'production')).status).toBe(0)
    r.commit('main: production to v3')
    expect(() => r.git('merge', '-q', 'b')).toThrow()
    const refused = await r.assay('merge', 's')
    expect(refused.status).toBe(1)
    expect(refused.stderr).toContain(`label "production" was moved on both sides: ours v3 (sha256 ${sha(A).slice(0, 12)}), theirs v2 (sha256 ${sha(V2).slice(0, 12)})`)
    expect((await r.assay('merge', 's', '--ours', 'staging')).status).toBe(2)
    expect((await r.assay('merge', 's', '--ours', 'production', '--theirs', 'production')).status).toBe(2)
    expect((await r.assay('merge', 's', '--theirs', 'production')).status).toBe(0)
    expect(await served('production')).toContain('expert editor')
    expect(await served('v3')).toBe('A text x')
  })
})

describe('assay prompts merge-driver', () => {
  test('configured with git config, it makes the merge of two branches that each add a version clean', { timeout: 60_000 }, async () => {
    const r = await repository()
    // The driver runs this source through Vite's module runner, as `npx assay prompts` runs dist/.
    const runner = join(r.root, 'assay-driver.mjs')
    const root = resolve(import.meta.dirname, '../..')
    writeFileSync(
      runner,
      `import { runnerImport } from ${JSON.stringify(join(root, 'node_modules/vite/dist/node/index.js'))}
const { module } = await runnerImport(${JSON.stringify(join(root, 'src/cli/prompts.ts'))}, { configFile: false, root: ${JSON.stringify(root)}, logLevel: 'silent' })
process.exit(await module.main(process.argv.slice(2), { cwd: process.cwd(), env: process.env, stdout: process.stdout, stderr: process.stderr }))
`,
    )
    writeFileSync(join(r.root, '.gitattributes'), 'prompts/**/history.jsonl merge=union\nprompts/**/labels.json merge=assay-labels\n')
    writeFileSync(join(r.root, '.gitignore'), 'assay-driver.mjs\n')
    r.commit('merge driver')
    r.git('branch', '-f', 'b')
    r.git('config', 'merge.assay-labels.driver', `node ${JSON.stringify(runner)} merge-driver %O %A %B %P`)
    await r.add('b', 'v4', B)
    await r.add('main', 'v3', A)
    r.git('merge', '-q', '--no-edit', 'b')
    expect(r.git('status', '--porcelain')).toBe('')
    vi.stubEnv('CI', 'true')
    expect(await served('v3')).toBe('A text x')
    expect(await served('v4')).toBe('B text x')
    expect((await r.assay('list')).status).toBe(0)
  })

  test('on a real conflict it leaves git conflict markers, and assay prompts merge then names the conflict', { timeout: 60_000 }, async () => {
    const r = await repository()
    const [base, ours, theirs] = ['base.json', 'ours.json', 'theirs.json'].map((f) => join(r.root, f)) as [string, string, string]
    const text = readFileSync(r.labelsPath, 'utf8')
    writeFileSync(base, text)
    writeFileSync(ours, text.replace(`"v2": "${sha(V2)}"`, `"v2": "${sha(V2)}",\n\n    "v3": "${sha(A)}"`))
    writeFileSync(theirs, text.replace(`"v2": "${sha(V2)}"`, `"v2": "${sha(V2)}",\n\n    "v3": "${sha(B)}"`))
    let stderr = ''
    const code = await main(['merge-driver', 'base.json', 'ours.json', 'theirs.json', 'prompts/s/labels.json'], { cwd: r.root, env: {}, stdout: { write: () => true }, stderr: { write: (t: string) => (stderr += t) } })
    expect(code).toBe(1)
    expect(readFileSync(ours, 'utf8')).toMatch(/^<<<<<<< ours$/m)
    expect(stderr).toContain('version "v3" was registered on both sides with different content')
    expect(stderr).toContain('npx assay prompts merge s')
  })

  test('older-format labels (bare version names) stay bare through a merge, so the registry binds them against the history afterwards rather than to the registered hash', async () => {
    const r = await repository()
    const older = (versions: Record<string, string>, labels: Record<string, string>) => JSON.stringify({ assay: 'assay-prompt-labels', version: 1, labels, versions }, null, 2)
    const versions = { v1: sha(V1), v2: sha(V2) }
    writeFileSync(join(r.root, 'base.json'), older(versions, { production: 'v2' }))
    writeFileSync(join(r.root, 'ours.json'), older(versions, { production: 'v2', staging: 'v1' }))
    writeFileSync(join(r.root, 'theirs.json'), older({ ...versions, v3: sha(A) }, { production: 'v2' }))
    const code = await main(['merge-driver', 'base.json', 'ours.json', 'theirs.json', 'prompts/s/labels.json'], { cwd: r.root, env: {}, stdout: { write: () => true }, stderr: { write: () => true } })
    expect(code).toBe(0)
    const merged = JSON.parse(readFileSync(join(r.root, 'ours.json'), 'utf8')) as { labels: Record<string, unknown>; versions: Record<string, string> }
    expect(merged.labels).toEqual({ production: 'v2', staging: 'v1' })
    expect(merged.versions).toEqual({ ...versions, v3: sha(A) })
  })
})
