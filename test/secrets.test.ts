import { afterEach, describe, expect, test, vi } from 'vitest'
import { configure, resetConfig } from '../src/config.js'
import * as root from '../src/index.js'
import { holdsSecrets, isCredentialName, knownSecrets, MIN_SECRET_LENGTH, REDACTED, redact, redactDeep, redactText, registerHeaderSecrets, registerSecret, resetSecrets, setSecretListener } from '../src/secrets.js'

const key = 'sk-test-0123456789abcdef'
const saved = { ...process.env }
afterEach(() => {
  process.env = { ...saved }
  resetConfig()
  resetSecrets()
})

describe('redact', () => {
  test('replaces a configured key wherever it occurs, also inside other text', () => {
    configure({ judge: { apiKey: key } })
    expect(redact(`Incorrect API key provided: ${key}.`)).toBe(`Incorrect API key provided: ${REDACTED}.`)
    expect(redact(`Authorization: Bearer ${key}`)).toBe(`Authorization: Bearer ${REDACTED}`)
    expect(redact(`prefix${key}suffix ${key}`)).toBe(`prefix${REDACTED}suffix ${REDACTED}`)
  })

  test('fallback keys and OPENAI_API_KEY are secrets too', () => {
    process.env.OPENAI_API_KEY = 'sk-env-key-from-openai'
    configure({ judge: { fallback: [{ model: 'm', apiKey: 'sk-fallback-key-1' }] } })
    expect(redact('a sk-env-key-from-openai b sk-fallback-key-1 c')).toBe(`a ${REDACTED} b ${REDACTED} c`)
  })

  test('other *_API_KEY, *_TOKEN and *_SECRET variables of the environment are secrets', () => {
    process.env.GATEWAY_API_KEY = 'gw-0123456789'
    process.env.GITHUB_TOKEN = 'ghp_abcdefghijklmnop'
    process.env.SOME_SETTING = 'not-a-secret-value'
    resetSecrets()
    expect(redact('gw-0123456789 ghp_abcdefghijklmnop not-a-secret-value')).toBe(`${REDACTED} ${REDACTED} not-a-secret-value`)
  })

  test('finds the key JSON-escaped (once and twice) and URL-encoded', () => {
    const odd = 'sk-"quoted"/slash\\back+plus'
    registerSecret(odd)
    const once = JSON.stringify({ m: `key ${odd}` })
    expect(redact(once)).toBe(JSON.stringify({ m: `key ${REDACTED}` }))
    expect(JSON.parse(redact(JSON.stringify(once)))).toBe(JSON.stringify({ m: `key ${REDACTED}` }))
    expect(redact(`https://x.test/?key=${encodeURIComponent(odd)}&a=1`)).toBe(`https://x.test/?key=${REDACTED}&a=1`)
    expect(redact(`?key=${encodeURIComponent(odd).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase())}`)).toBe(`?key=${REDACTED}`)
    expect(redact(once.replace(/\//g, '\\/'))).not.toContain('slash')
  })

  test('several keys at once, the longer one winning where one contains the other', () => {
    registerSecret('abcdefgh-1234')
    registerSecret('abcdefgh-1234-and-more')
    expect(redact('x abcdefgh-1234-and-more y abcdefgh-1234 z')).toBe(`x ${REDACTED} y ${REDACTED} z`)
  })

  test(`values shorter than ${MIN_SECRET_LENGTH} characters, or with spaces, are not secrets`, () => {
    configure({ judge: { apiKey: 'no-key', fallback: [{ model: 'm', apiKey: 'EMPTY' }] } })
    registerSecret('short')
    registerSecret('a phrase with spaces in it')
    const text = 'no-key EMPTY short, a phrase with spaces in it'
    expect(redact(text)).toBe(text)
    expect(holdsSecrets(text)).toBe(false)
  })

  test('Authorization-style values register their token; credential headers register theirs', () => {
    registerSecret('Bearer tok-0123456789')
    registerHeaderSecrets(new Headers({ 'x-api-key': 'xk-0123456789', 'api-key': 'az-0123456789', 'content-type': 'application/json' }))
    expect(redact('tok-0123456789 xk-0123456789 az-0123456789 application/json')).toBe(`${REDACTED} ${REDACTED} ${REDACTED} application/json`)
  })

  test('any header named for a key, token, secret or cookie registers its value, and each cookie does', () => {
    registerHeaderSecrets(
      new Headers({
        'ocp-apim-subscription-key': 'AZUREKEY-0123456789abc',
        'x-goog-api-key': 'GOOGKEY-0123456789abc',
        'x-custom-token': 'CUSTOMTOK-0123456789abc',
        cookie: 'theme=dark; session=COOKIESECRET-0123456789abc',
        'x-request-id': 'req-0123456789abc',
      }),
    )
    expect(redact('AZUREKEY-0123456789abc GOOGKEY-0123456789abc CUSTOMTOK-0123456789abc COOKIESECRET-0123456789abc req-0123456789abc dark')).toBe(
      `${REDACTED} ${REDACTED} ${REDACTED} ${REDACTED} req-0123456789abc dark`,
    )
  })

  test('*_KEY, *_PASSWORD and *_CREDENTIALS variables of the environment are secrets too', () => {
    process.env.MY_SERVICE_KEY = 'SVCKEY-0123456789abc'
    process.env.AZURE_OPENAI_KEY = 'AZOAI-0123456789abc'
    process.env.DB_PWD = 'dbpwd-0123456789'
    resetSecrets()
    try {
      expect(redact('SVCKEY-0123456789abc AZOAI-0123456789abc dbpwd-0123456789')).toBe(`${REDACTED} ${REDACTED} ${REDACTED}`)
    } finally {
      delete process.env.MY_SERVICE_KEY
      delete process.env.AZURE_OPENAI_KEY
      delete process.env.DB_PWD
      resetSecrets()
    }
  })

  test('a key the runner cut short with an ellipsis is redacted up to the cut; a shorter stub or an unbroken prefix is left', () => {
    registerSecret(key)
    // Vitest's assertion messages cut long values: "expected 'you sent Bearer sk-test-0123…' to be …".
    expect(redact(`expected 'you sent Bearer ${key.slice(0, 13)}…' to be 'x'`)).toBe(`expected 'you sent Bearer ${REDACTED}…' to be 'x'`)
    expect(redact(`${key}… and ${key.slice(0, MIN_SECRET_LENGTH)}…`)).toBe(`${REDACTED}… and ${REDACTED}…`)
    expect(JSON.parse(redact(JSON.stringify({ m: `'${key.slice(0, 10)}…'` })))).toEqual({ m: `'${REDACTED}…'` })
    const left = `${key.slice(0, MIN_SECRET_LENGTH - 1)}… ${key.slice(0, 12)} sk-other-0123…`
    expect(redact(left)).toBe(left)
  })

  test('every copy of this module in a process shares one set of keys (a runner may load assay twice)', async () => {
    // A fresh module registry loads a second copy, as a runner's module runner does beside Node's.
    vi.resetModules()
    const copy = await import('../src/secrets.js')
    expect(copy.registerSecret).not.toBe(registerSecret)
    // The copy builds its pattern first, so a key registered afterwards must invalidate it.
    expect(copy.redact(`a ${key}`)).toBe(`a ${key}`)
    registerSecret(key)
    expect(copy.redact(`a ${key}`)).toBe(`a ${REDACTED}`)
    copy.registerSecret('sk-from-the-copy-0123')
    expect(redact('sk-from-the-copy-0123')).toBe(REDACTED)
    const heard: string[] = []
    setSecretListener((k) => heard.push(k))
    copy.registerSecret('Bearer sk-heard-by-listener')
    registerSecret('sk-heard-by-listener')
    setSecretListener(undefined)
    registerSecret('sk-after-the-listener')
    // Heard once, from either copy; the whole header value has a space, so only its token is a key.
    expect(heard).toEqual(['sk-heard-by-listener'])
    expect(knownSecrets()).toEqual(expect.arrayContaining([key, 'sk-from-the-copy-0123', 'sk-heard-by-listener', 'sk-after-the-listener']))
  })

  test('knownSecrets lists registered and configured keys and OPENAI_API_KEY, each once, but not keys guessed from other variables', () => {
    process.env.OPENAI_API_KEY = 'sk-env-key-from-openai'
    process.env.GATEWAY_API_KEY = 'gw-0123456789'
    configure({ judge: { apiKey: 'sk-configured-0123', fallback: [{ model: 'm', apiKey: 'sk-fallback-0123' }] } })
    registerSecret('sk-configured-0123')
    registerSecret('short')
    const known = knownSecrets()
    expect(known).toEqual(expect.arrayContaining(['sk-configured-0123', 'sk-env-key-from-openai', 'sk-fallback-0123']))
    expect(new Set(known).size).toBe(known.length)
    expect(known).not.toContain('short')
    // A guessed value is matched whole by redact(), and never by the near-copy rules.
    expect(known).not.toContain('gw-0123456789')
    expect(redact('key gw-0123456789.')).toBe(`key ${REDACTED}.`)
  })

  test('redacts the value of authorization, api-key and x-api-key JSON fields, known or not', () => {
    const text = '{"headers":{"Authorization":"Bearer unknown-token-xyz","X-Api-Key":"k\\"1","other":"kept"}}'
    expect(JSON.parse(redact(text))).toEqual({ headers: { Authorization: REDACTED, 'X-Api-Key': REDACTED, other: 'kept' } })
    const more = '{"x-goog-api-key":"g-unknown","Cookie":"s=unknown","client_secret":"cs-unknown","total_tokens":"12","max_tokens":"5"}'
    expect(JSON.parse(redact(more))).toEqual({ 'x-goog-api-key': REDACTED, Cookie: REDACTED, client_secret: REDACTED, total_tokens: '12', max_tokens: '5' })
  })

  test('a 1 MB text is redacted in one linear pass', () => {
    registerSecret(key)
    const chunk = 'The quarter was strong; revenue rose 8% to $94.9 billion. '
    const text = `${chunk.repeat(Math.ceil(1_000_000 / chunk.length / 2))}${key}${chunk.repeat(Math.ceil(1_000_000 / chunk.length / 2))}`
    expect(text.length).toBeGreaterThan(1_000_000)
    const clean = redact(text)
    expect(clean).not.toContain(key)
    expect(clean.length).toBe(text.length - key.length + REDACTED.length)
    expect(holdsSecrets(text)).toBe(true)
    expect(holdsSecrets(clean)).toBe(false)
  })
})

describe('redactDeep', () => {
  test('cleans every string and key of plain data, and every credential field whatever its value', () => {
    registerSecret(key)
    const value = { a: [`x ${key}`, 3, null, { [key]: true }], headers: { authorization: 'Bearer other-0123456789', 'API-KEY': ['a', 'b'], 'x-auth-token': 't', none: undefined }, n: 1, usage: { total_tokens: 3 } }
    expect(redactDeep(value)).toEqual({ a: [`x ${REDACTED}`, 3, null, { [REDACTED]: true }], headers: { authorization: REDACTED, 'API-KEY': REDACTED, 'x-auth-token': REDACTED, none: undefined }, n: 1, usage: { total_tokens: 3 } })
    expect(value.a[0]).toBe(`x ${key}`)
  })

  test('redacts credential fields quoted as JSON inside a string, and leaves clean data as it is', () => {
    const record = { error: 'The gateway said {"authorization": "Bearer unknown-0123456789"}', n: 1 }
    expect(redactDeep(record)).toEqual({ error: `The gateway said {"authorization": "${REDACTED}"}`, n: 1 })
    const clean = { a: ['b', { c: 'd' }] }
    expect(redactDeep(clean)).toBe(clean)
  })

  test('keeps a "__proto__" key as data', () => {
    const parsed = JSON.parse('{"__proto__": {"note": "sk-test-0123456789abcdef"}}') as object
    registerSecret(key)
    const clean = redactDeep(parsed)
    expect(Object.getPrototypeOf(clean)).toBe(Object.prototype)
    expect(JSON.stringify(clean)).toBe(`{"__proto__":{"note":"${REDACTED}"}}`)
  })
})

describe('redactDeep across realms', () => {
  test('cleans plain objects made in another realm (Jest runs tests in a vm context; fetch parses outside it)', async () => {
    const { runInNewContext } = await import('node:vm')
    registerSecret(key)
    const foreign = runInNewContext(`({ reply: { content: 'key ${key}' }, list: [{ note: '${key}' }] })`) as object
    expect(JSON.stringify(redactDeep(foreign))).toBe(`{"reply":{"content":"key ${REDACTED}"},"list":[{"note":"${REDACTED}"}]}`)
    class Kept {
      note = key
    }
    expect(redactDeep({ kept: new Kept() }).kept.note).toBe(key)
  })
})

describe('redactDeep on log-probabilities', () => {
  test('a secret split across tokens is redacted from them, and the tokens still spell the redacted text', () => {
    registerSecret(key)
    const pieces = ['{"r":"', 'uses ', 'sk', '-test', '-0123', '456789', 'abcdef', ' ok', '"}']
    const tokens = pieces.map((token) => ({ token, logprob: -0.1, bytes: [...Buffer.from(token)], top_logprobs: [{ token, logprob: -0.1, bytes: [...Buffer.from(token)] }] }))
    const clean = redactDeep({ logprobs: { content: tokens } }).logprobs.content
    expect(clean.map((t) => t.token)).toEqual(['{"r":"', 'uses ', REDACTED, '', '', '', '', ' ok', '"}'])
    expect(clean.map((t) => t.token).join('')).toBe(redact(pieces.join('')))
    const json = JSON.stringify(clean)
    for (const piece of ['-test', '-0123', '456789', 'abcdef']) expect(json).not.toContain(piece)
    expect(clean[2]).toEqual({ token: REDACTED, logprob: -0.1, bytes: [...Buffer.from(REDACTED)], top_logprobs: [{ token: REDACTED, logprob: -0.1, bytes: [...Buffer.from(REDACTED)] }] })
    expect(clean[7]).toEqual(tokens[7])
  })

  test('a token holding text on both sides of a secret keeps both', () => {
    registerSecret(key)
    const tokens = [{ token: `a${key.slice(0, 5)}` }, { token: `${key.slice(5)}b` }]
    expect(redactDeep(tokens).map((t) => t.token)).toEqual([`a${REDACTED}`, 'b'])
    expect(redactDeep([{ token: `x${key}y` }]).map((t) => t.token)).toEqual([`x${REDACTED}y`])
  })
})

test('the package root exports registerSecret and redact, for keys assay cannot know of', () => {
  root.registerSecret('key-read-from-a-vault-0123')
  expect(root.redact('x key-read-from-a-vault-0123 y')).toBe(`x ${root.REDACTED} y`)
})

test('the TSDoc examples run as written', () => {
  registerSecret('sk-live-0123456789')
  expect(redact('Incorrect API key provided: sk-live-0123456789')).toBe('Incorrect API key provided: [REDACTED]')
  expect(redactDeep({ headers: { Authorization: 'Bearer x' }, note: 'sk-live-0123456789' })).toEqual({ headers: { Authorization: '[REDACTED]' }, note: '[REDACTED]' })
})

describe('credential names', () => {
  test('camelCase names are credentials where the case marks the word; words that merely end in one are not', () => {
    for (const name of ['accessToken', 'clientSecret', 'apiToken', 'privateKey', 'refreshToken', 'dbPassword', 'bearer', 'Bearer', 'x-bearer', 'api_key', 'Authorization'])
      expect(isCredentialName(name), name).toBe(true)
    for (const name of ['monkey', 'turkey', 'totalTokens', 'maxTokens', 'tokens', 'name', 'value', 'keyboard'])
      expect(isCredentialName(name), name).toBe(false)
  })

  test('redactDeep and the JSON and line rules redact camelCase credential fields', () => {
    expect(redactDeep({ accessToken: 'at-1234567890', clientSecret: 'cs-1234567890', maxTokens: 300 })).toEqual({ accessToken: REDACTED, clientSecret: REDACTED, maxTokens: 300 })
    expect(redact('{"privateKey":"pk-1234567890","monkey":"banana-split"}')).toBe(`{"privateKey":"${REDACTED}","monkey":"banana-split"}`)
    expect(holdsSecrets('{"apiToken":"abc"}')).toBe(true)
    expect(holdsSecrets('{"monkey":"abc"}')).toBe(false)
    expect(redactText('accessToken: at-1234567890\n-  bearer: xyz-1234\nmonkey: stays\n')).toBe(`accessToken: ${REDACTED}\n-  bearer: ${REDACTED}\nmonkey: stays\n`)
  })

  test('redactText redacts credentials as free text writes them', () => {
    const cases: [string, string][] = [
      ['call it with header Authorization: Bearer TEMPLATEBEARER123 please', `call it with header Authorization: ${REDACTED} please`],
      ['use client_secret=TEMPLATECS12345&x=1', `use client_secret=${REDACTED}&x=1`],
      ['set api_key=AK-REASON-123 now', `set api_key=${REDACTED} now`],
      ['body {"token": "TK-REASON-123"} sent', `body {"token": "${REDACTED}"} sent`],
      ['the password hunter2hunter2 leaked', `the password ${REDACTED} leaked`],
      ['pwd: PWDVALUE99 and pass=PASSVALUE99', `pwd: ${REDACTED} and pass=${REDACTED}`],
      ['Server=db;User Id=sa;Password=CONNPW12345;Encrypt=true', `Server=db;User Id=sa;Password=${REDACTED};Encrypt=true`],
      ['env ["OPENAI_API_KEY=sk-ENVVALUE123"]', `env ["OPENAI_API_KEY=${REDACTED}"]`],
      ['dsn https://SENTRYKEY123@o1.ingest.sentry.io/5', `dsn https://${REDACTED}@o1.ingest.sentry.io/5`],
      ['- value: Bearer HDRLIST12345', `- value: Bearer ${REDACTED}`],
    ]
    for (const [text, want] of cases) expect(redactText(text)).toBe(want)
    const pem = redactText('key:\n  -----BEGIN RSA PRIVATE KEY-----\n  MIIEpAIBAAKCAQEA\n  -----END RSA PRIVATE KEY-----\nafter')
    expect(pem).not.toContain('MIIEpAIBAAKCAQEA')
    expect(pem).toContain('after')
    // Cut short (a one-line value, a diff's hunk): the key's line and base64 lines, no more.
    const cut = redactText('ssh: "-----BEGIN OPENSSH PRIVATE KEY----- PRIVBODY123456"\n  b3BlbnNzaC1rZXktdjEAAAAA\nnext: kept')
    expect(cut).toBe(`ssh: "-----BEGIN OPENSSH PRIVATE KEY-----${REDACTED}\nnext: kept`)
    // Ordinary prose and counts stay as they are.
    expect(redactText('pass the tests; max_tokens: 300; the password is long')).toBe('pass the tests; max_tokens: 300; the password is long')
  })

  test('a header given as a name/value pair has its value redacted', () => {
    expect(redactDeep({ headers: [{ name: 'Authorization', value: 'Bearer hv-1234567890' }, { name: 'Accept', value: 'text/plain' }] })).toEqual({ headers: [{ name: 'Authorization', value: REDACTED }, { name: 'Accept', value: 'text/plain' }] })
  })

  test('the password of a URL is redacted, its user and host kept', () => {
    expect(redact('db_url: postgres://admin:S3cretPass@db.example.com:5432/app')).toBe(`db_url: postgres://admin:${REDACTED}@db.example.com:5432/app`)
    expect(redact('see https://example.com:8443/path?a=b@c')).toBe('see https://example.com:8443/path?a=b@c')
    expect(holdsSecrets('"u":"https://u:pw-123456@h"')).toBe(true)
  })
})
