// How both reporters turn a runner's error object into report text, the same way, so
// equivalent runs give equal results.json in Vitest and Jest.
const PLAIN = new Set(['Error', 'AssertionError', 'JestAssertionError'])

/** An error's message, prefixed by its class name unless it is a plain or assertion error. */
export function errorText(e: unknown): string {
  if (e === null || e === undefined) return 'unknown error'
  if (typeof e !== 'object') return String(e)
  const { name, message } = e as { name?: unknown; message?: unknown }
  const text = typeof message === 'string' ? message : String(e)
  return typeof name === 'string' && name && !PLAIN.has(name) && !text.startsWith(`${name}:`) ? `${name}: ${text}` : text
}
