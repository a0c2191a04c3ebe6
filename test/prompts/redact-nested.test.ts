// Credentials written inside another value: a flag in a command line (`args: "--api-key=…"`),
// an environment assignment (`PGPASSWORD=…`), a list under a plural credential key, a quoted
// passphrase with spaces. Each must be hidden wherever the CLI prints or stores text.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { main } from '../../src/cli/prompts.js'
import { redactMetadata, redactPromptFile } from '../../src/prompts/redact.js'
import { redactLines } from '../../src/prompts/redact-lines.js'
import { isPromptCredential } from '../../src/prompts/redact.js'
import { REDACTED, redactText, resetSecrets } from '../../src/secrets.js'
import { tempProject, V1, V2 } from './helpers.js'

afterEach(() => {
  vi.restoreAllMocks()
  resetSecrets()
})

const V5 = `---
model: m
config:
  args: "--api-key=CfgArgsApiKey123456"
  cmd: "--client-secret=CfgCmdSecret123456"
  env: "PGPASSWORD=CfgPgPw4444"
  flags:
    - "--token=CfgFlagListTok123456"
  secrets:
    - CfgSecretsListItem123456
  api_keys:
    - CfgApiKeysList1234567
  tokens: [CfgTokensFlow1234567]
  max_tokens: 300
author: "x --password=MetaAuthorPw12345"
---
run: --api-key=TplRunApiKey123456
run: deploy --token TplFlagSpaceTok123 --verbose
{{text}}
`
const SECRETS = ['CfgArgsApiKey123456', 'CfgCmdSecret123456', 'CfgPgPw4444', 'CfgFlagListTok123456', 'CfgSecretsListItem123456', 'CfgApiKeysList1234567', 'CfgTokensFlow1234567', 'MetaAuthorPw12345', 'TplRunApiKey123456', 'TplFlagSpaceTok123']

async function cli(...args: string[]) {
  const p = tempProject()
  p.write('s', 'v1', V1)
  p.write('s', 'v2', V2)
  p.write('s', 'v5', V5)
  let stdout = ''
  let stderr = ''
  const status = await main(args, { cwd: p.root, env: { CI: '' }, stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } })
  return { status, all: stdout + stderr, root: p.root }
}

describe('a credential inside another value', () => {
  test.each([
    ['args: "--api-key=ArgKey123456"', `args: "--api-key=${REDACTED}"`],
    ['run: --api-key=RunKey123456 now', `run: --api-key=${REDACTED} now`],
    ['ran with args=--api-key=ReasonArgKey123456', `ran with args=--api-key=${REDACTED}`],
    ['set PGPASSWORD=PgPw4444 before', `set PGPASSWORD=${REDACTED} before`],
    ['echo $PGPASSWORD=PgPw4444', `echo $PGPASSWORD=${REDACTED}`],
    ['deploy --token FlagTok12345 --verbose', `deploy --token ${REDACTED} --verbose`],
    ['deploy --api-key "Flag Key 1" now', `deploy --api-key "${REDACTED}" now`],
    ['password: "Reason Quoted Pw 1" ok', `password: "${REDACTED}" ok`],
    ["passphrase: 'my long phrase' ok", `passphrase: '${REDACTED}' ok`],
    ['cfg.password=DottedPw1234', `cfg.password=${REDACTED}`],
    ['{"env":"PGPASSWORD=JsonPg4444","n":1}', `{"env":"PGPASSWORD=${REDACTED}","n":1}`],
    ['secret key: SpacedKey1111 ok', `secret key: ${REDACTED} ok`],
    ['Access Key = SpacedKey2222', `Access Key = ${REDACTED}`],
    ['curl -u admin:CurlUserPw55 https://api.example.com', `curl -u admin:${REDACTED} https://api.example.com`],
    ['curl --user admin:CurlUserPw66 x', `curl --user admin:${REDACTED} x`],
  ])('redactText(%j)', (text, want) => {
    expect(redactText(text)).toBe(want)
  })

  test('a flag in a comment is redacted', () => {
    expect(redactLines('x: 1 # run --password=CommentFlag123', isPromptCredential)).toBe(`x: 1 # run --password=${REDACTED}`)
  })

  test('flags and counts that are not credentials stay readable', () => {
    for (const text of ['npm run --verbose build', 'max_tokens: 300 and --max-tokens 300', 'pass the tests --token-count 5', 'a: b: c=d', 'the secret key is rotation', 'git log -u main'])
      expect(redactText(text)).toBe(text)
  })

  test('every item of a list under a plural credential key is redacted, a count under one is kept', () => {
    const shown = redactMetadata({ secrets: ['ListA12345678', 'ListB12345678'], api_keys: ['ListC12345678'], max_tokens: 300, tokens: 5 })
    expect(shown).toEqual({ secrets: [REDACTED, REDACTED], api_keys: [REDACTED], max_tokens: 300, tokens: 5 })
    expect(redactLines('tokens:\n  - ListA12345678\n- ListB12345678\npasswords: [ListC12345678]\nmax_tokens: 300\ntokens: 5\nkept: x', isPromptCredential)).toBe(
      `tokens:\n  ${REDACTED}\n- ${REDACTED}\npasswords: ${REDACTED}\nmax_tokens: 300\ntokens: 5\nkept: x`,
    )
    expect(redactLines('password:\n- ListD12345678\n- ListE12345678\nnext: kept', isPromptCredential)).toBe(`password: ${REDACTED}\n- ${REDACTED}\n- ${REDACTED}\nnext: kept`)
    const file = redactPromptFile(V5)
    for (const secret of SECRETS.filter((s) => s.startsWith('Cfg') && !/Args|Cmd|PgPw|FlagList/.test(s))) expect(file).not.toContain(secret)
    expect(file).toContain('max_tokens: 300')
  })

  test.each([['show', 's@v5'], ['diff', 's', 'v2', 'v5']])('%s prints none of them', async (...args) => {
    const out = await cli(...args)
    expect(out.status).toBe(0)
    for (const secret of SECRETS) expect(out.all).not.toContain(secret)
    expect(out.all).toContain('--api-key=')
  })

  test('a reason holding one is stored and printed redacted', async () => {
    const out = await cli('label', 's', 'v1', 'staging', '--reason', 'ran with args=--api-key=ReasonArgKey123456 and password: "Quoted Reason Pw"')
    expect(out.status).toBe(0)
    const history = readFileSync(join(out.root, 'prompts', 's', 'history.jsonl'), 'utf8')
    for (const text of [history, out.all]) {
      expect(text).not.toContain('ReasonArgKey123456')
      expect(text).not.toContain('Quoted')
      expect(text).not.toContain('Reason Pw')
    }
  })
})
