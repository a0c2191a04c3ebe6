// The registry under damage: labels.json rewritten by a merge, a folder that cannot be
// written, a disk that fills between the two writes, a draft that does not load.
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test, vi } from 'vitest'
import { prompts, PromptRegistryError } from '../../src/index.js'
import { loadVersion, moveLabel } from '../../src/prompts/api.js'
import { JOURNAL_FILE } from '../../src/prompts/files.js'
import { Registry } from '../../src/prompts/registry.js'
import { nodeFileSystem, StoreWriteError, type StoreFileSystem } from '../../src/store/file.js'
import { rejection, tempProject, V1, V2 } from './helpers.js'


const read = (path: string) => readFileSync(path, 'utf8')
const historyLines = (dir: string) => read(join(dir, 's', 'history.jsonl')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)

/** Removes a version's hash from labels.json, as a merge that took the other side would. */
function dropHash(dir: string, version: string): void {
  const path = join(dir, 's', 'labels.json')
  const data = JSON.parse(read(path)) as { versions: Record<string, string> }
  delete data.versions[version]
  writeFileSync(path, JSON.stringify(data))
}

describe('registrations in the history survive labels.json being rewritten', () => {
  test('registering a version appends { time, action: "register", version, hash } to history.jsonl', async () => {
    const project = tempProject()
    project.write('s', 'v1', V1)
    const p = await prompts.get('s', 'v1')
    const [line] = historyLines(project.dir)
    expect(line).toEqual({ time: expect.any(String), action: 'register', version: 'v1', hash: p.hash })
    expect(await prompts.history('s')).toEqual([])
  })

  test('an edited version whose hash a merge dropped from labels.json is refused, naming the history', async () => {
    const project = tempProject()
    const v1 = project.write('s', 'v1', V1)
    project.write('s', 'v2', V2)
    await prompts.versions('s')
    dropHash(project.dir, 'v1')
    writeFileSync(v1, `${V1}EVIL\n`)
    const e = await rejection(prompts.get('s', 'v1'))
    expect(e).toBeInstanceOf(PromptRegistryError)
    expect(e.message).toContain(`${v1} was edited after it was registered: ${join(project.dir, 's', 'history.jsonl')} records sha256`)
    expect((await prompts.get('s', 'v2')).version).toBe('v2')
    expect(JSON.parse(read(join(project.dir, 's', 'labels.json'))).versions).not.toHaveProperty('v1')
  })

  test('an unedited version whose hash was dropped loads, on CI too, and labels.json gets it back outside CI', async () => {
    const project = tempProject()
    project.write('s', 'v1', V1)
    project.write('s', 'v2', V2)
    await prompts.versions('s')
    const labels = read(join(project.dir, 's', 'labels.json'))
    dropHash(project.dir, 'v1')
    vi.stubEnv('CI', 'true')
    expect((await prompts.get('s', 'v1')).version).toBe('v1')
    vi.stubEnv('CI', '')
    await prompts.get('s', 'v2')
    expect(read(join(project.dir, 's', 'labels.json'))).toBe(labels)
    expect(historyLines(project.dir).filter((l) => l.version === 'v1')).toHaveLength(1)
  })

  test('a version deleted with its hash is refused while the history names it', async () => {
    const project = tempProject()
    const v1 = project.write('s', 'v1', V1)
    project.write('s', 'v2', V2)
    await prompts.label('s', 'v1', 'production')
    await prompts.label('s', 'v2', 'production')
    dropHash(project.dir, 'v1')
    const { rmSync } = await import('node:fs')
    rmSync(v1)
    const e = await rejection(prompts.get('s', 'v1'))
    expect(e).toBeInstanceOf(PromptRegistryError)
    expect((await prompts.versions('s')).find((r) => r.version === 'v1')?.problem).toBe(e.message)
    expect(e.message).toContain(`prompt "s" version "v1" is registered in ${join(project.dir, 's', 'history.jsonl')}, but its file ${v1} is gone`)
  })

  test('a registry whose history predates registrations gets them when it next writes', async () => {
    const project = tempProject()
    project.write('s', 'v1', V1)
    await prompts.get('s')
    const history = join(project.dir, 's', 'history.jsonl')
    writeFileSync(history, '')
    project.write('s', 'v2', V2)
    await prompts.get('s', 'v1')
    expect(historyLines(project.dir).map((l) => l.version).sort()).toEqual(['v1', 'v2'])
  })
})

