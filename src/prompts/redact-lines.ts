// Redaction of YAML by its lines, for what a parse does not reach: comments (`# old key:
// sk-…`), and a draft whose frontmatter is not valid YAML (a duplicate key, a bad indent),
// which `diff` still prints. It knows the layouts a credential takes in hand-written YAML: a
// `name: value` line, a block scalar or nested mapping below it, a flow mapping, and a
// header list's `name: Authorization` / `value: …` pair.
import { REDACTED } from '../secrets.js'

// `  - "api_key": value`: the indentation and list dashes, the key (quoted or not), the rest.
const KEY_LINE = /^([ \t]*(?:-[ \t]+)*)(["']?)([A-Za-z0-9_.-]+)\2[ \t]*:(?:[ \t]+(.*))?$/
// `key: value` inside `{ … }`, up to the next `,` or `}`.
const FLOW_PAIR = /([{,][ \t]*)(["']?)([A-Za-z0-9_.-]+)\2([ \t]*:[ \t]*)("(?:[^"\\]|\\.)*"?|'(?:[^']|'')*'?|\[[^\]]*\]|[^,}\]]*?(?=[ \t]*(?:[,}\]]|$)))/g
/**
 * The fields that name a header in a list of name/value pairs (`name: Authorization`,
 * `key: X-Api-Key`, `header: …`): the credential is then the sibling `value`, under a key
 * that names nothing.
 */
export const PAIR_NAME = /^(?:name|key|header)$/i
/** The field that holds the credential such a pair names. */
export const PAIR_VALUE = /^value$/i
// A name followed by `:` or `=` and a value, inside a comment.
const COMMENT_PAIR = /(?<![A-Za-z0-9_.-])([A-Za-z0-9_.-]+)[ \t]*[:=][ \t]*\S/g

/** A comment's text after the first credential-like `name: value` in it, redacted. */
function redactComment(line: string, isCredential: (name: string) => boolean): string {
  const hash = line.search(/(?:^|[ \t])#/)
  if (hash < 0) return line
  const start = line.indexOf('#', hash)
  const comment = line.slice(start)
  for (const m of comment.matchAll(COMMENT_PAIR)) {
    const name = m[1]!.replace(/^[-.]+/, '')
    if (!isCredential(name) && !/^(?:key|bearer)$/i.test(name)) continue
    return `${line.slice(0, start)}${comment.slice(0, m.index + m[0].length - 1)}${REDACTED}`
  }
  return line
}

/** `yaml` with every credential's value redacted by the layouts above; `isCredential` judges names. */
export function redactLines(yaml: string, isCredential: (name: string) => boolean): string {
  // While set, lines indented deeper than this column belong to a credential's value.
  let below: number | undefined
  // The column of a `name: <credential>` key, whose sibling `value:` is the credential.
  let named: number | undefined
  // The column of a key that names a list of credentials (`secrets:`), whose items may stand at that same column.
  let list: number | undefined
  return yaml
    .split('\n')
    .map((raw) => {
      const indent = raw.search(/\S/)
      if (below !== undefined) {
        if (indent < 0) return raw
        if (indent > below) return `${raw.slice(0, indent)}${REDACTED}`
        below = undefined
      }
      if (list !== undefined) {
        if (indent === list && raw.slice(indent).startsWith('- ')) return `${raw.slice(0, indent)}- ${REDACTED}`
        if (indent >= 0) list = undefined
      }
      let line = redactComment(raw, isCredential)
      if (line.includes('{')) line = line.replace(FLOW_PAIR, (all, open: string, q: string, name: string, sep: string) => (isCredential(name) ? `${open}${q}${name}${q}${sep}${REDACTED}` : all))
      const m = KEY_LINE.exec(line)
      if (!m) return line
      const [, lead, q, name, rest = ''] = m as unknown as [string, string, string, string, string | undefined]
      const column = lead.length
      if (named !== undefined && (column < named || (column === named && /-/.test(lead)))) named = undefined
      const head = `${lead}${q}${name}${q}:`
      if (isCredential(name) || (named === column && PAIR_VALUE.test(name))) {
        const value = rest.replace(/(?:^|[ \t])#.*$/, '').trim()
        // Nothing after the key (or only an anchor or a block scalar's indicator): the value is below.
        if (value === '' || /^(?:&\S+[ \t]*)?(?:[|>][-+0-9]*)?$/.test(value)) {
          below = column
          // YAML lets a list's items stand at their key's own column.
          if (value === '' || value.startsWith('&')) list = column
        }
        return `${head} ${REDACTED}`
      }
      // A plural credential name (`secrets:`, `api_keys:`) holds credentials when it holds a list.
      if (/s$/i.test(name) && isCredential(name.slice(0, -1))) {
        const value = rest.replace(/(?:^|[ \t])#.*$/, '').trim()
        if (value.startsWith('[')) return `${head} ${REDACTED}`
        if (value === '') {
          below = column
          list = column
          return line
        }
      }
      if (PAIR_NAME.test(name) && isCredential(rest.trim().replace(/^(["'])(.*)\1$/, '$2'))) named = column
      return line
    })
    .join('\n')
}
