// Redaction of free text that assay prints as it is (the prompt registry's `show`, `diff`
// and `history`, a reason, everything `assay batch` prints): the known keys (see
// secrets.ts), credentials as people write them in text, tokens of a credential's shape, and
// near-copies of a known key.
import { isCredentialName, MIN_SECRET_LENGTH, REDACTED, redactFields } from './secrets.js'
import { redactNearCopies, redactTokenShapes } from './secret-shapes.js'

// Printed output is a program's data as much as its settings: of the names that end in a key
// or token word, only credentials' own hide their value (`api_key`, `private_key`,
// `access_token`, anything with `secret` or `password` in it), while `sort_key`,
// `primary_key`, `stop_token` and `next_token` are data. A cookie is a credential only when
// its value holds a `name=value`.
const KEY_OR_TOKEN = /(?:key|token)$/i
const CREDENTIAL_KEY_OR_TOKEN = /secret|passw|(?:^|[-_])(?:api[-_]?key|private[-_]?key|subscription[-_]?key|(?:access|refresh|auth|id|session|bearer|api)[-_]?token)$/i

/** Whether a field named `name` holds a credential in printed output, given its `value` as written (see above). */
export function isPrintedCredentialName(name: string, value: string): boolean {
  if (!isCredentialName(name)) return false
  const snake = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2')
  if (/cookie$/i.test(snake)) return /[^\s=;]=/.test(value)
  return !KEY_OR_TOKEN.test(snake) || CREDENTIAL_KEY_OR_TOKEN.test(snake)
}

// `name: value` lines of YAML (a prompt file's frontmatter), also as a diff shows them.
const CREDENTIAL_LINE = new RegExp(String.raw`^([ \t+-]*"?([A-Za-z0-9_][A-Za-z0-9_-]*)"?[ \t]*:[ \t]*)\S.*$`, 'gm')

/**
 * {@link redact}, and the value of every YAML line whose name is a credential's
 * (`api_key: …`, `-  password: …` in a diff) replaced by {@link REDACTED}: for text such as
 * a prompt file's frontmatter that is printed as it is. Also credentials as free text writes
 * them, tokens of a credential's shape (`ghp_…`, `AKIA…`, a JWT) and any token that shares a
 * long run with a known key (see secret-shapes.ts).
 */
export function redactText(text: string): string {
  let out = text.replace(CREDENTIAL_LINE, (all: string, head: string, name: string) => (isPrintedCredentialName(name, all.slice(head.length)) ? `${head}${REDACTED}` : all))
  if (out.includes('-----BEGIN')) out = out.replace(PEM_BODY, `$1${REDACTED}$2`)
  out = redactTextPairs(out)
  out = redactSchemes(out).replace(SPOKEN_PASSWORD, `$1${REDACTED}`).replace(SPACED_KEY, `$1${REDACTED}`).replace(USER_FLAG, `$1${REDACTED}`)
  if (out.includes('://')) out = redactWebhooks(out.replace(URL_USER, `$1${REDACTED}@`))
  return redactNearCopies(redactTokenShapes(redactFields(out, isPrintedCredentialName)))
}

/**
 * {@link redact}, and every token that shows itself as one (`Bearer …`, a URL's user
 * information, a webhook's path, a credential's shape such as `ghp_…`), and any token that
 * shares a long run with a known key (the key changed, cut or upper-cased): for a program's output, such as a test runner's, whose
 * `name: value` lines are test names and messages (`pass: judged`), not a file's settings.
 */
export function redactOutput(text: string): string {
  let out = redactSchemes(text)
  if (out.includes('://')) out = redactWebhooks(out.replace(URL_USER, `$1${REDACTED}@`))
  return redactNearCopies(redactTokenShapes(redactFields(out, isPrintedCredentialName)))
}

