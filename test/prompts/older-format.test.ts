// Reading a labels.json of the older format (format 1: a label as a bare version name): each
// label is bound to the content its last move recorded in the history, when that move went to
// the version labels.json names, so a version rewritten after its label was moved is not
// served under it; a label the history last moved elsewhere is bound to nothing.
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test, vi } from 'vitest'
import { main } from '../../src/cli/prompts.js'
import { prompts, PromptRegistryError } from '../../src/index.js'
import { parseState } from '../../src/prompts/files.js'
import { rejection, tempProject, V1, V2 } from './helpers.js'

const sha = (text: string) => execFileSync('sha256sum', { input: text }).toString().slice(0, 64)
const REWRITE = `${V2}UNREVIEWED rewrite\n`

/** Prompt s with v1 and v2 files, and an older-format labels.json with production on `on`. */
function older(v2 = V2, on = 'v2') {
  const p = tempProject()
  p.write('s', 'v1', V1)
  p.write('s', 'v2', v2)
  const folder = join(p.dir, 's')
  const labelsPath = join(folder, 'labels.json')
  const historyPath = join(folder, 'history.jsonl')
  writeFileSync(labelsPath, JSON.stringify({ assay: 'assay-prompt-labels', version: 1, labels: { production: on }, versions: { v1: sha(V1), v2: sha(v2) } }, null, 2))
  const history = (...lines: (object | string)[]) => writeFileSync(historyPath, lines.map((l) => `${typeof l === 'string' ? l : JSON.stringify(l)}\n`).join(''))
  const move = (to: string, hash: string | undefined, label = 'production') => ({ time: '2026-01-05T10:00:00.000Z', label, from: null, to, action: 'promote', ...(hash === undefined ? {} : { hash }) })
  const assay = async (...args: string[]) => {
    let stderr = ''
    const status = await main(args, { cwd: p.root, env: { CI: process.env.CI ?? '' }, stdout: { write: () => true }, stderr: { write: (t: string) => (stderr += t) } })
    return { status, stderr }
  }
  const labels = () => parseState(readFileSync(labelsPath, 'utf8'), 'labels.json')
  return { ...p, labelsPath, historyPath, history, move, assay, labels }
}

