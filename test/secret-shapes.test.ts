import { afterEach, describe, expect, test } from 'vitest'
import { redactingWriter } from '../src/cli/redacted-output.js'
import { main } from '../src/cli/prompts.js'
import { nearCopyWindow, redactNearCopies, redactTokenShapes } from '../src/secret-shapes.js'
import { REDACTED, redact, redactOutput, redactText, registerSecret, resetSecrets } from '../src/secrets.js'
import { tempProject, V1 } from './prompts/helpers.js'

afterEach(() => resetSecrets())

// Made-up tokens of each vendor's shape (none is a real credential).
const SHAPES: [string, string][] = [
  ['GitHub classic token', 'ghp_R2d2C3poL8bB4yoda9Xwing0Falcon1Tie2Ab'],
  ['GitHub OAuth token', 'gho_0123456789abcdefGHIJKLmnopqrstuv'],
  ['GitHub fine-grained token', 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123'],
  ['AWS access key id', 'AKIAIOSFODNN7EXAMPLE'],
  ['AWS temporary key id', 'ASIAQWERTYUIOP234567'],
  ['Stripe live secret key', 'sk_live_4eC39HqLyjWDarjtT1zdp7dc'],
  ['Stripe restricted key', 'rk_live_51H8a9bC2dE3fG4hI5jK6'],
  ['Stripe test key', 'sk_test_4eC39HqLyjWDarjtT1zdp7dc'],
  ['Anthropic key', 'sk-ant-api03-AbCdEf0123456789_ghIJklMNop-qrST'],
  ['OpenAI project key', 'sk-proj-Abc123Def456Ghi789Jkl012Mno345'],
  ['OpenAI legacy key', 'sk-Abc123Def456Ghi789Jkl012Mno345Pqr678Stu901Vw'],
  ['Slack bot token', 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx'],
  ['Slack user token', 'xoxp-123456789012-123456789012-123456789012-abcdef0123456789'],
  ['JWT', 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'],
]

// What must stay visible: hashes the prompt registry prints, ids, versions, ordinary words.
const NEGATIVES = [
  'sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
  'id 123e4567-e89b-12d3-a456-426614174000',
  'assay@0.1.0, node v22.11.0, vitest 4.1.12',
  'task-runner-for-every-long-compound-name and sk-learn-style-compound-words-without-digits',
  'ghp_short, AKIAFOO, sk_live_x, xoxb-1, eyJhbGciOi alone',
  'the AKIAIOSFODNN7EXAMPLE2 id is 21 characters, not an access key',
  'mask-0123456789abcdefghijklmnop: a word that ends in sk- is not a key',
]

describe('token shapes', () => {
  test.each(SHAPES)('%s is redacted by redactText and redactOutput, in free text and under a neutral key', (_, token) => {
    for (const fn of [redactText, redactOutput]) {
      expect(fn(`note: ${token}\n`)).toBe(`note: ${REDACTED}\n`)
      expect(fn(`the value was "${token}", it said`)).toBe(`the value was "${REDACTED}", it said`)
    }
  })

  test.each(NEGATIVES)('%s is left as it is', (text) => {
    expect(redactTokenShapes(text)).toBe(text)
    expect(redactText(text)).toBe(text)
    expect(redactOutput(text)).toBe(text)
  })

  test('redact(), which cassettes and reports use, is unchanged: it redacts known keys only', () => {
    const [, jwt] = SHAPES.find(([name]) => name === 'JWT')!
    expect(redact(`a ${jwt}`)).toBe(`a ${jwt}`)
  })

  test('prompts show prints a bare token under a neutral key redacted, and the version hash as it is', async () => {
    const p = tempProject()
    p.write('s', 'v1', V1.replace('author: ana', `author: ana\nnotes: deploy with ${SHAPES[0]![1]}`).replace('Summarize', `Summarize (key ${SHAPES[3]![1]})`))
    let stdout = ''
    const status = await main(['show', 's@v1'], { cwd: p.root, env: { CI: '' }, stdout: { write: (t: string) => (stdout += t) }, stderr: { write: () => undefined } })
    expect(status).toBe(0)
    expect(stdout).not.toContain(SHAPES[0]![1])
    expect(stdout).not.toContain(SHAPES[3]![1])
    expect(stdout).toContain(`deploy with ${REDACTED}`)
    expect(stdout).toMatch(/hash: +sha256 [0-9a-f]{64}\n/)
  })
})

describe('near-copies of a known key', () => {
  const KEY = 'gw-9f8e7d6c5b4a39281706f5e4d3c2b1a0'
  // Each form from a runner's output: the changed character may carry inverse video (the runner's highlight).
  const FORMS: [string, string][] = [
    ['one character changed', `${KEY.slice(0, 4)}Z${KEY.slice(5)}`],
    ['one character changed, highlighted', `${KEY.slice(0, 4)}\x1b[7mZ\x1b[27m${KEY.slice(5)}`],
    ['a character changed in the middle, highlighted', `${KEY.slice(0, 17)}\x1b[7mX\x1b[27m${KEY.slice(18)}`],
    ['the last character cut', KEY.slice(0, -1)],
    ['the first character cut', KEY.slice(1)],
    ['upper-cased', KEY.toUpperCase()],
    ['upper-cased and coloured', `\x1b[31m${KEY.toUpperCase().slice(0, 12)}\x1b[39m${KEY.toUpperCase().slice(12)}`],
    ['a long prefix cut with ...', `${KEY.slice(0, 20)}...`],
  ]

  test.each(FORMS)('%s is redacted whole by the batch output writer', (_, form) => {
    registerSecret(KEY)
    const chunks: string[] = []
    const out = redactingWriter({ write: (t: string) => chunks.push(t) })
    out.write(`    Received: "${form}"\n`)
    out.end()
    const printed = chunks.join('').replace(/\x1b\[[0-9;]*m/g, '')
    expect(printed).toMatch(new RegExp(`^    Received: "\\[REDACTED\\](?:\\.\\.\\.)?"\\n$`))
  })

  test.each(FORMS.filter(([name]) => !/highlighted|coloured/.test(name)))('%s is redacted by redactText and redactOutput', (_, form) => {
    registerSecret(KEY)
    for (const fn of [redactText, redactOutput]) expect(fn(`got ${form} back`)).toMatch(/^got \[REDACTED\](?:\.\.\.)? back$/)
  })

  test('a run shorter than the window, or text that merely shares short pieces, is left', () => {
    registerSecret(KEY)
    const text = `prefix ${KEY.slice(0, 15)} and ${KEY.slice(15, 30)}, hex 9f8e7d6c and 39281706`
    expect(redactNearCopies(text)).toBe(text)
  })

  test('the window is 16 for long keys, the key less two for shorter ones, and never under 8', () => {
    expect([8, 9, 10, 12, 16, 17, 18, 40].map(nearCopyWindow)).toEqual([8, 8, 8, 10, 14, 15, 16, 16])
  })

  test('a short key is found cut by one at each end and in any case, but its fragments in words are not', () => {
    registerSecret('Hunter2024!')
    expect(redactText('login with hunter2024 now')).toBe(`login with ${REDACTED} now`)
    expect(redactText('login with UNTER2024! now')).toBe(`login with ${REDACTED} now`)
    expect(redactText('the hunter and 2024 were fine')).toBe('the hunter and 2024 were fine')
  })

  test('a key of 8 characters is matched only whole, in any case', () => {
    registerSecret('Zq7#Lm2p')
    expect(redactOutput('x ZQ7#LM2P y')).toBe(`x ${REDACTED} y`)
    expect(redactOutput('x Zq7#Lm2 y')).toBe('x Zq7#Lm2 y')
  })

  test('the token around the run is redacted to its ends, and what stands beyond its delimiters is kept', () => {
    registerSecret(KEY)
    expect(redactOutput(`url=https://x.test/?k=${KEY.toUpperCase()}&page=2 (${KEY.slice(2)}x)`)).toBe(`url=https://x.test/?k=${REDACTED}&page=2 (${REDACTED})`)
  })

  test('a 1 MB text of near-copies and of near-misses is redacted in one linear pass', () => {
    registerSecret(KEY)
    const unit = `${KEY.slice(0, 15)} ${KEY.toUpperCase().slice(3)} `
    const text = unit.repeat(Math.ceil(1_048_576 / unit.length))
    const out = redactOutput(text)
    expect(out).toBe(`${KEY.slice(0, 15)} ${REDACTED} `.repeat(Math.ceil(1_048_576 / unit.length)))
  })
})
