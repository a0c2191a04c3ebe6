// The registry's place in a git repository: git's three-way merge of labels.json decides
// what two branches' label moves and registrations become, and the registry asks git only
// what labels.json holds at HEAD (to tell a committed, released version from a draft) and
// where the repository's own folder is (to keep an update's journal out of the work tree).
import { execFileSync } from 'node:child_process'
import { readFileSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { PromptRegistryError } from './errors.js'

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

/**
 * The text of `file` (in `folder`) as committed at HEAD: undefined when the repository has no
 * commit yet or HEAD lacks the file; null when `folder` is in no git repository (or git is
 * not installed).
 */
export function committedText(folder: string, file: string): string | undefined | null {
  if (repository(folder) === undefined) return null
  try {
    // execFile, no shell: the path is the user's.
    return execFileSync('git', ['show', `HEAD:./${file}`], { cwd: folder, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 })
  } catch (e) {
    // No git program: the folder is handled as one outside git.
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null
    const stderr = String((e as { stderr?: unknown }).stderr ?? '')
    if (/does not exist|exists on disk, but not in|invalid object name|bad revision|unknown revision|not a valid object name/i.test(stderr)) return undefined
    throw new PromptRegistryError(folder, `could not tell whether ${file} is committed: git show HEAD:./${file} failed in ${folder}: ${stderr.trim() || (e as Error).message}. Fix the repository (git status says what is wrong) and run again.`)
  }
}
