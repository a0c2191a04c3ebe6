// A merge of two branches that each changed a prompt, in a repository without
// `merge=union` for history.jsonl: git leaves conflict markers in the history, or whoever
// resolves it takes one side and loses the other side's lines. Both are named as a merge,
// with advice that fits one, never as an edit.
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { main } from '../../src/cli/prompts.js'
import { parseHistory, parseState } from '../../src/prompts/files.js'
import { tempProject, V1 } from './helpers.js'

const A = '---\nmodel: m\n---\nA text\n'
const B = '---\nmodel: m\n---\nB text\n'

function repository() {
  const p = tempProject()
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false', '-c', 'core.hooksPath=/dev/null', ...args], { cwd: p.root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  const assay = async (...args: string[]) => {
    let stdout = ''
    let stderr = ''
    const status = await main(args, { cwd: p.root, env: { CI: '' }, stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } })
    return { status, stdout, stderr }
  }
  return { ...p, git, assay }
}

/** Branches a and b each add their own v3 and register it; b is merged into a, which conflicts. */
async function conflictedMerge() {
  const r = repository()
  r.git('init', '-q')
  r.write('s', 'v1', V1)
  expect((await r.assay('label', 's', 'v1', 'production')).status).toBe(0)
  r.git('add', '-A')
  r.git('commit', '-qm', 'v1')
  r.git('checkout', '-qb', 'b')
  r.write('s', 'v3', B)
  expect((await r.assay('list')).status).toBe(0)
  r.git('add', '-A')
  r.git('commit', '-qm', 'b v3')
  r.git('checkout', '-q', 'main')
  r.write('s', 'v3', A)
  expect((await r.assay('list')).status).toBe(0)
  r.git('add', '-A')
  r.git('commit', '-qm', 'a v3')
  expect(() => r.git('merge', '-q', 'b')).toThrow()
  return r
}

describe('a merge without merge=union', () => {
  test('conflict markers in labels.json, then in history.jsonl, are named as an unresolved merge, with how to resolve it and the .gitattributes line', async () => {
    const r = await conflictedMerge()
    const first = await r.assay('list')
    expect(first.status).toBe(1)
    expect(first.stderr).toContain(`${join('prompts', 's', 'labels.json')} holds git's conflict markers`)
    r.git('checkout', '--ours', '--', 'prompts/s/labels.json')
    const out = await r.assay('list')
    expect(out.status).toBe(1)
    expect(out.stderr).toContain(`${join('prompts', 's', 'history.jsonl')} holds git's conflict markers`)
    expect(out.stderr).toContain('keep every line from both sides')
    expect(out.stderr).toContain('prompts/**/history.jsonl merge=union')
    expect(out.stderr).not.toContain('Restore the file from version control')
  })

  test('conflict markers in labels.json say to take either side and let list write the rest back', () => {
    const text = '{\n<<<<<<< HEAD\n  "assay": "assay-prompt-labels",\n=======\n  "assay": "x",\n>>>>>>> b\n}\n'
    expect(() => parseState(text, 'prompts/s/labels.json')).toThrow(/prompts\/s\/labels\.json holds git's conflict markers \(line 2\).*git checkout --ours -- "prompts\/s\/labels\.json".*npx assay prompts list/)
    expect(() => parseHistory('{"x":1}\n=======\n', 'h')).toThrow(/h holds git's conflict markers \(line 2\)/)
  })

  test('one side taken for the history and the other for labels.json, while the merge is in progress: named as a merge, not an edit', async () => {
    const r = await conflictedMerge()
    r.git('checkout', '--ours', '--', 'prompts/s/history.jsonl', 'prompts/s/v3.prompt')
    r.git('checkout', '--theirs', '--', 'prompts/s/labels.json')
    for (const out of [await r.assay('list'), await r.assay('keep', 's', 'v3')]) {
      expect(out.status).toBe(1)
      expect(out.stderr).toContain('a git merge is in progress')
      expect(out.stderr).toContain('lost the other side\'s lines')
      expect(out.stderr).toContain('git checkout --merge -- "prompts/s/history.jsonl"')
      expect(out.stderr).toContain('prompts/**/history.jsonl merge=union')
      expect(out.stderr).not.toContain('was edited')
    }
    expect((await r.assay('show', 's@v1')).status).toBe(0)
  })

  test('resolved as advised, by keeping both sides\' lines: v3 is a version registered twice, which keep repairs', async () => {
    const r = await conflictedMerge()
    r.git('checkout', '--merge', '--', 'prompts/s/history.jsonl')
    const history = join(r.dir, 's', 'history.jsonl')
    writeFileSync(history, r.git('show', ':2:prompts/s/history.jsonl') + r.git('show', ':3:prompts/s/history.jsonl').split('\n').filter((l) => l.includes('"v3"')).join('\n') + '\n')
    r.git('checkout', '--ours', '--', 'prompts/s/labels.json', 'prompts/s/v3.prompt')
    const list = await r.assay('list')
    expect(list.status).toBe(1)
    expect(list.stderr).toContain('was registered twice with different content')
    expect((await r.assay('keep', 's', 'v3')).status).toBe(0)
    expect((await r.assay('list')).status).toBe(0)
  })

  test('after the merge, in a repository without the merge=union line, the edit message also says what a merge may have done', async () => {
    const r = await conflictedMerge()
    r.git('checkout', '--ours', '--', 'prompts/s/history.jsonl', 'prompts/s/v3.prompt')
    r.git('checkout', '--theirs', '--', 'prompts/s/labels.json')
    r.git('commit', '-qam', 'merge b')
    const out = await r.assay('list')
    expect(out.status).toBe(1)
    expect(out.stderr).toContain('was edited')
    expect(out.stderr).toContain('If a merge led here instead')
    expect(out.stderr).toContain('add `prompts/**/history.jsonl merge=union`')
    writeFileSync(join(r.root, '.gitattributes'), 'prompts/**/history.jsonl merge=union\n')
    const attributed = await r.assay('list')
    expect(attributed.stderr).toContain('was edited')
    expect(attributed.stderr).not.toContain('If a merge led here instead')
  })
})
