// Turns the bytes of one version file into a Prompt: dotprompt parses the frontmatter and
// converts Picoschema to JSON Schema, ajv validates inputs against it, and dotprompt's own
// Handlebars environment (with its helpers) renders the template. This module loads
// dotprompt, ajv and yaml, so the API imports it only when a prompt is first loaded.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import { Dotprompt, picoschema } from 'dotprompt'
import { parseDocument, stringify as toYaml } from 'yaml'
import { AssayUsageError } from '../errors.js'
import { PromptRegistryError } from './errors.js'
import { guardPrinted } from './guard.js'
import { MAX_SUBEXPRESSION_DEPTH, tooDeep } from './template-limits.js'
import { markerHelpers, toChatMessages } from './render.js'
import type { Prompt, PromptMessage } from './types.js'
import { templateVariables, type TemplateVariables } from './variables.js'

/** The part of dotprompt's Handlebars environment this module uses. */
interface Handlebars {
  parse(template: string): unknown
  compile(template: string, options: Record<string, unknown>): (context: unknown, options?: unknown) => string
}

let dotprompt: { instance: Dotprompt; handlebars: Handlebars; knownHelpers: Record<string, boolean> } | undefined

// dotprompt renders only asynchronously, while `render` must hand back messages at once;
// its Handlebars environment, which carries its helpers, compiles the same templates
// synchronously. A test checks that both give the same messages.
function environment(): NonNullable<typeof dotprompt> {
  if (dotprompt) return dotprompt
  const instance = new Dotprompt()
  const inner = instance as unknown as { handlebars?: Handlebars; knownHelpers?: Record<string, boolean> }
  if (typeof inner.handlebars?.compile !== 'function' || typeof inner.knownHelpers !== 'object') {
    throw new Error('This version of dotprompt does not expose its Handlebars environment; install the dotprompt version assay depends on (1.1.x).')
  }
  dotprompt = { instance, handlebars: inner.handlebars, knownHelpers: inner.knownHelpers }
  return dotprompt
}

// The closing line is the first "---" after the opening one: an empty frontmatter is tried
// first (the lazy `??`), so a "---" line just below it stays template text.
const FRONTMATTER = /^---[ \t]*\r?\n(?:([\s\S]*?)\r?\n)??---[ \t]*(?:\r?\n|$)/
const OWN_FIELDS = new Set(['model', 'config', 'input', 'output'])

/**
 * The largest version file, and the most block helpers (`{{#if}}`, `{{#each}}`, …) in its
 * template, that load: Handlebars compiles each block into its own function, about half a
 * millisecond apiece, and a template of tens of thousands of blocks would cost every process
 * that renders it seconds and gigabytes. A prompt is a few kilobytes.
 */
export const MAX_PROMPT_BYTES = 256 * 1024
export const MAX_TEMPLATE_BLOCKS = 1000
/** The most mustache tags (`{{…}}` of any kind) a template may hold: each costs Handlebars a compiled statement, and 50,000 cost seconds and hundreds of MB. */
export const MAX_TEMPLATE_TAGS = 5000

