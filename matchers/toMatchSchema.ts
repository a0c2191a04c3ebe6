import type { MatcherContext, MatcherResult } from '../src/context.js'
import { AssayUsageError } from '../src/errors.js'
import { extractJson } from '../src/text/json.js'
import { describeValue, formatPath } from '../src/validate.js'
import { formatMessage, plural, reported, truncate } from './utils.js'

/**
 * A schema `toMatchSchema` accepts: any Standard Schema (zod ≥ 3.24, valibot, arktype …)
 * or an object with zod's `safeParse`.
 */
export type SchemaLike =
  | { readonly '~standard': { readonly validate: (value: unknown) => unknown } }
  | { safeParse(value: unknown): { success: boolean; error?: { issues: readonly SchemaIssue[] } } }

interface SchemaIssue {
  readonly message: string
  readonly path?: readonly (PropertyKey | { readonly key: PropertyKey })[] | undefined
}

function validate(schema: SchemaLike, value: unknown): readonly SchemaIssue[] {
  if ('~standard' in schema) {
    const result = schema['~standard'].validate(value) as { issues?: readonly SchemaIssue[] } | Promise<unknown>
    if (result instanceof Promise) {
      throw new AssayUsageError('toMatchSchema', 'the schema validates asynchronously (it has async refinements or transforms), which a synchronous matcher cannot await.\nRemove the async parts, or validate with `await schema.parseAsync(value)` yourself.', toMatchSchema)
    }
    return result.issues ?? []
  }
  const result = schema.safeParse(value)
  return result.success ? [] : (result.error?.issues ?? [{ message: 'invalid' }])
}

function pathOf(issue: SchemaIssue): string {
  const keys = (issue.path ?? []).map((p) => (typeof p === 'object' && p !== null ? p.key : p))
  return formatPath('', keys)
}

/**
 * Asserts that the received object, or the JSON in the received text, matches a schema.
 * Text may be raw JSON, a ```json fence, or prose with a JSON value inside it.
 *
 * @example
 * ```ts
 * expect(reply).toMatchSchema(z.object({ title: z.string(), tags: z.array(z.string()) }))
 * ```
 */
export function toMatchSchema(this: MatcherContext, received: unknown, schema: SchemaLike): MatcherResult {
  const isSchema = schema !== null && typeof schema === 'object' && ('~standard' in schema || typeof (schema as { safeParse?: unknown }).safeParse === 'function')
  if (!isSchema) {
    throw new AssayUsageError('toMatchSchema', `expected a zod schema or another Standard Schema, but got ${describeValue(schema)}.\nExample: toMatchSchema(z.object({ title: z.string() })).`, toMatchSchema)
  }
  if (received === null || (typeof received !== 'string' && typeof received !== 'object')) {
    throw new AssayUsageError('toMatchSchema', `received must be a string holding JSON or an already parsed object, but got ${describeValue(received)}.`, toMatchSchema)
  }

  let value: unknown = received
  let origin = 'the received object'
  if (typeof received === 'string') {
    const extracted = extractJson(received)
    if (!extracted.found) {
      return reported(this, 'toMatchSchema', {
        pass: false,
        message: () =>
          formatMessage(this, 'toMatchSchema', `Expected JSON that matches the schema, but ${extracted.reason}.`, [
            ['Expected', 'JSON matching the schema'],
            ['Received', this.utils.printReceived(truncate(received))],
          ], 'schema'),
      }, () => ({ summary: `no JSON: ${extracted.reason}` }))
    }
    value = extracted.value
    origin = { raw: 'the received JSON', fence: 'the JSON in a ``` fence', embedded: 'the JSON embedded in the text' }[extracted.source]
  }

  const issues = validate(schema, value)
  return reported(this, 'toMatchSchema', {
    pass: issues.length === 0,
    message: () => {
      const sentence = this.isNot
        ? `Expected ${origin} not to match the schema, but it does.`
        : `Expected ${origin} to match the schema, but found ${plural(issues.length, 'issue')}.`
      const blocks: [string, string][] = []
      if (issues.length > 0) blocks.push(['Issues', issues.map((i) => `${pathOf(i)}: ${i.message}`).join('\n')])
      blocks.push(['Received', truncate(JSON.stringify(value, null, 2) ?? String(value))])
      return formatMessage(this, 'toMatchSchema', sentence, blocks, 'schema')
    },
  }, () => ({ summary: issues.length ? issues.slice(0, 5).map((i) => `${pathOf(i)}: ${i.message}`).join('; ') : `${origin} matches` }))
}
