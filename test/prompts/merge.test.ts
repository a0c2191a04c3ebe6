// The registry in a real git repository: git's three-way merge of labels.json decides what
// two branches' moves and registrations become (one label and one version a line), each
// label is served only with the content it was set on, a `git revert` is an undo like any
// other, a committed version cannot be forgotten, and an update's journal stays in .git.
import { spawn } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, test, vi } from 'vitest'
import { prompts, PromptRegistryError } from '../../src/index.js'
import { journalPath, parseState } from '../../src/prompts/files.js'
import { A, B, gitProject, rejection, sha, tempProject, V1, V2 } from './helpers.js'


function repository() {
  const p = gitProject()
  const { git, assay, commit } = p
  const labelsPath = join(p.dir, 's', 'labels.json')
  const labels = () => parseState(readFileSync(labelsPath, 'utf8'), 'labels.json')
  // The history is an audit log both sides append to: git keeps both sides' lines.
  writeFileSync(join(p.root, '.gitattributes'), 'prompts/**/history.jsonl merge=union\n')
  return { ...p, git, assay, commit, labelsPath, labels }
}

/** A repository with v1 and v2 of prompt s registered and committed, production on v1. */
async function base(production = true) {
  const r = repository()
  r.write('s', 'v1', V1)
  r.write('s', 'v2', V2)
  expect((await r.assay(...(production ? ['label', 's', 'v1', 'production'] : ['list']))).status).toBe(0)
  r.commit('v1, v2')
  return r
}

describe('git merges labels.json line by line', () => {
  test('moves of different labels on two branches merge cleanly, and both are served', async () => {
    const r = await base()
    expect((await r.assay('label', 's', 'v1', 'staging')).status).toBe(0)
    r.commit('staging on v1')
    r.git('checkout', '-qb', 'b')
    expect((await r.assay('label', 's', 'v2', 'staging')).status).toBe(0)
    r.commit('b: staging to v2')
    r.git('checkout', '-q', 'main')
    expect((await r.assay('label', 's', 'v2', 'production')).status).toBe(0)
    r.commit('main: production to v2')
    r.git('merge', '-q', '--no-edit', 'b')
    vi.stubEnv('CI', 'true')
    expect((await prompts.get('s')).version).toBe('v2')
    expect((await prompts.get('s', 'staging')).version).toBe('v2')
    expect((await r.assay('list')).status).toBe(0)
  })

  test('the same label moved differently on two branches conflicts; the markers name assay prompts merge, which settles it for the side chosen', async () => {
    const r = await base()
    r.write('s', 'v3', A)
    expect((await r.assay('list')).status).toBe(0)
    r.commit('v3')
    r.git('checkout', '-qb', 'b')
    expect((await r.assay('label', 's', 'v3', 'production')).status).toBe(0)
    r.commit('b: production to v3')
    r.git('checkout', '-q', 'main')
    expect((await r.assay('label', 's', 'v2', 'production')).status).toBe(0)
    r.commit('main: production to v2')
    expect(() => r.git('merge', '-q', 'b')).toThrow()
    const list = await r.assay('list')
    expect(list.status).toBe(1)
    expect(list.stderr).toContain(`${join('prompts', 's', 'labels.json')} holds git's conflict markers`)
    expect(list.stderr).toContain('Run npx assay prompts merge s while git lists the file as unmerged')
    expect(list.stderr).toContain('Do not take one side')
    const merge = await r.assay('merge', 's')
    expect(merge.status).toBe(1)
    expect(merge.stderr).toContain('label "production" was moved on both sides')
    expect((await r.assay('merge', 's', '--theirs', 'production')).status).toBe(0)
    expect((await prompts.get('s')).version).toBe('v3')
  })

  test('the same version registered with different content on two branches conflicts', async () => {
    const r = await base()
    r.git('checkout', '-qb', 'b')
    r.write('s', 'v3', B)
    expect((await r.assay('list')).status).toBe(0)
    r.commit('b v3')
    r.git('checkout', '-q', 'main')
    r.write('s', 'v3', A)
    expect((await r.assay('list')).status).toBe(0)
    r.commit('a v3')
    expect(() => r.git('merge', '-q', 'b')).toThrow()
    expect(r.git('diff', '--name-only', '--diff-filter=U')).toContain('prompts/s/labels.json')
    expect((await r.assay('list')).stderr).toContain("holds git's conflict markers")
  })
})