/** The real file system, except that the folder cannot be written. */
function readOnlyFs(): StoreFileSystem {
  const real = nodeFileSystem()
  const erofs = (path: string) => Object.assign(new Error(`EROFS: read-only file system, mkdir '${path}.lock'`), { code: 'EROFS' })
  return {
    read: real.read,
    writeAtomic: (path) => {
      throw erofs(path)
    },
    lock: (path) => {
      throw erofs(path)
    },
  }
}

describe('a folder that cannot be written', () => {
  test('registered versions are served; an unregistered one is a PromptRegistryError naming the folder and what to do', async () => {
    const project = tempProject()
    project.write('s', 'v1', V1)
    project.write('s', 'v2', V2)
    await prompts.versions('s')
    project.write('s', 'v3', V2.replace('ben', 'cy'))
    const registry = new Registry({ root: project.dir, cwd: project.root, env: { CI: '' }, fs: readOnlyFs() })
    for (const v of ['v1', 'v2']) expect((await loadVersion(registry, registry.scan('s', 'test'), v)).version).toBe(v)
    const e = await rejection(loadVersion(registry, registry.scan('s', 'test'), 'v3'))
    expect(e).toBeInstanceOf(PromptRegistryError)
    expect(e.message).toContain(`version "v3" of prompt "s" (${join('prompts', 's', 'v3.prompt')}) is not registered yet, and it could not be`)
    expect(e.message).toContain(`the prompt folder ${join('prompts', 's')} cannot be written (EROFS)`)
    expect(e.message).toContain('npx assay prompts list')
  })

  test('a label move is a PromptRegistryError naming the folder, not the lock\'s raw error', async () => {
    const project = tempProject()
    project.write('s', 'v1', V1)
    await prompts.versions('s')
    const registry = new Registry({ root: project.dir, cwd: project.root, env: { CI: '' }, fs: readOnlyFs() })
    const e = await rejection(moveLabel(registry, 's', 'v1', 'production', 'promote', undefined, 'test'))
    expect(e).toBeInstanceOf(PromptRegistryError)
    expect(e.message).toMatch(/^the prompt folder .* cannot be written \(EROFS\)/)
  })
})

describe('a disk that fills between the two writes', () => {
  test('labels.json is put back, the history records nothing, and a rerun records the move once', async () => {
    const project = tempProject()
    project.write('s', 'v1', V1)
    await prompts.versions('s')
    const labels = read(join(project.dir, 's', 'labels.json'))
    const history = read(join(project.dir, 's', 'history.jsonl'))
    const real = nodeFileSystem()
    const full: StoreFileSystem = {
      ...real,
      writeAtomic: (path, content) => {
        if (path.endsWith('history.jsonl')) throw new StoreWriteError(path, 'ENOSPC', 'no space left on device (ENOSPC)', 'Free some disk space and run again.', true)
        real.writeAtomic(path, content)
      },
    }
    const registry = new Registry({ root: project.dir, cwd: project.root, env: { CI: '' }, fs: full })
    const e = await rejection(moveLabel(registry, 's', 'v1', 'production', 'promote', undefined, 'test'))
    expect(e).toBeInstanceOf(StoreWriteError)
    expect(read(join(project.dir, 's', 'labels.json'))).toBe(labels)
    expect(read(join(project.dir, 's', 'history.jsonl'))).toBe(history)
    await prompts.label('s', 'v1', 'production')
    expect(await prompts.history('s')).toMatchObject([{ label: 'production', from: null, to: 'v1', action: 'promote' }])
  })
})

