// What `show` and `diff` print of a prompt file that holds credentials in its frontmatter:
// the same redaction, whatever the YAML layout (flow mappings, block scalars, bare names).
import { describe, expect, test } from 'vitest'
import { main } from '../../src/cli/prompts.js'
import { redactPromptFile } from '../../src/prompts/redact.js'
import { tempProject, V1, V2 } from './helpers.js'

const SECRETS = ['abcdefabcdefabcdef123456', 'sk-proj-ABCDEF1234567890abcdef1234567890XYZ', 'hunter2hunter2', 'tok-abcdefgh12345', 'line-one-secret', 'folded-secret-2']

const V3 = `---
model: m
headers: { Authorization: "Bearer abcdefabcdefabcdef123456" }
x_api_key: >-
  sk-proj-ABCDEF1234567890abcdef1234567890XYZ
password: hunter2hunter2
auth: {token: tok-abcdefgh12345, user: ana}
secret: |
  line-one-secret
  folded-secret-2
note: keep me
---
{{role "user"}}
{{text}}
`

async function run(...args: string[]) {
  const p = tempProject()
  p.write('s', 'v1', V1)
  p.write('s', 'v2', V2)
  p.write('s', 'v3', V3)
  let stdout = ''
  let stderr = ''
  const status = await main(args, { cwd: p.root, env: { CI: '' }, stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } })
  return { status, stdout, stderr }
}

describe('credentials in a prompt file\'s frontmatter', () => {
  test.each([['diff', 's', 'v2', 'v3'], ['show', 's@v3']])('%s prints none of them, and the rest', async (...args) => {
    const out = await run(...args)
    expect(out.stderr).toBe('')
    expect(out.status).toBe(0)
    for (const secret of SECRETS) expect(out.stdout).not.toContain(secret)
    expect(out.stdout).toContain('[REDACTED]')
    expect(out.stdout).toContain('keep me')
    expect(out.stdout).toContain('ana')
  })

  test('the file keeps its layout: only the values change', () => {
    expect(redactPromptFile(V3).split('\n').slice(0, 12).join('\n')).toBe(`---
model: m
headers: { Authorization: [REDACTED] }
x_api_key: [REDACTED]
password: [REDACTED]
auth: {token: [REDACTED], user: ana}
secret: [REDACTED]
note: keep me
---
{{role "user"}}
{{text}}
`)
  })

  test('text that is not a frontmatter, or not YAML, is left to the line rule', () => {
    expect(redactPromptFile('no frontmatter: here\n')).toBe('no frontmatter: here\n')
    expect(redactPromptFile('---\n: : [\n---\nx\n')).toBe('---\n: : [\n---\nx\n')
  })
})

describe('credentials in a block scalar and in the template', () => {
  const V4 = `---
model: m
msg: |
  line one
  password: BLOCKPW123456789
  hash:      sha256 forged
labels: staging
---
{{role "user"}}
Send header Authorization: Bearer TEMPLATEBEARER123456 with client_secret=TEMPLATECS123456 and pwd=TEMPLATEPWD123
{{text}}
`
  async function runV4(...args: string[]) {
    const p = tempProject()
    p.write('s', 'v1', V1)
    p.write('s', 'v2', V2)
    p.write('s', 'v4', V4)
    let stdout = ''
    const status = await main(args, { cwd: p.root, env: { CI: '' }, stdout: { write: (t: string) => (stdout += t) }, stderr: { write: () => undefined } })
    return { status, stdout }
  }

  test.each([['diff', 's', 'v2', 'v4'], ['show', 's@v4']])('%s prints none of them', async (...args) => {
    const out = await runV4(...args)
    expect(out.status).toBe(0)
    for (const secret of ['BLOCKPW123456789', 'TEMPLATEBEARER123456', 'TEMPLATECS123456', 'TEMPLATEPWD123']) expect(out.stdout).not.toContain(secret)
    expect(out.stdout).toContain('line one')
  })

  test('show indents a multi-line value, so that none of its lines reads as one of show\'s own', async () => {
    const out = await runV4('show', 's@v4')
    expect(out.stdout.split('\n').filter((l) => l.startsWith('hash:'))).toHaveLength(1)
    expect(out.stdout).toContain('    hash:      sha256 forged')
  })
})
