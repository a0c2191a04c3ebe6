// Credentials that no key names: a webhook URL whose path is the secret, and a header list's
// value whose name is a sibling field (`key:`, `header:`, `name:`) rather than the key.
import { describe, expect, test } from 'vitest'
import { main } from '../../src/cli/prompts.js'
import { isPromptCredential, redactPromptFile } from '../../src/prompts/redact.js'
import { redactLines } from '../../src/prompts/redact-lines.js'
import { redactText } from '../../src/secrets.js'
import { tempProject, V1, V2 } from './helpers.js'

const SLACK = 'T0ABCDEF1/B0GHIJKL2/AbCdEfGhIjKlMnOpQrStUvWx'
const DISCORD = '112233445566778899/Zx9_-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789'
const TEAMS = '0a1b2c3d-aaaa-bbbb-cccc-0123456789ab@9f8e7d6c-aaaa-bbbb-cccc-0123456789ab/IncomingWebhook/5f5f5f5f5f5f/0123abcd-aaaa-bbbb-cccc-0123456789ab'
const ZAPIER = '1234567/abcdefg/'

const V3 = `---
model: m
alerts: https://hooks.slack.com/services/${SLACK}
notify:
  discord: "https://discord.com/api/webhooks/${DISCORD}"
  teams: https://contoso.webhook.office.com/webhookb2/${TEAMS}
headers:
  - key: Authorization
    value: Bearer KEYPAIRTOKEN1234567
  - name: X-Api-Key
    value: abc123xyz789
  - header: X-Auth-Token
    value: HEADERPAIR99887766
  - key: Accept
    value: application/json
  - Name: X-Api-Key
    Value: CAPSPAIR1234567
docs: https://example.com/guide/hooks.html
---
{{role "system"}}
Post to https://hooks.zapier.com/hooks/catch/${ZAPIER} when done.
{{role "user"}}
{{text}}
`
const SECRETS = [SLACK, DISCORD, TEAMS, '1234567/abcdefg', 'KEYPAIRTOKEN1234567', 'abc123xyz789', 'HEADERPAIR99887766', 'CAPSPAIR1234567']

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

describe('webhook URLs and header lists', () => {
  test.each([['diff', 's', 'v2', 'v3'], ['show', 's@v3']])('%s prints none of their secrets, and keeps what is not one', async (...args) => {
    const out = await run(...args)
    expect(out.stderr).toBe('')
    expect(out.status).toBe(0)
    for (const secret of SECRETS) expect(out.stdout).not.toContain(secret)
    for (const kept of ['hooks.slack.com/services/[REDACTED]', 'discord.com/api/webhooks/[REDACTED]', 'webhook.office.com/webhookb2/[REDACTED]', 'hooks.zapier.com/hooks/catch/[REDACTED]', 'application/json', 'https://example.com/guide/hooks.html', 'Authorization', 'X-Api-Key'])
      expect(out.stdout).toContain(kept)
  })

  test('the file keeps its layout: only the values change', () => {
    expect(redactPromptFile(V3).split('\n').slice(7, 17).join('\n')).toBe(`  - key: Authorization
    value: [REDACTED]
  - name: X-Api-Key
    value: [REDACTED]
  - header: X-Auth-Token
    value: [REDACTED]
  - key: Accept
    value: application/json
  - Name: X-Api-Key
    Value: [REDACTED]`)
  })

  test('a pair in flow style, and one whose value comes first, are redacted too', () => {
    const text = '---\nmodel: m\nh: [{ key: Authorization, value: FLOWPAIRSECRET1 }]\nlist:\n  - value: VALUEFIRST123456\n    header: Authorization\n---\nx\n'
    const out = redactPromptFile(text)
    expect(out).not.toContain('FLOWPAIRSECRET1')
    expect(out).not.toContain('VALUEFIRST123456')
  })

  test('the line rule, for a draft that is not valid YAML, knows the same pairs', () => {
    const yaml = 'headers:\n  - key: Authorization\n    value: Bearer DRAFTKEYPAIR12345\n  - header: X-Api-Key\n    value: DRAFTHEADER12345\n  - key: Accept\n    value: text/plain'
    expect(redactLines(yaml, isPromptCredential)).toBe('headers:\n  - key: Authorization\n    value: [REDACTED]\n  - header: X-Api-Key\n    value: [REDACTED]\n  - key: Accept\n    value: text/plain')
  })

  test('diff compares the redacted files: a changed webhook is not shown as a change', async () => {
    const p = tempProject()
    p.write('s', 'v1', V3)
    p.write('s', 'v2', V3.replace(SLACK, 'T0ABCDEF1/B0GHIJKL2/ZzZzZzZzZzZzZzZzZzZzZzZz').replace(ZAPIER, '7654321/gfedcba/').replace('model: m', 'model: m2'))
    let stdout = ''
    expect(await main(['diff', 's', 'v1', 'v2'], { cwd: p.root, env: { CI: '' }, stdout: { write: (t: string) => (stdout += t) }, stderr: { write: () => undefined } })).toBe(0)
    expect(stdout).toContain('+model: m2')
    expect(stdout.split('\n').filter((l) => /^[-+](?![-+])/.test(l))).toEqual(['-model: m', '+model: m2'])
  })

  test('redactText hides a webhook\'s path in free text, query included, and leaves other URLs alone', () => {
    expect(redactText(`alert https://hooks.slack.com/services/${SLACK}?x=1 now`)).toBe('alert https://hooks.slack.com/services/[REDACTED] now')
    expect(redactText(`"https://discordapp.com/api/webhooks/${DISCORD}"`)).toBe('"https://discordapp.com/api/webhooks/[REDACTED]"')
    expect(redactText('https://chat.example.org/hooks/q8w7e6r5t4y3u2i1')).toBe('https://chat.example.org/hooks/[REDACTED]')
    for (const plain of ['https://example.com/docs/webhooks', 'https://github.com/acme/app/blob/main/README.md', 'https://hooks.slack.com/services/']) expect(redactText(plain)).toBe(plain)
  })
})