describe('a labels.json of the older format', () => {
  test('a label whose last move to its version recorded other content than the registered hash is refused, on CI too, and stays bound to the recorded hash when written', async () => {
    const p = older(REWRITE)
    p.history({ time: '2026-01-05T09:00:00.000Z', action: 'register', version: 'v2', hash: sha(V2) }, p.move('v2', sha(V2)), p.move('v1', sha(V1), 'staging'))
    for (const ci of ['true', '']) {
      vi.stubEnv('CI', ci)
      const e = await rejection(prompts.get('s'))
      expect(e).toBeInstanceOf(PromptRegistryError)
      expect(e.message).toContain(`the label "production" of prompt "s" in ${p.labelsPath} was set on version "v2" when it had sha256 ${sha(V2)}, but ${join(p.dir, 's', 'v2.prompt')} has sha256 ${sha(REWRITE)} now`)
      expect(e.message).toContain('npx assay prompts label s v2 production --reason')
      // The version itself still loads by name.
      expect((await prompts.get('s', 'v2')).template).toContain('UNREVIEWED')
    }
    const list = await p.assay('list')
    expect(list.status).toBe(1)
    expect(list.stderr).toContain('the label "production" of prompt "s"')
    expect((await p.assay('label', 's', 'v1', 'staging', '--reason', 'x')).status).toBe(0)
    expect(p.labels().labels.production).toEqual({ version: 'v2', sha256: sha(V2) })
    expect(await rejection(prompts.get('s'))).toBeInstanceOf(PromptRegistryError)
    // Moving it again, after a review, records the current hash.
    expect((await p.assay('label', 's', 'v2', 'production', '--reason', 'reviewed the rewrite')).status).toBe(0)
    expect((await prompts.get('s')).template).toContain('UNREVIEWED')
  })

  test('the last move of the label decides: a later move to it with the registered hash serves it', async () => {
    const p = older(REWRITE)
    p.history(p.move('v2', sha(V2)), p.move('v2', sha(V2), 'staging'), p.move('v2', sha(REWRITE)), p.move('v1', sha(V1), 'staging'))
    vi.stubEnv('CI', 'true')
    expect((await prompts.get('s')).version).toBe('v2')
    // Another label's move, or one recording no hash, binds nothing: the registered hash counts.
    p.history(p.move('v2', sha(V2), 'staging'), p.move('v2', undefined))
    expect((await prompts.get('s')).version).toBe('v2')
    vi.stubEnv('CI', '')
    expect((await p.assay('label', 's', 'v1', 'staging', '--reason', 'x')).status).toBe(0)
    expect(p.labels().labels.production).toEqual({ version: 'v2', sha256: sha(REWRITE) })
  })

  test('with no move of the label in the history (or no history), the label is bound to the registered hash', async () => {
    const p = older()
    vi.stubEnv('CI', 'true')
    expect((await prompts.get('s')).version).toBe('v2')
    p.history(p.move('v1', sha(V1), 'staging'))
    expect((await prompts.get('s')).version).toBe('v2')
  })

  test('a label the history last moved to another version (a rollback after the promotion) is bound to nothing and refused, on CI too', async () => {
    const p = older(REWRITE)
    p.history(p.move('v2', sha(V2)), p.move('v2', sha(REWRITE)), { ...p.move('v1', sha(V1)), action: 'rollback' })
    for (const ci of ['true', '']) {
      vi.stubEnv('CI', ci)
      const e = await rejection(prompts.get('s'))
      expect(e).toBeInstanceOf(PromptRegistryError)
      expect(e.message).toContain(`the label "production" of prompt "s" in ${p.labelsPath} is an entry of the older format (a bare version name), and the history's last move of "production" went to v1, not to v2, so nothing says which content of v2 it was set on. It is not served.`)
      expect(e.message).toContain('npx assay prompts label s v2 production --reason')
    }
    const list = await p.assay('list')
    expect(list.status).toBe(1)
  })

  test('a damaged history refuses the older-format label, naming the history, and serves nothing in its place; a label of the current format is not affected', async () => {
    const p = older()
    p.history(p.move('v2', sha(V2)), '{"label": "production", "to": "v1", broken')
    for (const ci of ['true', '']) {
      vi.stubEnv('CI', ci)
      const e = await rejection(prompts.get('s'))
      expect(e).toBeInstanceOf(PromptRegistryError)
      expect(e.message).toContain('the label "production" of prompt "s"')
      expect(e.message).toContain(`the content it was set on is recorded only in the history, and ${p.historyPath} cannot be read (npx assay prompts history s says why).`)
      expect(e.message).not.toContain('broken')
      expect(e.message).toContain('It is not served.')
      expect(e.message).toContain('npx assay prompts label s v2 production --reason')
      expect((await prompts.get('s', 'v1')).version).toBe('v1')
    }
    // The next write keeps the entry as it was, so restoring the history binds it.
    expect((await p.assay('label', 's', 'v1', 'staging', '--reason', 'x')).status).toBe(0)
    expect(JSON.parse(readFileSync(p.labelsPath, 'utf8')).labels.production).toBe('v2')
    p.history(p.move('v2', sha(V2)))
    expect((await prompts.get('s')).version).toBe('v2')
    // A labels.json of the current format never reads the history.
    expect((await p.assay('label', 's', 'v2', 'production', '--reason', 'bind')).status).toBe(0)
    writeFileSync(p.historyPath, 'not json\n')
    vi.stubEnv('CI', 'true')
    expect((await prompts.get('s')).version).toBe('v2')
  })
})
