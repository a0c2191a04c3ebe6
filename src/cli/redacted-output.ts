// The one way `assay batch` prints: every byte, its own messages, a server's words quoted in
// them and the runners' output alike, goes through the project's redaction. A line is the
// unit, so a secret split across two chunks of a child's output is still seen whole. A
// runner's coloured diff may cut a key with escape sequences (one highlighted character), so
// each line is also looked at with them taken out.
import { redactOutput } from '../secrets.js'

// Terminal escape sequences: CSI (7- and 8-bit), OSC/DCS/SOS/PM/APC strings up to their
// terminator (or the end of the line), any other ESC sequence, and a lone ESC.
const ESCAPES = /(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?|\x1b[ -/]*[0-~]|\x1b/g

/**
 * One line redacted. When the line, or the line with its escape sequences taken out, holds a
 * secret, the taken-out line is printed redacted: the line loses its colour, and a key cut
 * by colour codes, or hidden in a sequence such as a hyperlink's target, is not printed.
 */
function redactLine(line: string): string {
  const plain = line.replace(ESCAPES, '')
  if (plain === line) return redactOutput(line)
  const redacted = redactOutput(plain)
  return redacted !== plain || redactOutput(line) !== line ? redacted : line
}

const redactLines = (text: string) => text.split(/(?<=\n)/).map(redactLine).join('')

/** A writer that redacts whole lines before passing them on; `end` flushes a last line without its newline. */
export interface RedactingWriter {
  write(text: string): void
  end(): void
}

/**
 * Wraps `stream` so that nothing reaches it unredacted (see redactOutput): complete lines are
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
      if (cut > 0) stream.write(redactLines(all.slice(0, cut)))
    },
    end() {
      if (held) stream.write(redactLines(held))
      held = ''
    },
  }
}