describe('a credential pair inside the value of another pair', () => {
  const V5 = `---
model: m
config:
  args: "--api-key=CfgArgsApiKey123456"
  cmd: "--client-secret=CfgCmdSecret123456"
env: PGPASSWORD=PgEnvPassword123456 psql
---
{{role "user"}}
run: --api-key=TplRunApiKey123456 then $PGPASSWORD=TplPgPassword123456
{{text}}
`
  const INNER = ['CfgArgsApiKey123456', 'CfgCmdSecret123456', 'PgEnvPassword123456', 'TplRunApiKey123456', 'TplPgPassword123456']

  test.each([['diff', 's', 'v1', 'v5'], ['show', 's@v5']])('%s prints none of them', async (...args) => {
    const p = tempProject()
    p.write('s', 'v1', V1)
    p.write('s', 'v5', V5)
    let stdout = ''
    expect(await main(args, { cwd: p.root, env: { CI: '' }, stdout: { write: (t: string) => (stdout += t) }, stderr: { write: () => undefined } })).toBe(0)
    for (const secret of INNER) expect(stdout).not.toContain(secret)
    expect(stdout).toContain('--api-key=[REDACTED]')
  })

  test('redactText looks inside every value, and keeps the pairs around it', () => {
    expect(redactText('ran with args=--api-key=ReasonArgKey123456 ok')).toBe('ran with args=--api-key=[REDACTED] ok')
    expect(redactText('a: b=c: token=InnerTok123456, d=e')).toBe('a: b=c: token=[REDACTED], d=e')
    expect(redactText('MAX_TOKENS=300 PGPASSWORD=x12345678 TOKEN_COUNT=3')).toBe('MAX_TOKENS=300 PGPASSWORD=[REDACTED] TOKEN_COUNT=3')
  })
})

describe('credentials listed under a plural name', () => {
  const V6 = `---
model: m
secrets:
  - sk-proj-ListedSecret0123456789
api_keys: [FlowListKey0123456, FlowListKey6543210]
clientSecrets:
- CamelListSecret12345
passphrase: CorrectHorseBattery
config:
  max_tokens: 300
tokens: 5
---
{{text}}
`
  test.each([['diff', 's', 'v1', 'v6'], ['show', 's@v6']])('%s prints none of them, and keeps counts named tokens', async (...args) => {
    const p = tempProject()
    p.write('s', 'v1', V1)
    p.write('s', 'v6', V6)
    let stdout = ''
    expect(await main(args, { cwd: p.root, env: { CI: '' }, stdout: { write: (t: string) => (stdout += t) }, stderr: { write: () => undefined } })).toBe(0)
    for (const secret of ['ListedSecret0123456789', 'FlowListKey0123456', 'FlowListKey6543210', 'CamelListSecret12345', 'CorrectHorseBattery']) expect(stdout).not.toContain(secret)
    expect(stdout).toMatch(/max_tokens"?: ?300/)
    expect(stdout).toMatch(/tokens: 5/)
  })
})
