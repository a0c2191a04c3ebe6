import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { onTestFinished, vi } from 'vitest'
import { main } from '../../src/cli/prompts.js'

/** The summarizer's first version, with the frontmatter fields a registry file carries. */
export const V1 = `---
model: gpt-4o-mini
config:
  temperature: 0
input:
  schema:
    text: string
author: ana
tested: 2026-01-05 on news-50, 47/50
---
{{role "system"}}
Summarize the following text in 3 bullet points.
{{role "user"}}
{{text}}
`

export const V2 = `---
model: gpt-4o
config:
  temperature: 0.2
  max_tokens: 300
input:
  schema:
    text: string
    bullets?: integer
author: ben
---
{{role "system"}}
You are an expert editor. Write {{#if bullets}}{{bullets}}{{else}}3{{/if}} bullet points, each under 20 words.
{{role "user"}}
{{text}}
`

/** A temporary project whose registry the API reads (through ASSAY_PROMPTS_DIR), removed after the test that calls it. */
export function tempProject(): { root: string; dir: string; write(name: string, version: string, text: string): string } {
  const root = mkdtempSync(join(tmpdir(), 'assay-prompts-'))
  const dir = join(root, 'prompts')
  mkdirSync(dir)
  vi.stubEnv('ASSAY_PROMPTS_DIR', dir)
  vi.stubEnv('CI', '')
  onTestFinished(() => {
    vi.unstubAllEnvs()
    rmSync(root, { recursive: true, force: true })
  })
  return {
    root,
    dir,
    write(name, version, text) {
      mkdirSync(join(dir, name), { recursive: true })
      const path = join(dir, name, `${version}.prompt`)
      writeFileSync(path, text)
      return path
    },
  }
}

/** The error `call` rejects with; a test failure when it resolves. */
export async function rejection(call: Promise<unknown>): Promise<Error> {
  try {
    await call
  } catch (e) {
    return e as Error
  }
  throw new Error('expected a rejection, but the call resolved')
}

/** Two small versions with different content, for branches that each add one. */
export const A = '---\nmodel: m\n---\nA text {{text}}\n'
export const B = '---\nmodel: m\n---\nB text {{text}}\n'

/** The sha256 of a text, in hex, as `sha256sum` gives it. */
export const sha = (text: string): string => execFileSync('sha256sum', { input: text }).toString().slice(0, 64)

/**
 * A temporary project in a fresh git repository: `git` runs git there (a fixed author, no
 * hooks, no signing), `assay` runs `npx assay prompts` there outside CI, and `commit` adds
 * everything and commits it.
 */
export function gitProject() {
  const p = tempProject()
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false', '-c', 'core.hooksPath=/dev/null', ...args], { cwd: p.root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  const assay = async (...args: string[]) => {
    let stdout = ''
    let stderr = ''
    const status = await main(args, { cwd: p.root, env: { CI: '' }, stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } })
    return { status, stdout, stderr }
  }
  const commit = (message: string) => {
    git('add', '-A')
    git('commit', '-qm', message)
  }
  git('init', '-q')
  return { ...p, git, assay, commit }
}