describe('a disk that fills while registering', () => {
  const full = (path: string) => new StoreWriteError(path, 'ENOSPC', 'no space left on device (ENOSPC)', 'Free some disk space and run again.', true)

  test('a first registration whose history cannot be written leaves no labels.json behind', async () => {
    const project = tempProject()
    project.write('s', 'v1', V1)
    const real = nodeFileSystem()
    const fs: StoreFileSystem = {
      ...real,
      writeAtomic: (path, content) => {
        if (path.endsWith('history.jsonl')) throw full(path)
        real.writeAtomic(path, content)
      },
    }
    const registry = new Registry({ root: project.dir, cwd: project.root, env: { CI: '' }, fs })
    const e = await rejection(loadVersion(registry, registry.scan('s', 'test'), 'v1'))
    expect(e).toBeInstanceOf(PromptRegistryError)
    expect(e.message).toContain('is not registered yet, and it could not be: Could not write')
    expect(existsSync(join(project.dir, 's', 'labels.json'))).toBe(false)
    expect(existsSync(join(project.dir, 's', 'history.jsonl'))).toBe(false)
  })

  test('when labels.json cannot be put back either, the message says what each file holds and what to do', async () => {
    const project = tempProject()
    project.write('s', 'v1', V1)
    await prompts.versions('s')
    const real = nodeFileSystem()
    let labelWrites = 0
    const fs: StoreFileSystem = {
      ...real,
      writeAtomic: (path, content) => {
        if (path.endsWith('history.jsonl') || (path.endsWith('labels.json') && labelWrites++ > 0)) throw full(path)
        real.writeAtomic(path, content)
      },
    }
    const registry = new Registry({ root: project.dir, cwd: project.root, env: { CI: '' }, fs })
    const e = await rejection(moveLabel(registry, 's', 'v1', 'staging', 'set', undefined, 'test'))
    expect(e).toBeInstanceOf(PromptRegistryError)
    expect(e.message).toContain(`${join('prompts', 's', 'labels.json')} already holds the change and could not be put back, so ${join('prompts', 's', 'history.jsonl')} does not record it yet`)
    expect(e.message).toContain('run `npx assay prompts list`')
    // The journal keeps the change: readers see labels.json and the history agree, and the
    // next look with a writable disk finishes it.
    expect(await prompts.history('s')).toMatchObject([{ label: 'staging', to: 'v1' }])
    expect(existsSync(join(project.dir, 's', JOURNAL_FILE))).toBe(false)
    expect(historyLines(project.dir).filter((l) => l.label === 'staging')).toHaveLength(1)
  })
})