// A webhook URL is its own credential: whoever has `https://hooks.slack.com/services/T…/B…/…`
// (or a Discord, Teams, Zapier or Mattermost hook) may post to it, and no key names it.
const WEB_URL = /\bhttps?:\/\/[^\s"'<>`()[\]{},;]+/g
/** A hook's host (`hooks.slack.com`, `…webhook.office.com`), or a hook's path segment followed by more (`/api/webhooks/…`, `/hooks/…`). */
const WEBHOOK = /^[^/?#]*hook|\/[A-Za-z0-9]*hooks?[A-Za-z0-9]*\//i
/** The path's leading words (`/services`, `/api/webhooks`, `/hooks/catch`, `/webhookb2`), kept: what follows them is the secret. */
const HOOK_PREFIX = /^[^/?#]*(?:\/[a-z]+[0-9]?(?=\/))*\//

/** `text` with the secret path of every webhook URL in it (`https://hooks.slack.com/services/…`) replaced by {@link REDACTED}. */
export function redactWebhooks(text: string): string {
  return text.includes('://') ? text.replace(WEB_URL, hideWebhookPath) : text
}

function hideWebhookPath(url: string): string {
  const rest = url.slice(url.indexOf('://') + 3)
  if (!WEBHOOK.test(rest)) return url
  const kept = HOOK_PREFIX.exec(rest)?.[0]
  if (kept === undefined || rest.length - kept.length < MIN_SECRET_LENGTH || rest.startsWith(REDACTED, kept.length)) return url
  return `${url.slice(0, url.length - rest.length + kept.length)}${REDACTED}`
}

// Free text (a reason, a template, a comment) names credentials as people write them: bare
// `password`, `pwd`, `pass`, `token`, a connection string's `Password=…;`, a header pasted
// mid-line (`Authorization: Bearer …`), an environment line (`OPENAI_API_KEY=sk-…`).
const BARE_TEXT_CREDENTIAL = /^(?:password|passwd|pwd|pass|passphrase|token|secret|credentials?|authorization)$/i
// An environment name glued to its word (`PGPASSWORD`, `DBPASSPHRASE`) is a password's too.
const GLUED_PASSWORD = /(?:password|passwd|passphrase)$/i
/** An environment variable's name run together, as some tools spell theirs (`PGPASSWORD`, `MYSQL_PWD`). */
const ENV_CREDENTIAL = /^[A-Z0-9_]*(?:PASSWORD|PASSWD|PWD|TOKEN|SECRET)$/
const CREDENTIAL_WORD = /key|token|secret|pass|pwd|cred|auth|cookie|bearer|signature/i
/** Whether a name in free text is a credential's: a flag's dashes are not part of it, and of a dotted name (`db.password`) the last part counts. */
const isTextCredential = (name: string): boolean => {
  // Most names hold no credential word: one cheap test settles them.
  if (!CREDENTIAL_WORD.test(name)) return false
  const bare = name.replace(/^[-.]+/, '')
  const last = bare.slice(bare.lastIndexOf('.') + 1)
  // A cookie's value is judged where the pair is read (see redactTextPairs).
  return [bare, last].some((n) => BARE_TEXT_CREDENTIAL.test(n) || GLUED_PASSWORD.test(n) || ENV_CREDENTIAL.test(n) || isPrintedCredentialName(n, 'cookie=value'))
}
/**
 * A name and what joins it to its value: `name: `, `name=`, `"name": `, or a flag's
 * white space (`--token abc`). It starts only where no name letter stands before it, and so
 * the scan is linear in the text's length, however long its words.
 */
const TEXT_PAIR_HEAD = /(?<![A-Za-z0-9_.-])(["']?)([A-Za-z0-9_.-]+)\1([ \t]*[:=][ \t]*|[ \t]+)/g
/** A value that is not quoted: up to a space or a separator, with its scheme (`Bearer …`). */
const BARE_VALUE = /(?:(?:bearer|basic|token)[ \t]+)?[^\s"',;&}\]]+/iy

/**
 * `text` with the value of every credential pair redacted: a quoted value whole, to its
 * closing quote on the line. The scan goes on right after each separator that is not a
 * credential's, so a pair inside another pair's value (`args: "--api-key=…"`) is found too.
 */
function redactTextPairs(text: string): string {
  let out = ''
  let done = 0
  TEXT_PAIR_HEAD.lastIndex = 0
  for (let m = TEXT_PAIR_HEAD.exec(text); m !== null; m = TEXT_PAIR_HEAD.exec(text)) {
    const [head, , name, sep] = m as unknown as [string, string, string, string]
    const flag = !/[:=]/.test(sep)
    // Only a flag (`--token abc`) takes its value after white space alone.
    if ((flag && !name.startsWith('-')) || !/[A-Za-z]/.test(name) || !isTextCredential(name)) {
      TEXT_PAIR_HEAD.lastIndex = m.index + head.length - sep.length + (flag ? 0 : sep.length)
      continue
    }
    const start = m.index + head.length
    const open = text[start]
    const cookie = /cookie$/i.test(name)
    let end: number
    if (open === '"' || open === "'") {
      const close = text.indexOf(open, start + 1)
      const line = text.indexOf('\n', start + 1)
      end = close >= 0 && (line < 0 || close < line) ? close : line >= 0 ? line : text.length
      if (end > start + 1 && !text.startsWith(REDACTED, start + 1) && (!cookie || isPrintedCredentialName(name, text.slice(start + 1, end)))) {
        out += `${text.slice(done, start + 1)}${REDACTED}`
        done = end
      }
    } else {
      if (flag && open === '-') {
        TEXT_PAIR_HEAD.lastIndex = start
        continue
      }
      BARE_VALUE.lastIndex = start
      end = BARE_VALUE.exec(text) ? BARE_VALUE.lastIndex : start
      if (end > start && !text.startsWith(REDACTED, start) && (!cookie || isPrintedCredentialName(name, text.slice(start, end)))) {
        out += `${text.slice(done, start)}${REDACTED}`
        done = end
      }
    }
    TEXT_PAIR_HEAD.lastIndex = Math.max(end, start)
  }
  return done === 0 ? text : out + text.slice(done)
}
/** `password hunter22`: the word after a password's name, when no `:` or `=` separates them. */
const SPOKEN_PASSWORD = /\b((?:password|passwd|pwd)[ \t]+)(?!\[REDACTED\])(?!(?:is|was|for|of|to|and|the|a)\b)[^\s"',;]+/gi
/** A key's name in two words (`secret key: …`, `Access Key = …`), which no name pattern spans. */
const SPACED_KEY = /\b((?:secret|access|private|api|auth)[ \t]+(?:key|token)[ \t]*[:=][ \t]*)(?!\[REDACTED\])[^\s"',;]+/gi
/** A command line's user and password (`curl -u admin:…`, `--user admin:…`): what follows the user's `:` is the password. */
const USER_FLAG = /(?<![\w-])((?:-u|--user)[ \t]+[^\s:"']+:)(?!\[REDACTED\])[^\s"',;]+/g
/**
 * A scheme's token wherever it stands (`Bearer eyJ…`), as a header list's value: the scheme
 * spelt as HTTP spells it, before a value of a credential's shape, so that `basic arithmetic`
 * and `Bearer instruments` are words. After `Authorization:` any case and any value will do.
 */
const SCHEME_TOKEN = /\b((?:Bearer|Basic)[ \t]+)(?!\[REDACTED\])([A-Za-z0-9._~+/=-]{11,}[A-Za-z0-9_~+/=-])/g
const HEADER_SCHEME_TOKEN = /\b(authorization[ \t]*:[ \t]*(?:bearer|basic)[ \t]+)(?!\[REDACTED\])[A-Za-z0-9._~+/=-]{8,}/gi
/** A token's alphabet with a digit or a sign in it, or letters of both cases past the first: not a word. */
const credentialShaped = (value: string): boolean => /[0-9=+/._-]/.test(value) || (/[A-Z]/.test(value.slice(1)) && /[a-z]/.test(value))

function redactSchemes(text: string): string {
  return text.replace(HEADER_SCHEME_TOKEN, `$1${REDACTED}`).replace(SCHEME_TOKEN, (all, head: string, value: string) => (credentialShaped(value) ? `${head}${REDACTED}` : all))
}
/** A private key's body between its PEM lines; without an END line, the rest of its line and the base64 lines below. */
const PEM_BODY = /(-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----)(?:[\s\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY-----)|[^\n]*(?:\n[ \t+-]*[A-Za-z0-9+/=]{16,}[ \t]*(?=\n|$))*)/g
/** A URL's user information without a password (a Sentry DSN's key). */
const URL_USER = /(?<![A-Za-z0-9_+.-])([a-z][a-z0-9+.-]*:\/\/)(?!\[REDACTED\])[^\s:@/?#]+@/gi
