// Credentials must not reach output by any side door: the yaml library's warnings, an alias
// to an anchored key, a draft that does not load, names in camelCase or header lists, URL
// passwords, comments, or a reason written to the history.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { main } from '../../src/cli/prompts.js'
import { prompts } from '../../src/prompts/api.js'
import { parseDocument } from 'yaml'
import { redactMetadata, redactPromptFile } from '../../src/prompts/redact.js'
import { resetSecrets } from '../../src/secrets.js'
import { tempProject, V1, V2 } from './helpers.js'

afterEach(() => {
  vi.restoreAllMocks()
  resetSecrets()
})

async function cli(root: string, ...args: string[]) {
  let stdout = ''
  let stderr = ''
  const status = await main(args, { cwd: root, env: { CI: '' }, stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } })
  return { status, stdout, stderr, all: stdout + stderr }
}

function project(v3: string) {
  const p = tempProject()
  p.write('s', 'v1', V1)
  p.write('s', 'v2', V2)
  p.write('s', 'v3', v3)
  return p
}

/** Everything the process printed outside the CLI's io: warnings and console output. */
function watchOutput() {
  const seen: string[] = []
  vi.spyOn(process, 'emitWarning').mockImplementation((w: string | Error) => void seen.push(String(w instanceof Error ? `${w.message}` : w)))
  vi.spyOn(console, 'warn').mockImplementation((...a: unknown[]) => void seen.push(a.join(' ')))
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void seen.push(a.join(' ')))
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void seen.push(a.join(' ')))
  return seen
}

