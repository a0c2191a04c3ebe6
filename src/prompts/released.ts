// Whether a version is released: committed at HEAD. A registry folder or a prompt's folder
// moved since the last commit (git mv, or mv then git add -A) has no labels.json at HEAD under
// its new path, so HEAD is searched as a whole: any labels.json committed there that
// registers the version's name with the same hash holds it released.
import { execFileSync } from 'node:child_process'
import { join, relative } from 'node:path'
import { PromptRegistryError } from './errors.js'
import { LABELS_FILE } from './files.js'
import { repository } from './merge.js'
import { sameName } from './order.js'

// The versions map's entries as the registry writes them, one a line: "v3": "<sha256>".
const ENTRY = /^\s*("(?:[^"\\\n]|\\.)*")\s*:\s*"([0-9a-f]{64})"/

/** Whether the text of a committed labels.json registers `version` with `hash`, by its JSON or by any of its lines. */
function registers(text: string, version: string, hash: string): boolean {
  try {
    const versions = (JSON.parse(text) as { versions?: unknown } | null)?.versions
    if (typeof versions === 'object' && versions !== null && Object.entries(versions).some(([k, v]) => v === hash && sameName(k, version))) return true
  } catch {
    // Not JSON (conflict markers committed, a hand edit): its lines still say what it registers.
  }
  return text.split('\n').some((line) => {
    const m = ENTRY.exec(line)
    if (m === null || m[2] !== hash) return false
    try {
      return sameName(JSON.parse(m[1]!) as string, version)
    } catch {
      return false
    }
  })
}

function git(root: string, args: string[], what: string, folder: string): string | undefined {
  try {
    // execFile, no shell: paths and names are the user's.
    return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 })
  } catch (e) {
    const status = (e as { status?: unknown }).status
    const stderr = String((e as { stderr?: unknown }).stderr ?? '').trim()
    // git grep's "nothing found".
    if (status === 1 && stderr === '') return ''
    if (/unable to resolve revision|bad revision|unknown revision|invalid object name|not a valid object name|ambiguous argument 'HEAD'/i.test(stderr)) return undefined
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw e
    throw new PromptRegistryError(folder, `could not tell whether a version is committed: git ${what} failed in ${root}: ${stderr || (e as Error).message}. Fix the repository (git status says what is wrong) and run again.`)
  }
}

/**
 * Where at HEAD a labels.json registers `version` with `hash`, if one does: its path in the
 * repository, and whether that is this folder's own path (looked at first). Undefined when
 * none does or the repository has no commit yet; null when `folder` is in no git repository
 * (or git is not installed).
 */
export function releasedAt(folder: string, version: string, hash: string): { path: string; own: boolean } | undefined | null {
  const repo = repository(folder)
  if (repo === undefined) return null
  let found: string | undefined
  try {
    // Only the hash is searched for (hex, so no pattern can misread it); each file it is in decides.
    found = git(repo.root, ['grep', '-l', '-z', '--full-name', '-F', '-e', hash, 'HEAD', '--', `*${LABELS_FILE}`], 'grep HEAD', folder)
  } catch (e) {
    // No git program: the folder is handled as one outside git.
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw e
  }
  if (found === undefined) return undefined
  const own = relative(repo.root, join(folder, LABELS_FILE)).split('\\').join('/')
  const paths = found
    .split('\0')
    .filter((p) => p.startsWith('HEAD:'))
    .map((p) => p.slice('HEAD:'.length))
    .sort((a, b) => Number(b === own) - Number(a === own))
  for (const path of paths) {
    const text = git(repo.root, ['cat-file', 'blob', `HEAD:${path}`], `cat-file blob HEAD:${path}`, folder)
    if (text !== undefined && registers(text, version, hash)) return { path, own: path === own }
  }
  return undefined
}
