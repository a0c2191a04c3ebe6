// The registry's place in a git repository: the conflict markers a merge leaves in its files,
// the history's merge rule, and where the repository's own folder is (to keep an update's
// journal out of the work tree).
import { readFileSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'

/**
 * The line (from 1) where a conflict git left in a text file opens: a `<<<<<<<` line with a
 * `=======` and then a `>>>>>>>` line after it, outside fenced code. A template may hold a line
 * of seven `=` (a Markdown heading's underline) or of seven `<` on its own, or show a conflict
 * as an example in a code fence; only a whole block in the text itself is a merge left unresolved.
 */
export function conflictOpening(text: string): number | undefined {
  let fence: string | undefined
  let open: number | undefined
  let middle = false
  for (const [i, line] of text.split('\n').entries()) {
    const mark = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1]
    if (mark !== undefined && (fence === undefined || (mark[0] === fence[0] && mark.length >= fence.length))) {
      fence = fence === undefined ? mark : undefined
      continue
    }
    if (fence !== undefined) continue
    if (/^<{7}(?:[ \t]|\r?$)/.test(line)) [open, middle] = [i + 1, false]
    else if (open !== undefined && /^={7}\r?$/.test(line)) middle = true
    else if (open !== undefined && middle && /^>{7}(?:[ \t]|\r?$)/.test(line)) return open
  }
  return undefined
}

/** The line of `text` (from 1) that is one of git's conflict markers, if any. */
export function conflictMarkerLine(text: string): number | undefined {
  const i = text.split('\n').findIndex((l) => /^(?:<{7}|\|{7}|={7}|>{7})(?:[ \t]|\r?$)/.test(l))
  return i < 0 ? undefined : i + 1
}

/** The `.gitattributes` line that has git merge every prompt's history (an audit log) by keeping both sides' lines. */
export const UNION_LINE = 'prompts/**/history.jsonl merge=union'

/** The repository `path` is in: its work tree and its git folder (a worktree's `.git` file names it). */
export function repository(path: string): { root: string; gitDir: string } | undefined {
  for (let dir = resolve(path); ; dir = dirname(dir)) {
    const dotGit = join(dir, '.git')
    try {
      if (statSync(dotGit).isDirectory()) return { root: dir, gitDir: dotGit }
      const named = /^gitdir:[ \t]*(.+?)\s*$/m.exec(readFileSync(dotGit, 'utf8'))?.[1]
      if (named !== undefined) return { root: dir, gitDir: resolve(dir, named) }
    } catch {
      // No .git here: look in the folder above.
    }
    if (dirname(dir) === dir) return undefined
  }
}
