// What the CLI prints of a prompt file's credentials. `show` prints the parsed metadata and
// `diff` the file's text; both must hide the same values, whatever the YAML layout (a flow
// mapping, a block scalar over several lines, an anchor that an alias elsewhere names), so
// the text is redacted through its parse, then by lines (for what a parse cannot see:
// comments, and a draft that is not valid YAML), then every credential's value wherever
// else it appears.
import { isAlias, isMap, isScalar, isSeq, parseDocument, visit, type Document, type Node } from 'yaml'
import { isCredentialName, REDACTED, redactWebhooks } from '../secrets.js'
import { PAIR_NAME, PAIR_VALUE, redactLines } from './redact-lines.js'

// A prompt's metadata is written by hand, where bare names are common; elsewhere assay
// requires a prefix (`api_key`, `x-auth-token`) so that counts such as `tokens` stay readable.
const BARE_CREDENTIAL = /^(?:password|passwd|passphrase|token|secret|credentials?)$/i
// A list of credentials under a plural name (`secrets:`, `api_keys:`, `clientSecrets:`).
// `tokens` is not one: `max_tokens` and `tokens: 5` are counts.
const PLURAL_CREDENTIAL = /^(?:[a-z0-9]+[-_])*(?:api[-_]?keys|secrets|passwords|passphrases)$/i

/**
 * Shorter credential values are not searched for elsewhere in the text: a value such as
 * `true` or `none` would turn every word that holds it into `[REDACTED]`.
 */
const MIN_VALUE_LENGTH = 6

/** Whether a frontmatter key names a credential: assay's rule, plus bare `password`, `token`, `secret`, and plural lists of them. */
export function isPromptCredential(name: string): boolean {
  return BARE_CREDENTIAL.test(name) || PLURAL_CREDENTIAL.test(name.replace(/([a-z0-9])([A-Z])/g, '$1_$2')) || isCredentialName(name)
}

/**
 * Whether a key names a list of credentials (`secrets`, `api_keys`, `tokens`): the plural of a
 * credential's name. Only a list under it is hidden, so a count (`max_tokens: 300`) stays readable.
 */
export function isCredentialList(name: string): boolean {
  return /s$/i.test(name) && isPromptCredential(name.slice(0, -1))
}

/** Whether a mapping is a header as a name/value pair (`name: Authorization`, `value: …`). */
function namesCredential(value: object): boolean {
  return Object.entries(value).some(([key, name]) => PAIR_NAME.test(key) && typeof name === 'string' && isPromptCredential(name))
}

/** A copy of parsed frontmatter data with every credential's value replaced by `[REDACTED]`; a cycle is cut. */
export function redactMetadata<T>(value: T, seen: Set<object> = new Set()): T {
  if (value === null || typeof value !== 'object' || value instanceof Date) return value
  if (seen.has(value)) return '[cycle]' as T
  seen.add(value)
  let out: unknown
  if (Array.isArray(value)) out = value.map((v) => redactMetadata(v, seen))
  else {
    const named = namesCredential(value)
    const copy = Object.create(null) as Record<string, unknown>
    for (const [key, field] of Object.entries(value)) {
      if (Array.isArray(field) && isCredentialList(key)) copy[key] = field.map(() => REDACTED)
      else copy[key] = field !== null && field !== undefined && (isPromptCredential(key) || (named && PAIR_VALUE.test(key))) ? REDACTED : redactMetadata(field, seen)
    }
    out = copy
  }
  seen.delete(value)
  return out as T
}

/** Every string or number held under a credential's name in parsed frontmatter data. */
export function credentialValues(value: unknown): string[] {
  const found = new Set<string>()
  const seen = new Set<object>()
  const collect = (v: unknown, secret: boolean): void => {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint') {
      const text = String(v).trim()
      if (secret && text.length >= MIN_VALUE_LENGTH) {
        found.add(text)
        // `Bearer <token>`: the token may also appear alone.
        const token = /^(?:bearer|basic|token)\s+(\S+)$/i.exec(text)?.[1]
        if (token !== undefined && token.length >= MIN_VALUE_LENGTH) found.add(token)
      }
      return
    }
    if (v === null || typeof v !== 'object' || seen.has(v)) return
    seen.add(v)
    if (Array.isArray(v)) for (const item of v) collect(item, secret)
    else {
      const named = namesCredential(v)
      for (const [key, field] of Object.entries(v)) collect(field, secret || isPromptCredential(key) || (named && PAIR_VALUE.test(key)) || (Array.isArray(field) && isCredentialList(key)))
    }
  }
  collect(value, false)
  return [...found]
}