describe('a writer killed between its writes', () => {
  /** The folder as an update killed after its journal (and maybe labels.json) was written leaves it. */
  async function killedAfterJournal(writeLabels: boolean) {
    const project = tempProject()
    project.write('s', 'v1', V1)
    project.write('s', 'v2', V2)
    await prompts.label('s', 'v1', 'production')
    const folder = join(project.dir, 's')
    const labels = JSON.parse(read(join(folder, 'labels.json'))) as { labels: Record<string, string> }
    labels.labels.production = 'v2'
    const move = { time: new Date().toISOString(), label: 'production', from: 'v1', to: 'v2', action: 'promote' }
    const next = { labels: `${JSON.stringify(labels, null, 2)}\n`, history: `${read(join(folder, 'history.jsonl'))}${JSON.stringify(move)}\n` }
    const sha = (file: string) => createHash('sha256').update(read(join(folder, file))).digest('hex')
    const replaces = { labels: sha('labels.json'), history: sha('history.jsonl') }
    writeFileSync(join(folder, JOURNAL_FILE), JSON.stringify({ assay: 'assay-prompt-update', ...next, replaces }))
    if (writeLabels) writeFileSync(join(folder, 'labels.json'), next.labels)
    return { project, folder, next }
  }

  test.each([
    ['after the journal only', false],
    ['after the journal and labels.json', true],
  ])('%s: the move stands, and the next look writes it into labels.json and the history once', async (_name, writeLabels) => {
    const { folder, next } = await killedAfterJournal(writeLabels)
    expect((await prompts.get('s')).version).toBe('v2')
    expect(read(join(folder, 'labels.json'))).toBe(next.labels)
    expect(read(join(folder, 'history.jsonl'))).toBe(next.history)
    expect(existsSync(join(folder, JOURNAL_FILE))).toBe(false)
    expect((await prompts.history('s')).map((m) => m.to)).toEqual(['v1', 'v2'])
  })

  test('on CI the journal is read, not written out', async () => {
    const { folder, next } = await killedAfterJournal(false)
    const before = read(join(folder, 'labels.json'))
    vi.stubEnv('CI', 'true')
    expect((await prompts.get('s')).version).toBe('v2')
    expect((await prompts.history('s')).map((m) => m.to)).toEqual(['v1', 'v2'])
    expect(read(join(folder, 'labels.json'))).toBe(before)
    expect(existsSync(join(folder, JOURNAL_FILE))).toBe(true)
    vi.stubEnv('CI', '')
    await prompts.versions('s')
    expect(read(join(folder, 'history.jsonl'))).toBe(next.history)
  })

  test.each([false, true])('a journal left on another state (branch switched; on CI %s) is refused and never applied', async (ci) => {
    const { project, folder } = await killedAfterJournal(false)
    // Another branch's committed files: its own move of staging, which the journal lacks.
    const labelsText = read(join(folder, 'labels.json')).replace('"production": "v1"', '"production": "v1",\n    "staging": "v2"')
    const move = { time: new Date().toISOString(), label: 'staging', from: null, to: 'v2', action: 'set' }
    const historyText = `${read(join(folder, 'history.jsonl'))}${JSON.stringify(move)}\n`
    writeFileSync(join(folder, 'labels.json'), labelsText)
    writeFileSync(join(folder, 'history.jsonl'), historyText)
    void project
    vi.stubEnv('CI', ci ? 'true' : '')
    for (const call of [prompts.get('s'), prompts.get('s', 'staging'), prompts.history('s'), prompts.versions('s')]) {
      const e = await rejection(call)
      expect(e).toBeInstanceOf(PromptRegistryError)
      expect(e.message).toContain(`${JOURNAL_FILE} is the journal of an update cut short by a crash`)
      expect(e.message).toContain('another checkout or state')
      expect(e.message).toContain('deleting it is safe')
    }
    expect(read(join(folder, 'labels.json'))).toBe(labelsText)
    expect(read(join(folder, 'history.jsonl'))).toBe(historyText)
    expect(existsSync(join(folder, JOURNAL_FILE))).toBe(true)
  })

  test('a journal the registry did not write is refused, naming it and what to do', async () => {
    const { folder } = await killedAfterJournal(false)
    writeFileSync(join(folder, JOURNAL_FILE), '{"assay":"assay-prompt-upd')
    const e = await rejection(prompts.get('s'))
    expect(e).toBeInstanceOf(PromptRegistryError)
    expect(e.message).toContain(`${JOURNAL_FILE} is not an update journal the registry wrote. Delete it and check`)
  })
})

describe('a draft that does not load', () => {
  test('does not stop other versions from loading; it is refused when asked for, and when listing', async () => {
    const project = tempProject()
    project.write('s', 'v1', V1)
    project.write('s', 'v2', V2)
    await prompts.label('s', 'v1', 'production')
    const draft = project.write('s', 'v3', '---\n---\n{{role "user"}}\n{{> foo}}\n')
    project.write('s', 'v2.1', V2.replace('ben', 'cy'))
    expect((await prompts.get('s')).version).toBe('v1')
    expect((await prompts.get('s', 'v2')).version).toBe('v2')
    // The good draft beside it was registered; the broken one was not.
    const versions = JSON.parse(read(join(project.dir, 's', 'labels.json'))).versions as Record<string, string>
    expect(Object.keys(versions)).toEqual(['v1', 'v2', 'v2.1'])
    for (const call of [prompts.get('s', 'latest'), prompts.get('s', 'v3')]) {
      const e = await rejection(call)
      expect(e).toBeInstanceOf(PromptRegistryError)
      expect(e.message).toContain(`${draft}: the template includes a partial`)
    }
    const rows = await prompts.versions('s')
    expect(rows.find((r) => r.version === 'v3')?.problem).toContain(`${draft}: the template includes a partial`)
    expect(rows.filter((r) => r.problem !== undefined)).toHaveLength(1)
  })
})