describe('credentials never reach output', () => {
  test('a tag on a credential line prints no yaml warning, in get, show or diff', async () => {
    const secret = 'sk-proj-TAGGEDSECRET1234567890abcdefXYZ'
    const p = project(`---\nmodel: m\napi_key: !vault ${secret}\nrun: !!js/function "function () { return 1 }"\n---\n{{role "user"}}\nhi\n`)
    const seen = watchOutput()
    const prompt = await prompts.get('s', 'v3')
    expect(prompt.metadata.api_key).toBe(secret)
    for (const args of [['show', 's@v3'], ['diff', 's', 'v2', 'v3']]) {
      const out = await cli(p.root, ...args)
      expect(out.status).toBe(0)
      expect(out.all).not.toContain('TAGGEDSECRET')
    }
    expect(seen).toEqual([])
  })

  test('a credential given through an alias is redacted where its anchor is, in show and diff', async () => {
    const p = project(`---\nmodel: m\ncreds: &k sk-proj-ANCHORKEY1234567890abcdef\nother: { x: &t tok-ANCHORTOKEN12345 }\napi_key: *k\ntoken: *t\n---\n{{role "user"}}\nhi\n`)
    for (const args of [['show', 's@v3'], ['diff', 's', 'v2', 'v3'], ['diff', 's', 'v3', 'v2']]) {
      const out = await cli(p.root, ...args)
      expect(out.status, out.stderr).toBe(0)
      expect(out.all).not.toMatch(/ANCHORKEY|ANCHORTOKEN/)
      expect(out.stdout).toContain('[REDACTED]')
    }
  })

  test('diff redacts a draft that does not load, on either side, line by line', async () => {
    const draft = `---\nmodel: m\nmodel: m2\nheaders: { Authorization: "Bearer FLOWTOKEN1234567890abcdef", Accept: text/plain }\npassword: >-\n  FOLDEDPASSWORD1234567890\n  FOLDEDSECOND12345678\nsecret: |\n  LITERALSECRET123456\nclient:\n  clientSecret: NESTEDSECRET1234567\n# old key: sk-COMMENTKEY1234567890\nnote: keep me\n---\n{{role "user"}}\nhi\n`
    const p = project(draft)
    // Shown as the version compared with, or refused (exit 1) as the version compared.
    for (const [status, args] of [[0, ['diff', 's', 'v3', 'v2']], [1, ['diff', 's', 'v2', 'v3']]] as const) {
      const out = await cli(p.root, ...args)
      expect(out.status, out.stderr).toBe(status)
      expect(out.all).not.toMatch(/FLOWTOKEN|FOLDEDPASSWORD|FOLDEDSECOND|LITERALSECRET|NESTEDSECRET|COMMENTKEY/)
    }
    const out = await cli(p.root, 'diff', 's', 'v3', 'v2')
    expect(out.stdout).toContain('-note: keep me')
    expect(out.stdout).toContain('-headers: { Authorization: [REDACTED], Accept: text/plain }')
    expect(out.stdout).toContain('-client:\n-  clientSecret: [REDACTED]\n')
  })

  test('a frontmatter that is not YAML at all is redacted by its lines', () => {
    const broken = `---\nmodel: m\n  bad: [indent\nheaders: { Authorization: "Bearer FLOWTOKEN1234567890", Accept: text/plain }\npassword: >-\n  FOLDEDPASSWORD1234567890\n  FOLDEDSECOND12345678\ncredentials:\n  user: LISTEDUSER123456\nheaders2:\n  - name: Authorization\n    value: Bearer HEADERLIST666666666\n  - name: Accept\n    value: text/plain\napiToken: "QUOTED1234567890" # the token\n# old key: sk-COMMENTKEY1234567890\nnote: keep me\n---\nhi\n`
    expect(parseDocument(broken.split('---\n')[1]!).errors).not.toEqual([])
    expect(redactPromptFile(broken)).toBe(`---\nmodel: m\n  bad: [indent\nheaders: { Authorization: [REDACTED], Accept: text/plain }\npassword: [REDACTED]\ncredentials: [REDACTED]\n  [REDACTED]\nheaders2:\n  - name: Authorization\n    value: [REDACTED]\n  - name: Accept\n    value: text/plain\napiToken: [REDACTED]\n# old key: [REDACTED]\nnote: keep me\n---\nhi\n`)
  })

  test('camelCase names, header lists, URL passwords and comments are redacted in show and diff', async () => {
    const v3 = `---
model: m
accessToken: at-CAMEL1111111111
clientSecret: cs-CAMEL2222222222
apiToken: ap-CAMEL3333333333
privateKey: pk-CAMEL4444444444
bearer: br-CAMEL5555555555
headers:
  - name: Authorization
    value: Bearer HEADERLIST666666666
  - name: Accept
    value: text/plain
db_url: postgres://admin:URLPASSWORD77777@db.example.com/app
# old key: sk-COMMENTKEY88888888
maxTokens: 300
---
{{role "user"}}
hi
`
    const p = project(v3)
    for (const args of [['show', 's@v3'], ['diff', 's', 'v2', 'v3']]) {
      const out = await cli(p.root, ...args)
      expect(out.status, out.stderr).toBe(0)
      expect(out.all).not.toMatch(/CAMEL|HEADERLIST|URLPASSWORD|COMMENTKEY/)
      expect(out.stdout).toContain('text/plain')
      expect(out.stdout).toContain('postgres://admin:[REDACTED]@db.example.com/app')
      expect(out.stdout).toContain('300')
    }
  })

  test('a known key in a reason is redacted before it is written to the history, from the CLI and the API', async () => {
    const key = 'sk-proj-REASONKEY1234567890abcdef'
    vi.stubEnv('OPENAI_API_KEY', key)
    const p = project(V2)
    expect((await cli(p.root, 'label', 's', 'v1', 'staging', '--reason', `tried with ${key}`)).status).toBe(0)
    await prompts.rollback('s', 'v2', { reason: `key ${key} again; api_key: ${key}` })
    const history = readFileSync(join(p.dir, 's', 'history.jsonl'), 'utf8')
    expect(history).not.toContain('REASONKEY')
    expect(history).toContain('tried with [REDACTED]')
    expect((await prompts.history('s')).map((m) => m.reason)).toEqual(['tried with [REDACTED]', 'key [REDACTED] again; api_key: [REDACTED]'])
  })

  test('redactMetadata cuts a cycle instead of overflowing the stack', () => {
    const loop: unknown[] = [1]
    loop.push(loop)
    expect(redactMetadata({ loop, password: 'x' })).toEqual({ loop: [1, '[cycle]'], password: '[REDACTED]' })
  })
})
