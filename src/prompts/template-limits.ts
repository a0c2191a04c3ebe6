// What a template may cost before Handlebars sees it. Handlebars parses nested
// subexpressions (`{{json (json (json a))}}`) in time that grows faster than their depth
// (8,000 levels take minutes), and a helper such as `json` doubles its text at each level,
// so a template of 200 bytes can render gigabytes. The depth is measured on the text, in one
// pass, before any parse.

/** The deepest a tag may nest subexpressions: `{{a (b (c d))}}` is 2 deep. */
export const MAX_SUBEXPRESSION_DEPTH = 5

/** The first tag that nests subexpressions deeper than `limit`: its line (from 1) and depth. */
export function tooDeep(template: string, limit: number): { line: number; depth: number } | undefined {
  let line = 1
  let i = 0
  const n = template.length
  while (i < n) {
    const open = template.indexOf('{{', i)
    if (open < 0) return undefined
    line += countLines(template, i, open)
    i = open + 2
    // An escaped `\{{` is text.
    if (open > 0 && template[open - 1] === '\\') continue
    // Comments hold any text, parentheses included.
    if (template[i] === '!') {
      const end = template.startsWith('!--', i) ? template.indexOf('--}}', i) : template.indexOf('}}', i)
      const stop = end < 0 ? n : end
      line += countLines(template, i, stop)
      i = stop
      continue
    }
    let depth = 0
    const start = line
    for (; i < n && !template.startsWith('}}', i); i++) {
      const c = template[i]!
      if (c === '\n') line++
      else if (c === '"' || c === "'") {
        const close = template.indexOf(c, i + 1)
        const stop = close < 0 ? n : close
        line += countLines(template, i, stop)
        i = stop
      } else if (c === '(') {
        depth++
        if (depth > limit) return { line: start, depth }
      } else if (c === ')') depth = Math.max(0, depth - 1)
    }
  }
  return undefined
}

function countLines(text: string, from: number, to: number): number {
  let lines = 0
  for (let k = text.indexOf('\n', from); k >= 0 && k < to; k = text.indexOf('\n', k + 1)) lines++
  return lines
}