function kilobytes(bytes: number): string {
  return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`
}

/** The path to the first value that contains itself (`loop: &x [1, *x]`), if any. */
function cyclePath(value: unknown, path: string, ancestors: Set<object> = new Set()): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  if (ancestors.has(value)) return path || '(the frontmatter)'
  ancestors.add(value)
  for (const [k, v] of Object.entries(value)) {
    const found = cyclePath(v, Array.isArray(value) ? `${path}[${k}]` : path ? `${path}.${k}` : k, ancestors)
    if (found !== undefined) return found
  }
  ancestors.delete(value)
  return undefined
}

/**
 * A Handlebars parse error without the text it quotes before the error and the caret below it
 * (`...Secret123456 {{#if a}` / `-----^`): that text may be a credential's tail, cut off from
 * the name that redaction would know it by. The line number and what was expected remain.
 */
function withoutSnippet(message: string): string {
  const lines = message.split('\n')
  const caret = lines.findIndex((l) => /^-*\^$/.test(l))
  return (caret > 0 ? [lines[0]!.replace(/:$/, ''), ...lines.slice(caret + 1)] : lines).join(': ')
}

/** How many block helpers a Handlebars parse holds, counted up to `limit`. */
function countBlocks(node: unknown, limit: number): number {
  const count = { n: 0 }
  const stack: unknown[] = [node]
  while (stack.length > 0 && count.n <= limit) {
    const n = stack.pop()
    if (Array.isArray(n)) stack.push(...(n as unknown[]))
    else if (typeof n === 'object' && n !== null) {
      if ((n as { type?: unknown }).type === 'BlockStatement') count.n++
      for (const [k, v] of Object.entries(n)) if (k !== 'loc' && typeof v === 'object' && v !== null) stack.push(v)
    }
  }
  return count.n
}

/** Where a version file came from, for its Prompt and its messages. */
export interface VersionSource {
  name: string
  version: string
  hash: string
  /** The file as shown in messages. */
  file: string
  labels: readonly string[]
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Decodes and checks the file's frontmatter; returns the text dotprompt should parse. */
function frontmatter(text: string, file: string): { text: string; raw: Record<string, unknown> } {
  if (!text.startsWith('---')) return { text, raw: {} }
  const match = FRONTMATTER.exec(text)
  if (!match) throw new PromptRegistryError(file, `${file}: the frontmatter that starts on line 1 with "---" has no closing "---" line. Close it, then write the template below it.`)
  let raw: unknown
  // Warnings (an unknown tag such as `!vault`) are not logged: the yaml library's quote the
  // source line, which may hold a key; the tagged value stays a string. Merge keys (`<<: *base`)
  // are applied, never kept as a literal "<<" field.
  const doc = parseDocument(match[1] ?? '', { merge: true, logLevel: 'silent' })
  try {
    if (doc.errors.length > 0) throw doc.errors[0]!
    raw = doc.toJS({ maxAliasCount: 100 })
  } catch (e) {
    throw new PromptRegistryError(file, `${file}: the frontmatter is not valid YAML: ${(e as Error).message.split('\n')[0]}. Fix it in a new version file (or in this one, if it is not registered yet).`)
  }
  const cycle = cyclePath(raw, '')
  if (cycle !== undefined) throw new PromptRegistryError(file, `${file}: the frontmatter's "${cycle}" contains itself through a YAML alias, so it has no end (it could not be printed or sent as JSON). Write the value out instead of the alias, in a new version file (or in this one, if it is not registered yet).`)
  if (raw !== null && !isObject(raw)) throw new PromptRegistryError(file, `${file}: the frontmatter must be a YAML mapping (model:, config:, input:, …), but it is ${Array.isArray(raw) ? 'a list' : `a ${typeof raw}`}.`)
  // Rebuilt from this parse, in the one layout dotprompt's parser recognises, so both read the
  // same frontmatter (merged, with no tag for its parser to warn about); an empty one (or
  // only comments) it would take for template text, so it gets an empty mapping instead.
  const yaml = raw === null ? '{}' : toYaml(raw).trimEnd()
  return { text: `---\n${yaml}\n---\n${text.slice(match[0].length)}`, raw: raw ?? {} }
}

function describeValue(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'string' ? `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}` : `${typeof value} ${typeof value === 'object' ? '' : String(value)}`.trim()
}

function schemaError(e: ErrorObject, input: Record<string, unknown>): string {
  const path = e.instancePath.split('/').slice(1).join('.')
  if (e.keyword === 'required') return `the variable "${[path, e.params.missingProperty].filter(Boolean).join('.')}" is missing`
  if (e.keyword === 'additionalProperties') return `the variable "${[path, e.params.additionalProperty].filter(Boolean).join('.')}" is not in the input schema`
  const value = e.instancePath.split('/').slice(1).reduce<unknown>((v, k) => (isObject(v) || Array.isArray(v) ? (v as Record<string, unknown>)[k] : undefined), input)
  const message = e.keyword === 'type' ? `must be ${([] as unknown[]).concat(e.params.type).join(' or ')}` : (e.message ?? 'is invalid')
  return `the variable "${path || '(input)'}" ${message}, but it is ${describeValue(value)}`
}

export { MAX_SUBEXPRESSION_DEPTH }

// A file that fails to load is not parsed again while its content is the same: the registry
// loads every unregistered draft on each read of its prompt, and a draft that costs its
// parse once must not cost every read of every version. Kept small: a failure is cheap to redo.
const failures = new Map<string, PromptRegistryError>()
const MAX_FAILURES = 100

/** Parses, checks and compiles one version file into a Prompt. */
export async function loadPrompt(source: VersionSource, text: string): Promise<Prompt> {
  const key = `${source.file}\u0000${source.hash}\u0000${source.version}`
  const failed = failures.get(key)
  if (failed) throw failed
  try {
    return await compilePrompt(source, text)
  } catch (e) {
    if (e instanceof PromptRegistryError && source.hash !== '') {
      if (failures.size >= MAX_FAILURES) failures.delete(failures.keys().next().value!)
      failures.set(key, e)
    }
    throw e
  }
}

async function compilePrompt(source: VersionSource, text: string): Promise<Prompt> {
  const where = `prompt "${source.name}" version "${source.version}" (${source.file})`
  const { handlebars, instance, knownHelpers } = environment()
  const bytes = Buffer.byteLength(text)
  if (bytes > MAX_PROMPT_BYTES) throw new PromptRegistryError(source.file, `${source.file} is ${kilobytes(bytes)} (${bytes} bytes), more than a version file may be (${kilobytes(MAX_PROMPT_BYTES)}). Keep long reference text out of the prompt (pass it in as a variable), in a new version file.`)
  const checked = frontmatter(text, source.file)
  const parsed = instance.parse(checked.text)
  const raw = checked.raw
  if (raw.model !== undefined && typeof raw.model !== 'string') throw new PromptRegistryError(source.file, `${source.file}: "model" must be a string, such as gpt-4o-mini.`)
  if (raw.config !== undefined && !isObject(raw.config)) throw new PromptRegistryError(source.file, `${source.file}: "config" must be a mapping (temperature:, max_tokens:, …).`)
  if (raw.input !== undefined && !isObject(raw.input)) throw new PromptRegistryError(source.file, `${source.file}: "input" must be a mapping with a "schema" (and optionally "default").`)
  if (parsed.template.trim() === '') throw new PromptRegistryError(source.file, `${source.file} has no template: write the prompt's text below the frontmatter.`)

  // Counted on the text, before any parse: `{{{a}}}` and `{{~a~}}` open with one `{{` each.
  const tags = parsed.template.match(/\{\{/g)?.length ?? 0
  if (tags > MAX_TEMPLATE_TAGS) throw new PromptRegistryError(source.file, `${source.file}: the template has ${tags} mustache tags ({{…}}), more than a template may have (${MAX_TEMPLATE_TAGS}), which would take seconds to compile in every process that renders it. Loop over a list with one {{#each}}, or pass long text in as one variable, in a new version file.`)
  const deep = tooDeep(parsed.template, MAX_SUBEXPRESSION_DEPTH)
  // The line in the file: the template starts below the frontmatter.
  const at = deep ? text.lastIndexOf(parsed.template) : -1
  const first = at < 0 ? 0 : text.slice(0, at).split('\n').length - 1
  if (deep) throw new PromptRegistryError(source.file, `${source.file}: line ${first + deep.line}: a tag nests subexpressions ((…)) more than ${MAX_SUBEXPRESSION_DEPTH} levels deep, the most a template may: each level costs every process that parses or renders it more (a nested {{json}} doubles its text). Compute the value in code and pass it in as a variable, or nest fewer levels, in a new version file (or in this one, if it is not registered yet).`)
  let ast: unknown
  try {
    ast = handlebars.parse(parsed.template)
  } catch (e) {
    throw new PromptRegistryError(source.file, `${source.file}: the template is not valid Handlebars: ${withoutSnippet((e as Error).message)}`)
  }
  const blocks = countBlocks(ast, MAX_TEMPLATE_BLOCKS)
  if (blocks > MAX_TEMPLATE_BLOCKS) throw new PromptRegistryError(source.file, `${source.file}: the template has more than ${MAX_TEMPLATE_BLOCKS} block helpers ({{#if}}, {{#each}}, …), which would take seconds to compile in every process that renders it. Loop over a list with one {{#each}} instead, in a new version file.`)
  const variables: TemplateVariables = templateVariables(ast, new Set(Object.keys(knownHelpers)))
  if (variables.unknownHelpers.size > 0) {
    throw new PromptRegistryError(source.file, `${source.file}: the template calls unknown helpers: ${[...variables.unknownHelpers].join(', ')}. Known helpers: ${[...Object.keys(knownHelpers), 'if', 'unless', 'each', 'with', 'lookup'].join(', ')}.`)
  }

  if (variables.partials) throw new PromptRegistryError(source.file, `${source.file}: the template includes a partial ({{> …}}); a version must be whole in its one file, so write the text in.`)
  let validate: ValidateFunction | undefined
  const inputSchema = parsed.input?.schema
  if (inputSchema !== undefined) {
    try {
      // One validator per version: two versions' schemas may declare the same $id.
      validate = new Ajv({ allErrors: true, strict: false }).compile((await picoschema(inputSchema)) as object)
    } catch (e) {
      throw new PromptRegistryError(source.file, `${source.file}: the input schema is not valid Picoschema or JSON Schema: ${(e as Error).message}`)
    }
  }
  const defaults = isObject(parsed.input?.default) ? parsed.input.default : {}
  const template = handlebars.compile(parsed.template, { knownHelpers, knownHelpersOnly: true, noEscape: true })

  const render = (input: Record<string, unknown> = {}): PromptMessage[] => {
    if (!isObject(input)) throw new AssayUsageError('render', `${where}: the input must be an object of variables, but got ${describeValue(input)}.`, render)
    const given = Object.keys(input)
    const unused = variables.wholeInput ? [] : given.filter((k) => !variables.used.has(k))
    if (unused.length > 0) {
      throw new AssayUsageError('render', `${where}: the template never uses the variable${unused.length === 1 ? '' : 's'} ${unused.map((u) => `"${u}"`).join(', ')}. It uses: ${[...variables.used].join(', ') || 'no variables'}. Remove ${unused.length === 1 ? 'it' : 'them'} from the input, or use a version whose template does.`, render)
    }
    const values = { ...defaults, ...input }
    if (validate) {
      if (!validate(values)) {
        const problems = (validate.errors ?? []).slice(0, 5).map((e) => schemaError(e, values))
        throw new AssayUsageError('render', `${where}: ${problems.join('; ')}. The input schema is in the file's frontmatter (input.schema).`, render)
      }
    } else {
      // Own properties only: `{{constructor}}` must not find Object.prototype's.
      const missing = [...variables.used].filter((v) => !variables.conditional.has(v) && (!Object.hasOwn(values, v) || values[v] === undefined))
      if (missing.length > 0) throw new AssayUsageError('render', `${where}: the variable${missing.length === 1 ? '' : 's'} ${missing.map((m) => `"${m}"`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing; the template uses ${missing.length === 1 ? 'it' : 'them'}.`, render)
      const whole = [...variables.printed].find((v) => Object.hasOwn(values, v) && ((typeof values[v] === 'object' && values[v] !== null) || typeof values[v] === 'function'))
      if (whole !== undefined) throw new AssayUsageError('render', `${where}: the variable "${whole}" is printed with {{${whole}}}, but it is ${describeValue(values[whole])}, which would print as "${String(values[whole]).slice(0, 40)}". Give it text or a number, or print its fields ({{${whole}.field}}) or its JSON ({{json ${whole}}}).`, render)
    }
    const { nonce, helpers } = markerHelpers()
    let rendered: string
    const printed: string[] = []
    const guarded = guardPrinted(values, printed, (at, what) => {
      throw new AssayUsageError('render', `${where}: the value at "${at}" is ${what}. Give text, numbers, or plain objects and lists of them (a Map as Object.fromEntries(map), a Set as [...set], a function's result instead of the function).`, render)
    })
    try {
      rendered = template(guarded, { helpers, data: { metadata: { prompt: { model: parsed.model, config: parsed.config } } } })
    } catch (e) {
      throw new AssayUsageError('render', `${where}: the template failed to render: ${(e as Error).message}`, render)
    }
    if (printed.length > 0) {
      const at = printed[0]!
      throw new AssayUsageError('render', `${where}: the value at "${at}" is printed by the template, but it is an object or a list, which would print as "[object Object]" or its items joined by commas. Give text or a number there, or print its fields ({{${at.replace(/\[\d+\]/g, '')}.field}}) or its JSON ({{json …}}).`, render)
    }
    return toChatMessages(rendered, nonce, where, render)
  }

  const metadata = Object.fromEntries(Object.entries(raw).filter(([k]) => !OWN_FIELDS.has(k)))
  return Object.freeze({
    name: source.name,
    version: source.version,
    hash: source.hash,
    model: typeof raw.model === 'string' ? raw.model : undefined,
    config: Object.freeze({ ...(isObject(raw.config) ? raw.config : {}) }),
    metadata: Object.freeze(metadata),
    labels: Object.freeze([...source.labels]),
    template: parsed.template,
    render,
  })
}
