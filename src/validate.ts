import type { z } from 'zod'
import { AssayUsageError } from './errors.js'

type Issue = z.core.$ZodIssue

/** Names a value's type and shows it briefly, for usage-error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null'
  if (value === undefined) return 'undefined'
  if (Array.isArray(value)) return `an array of length ${value.length}`
  switch (typeof value) {
    case 'string':
      return `string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)}`
    case 'number':
    case 'bigint':
    case 'boolean':
      return `${typeof value} ${String(value)}`
    case 'function':
      return 'a function'
    case 'symbol':
      return `symbol ${String(value)}`
    default: {
      const name = (value as object).constructor?.name
      return name && name !== 'Object' ? `an instance of ${name}` : 'an object'
    }
  }
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined
    node = (node as Record<PropertyKey, unknown>)[key]
  }
  return node
}

/** Renders a key path as `options.aliases["Tim Cook"][0]`. */
export function formatPath(base: string, path: readonly PropertyKey[]): string {
  let out = base
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) out += out ? `.${key}` : key
    else out += `[${JSON.stringify(String(key))}]`
  }
  return out || '(root)'
}

/** One line per zod issue, each naming where it is, what is wrong and what was given. */
export function formatZodIssues(issues: readonly Issue[], input: unknown, base = 'options'): string {
  return issues
    .map((issue) => {
      const at = formatPath(base, issue.path)
      if (issue.code === 'unrecognized_keys') {
        return `  - ${at}: unknown option${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`
      }
      return `  - ${at}: ${issue.message} (received ${describeValue(valueAt(input, issue.path))})`
    })
    .join('\n')
}

/**
 * Validates a matcher's options with zod and throws an {@link AssayUsageError} that
 * names the matcher, each bad option and the fix.
 */
export function parseOptions<S extends z.ZodType>(
  matcher: string,
  schema: S,
  input: unknown,
  callSite: Function,
  hint: string,
  base = 'options',
): z.output<S> {
  const parsed = schema.safeParse(input)
  if (parsed.success) return parsed.data
  throw new AssayUsageError(matcher, `invalid ${base}:\n${formatZodIssues(parsed.error.issues, input, base)}\n${hint}`, callSite)
}