/** `text` with every occurrence of each value replaced by `[REDACTED]`, longest values first. */
export function redactValues(text: string, values: Iterable<string>): string {
  let out = text
  for (const v of [...new Set(values)].sort((a, b) => b.length - a.length)) if (v.length >= MIN_VALUE_LENGTH) out = out.split(v).join(REDACTED)
  return out
}

const FRONTMATTER = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/

// Duplicate keys are allowed and warnings are kept silent: this parse only finds values to
// hide, of drafts too, and the yaml library's warnings quote the source line.
function parseFrontmatter(yaml: string): Document.Parsed {
  return parseDocument(yaml, { uniqueKeys: false, merge: true, logLevel: 'silent' })
}

/** The credential values of a prompt file's frontmatter, as {@link credentialValues} finds them; none when it does not parse. */
export function promptFileCredentials(text: string): string[] {
  const yaml = FRONTMATTER.exec(text)?.[1]
  if (!yaml) return []
  const doc = parseFrontmatter(yaml)
  try {
    return credentialValues(doc.toJS({ maxAliasCount: 100 }))
  } catch {
    return []
  }
}

/**
 * A prompt file's text with the value of every credential key in its frontmatter replaced by
 * `[REDACTED]`, its layout otherwise kept, so a diff of two redacted files stays a diff of
 * the files. A frontmatter that is not valid YAML is redacted line by line. Each value of
 * `also` (another file's credentials, when two are compared), and each of this file's, is
 * redacted wherever it appears.
 */
export function redactPromptFile(text: string, also: readonly string[] = []): string {
  const match = FRONTMATTER.exec(text)
  if (!match?.[1]) return redactValues(redactWebhooks(text), also)
  const yaml = match[1]
  const offset = match[0].indexOf(yaml)
  const doc = parseFrontmatter(yaml)
  const ranges: [number, number][] = []
  const hide = (node: Node | null | undefined): void => {
    if (!node?.range) return
    let [start, end] = node.range
    while (end > start && /\s/.test(yaml[end - 1]!)) end--
    ranges.push([start, end])
    // A value given by an alias is written out where its anchor is.
    if (isAlias(node)) hide(node.resolve(doc) as Node | undefined)
  }
  visit(doc, {
    Map(_, map) {
      if (!map.items.some((p) => isScalar(p.key) && PAIR_NAME.test(String(p.key.value)) && isScalar(p.value) && typeof p.value.value === 'string' && isPromptCredential(p.value.value))) return undefined
      for (const p of map.items) if (isScalar(p.key) && PAIR_VALUE.test(String(p.key.value))) hide(p.value as Node | null)
      return undefined
    },
    Pair(_, pair) {
      if (isScalar(pair.key) && isSeq(pair.value) && isCredentialList(String(pair.key.value))) {
        for (const item of pair.value.items) hide(item as Node | null)
        return visit.SKIP
      }
      if (!isScalar(pair.key) || !isPromptCredential(String(pair.key.value))) return undefined
      hide(pair.value as Node | null)
      return visit.SKIP
    },
  })
  let out = yaml
  // Ranges may nest (an anchor inside a redacted mapping): the outermost wins.
  const outer = ranges.sort((a, b) => a[0] - b[0] || b[1] - a[1]).filter((r, i, all) => !all.slice(0, i).some((o) => o[0] <= r[0] && r[1] <= o[1]))
  for (const [start, end] of outer.reverse()) out = `${out.slice(0, start)}${REDACTED}${out.slice(end)}`
  const values = [...also, ...(isMap(doc.contents) ? promptFileCredentials(text) : [])]
  // A webhook URL's path is its secret, in the frontmatter or the template alike.
  return redactValues(redactWebhooks(`${text.slice(0, offset)}${redactLines(out, isPromptCredential)}${text.slice(offset + yaml.length)}`), values)
}
