// The registry under damage: a registered version deleted, a folder that cannot be written,
// a disk that fills between the two writes, a writer killed between them, a draft that does
// not load.
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test, vi } from 'vitest'
import { prompts, PromptRegistryError } from '../../src/index.js'
import { loadVersion, moveLabel } from '../../src/prompts/api.js'
import { journalPath } from '../../src/prompts/files.js'
import { Registry } from '../../src/prompts/registry.js'
import { nodeFileSystem, StoreWriteError, type StoreFileSystem } from '../../src/store/file.js'
import { rejection, tempProject, V1, V2 } from './helpers.js'


const read = (path: string) => readFileSync(path, 'utf8')
const historyLines = (dir: string) => read(join(dir, 's', 'history.jsonl')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)

describe('registrations', () => {
  test('registering a version appends { time, action: "register", version, hash } to history.jsonl', async () => {
    const project = tempProject()
    project.write('s', 'v1', V1)
    const p = await prompts.get('s', 'v1')
    const [line] = historyLines(project.dir)
    expect(line).toEqual({ time: expect.any(String), action: 'register', version: 'v1', hash: p.hash })
    expect(await prompts.history('s')).toEqual([])
  })

  test('a registered version whose file is gone is refused, naming labels.json', async () => {
    const project = tempProject()
    const v1 = project.write('s', 'v1', V1)
    project.write('s', 'v2', V2)
    await prompts.label('s', 'v1', 'production')
    await prompts.label('s', 'v2', 'production')
    const { rmSync } = await import('node:fs')
    rmSync(v1)
    const e = await rejection(prompts.get('s', 'v1'))
    expect(e).toBeInstanceOf(PromptRegistryError)
    expect((await prompts.versions('s')).find((r) => r.version === 'v1')?.problem).toBe(e.message)
    expect(e.message).toContain(`prompt "s" version "v1" is registered in ${join(project.dir, 's', 'labels.json')}, but its file ${v1} is gone`)
  })

  test('the history is never read to serve: a damaged history.jsonl leaves reads alone and refuses only printing it', async () => {
    const project = tempProject()
    project.write('s', 'v1', V1)
    await prompts.label('s', 'v1', 'production')
    writeFileSync(join(project.dir, 's', 'history.jsonl'), 'not json\n')
    vi.stubEnv('CI', 'true')
    expect((await prompts.get('s')).version).toBe('v1')
    expect((await prompts.versions('s')).every((v) => v.problem === undefined)).toBe(true)
    expect((await rejection(prompts.history('s'))).message).toContain('line 1 of')
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
  test('the move stands in labels.json, and the next command records it in the history once, saying so', async () => {
    const project = tempProject()
    project.write('s', 'v1', V1)
    await prompts.versions('s')
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
    expect(JSON.parse(read(join(project.dir, 's', 'labels.json'))).labels.production.version).toBe('v1')
    expect(read(join(project.dir, 's', 'history.jsonl'))).toBe(history)
    let said = ''
    const again = new Registry({ root: project.dir, cwd: project.root, env: { CI: '' }, notify: (t) => (said += t) })
    expect(again.resolve(again.scan('s', 'test'), 'production', 'test').version).toBe('v1')
    expect(said).toContain('finished an update cut short by a crash (label production (unset) → v1)')
    expect(await prompts.history('s')).toMatchObject([{ label: 'production', from: null, to: 'v1', action: 'promote' }])
    await prompts.label('s', 'v1', 'production')
    expect(await prompts.history('s')).toHaveLength(1)
  })
})

describe('a disk that fills while registering', () => {
  const full = (path: string) => new StoreWriteError(path, 'ENOSPC', 'no space left on device (ENOSPC)', 'Free some disk space and run again.', true)

  test('a first registration whose history cannot be written stands in labels.json; the next read records it in the history', async () => {
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
    expect(JSON.parse(read(join(project.dir, 's', 'labels.json'))).versions).toHaveProperty('v1')
    expect(existsSync(join(project.dir, 's', 'history.jsonl'))).toBe(false)
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    expect((await prompts.get('s')).version).toBe('v1')
    expect(historyLines(project.dir).map((l) => l.action)).toEqual(['register'])
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
    const before = read(join(folder, 'labels.json'))
    const hash = (text: string) => createHash('sha256').update(text).digest('hex')
    const labels = before.replace(/"production": \{[^}]*\}/, `"production": { "version": "v2", "sha256": "${hash(V2)}" }`)
    const move = { time: new Date().toISOString(), label: 'production', from: 'v1', to: 'v2', action: 'promote', hash: hash(V2) }
    const lines = `${JSON.stringify(move)}\n`
    writeFileSync(journalPath(folder), JSON.stringify({ assay: 'assay-prompt-update', labels, lines, replaces: { labels: hash(before) }, note: 'label production v1 → v2' }))
    if (writeLabels) writeFileSync(join(folder, 'labels.json'), labels)
    return { project, folder, labels, before }
  }
  const notified = () => {
    let said = ''
    return { notify: (t: string) => (said += t), said: () => said }
  }

  test('after labels.json: the move stands, and the next command records it in the history once, saying so', async () => {
    const { project, folder, labels } = await killedAfterJournal(true)
    vi.stubEnv('CI', 'true')
    // CI only reads: labels.json, the truth, already serves the move.
    expect((await prompts.get('s')).version).toBe('v2')
    expect(existsSync(journalPath(folder))).toBe(true)
    vi.stubEnv('CI', '')
    const n = notified()
    const registry = new Registry({ root: project.dir, cwd: project.root, env: { CI: '' }, notify: n.notify })
    registry.scan('s', 'test')
    expect(n.said()).toBe(`assay prompts: finished an update cut short by a crash (label production v1 → v2): ${join('prompts', 's', 'labels.json')} held it, and ${join('prompts', 's', 'history.jsonl')} now records it too.\n`)
    expect(read(join(folder, 'labels.json'))).toBe(labels)
    expect(existsSync(journalPath(folder))).toBe(false)
    expect((await prompts.history('s')).map((m) => m.to)).toEqual(['v1', 'v2'])
    await prompts.versions('s')
    expect((await prompts.history('s')).map((m) => m.to)).toEqual(['v1', 'v2'])
  })

  test('before labels.json: labels.json does not hold the move, so it is not served; the journal is dropped, saying how to record it', async () => {
    const { project, folder, before } = await killedAfterJournal(false)
    const n = notified()
    const registry = new Registry({ root: project.dir, cwd: project.root, env: { CI: '' }, notify: n.notify })
    expect(registry.resolve(registry.scan('s', 'test'), undefined, 'test').version).toBe('v1')
    const labels = join('prompts', 's', 'labels.json')
    expect(n.said()).toBe(
      `assay prompts: dropped an update cut short by a crash (label production v1 → v2): ${labels} does not hold it now (the command was killed before it wrote it, or the change was discarded since, as by git stash or git checkout), so it is not served. ` +
        `If ${labels} holds it again later (after git stash pop, or a checkout), ${join('prompts', 's', 'history.jsonl')} will have no line for it: to have it recorded, make the move again with a reason rather than by restoring ${labels}: npx assay prompts label s v2 production --reason "…"\n`,
    )
    expect(n.said()).not.toContain('did not happen')
    expect(read(join(folder, 'labels.json'))).toBe(before)
    expect(existsSync(journalPath(folder))).toBe(false)
    expect((await prompts.history('s')).map((m) => m.to)).toEqual(['v1'])
  })

  test('a journal made from another labels.json (a branch switched since) is never applied', async () => {
    const { project, folder } = await killedAfterJournal(false)
    await prompts.label('s', 'v2', 'staging')
    const labelsText = read(join(folder, 'labels.json'))
    const n = notified()
    const registry = new Registry({ root: project.dir, cwd: project.root, env: { CI: '' }, notify: n.notify })
    registry.scan('s', 'test')
    // The staging move settled the journal first: it said so then; nothing is applied now.
    expect(n.said()).toBe('')
    expect(read(join(folder, 'labels.json'))).toBe(labelsText)
    expect((await prompts.get('s')).version).toBe('v1')
    expect((await prompts.history('s')).map((m) => m.label)).toEqual(['production', 'staging'])
  })

  test('a journal whose labels.json changed since (a checkout) is dropped, saying the move is not served and how to record it', async () => {
    const { project, folder, before } = await killedAfterJournal(false)
    writeFileSync(join(folder, 'labels.json'), `${before}\n`)
    const n = notified()
    const registry = new Registry({ root: project.dir, cwd: project.root, env: { CI: '' }, notify: n.notify })
    registry.scan('s', 'test')
    expect(n.said()).toContain(`: ${join('prompts', 's', 'labels.json')} changed since (a branch switched or a commit checked out) and does not hold it, so it is not served. If`)
    expect(n.said()).toContain('make the move again with a reason rather than by restoring')
    expect(n.said()).toContain('npx assay prompts label s v2 production --reason "…"')
    expect(n.said()).not.toContain('did not happen')
    expect(existsSync(journalPath(folder))).toBe(false)
  })

  test('a journal the registry did not write is refused, naming it and what to do', async () => {
    const { folder } = await killedAfterJournal(false)
    writeFileSync(journalPath(folder), '{"assay":"assay-prompt-upd')
    const e = await rejection(prompts.get('s'))
    expect(e).toBeInstanceOf(PromptRegistryError)
    expect(e.message).toContain('is not an update journal the registry wrote. Delete it and check')
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