describe('each label is served only with the content it was set on', () => {
  test('a rewrite of a version on one branch and its promotion on another merge cleanly, and the label is refused, on CI too', async () => {
    const r = await base()
    r.write('s', 'v3', 'reviewed draft h1 {{text}}\n')
    expect((await r.assay('list')).status).toBe(0)
    r.commit('draft v3')
    r.git('checkout', '-qb', 'b')
    expect((await r.assay('label', 's', 'v3', 'production', '--reason', 'evals of h1 pass')).status).toBe(0)
    r.commit('b: promote v3')
    r.git('checkout', '-q', 'main')
    // A committed version cannot be forgotten; a rewrite of it has to go around the registry.
    const forget = await r.assay('forget', 's', 'v3')
    expect(forget.status).toBe(1)
    expect(forget.stderr).toContain('is committed')
    const rewrite = 'UNREVIEWED rewrite h2 {{text}}\n'
    r.write('s', 'v3', rewrite)
    writeFileSync(r.labelsPath, readFileSync(r.labelsPath, 'utf8').replace(sha('reviewed draft h1 {{text}}\n'), sha(rewrite)))
    expect((await r.assay('label', 's', 'v3', 'production', '--reason', 'try h2')).status).toBe(0)
    expect((await r.assay('rollback', 's', 'v1', '--reason', 'h2 bad, rolled back')).status).toBe(0)
    r.commit('a: rewrite v3, try it, roll back')
    r.git('merge', '-q', '--no-edit', 'b')
    for (const ci of ['true', '']) {
      vi.stubEnv('CI', ci)
      const e = await rejection(prompts.get('s'))
      expect(e).toBeInstanceOf(PromptRegistryError)
      expect(e.message).toContain(`was set on version "v3" when it had sha256 ${sha('reviewed draft h1 {{text}}\n')}`)
      expect(e.message).toContain(`has sha256 ${sha(rewrite)} now`)
      expect(() => prompts.resolve('s', 'production')).toThrow(PromptRegistryError)
    }
    expect((await r.assay('list')).status).toBe(1)
  })

  test('git revert of the commit that first pinned production unsets it: production serves latest again, on CI too', async () => {
    const r = await base(false)
    expect((await r.assay('label', 's', 'v1', 'production', '--reason', 'pin production to v1')).status).toBe(0)
    r.commit('pin production')
    r.write('s', 'v3', A)
    expect((await r.assay('list')).status).toBe(0)
    r.commit('add v3')
    r.git('revert', '--no-edit', 'HEAD~1')
    expect(r.labels().labels.production).toBeUndefined()
    for (const ci of ['true', '']) {
      vi.stubEnv('CI', ci)
      expect((await prompts.get('s')).version).toBe('v3')
      const list = await r.assay('list')
      expect(list.stderr).toBe('')
      expect(list.status).toBe(0)
    }
  })
})

describe('forget in a git repository', () => {
  test('refuses a version labels.json at HEAD registers, even when a newer draft makes it no longer latest', async () => {
    const r = await base(false)
    r.write('s', 'v3', A)
    expect((await prompts.get('s', 'v3')).version).toBe('v3')
    const run = await r.assay('forget', 's', 'v2')
    expect(run.status).toBe(1)
    expect(run.stderr).toContain(`version "v2" of prompt "s" is committed (${join('prompts', 's', 'labels.json')} at HEAD registers it with sha256 ${sha(V2)})`)
    expect(r.labels().versions.v2).toBe(sha(V2))
  })

  test('drops a draft registered since the last commit, even in a repository with no commit yet', async () => {
    const r = repository()
    r.write('s', 'v1', V1)
    expect((await r.assay('list')).status).toBe(0)
    expect((await r.assay('forget', 's', 'v1')).status).toBe(0)
    r.commit('v1 unregistered')
    r.write('s', 'v3', A)
    expect((await r.assay('list')).status).toBe(0)
    r.write('s', 'v3', B)
    expect((await r.assay('forget', 's', 'v3')).status).toBe(0)
    expect((await prompts.get('s', 'v3')).template).toContain('B text')
  })
})

