// Which input variables a template reads, from Handlebars' own parse of it. Only `#each`
// and `#with` change the context in Handlebars 4, so a plain `{{x}}` inside them reads the
// item, not the input; `../x` climbs back out one such block per `../`, and `@root.x`
// always reads the input.

/** The parts of a Handlebars AST node this walk reads; every node has a `type`. */
interface Node {
  type: string
  [key: string]: unknown
}

/** What a template reads from its input. */
export interface TemplateVariables {
  /** Top-level input variables the template reads anywhere. */
  used: Set<string>
  /** Those it tests with `#if`/`#unless` somewhere, which may therefore be absent. */
  conditional: Set<string>
  /** The template reads the whole input (`{{this}}`, `{{json this}}`), so any variable may be used. */
  wholeInput: boolean
  /** Names called as helpers that are not known helpers. */
  unknownHelpers: Set<string>
  /** The template includes partials (`{{> name}}`), which a registry file cannot resolve. */
  partials: boolean
  /** Top-level variables printed whole by a plain `{{x}}`, where an object would print as `[object Object]`. */
  printed: Set<string>
}

const BUILTIN = new Set(['if', 'unless', 'each', 'with', 'lookup', 'log'])
const SCOPING = new Set(['each', 'with'])
const CONDITIONS = new Set(['if', 'unless'])

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && typeof (value as Node).type === 'string'
}

/**
 * Walks a parsed template (`handlebars.parse(template)`), given the helper names the
 * renderer knows, and returns the input variables it reads.
 */
export function templateVariables(program: unknown, knownHelpers: ReadonlySet<string>): TemplateVariables {
  const out: TemplateVariables = { used: new Set(), conditional: new Set(), wholeInput: false, unknownHelpers: new Set(), partials: false, printed: new Set() }
  const isHelper = (name: string) => BUILTIN.has(name) || knownHelpers.has(name)

  // `scopes` counts the context-changing blocks around the node; `condition` marks the
  // parameter of an #if/#unless; `printed`, a plain `{{x}}` that prints the value itself.
  function path(node: Node, scopes: number, condition: boolean, printed = false): void {
    const parts = (node.parts as string[] | undefined) ?? []
    const original = String(node.original ?? '')
    let head: string | undefined
    if (node.data === true) {
      if (!original.startsWith('@root')) return
      head = parts[1]
      if (head === undefined) out.wholeInput = true
    } else {
      if (Number(node.depth ?? 0) !== scopes) return
      head = parts[0]
      if (head === undefined) out.wholeInput = true
    }
    if (head === undefined) return
    out.used.add(head)
    if (condition) out.conditional.add(head)
    if (printed && parts.length === (node.data === true ? 2 : 1)) out.printed.add(head)
  }

  function expr(node: unknown, scopes: number, condition = false): void {
    if (!isNode(node)) return
    if (node.type === 'PathExpression') path(node, scopes, condition)
    else if (node.type === 'SubExpression') call(node, scopes)
  }

  // A mustache, block or subexpression: a helper call when its name is a helper or it has
  // arguments, otherwise a variable lookup.
  function call(node: Node, scopes: number, printed = false): string | undefined {
    const head = node.path as Node
    const params = (node.params as unknown[] | undefined) ?? []
    const pairs = ((node.hash as { pairs?: { value: unknown }[] } | undefined)?.pairs ?? []).map((p) => p.value)
    const name = head.type === 'PathExpression' && head.data !== true && (head.parts as string[]).length === 1 ? String(head.original) : undefined
    const helper = name !== undefined && isHelper(name) ? name : undefined
    if (helper === undefined) {
      if (params.length > 0 || pairs.length > 0) {
        out.unknownHelpers.add(String(head.original))
        return undefined
      }
      if (printed && head.type === 'PathExpression') path(head, scopes, false, true)
      else expr(head, scopes)
      return undefined
    }
    for (const p of params) expr(p, scopes, CONDITIONS.has(helper))
    for (const v of pairs) expr(v, scopes)
    return helper
  }

  function statement(node: unknown, scopes: number): void {
    if (!isNode(node)) return
    if (node.type === 'MustacheStatement') call(node, scopes, true)
    else if (node.type === 'BlockStatement') {
      const helper = call(node, scopes)
      const inner = helper !== undefined && SCOPING.has(helper) ? scopes + 1 : helper === undefined ? scopes + 1 : scopes
      block(node.program, inner)
      // An #each's {{else}} runs when the list is empty, in the outer context.
      block(node.inverse, scopes)
    } else if (node.type === 'PartialStatement' || node.type === 'PartialBlockStatement') out.partials = true
    else if (node.type === 'Program') block(node, scopes)
  }

  function block(program: unknown, scopes: number): void {
    if (!isNode(program)) return
    for (const s of (program.body as unknown[] | undefined) ?? []) statement(s, scopes)
  }

  block(program, 0)
  return out
}
