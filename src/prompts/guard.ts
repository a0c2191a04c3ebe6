// Handlebars prints whatever a template reaches with String(value), so an object reached
// through `{{x.y}}`, `{{#each}}`, `{{#with}}` or `{{lookup}}` prints as "[object Object]"
// without a word. Which values a template prints cannot be told from its parse alone, so
// the input is copied with a toString on each plain object and array that notes where it
// was printed; the renderer then refuses what was noted.

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as object | null
  return proto === null || proto === Object.prototype || Array.isArray(value)
}

/**
 * A copy of `input` whose plain objects and arrays record their path in `printed` when a
 * template turns them into text. Objects with their own `toString`, and class instances
 * (a Date), print as their author chose and are kept as they are.
 */
export function guardPrinted(input: Record<string, unknown>, printed: string[]): Record<string, unknown> {
  const seen = new Map<object, unknown>()
  const copy = (value: unknown, path: string): unknown => {
    if (typeof value !== 'object' || value === null || !isPlain(value) || Object.hasOwn(value, 'toString')) return value
    const done = seen.get(value)
    if (done !== undefined) return done
    const out: Record<string, unknown> | unknown[] = Array.isArray(value) ? [] : (Object.create(Object.getPrototypeOf(value) as object | null) as Record<string, unknown>)
    seen.set(value, out)
    if (Array.isArray(value)) value.forEach((v, i) => (out as unknown[]).push(copy(v, `${path}[${i}]`)))
    else for (const [k, v] of Object.entries(value)) Object.defineProperty(out, k, { value: copy(v, path ? `${path}.${k}` : k), enumerable: true, writable: true, configurable: true })
    const shown = Array.isArray(value) ? String(value) : '[object Object]'
    Object.defineProperty(out, 'toString', {
      value: () => {
        printed.push(path)
        return shown
      },
      enumerable: false,
    })
    return out
  }
  return copy(input, '') as Record<string, unknown>
}