describe('where the journal lives', () => {
  test('in a git worktree, inside the git folder its .git file names; outside git, beside labels.json', async () => {
    const r = await base()
    const tree = join(r.root, '..', `tree-${process.pid}-${Date.now()}`)
    r.git('worktree', 'add', '-q', tree)
    try {
      const journal = journalPath(join(tree, 'prompts', 's'))
      expect(journal.startsWith(join(r.root, '.git', 'worktrees'))).toBe(true)
      expect(journal).toMatch(/[\\/]assay[\\/]prompts-s-[0-9a-f]{12}\.pending\.json$/)
      expect(journal).not.toBe(journalPath(join(r.dir, 's')))
    } finally {
      r.git('worktree', 'remove', '--force', tree)
    }
    const outside = tempProject()
    expect(journalPath(join(outside.dir, 's'))).toBe(join(outside.dir, 's', '.update.pending.json'))
  })
})

describe('a writer killed (SIGKILL) between labels.json and the history', () => {
  const built = join(import.meta.dirname, '..', '..', 'dist', 'esm', 'src')
  // Moves production to v2 with a file system that kills the process once labels.json is written.
  const CHILD = `
import { renameSync } from 'node:fs'
const [dist, root] = process.argv.slice(2)
const { Registry } = await import(dist + '/prompts/registry.js')
const { moveLabel } = await import(dist + '/prompts/api.js')
const { nodeFileSystem } = await import(dist + '/store/file.js')
const real = nodeFileSystem()
const fs = { ...real, writeAtomic(path, content) { real.writeAtomic(path, content); if (path.endsWith('labels.json')) process.kill(process.pid, 'SIGKILL') } }
await moveLabel(new Registry({ root, cwd: root, env: { CI: '' }, fs }), 's', 'v2', 'production', 'promote', 'ship v2', 'test')
`
  async function killed() {
    if (!existsSync(join(built, 'index.js'))) throw new Error(`${built} is missing: run npm run build first.`)
    const r = await base()
    const child = join(r.root, '..', `child-${process.pid}-${Date.now()}.mjs`)
    writeFileSync(child, CHILD)
    const signal = await new Promise<NodeJS.Signals | null>((done) => spawn(process.execPath, [child, pathToFileURL(built).href, r.dir], { stdio: 'ignore' }).on('exit', (_code, s) => done(s)))
    expect(signal).toBe('SIGKILL')
    return r
  }

  test('the journal is in .git, so git add -A never commits it, and the next command records the move, saying so', { timeout: 60_000 }, async () => {
    const r = await killed()
    const journal = journalPath(join(r.dir, 's'))
    expect(journal.startsWith(join(r.root, '.git', 'assay'))).toBe(true)
    expect(existsSync(journal)).toBe(true)
    expect(readdirSync(join(r.dir, 's')).filter((f) => f.startsWith('.'))).toEqual([])
    r.commit('after the crash')
    expect(r.git('ls-files', 'prompts/s')).not.toContain('pending')
    vi.stubEnv('CI', 'true')
    expect((await prompts.get('s')).version).toBe('v2')
    vi.stubEnv('CI', '')
    const list = await r.assay('list')
    expect(list.status).toBe(0)
    expect(list.stderr).toContain('finished an update cut short by a crash (label production v1 → v2)')
    expect((await prompts.history('s')).map((m) => [m.to, m.reason])).toEqual([
      ['v1', undefined],
      ['v2', 'ship v2'],
    ])
    expect(existsSync(journal)).toBe(false)
  })

  test('a crashed move discarded with git (stash) stays discarded: the journal is dropped, saying so, and stash pop works', { timeout: 60_000 }, async () => {
    const r = await killed()
    r.git('stash')
    expect(r.labels().labels.production?.version).toBe('v1')
    const list = await r.assay('list')
    expect(list.status).toBe(0)
    expect(list.stderr).toContain('dropped an update cut short by a crash (label production v1 → v2)')
    expect(list.stderr).toContain(`does not hold it now (the command was killed before it wrote it, or the change was discarded since, as by git stash or git checkout), so it is not served. If ${join('prompts', 's', 'labels.json')} holds it again later (after git stash pop, or a checkout)`)
    expect(r.labels().labels.production?.version).toBe('v1')
    expect((await prompts.get('s')).version).toBe('v1')
    expect(r.git('status', '--porcelain')).toBe('')
    r.git('stash', 'pop')
    expect(r.labels().labels.production?.version).toBe('v2')
  })
})
