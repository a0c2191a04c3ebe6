// forget's guard for released versions holds when the registry folder or a prompt's folder
// has moved since the last commit: HEAD is asked for the version's registration wherever its
// labels.json was committed, not only at the folder's current path.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { parseState } from '../../src/prompts/files.js'
import { A, B, gitProject, sha, V1, V2 } from './helpers.js'


/** A git repository with v1 and v2 of prompt s registered (no label) and committed under prompts/. */
async function committed() {
  const p = gitProject()
  const { git, assay } = p
  const versions = (labelsPath: string) => parseState(readFileSync(join(p.root, labelsPath), 'utf8'), 'labels.json').versions
  p.write('s', 'v1', V1)
  p.write('s', 'v2', V2)
  expect((await assay('list')).status).toBe(0)
  git('add', '-A')
  git('commit', '-qm', 'v1, v2')
  return { ...p, git, assay, versions }
}

const released = (at: string) => `version "v2" of prompt "s" is committed (${at} at HEAD registers it with sha256 ${sha(V2)})`

describe('forget after the registry folder or a prompt moved', () => {
  test('a staged git mv of the registry folder: the version is found at HEAD under the old path, and stays', async () => {
    const r = await committed()
    mkdirSync(join(r.root, 'src'))
    r.git('mv', 'prompts', 'src/prompts')
    const run = await r.assay('forget', 's', 'v2', '--dir', 'src/prompts')
    expect(run.status).toBe(1)
    expect(run.stderr).toContain(released('prompts/s/labels.json'))
    expect(run.stderr).toContain('git checkout -- ')
    expect(r.versions('src/prompts/s/labels.json').v2).toBe(sha(V2))
  })

  test('a renamed prompt folder (git mv prompts/s prompts/t): the version stays', async () => {
    const r = await committed()
    r.git('mv', 'prompts/s', 'prompts/t')
    const run = await r.assay('forget', 't', 'v2')
    expect(run.status).toBe(1)
    expect(run.stderr).toContain(released('prompts/s/labels.json').replace('prompt "s"', 'prompt "t"'))
    expect(r.versions('prompts/t/labels.json').v2).toBe(sha(V2))
  })

  test('a plain mv of the registry folder, staged or not: the version stays', async () => {
    const r = await committed()
    mkdirSync(join(r.root, 'lib'))
    renameSync(r.dir, join(r.root, 'lib', 'prompts'))
    const unstaged = await r.assay('forget', 's', 'v2', '--dir', 'lib/prompts')
    expect(unstaged.status).toBe(1)
    expect(unstaged.stderr).toContain(released('prompts/s/labels.json'))
    r.git('add', '-A')
    const staged = await r.assay('forget', 's', 'v2', '--dir', 'lib/prompts')
    expect(staged.status).toBe(1)
    expect(staged.stderr).toContain(released('prompts/s/labels.json'))
    expect(r.versions('lib/prompts/s/labels.json').v2).toBe(sha(V2))
  })

  test('a draft registered after the move, never committed, can still be forgotten; so can one whose name HEAD registers with other content', async () => {
    const r = await committed()
    mkdirSync(join(r.root, 'src'))
    r.git('mv', 'prompts', 'src/prompts')
    const draft = join(r.root, 'src', 'prompts', 's', 'v3.prompt')
    writeFileSync(draft, A)
    expect((await r.assay('list', '--dir', 'src/prompts')).status).toBe(0)
    writeFileSync(draft, B)
    const run = await r.assay('forget', 's', 'v3', '--dir', 'src/prompts')
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    expect(r.versions('src/prompts/s/labels.json').v3).toBeUndefined()
    // Prompt t's v2 is a draft: HEAD registers a v2 only with s's content.
    writeFileSync(join(r.root, 'src', 'prompts', 's', 'v3.prompt'), A)
    mkdirSync(join(r.root, 'src', 'prompts', 't'))
    writeFileSync(join(r.root, 'src', 'prompts', 't', 'v2.prompt'), A)
    expect((await r.assay('list', '--dir', 'src/prompts')).status).toBe(0)
    expect((await r.assay('forget', 't', 'v2', '--dir', 'src/prompts')).status).toBe(0)
  })

  test('a labels.json committed with conflict markers (not JSON) still holds what its lines register', async () => {
    const r = await committed()
    const labelsPath = join(r.dir, 's', 'labels.json')
    const resolved = readFileSync(labelsPath, 'utf8')
    writeFileSync(labelsPath, resolved.replace(`"v2": "${sha(V2)}"`, `<<<<<<< HEAD\n    "v2":"${sha(V2)}"\n=======\n    "v2": "${sha(A)}"\n>>>>>>> b`))
    r.git('add', '-A')
    r.git('commit', '-qm', 'a conflicted labels.json, committed')
    writeFileSync(labelsPath, resolved)
    r.git('mv', 'prompts/s', 'prompts/t')
    const run = await r.assay('forget', 't', 'v2')
    expect(run.status).toBe(1)
    expect(run.stderr).toContain(released('prompts/s/labels.json').replace('prompt "s"', 'prompt "t"'))
  })

  test('the same version with the same content committed under another prompt is named as where HEAD has it', async () => {
    const r = await committed()
    mkdirSync(join(r.dir, 't'))
    writeFileSync(join(r.dir, 't', 'v2.prompt'), V2)
    expect((await r.assay('list')).status).toBe(0)
    const run = await r.assay('forget', 't', 'v2')
    expect(run.status).toBe(1)
    expect(run.stderr).toContain('prompts/s/labels.json at HEAD registers it')
  })
})
