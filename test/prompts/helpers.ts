import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { onTestFinished, vi } from 'vitest'

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
