// The one way `assay batch` prints: every byte, its own messages, a server's words quoted in
// them and the runners' output alike, goes through the project's redaction. A line is the
// unit, so a secret split across two chunks of a child's output is still seen whole.
import { redactText } from '../secrets.js'

/** A writer that redacts whole lines before passing them on; `end` flushes a last line without its newline. */
export interface RedactingWriter {
  write(text: string): void
  end(): void
}

/**
 * Wraps `stream` so that nothing reaches it unredacted (see redactText): complete lines are
 * passed on as they arrive, the rest waits for its newline or for `end`.
 *
 * @example
 * ```ts
 * const out = redactingWriter(process.stdout)
 * out.write(`status 401: ${error.message}\n`) // an echoed "Bearer sk-…" prints as [REDACTED]
 * out.end()
 * ```
 */
export function redactingWriter(stream: { write(text: string): unknown }): RedactingWriter {
  let held = ''
  return {
    write(text) {
      const all = held + text
      const cut = all.lastIndexOf('\n') + 1
      held = all.slice(cut)
      if (cut > 0) stream.write(redactText(all.slice(0, cut)))
    },
    end() {
      if (held) stream.write(redactText(held))
      held = ''
    },
  }
}
