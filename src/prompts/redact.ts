// What the CLI prints of a prompt file's credentials. `show` prints the parsed metadata and
// `diff` the file's text; both must hide the same values, whatever the YAML layout (a flow
// mapping, a block scalar over several lines), so the text is redacted through its parse.
import { isScalar, parseDocument, visit, type Node } from 'yaml'
import { isCredentialName, REDACTED } from '../secrets.js'

// A prompt's metadata is written by hand, where bare names are common; elsewhere assay
// requires a prefix (`api_key`, `x-auth-token`) so that counts such as `tokens` stay readable.
const BARE_CREDENTIAL = /^(?:password|passwd|token|secret|credentials?)$/i

/** Whether a frontmatter key names a credential: assay's rule, plus bare `password`, `token`, `secret`. */
export function isPromptCredential(name: string): boolean {
  return BARE_CREDENTIAL.test(name) || isCredentialName(name)
}

/** A copy of parsed frontmatter data with every credential's value replaced by `[REDACTED]`. */
export function redactMetadata<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => redactMetadata(v)) as T
  if (value === null || typeof value !== 'object' || value instanceof Date) return value
  const out = Object.create(null) as Record<string, unknown>
  for (const [key, field] of Object.entries(value)) out[key] = field !== null && field !== undefined && isPromptCredential(key) ? REDACTED : redactMetadata(field)
  return out as T
}

const FRONTMATTER = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/

/**
 * A prompt file's text with the value of every credential key in its frontmatter replaced by
 * `[REDACTED]`, its layout otherwise kept, so a diff of two redacted files stays a diff of
 * the files. Text without a frontmatter, or whose frontmatter is not YAML, is returned as
 * it is (the CLI's line rule still applies to it).
 */
export function redactPromptFile(text: string): string {
  const match = FRONTMATTER.exec(text)
  if (!match?.[1]) return text
  const yaml = match[1]
  const offset = match[0].indexOf(yaml)
  const doc = parseDocument(yaml)
  if (doc.errors.length > 0) return text
  const ranges: [number, number][] = []
  visit(doc, {
    Pair(_, pair) {
      const value = pair.value as Node | null
      if (!isScalar(pair.key) || value === null || value.range === undefined || value.range === null) return undefined
      if (!isPromptCredential(String(pair.key.value))) return undefined
      let [start, end] = value.range
      while (end > start && /\s/.test(yaml[end - 1]!)) end--
      ranges.push([start, end])
      return visit.SKIP
    },
  })
  let out = yaml
  for (const [start, end] of ranges.sort((a, b) => b[0] - a[0])) out = `${out.slice(0, start)}${REDACTED}${out.slice(end)}`
  return `${text.slice(0, offset)}${out}${text.slice(offset + yaml.length)}`
}
