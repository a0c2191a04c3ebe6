// A merge that git could not finish in a prompt's folder. history.jsonl is only appended to,
// so a merge should keep both sides' lines; without `merge=union` in .gitattributes git
// leaves conflict markers in it instead, and whoever resolves the conflict by taking one
// side loses the other side's registrations and moves. Both are told as a merge, with
// advice that fits one, rather than as a damaged file or an edit.
import { existsSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'

/** The line of `text` (from 1) that is one of git's conflict markers, if any. */
export function conflictMarkerLine(text: string): number | undefined {
  const i = text.split('\n').findIndex((l) => /^(?:<{7}|\|{7}|={7}|>{7})(?:[ \t]|\r?$)/.test(l))
  return i < 0 ? undefined : i + 1
}

/** The `.gitattributes` line that has git merge every prompt's history by keeping both sides' lines. */
export const UNION_LINE = 'prompts/**/history.jsonl merge=union'

/** The repository `path` is in: its work tree and its git folder (a worktree's `.git` file names it). */
function repository(path: string): { root: string; gitDir: string } | undefined {
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

/** The `.gitattributes` line for the registry that holds `folder`, as the repository's root sees it. */
function unionLine(root: string, folder: string): string {
  const registry = relative(root, dirname(resolve(folder))).split(sep).join('/')
  return registry === '' || registry === 'prompts' ? UNION_LINE : `${registry}/**/history.jsonl merge=union`
}

/**
 * When `folder` is in a git repository whose .gitattributes does not have git merge
 * history.jsonl by union, what a merge may have done to the history; otherwise undefined.
 */
export function unionHint(folder: string, history: string): string | undefined {
  const repo = repository(folder)
  if (repo === undefined) return undefined
  let attributes = ''
  try {
    attributes = readFileSync(join(repo.root, '.gitattributes'), 'utf8')
  } catch {
    // No .gitattributes: nothing merges the history by union.
  }
  if (/history\.jsonl\b.*\bmerge=union\b/.test(attributes)) return undefined
  return `If a merge led here instead: this repository's .gitattributes does not have git merge the history by keeping both sides' lines (add \`${unionLine(repo.root, folder)}\`), so a conflict in ${history} resolved by taking one side lost the other side's lines. Put them back (git show OTHER-BRANCH:${history}) beside this side's, keeping every line of both, and run npx assay prompts list.`
}

/**
 * When a git merge is in progress in the repository that holds `folder` (a prompt's folder),
 * the advice for a history that lost one side's lines; otherwise undefined.
 */
export function mergeAdvice(folder: string, history: string): string | undefined {
  const repo = repository(folder)
  if (repo === undefined || !existsSync(join(repo.gitDir, 'MERGE_HEAD'))) return undefined
  const line = unionLine(repo.root, folder)
  return `a git merge is in progress, and ${history} was resolved by taking one side, so it lost the other side's lines. The history is only appended to: resolve it by keeping both sides' lines (git checkout --merge -- "${history}" brings the conflict back; delete the marker lines and keep every other line), and add \`${line}\` to .gitattributes, so that git does so itself in later merges. Then run npx assay prompts list.`
}
