// What printed-output redaction must hide, and what it must leave: ordinary names, test
// titles and diffs that merely look like credentials, and keys guessed from an environment
// variable's name, which are matched only whole.
import { afterEach, describe, expect, test } from 'vitest'
import { redactingWriter } from '../src/cli/redacted-output.js'
import { withinEdits } from '../src/secret-shapes.js'
import { REDACTED, redact, redactOutput, redactText, registerSecret, resetSecrets } from '../src/secrets.js'

const saved = { ...process.env }
afterEach(() => {
  process.env = { ...saved }
  resetSecrets()
})

/** What the `assay batch` writer prints for `text`, colours taken out. */
function printed(text: string): string {
  const chunks: string[] = []
  const out = redactingWriter({ write: (t: string) => chunks.push(t) })
  out.write(`${text}\n`)
  out.end()
  return chunks.join('').replace(/\x1b\[[0-9;]*m/g, '').slice(0, -1)
}

const BOTH = [
  ['redactOutput', redactOutput],
  ['redactText', redactText],
] as const

describe('ordinary text that looks like a credential is printed as it is', () => {
  const KEPT: [string, string][] = [
    ['a test name with "basic" before a word', '× handles basic arithmetic in refunds'],
    ['"Basic" and "Bearer" before plain words', 'Basic functionality. Bearer instruments are Basic Authentication'],
    ['an sk- name with digits but one letter case', '✓ sk-learn-2024-pipeline-classifier returns labels'],
    ['a sort_key field in a diff', '-   "sort_key": "created_at",\n+   "sort_key": "updated_at",'],
    ['a stop_token field in a diff', '-   "stop_token": "</s>",\n+   "stop_token": "<eos>",'],
    ['other data fields named key or token', '"primary_key": "id", "cache_key": "v1-deps", "next_token": "page2", "pad_token": "<pad>"'],
    ['a cookie that is a biscuit', '"cookie": "chocolate chip"'],
    ['an upper-case id that is not an AWS key id', 'region ASIAPACIFIC2023SOUTH'],
  ]
  test.each(KEPT)('%s', (_, text) => {
    for (const [, fn] of BOTH) expect(fn(text)).toBe(text)
    expect(printed(text)).toBe(text)
  })
})

describe('credentials are still redacted', () => {
  // name, text, the part that must not be printed, what is printed before it
  const HIDDEN: [string, string, string, string][] = [
    ['a Basic scheme before base64', 'Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==', 'QWxhZGRpbjpvcGVuIHNlc2FtZQ==', 'Basic '],
    ['a Bearer scheme before a token', 'sent Bearer abc123def456ghi now', 'abc123def456ghi', 'sent Bearer '],
    ['any case after Authorization:', 'authorization: bearer plainwordtoken', 'plainwordtoken', 'authorization: '],
    ['an sk- key with a random body', 'sk-Abc123Def456Ghi789Jkl', 'sk-Abc123Def456Ghi789Jkl', ''],
    ['an AWS key id of base32', 'id AKIAIOSFODNN7EXAMPLE', 'AKIAIOSFODNN7EXAMPLE', 'id '],
    ['an api_key field', '"api_key": "plain-value"', 'plain-value', '"api_key": '],
    ['an access_token field', '"access_token": "plain-value"', 'plain-value', '"access_token": '],
    ['a private_key field', '"private_key": "plain-value"', 'plain-value', '"private_key": '],
    ['a client_secret field', '"client_secret": "plain-value"', 'plain-value', '"client_secret": '],
    ['a cookie of name=value pairs', '"cookie": "sid=abc; theme=dark"', 'sid=abc', '"cookie": '],
    ['a Google API key', 'AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW', 'AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW', ''],
    ['a Hugging Face token', 'hf_AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEf', 'hf_AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEf', ''],
    ['a GitLab token', 'glpat-Ab1Cd2Ef3Gh4Ij5Kl6Mn', 'glpat-Ab1Cd2Ef3Gh4Ij5Kl6Mn', ''],
    ['an npm token', 'npm_Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv1Wx2', 'npm_Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv1Wx2', ''],
    ['a Hugging Face token with digits at its end', 'hf_abcdefghijklmnopqrstuvwxyzABCDEF12 x', 'F12', ''],
    ['a longer GitLab token', 'glpat-abcdefghij1234567890XYZ x', 'XYZ', ''],
    ['a JWT cut short by an ellipsis', "expected 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9l\u2026' to be ''", 'eyJzdWIi', "expected '"],
    ['a GitHub token cut short by an ellipsis', "expected 'ghp_Ab12Cd34Ef56Gh78\u2026' to be ''", 'Ab12Cd34', "expected '"],
    ['an OpenAI project key in one letter case', 'sk-proj-abcdefghijklmnopqrstuvwxyz012345', 'sk-proj-abc', ''],
  ]
  test.each(HIDDEN)('%s', (_, text, secret, before) => {
    for (const out of [...BOTH.map(([, fn]) => fn(text)), printed(text)]) {
      expect(out).not.toContain(secret)
      expect(out.startsWith(before) && out.includes(REDACTED)).toBe(true)
    }
  })
})

describe('values guessed from environment variable names are matched only whole', () => {
  const ENV: [string, string, string, string][] = [
    // name, value, printed text, what must be printed
    ['a credentials file path', '/home/ci/project/gcp-sa.json', ' RUN  v4.1.12 /home/ci/project/gcp-sa.json', ' RUN  v4.1.12 /home/ci/project/gcp-sa.json'],
    ['a cache label and a test name sharing its start', 'linux-x64-node20-npm-deps', '✓ linux-x64-node20 build matrix', '✓ linux-x64-node20 build matrix'],
    ['a password word and a longer word', 'postgres', 'store rows in PostgreSQL and postgresql://db', 'store rows in PostgreSQL and postgresql://db'],
    ['the whole value', 'linux-x64-node20-npm-deps', 'key linux-x64-node20-npm-deps.', `key ${REDACTED}.`],
    ['the whole value, upper-cased, as a near-copy', 'linux-x64-node20-npm-deps', 'key LINUX-X64-NODE20-NPM-DEPS', 'key LINUX-X64-NODE20-NPM-DEPS'],
    ['the value inside a longer token', 'linux-x64-node20-npm-deps', 'key linux-x64-node20-npm-deps-v2', 'key linux-x64-node20-npm-deps-v2'],
  ]
  const NAMES: Record<string, string> = { '/home/ci/project/gcp-sa.json': 'GOOGLE_APPLICATION_CREDENTIALS', postgres: 'POSTGRES_PASSWORD' }
  test.each(ENV)('%s', (_, value, text, expected) => {
    process.env[NAMES[value] ?? 'CACHE_KEY'] = value
    for (const [, fn] of BOTH) expect(fn(text)).toBe(expected)
    expect(printed(text)).toBe(expected)
    expect(redact(text)).toBe(expected)
  })

  test('a key assay is told of keeps the near-copy rules, though an environment variable also holds it', () => {
    process.env.CACHE_KEY = 'linux-x64-node20-npm-deps'
    registerSecret('linux-x64-node20-npm-deps')
    expect(redactOutput('key LINUX-X64-NODE20-NPM-DEPS')).toBe(`key ${REDACTED}`)
  })
})

describe('a known key with characters changed in the middle', () => {
  // Lengths whose middle no window of the near-copy rule spans whole.
  const KEYS = ['k3Y9x2Qm7Lp4Zt8W', 'gw-9f8e7d6c5b4a39281706', 'Az0-9f8e7d6c5b4a3928170Xy6q2Lm1', 'svc-0123456789ab']
  const CASES: [string, (k: string) => string][] = [
    ['one character changed', (k) => `${k.slice(0, k.length >> 1)}Z${k.slice((k.length >> 1) + 1)}`],
    ['one character changed, highlighted', (k) => `${k.slice(0, k.length >> 1)}\x1b[7mZ\x1b[27m${k.slice((k.length >> 1) + 1)}`],
    ['two characters changed, upper-cased', (k) => `${k.slice(0, 6)}QQ${k.slice(8)}`.toUpperCase()],
    ['a character taken out and one added', (k) => `${k.slice(0, 5)}${k.slice(6, 10)}q${k.slice(10)}`],
  ]
  for (const key of KEYS) {
    test.each(CASES)(`%s (key of ${key.length})`, (_, change) => {
      registerSecret(key)
      expect(printed(`Received: "${change(key)}"`)).toBe(`Received: "${REDACTED}"`)
    })
  }

  test('tokens three edits away, or a short key one edit away, are left', () => {
    registerSecret('k3Y9x2Qm7Lp4Zt8W')
    registerSecret('Zq7#Lm2p')
    expect(redactOutput('a k3Y9x___7Lp4Zt8W b Zq7#Lm2x')).toBe('a k3Y9x___7Lp4Zt8W b Zq7#Lm2x')
  })

  test('the banded edit distance counts changes, insertions and deletions', () => {
    const table: [string, string, number, boolean][] = [
      ['abcdef', 'abcdef', 0, true],
      ['abcdef', 'abXdef', 0, false],
      ['abcdef', 'abXdef', 1, true],
      ['abcdef', 'abdef', 1, true],
      ['abcdef', 'abcdefgh', 2, true],
      ['abcdef', 'XbcdeY', 1, false],
      ['abcdef', 'bacdfe', 2, false],
      ['abcdefghijklmnop', 'abcdefgXYZklmnop', 2, false],
    ]
    for (const [a, b, max, within] of table) expect([a, b, max, withinEdits(a, b, max)]).toEqual([a, b, max, within])
  })

  test('1 MB of tokens of a known key\'s length, each two edits away, is redacted in one linear pass', () => {
    const key = 'gw-9f8e7d6c5b4a39281706'
    registerSecret(key)
    const unit = `${key.slice(0, 8)}QQ${key.slice(10)} ${'x'.repeat(key.length)} `
    const count = Math.ceil(1_048_576 / unit.length)
    expect(redactOutput(unit.repeat(count))).toBe(`${REDACTED} ${'x'.repeat(key.length)} `.repeat(count))
  })
})
