// Handlebars prints whatever a template reaches with String(value), so an object reached
// through `{{x.y}}`, `{{#each}}`, `{{#with}}` or `{{lookup}}` prints as "[object Object]"
// without a word. Which values a template prints cannot be told from its parse alone, so
// the input is copied with a toString on each plain object and array that notes where it
// was printed; the renderer then refuses what was noted. Values no template can use as
// data are refused while copying, wherever they are: a function (Handlebars would call it),
// a Symbol (it cannot become text), a Map or a Set (data whose text is "[object Map]"), a
// Promise not awaited, and binary data (a typed array prints as its numbers).

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as object | null
  return proto === null || proto === Object.prototype || Array.isArray(value)
}

/** What a value is, when it is one no template can use as data. */
function unusable(value: unknown): string | undefined {
  if (typeof value === 'function') return 'a function, which the template would call'
  if (typeof value === 'symbol') return 'a Symbol, which cannot become text'
  if (typeof value !== 'object' || value === null) return undefined
  // By tag, not instanceof: Jest runs tests in another realm.
  const tag = Object.prototype.toString.call(value)
  const kind = tag.slice(8, -1)
  if (['Map', 'WeakMap', 'Set', 'WeakSet', 'ArrayBuffer', 'SharedArrayBuffer', 'DataView', 'Generator', 'AsyncGenerator', 'WeakRef', 'FinalizationRegistry'].includes(kind)) return `${/^[AEIOU]/.test(kind) ? 'an' : 'a'} ${kind}, which would print as "${tag}"`
  // A Promise whose Symbol.toStringTag was redefined is still one; so is any thenable.
  if (kind === 'Promise' || typeof (value as { then?: unknown }).then === 'function') return `a Promise, which would print as "${tag}": await it before rendering`
  // A typed array prints its numbers joined by commas (`1,2`), never the text they may
  // encode; a Node Buffer prints as its UTF-8 text, as its author meant.
  if (ArrayBuffer.isView(value) && !Buffer.isBuffer(value)) return `a ${kind}, which would print as its numbers: decode it to text before rendering`
  return undefined
}

/**
 * A copy of `input` whose plain objects and arrays record their path in `printed` when a
 * template turns them into text. Objects with their own `toString`, and class instances
 * (a Date), print as their author chose and are kept as they are. A function, Symbol, Map
 * or Set anywhere in plain data, and a Promise, Map, Set or typed array anywhere in a class
 * instance's own fields, is passed to `refuse` with its path.
 */
export function guardPrinted(input: Record<string, unknown>, printed: string[], refuse: (path: string, what: string) => never): Record<string, unknown> {
  const seen = new Map<object, unknown>()
  // A class instance (a DTO, an ORM document) is kept as it is, for its getters and methods,
  // but what its own fields hold is data a template reaches like any other. Its own functions
  // are its methods, which its author meant it to have.
  const inspected = new Set<object>()
  const inspect = (value: object, path: string): void => {
    if (inspected.has(value) || ArrayBuffer.isView(value)) return
    inspected.add(value)
    for (const [k, v] of Object.entries(value)) {
      if (typeof v === 'function') continue
      const at = Array.isArray(value) ? `${path}[${k}]` : path ? `${path}.${k}` : k
      const what = unusable(v)
      if (what !== undefined) refuse(at, what)
      if (typeof v === 'object' && v !== null) inspect(v, at)
    }
  }
  const copy = (value: unknown, path: string): unknown => {
    const what = unusable(value)
    if (what !== undefined) refuse(path, what)
    if (typeof value !== 'object' || value === null) return value
    if (!isPlain(value) || Object.hasOwn(value, 'toString')) {
      inspect(value, path)
      return value
    }
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
