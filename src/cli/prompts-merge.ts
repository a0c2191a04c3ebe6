// `npx assay prompts merge NAME` settles a conflicted labels.json from the three versions git
// keeps of it in the index (base, ours, theirs), merged per key, so that two branches that
// each registered a new version, or each set a label, are both kept; `merge-driver` is the
// same merge run by git itself, for a repository that opts in with .gitattributes.
import { execFileSync } from 'node:child_process'
import { lstatSync, readFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { AssayUsageError } from '../errors.js'
import { PromptRegistryError } from '../prompts/errors.js'
import { LABELS_FILE, parseState, serializeState, type RegistryState } from '../prompts/files.js'
import { lockFolder } from '../prompts/folder-lock.js'
import { conflictMarkerLine, repository } from '../prompts/merge.js'
import { checkName } from '../prompts/order.js'
import type { Registry } from '../prompts/registry.js'
import { describeConflicts, mergeStates, type RegistryMerge, type Side } from '../prompts/three-way.js'
import { contentHashes, EXTENSION } from '../prompts/version-files.js'
import { nodeFileSystem } from '../store/file.js'

const CALLER = 'assay prompts'

/** The name a repository gives the driver in `.gitattributes` and `git config`. */
export const DRIVER = 'assay-labels'

/** The help of `assay prompts merge` and `merge-driver`. */
export const MERGE_USAGE: Record<string, string> = {
  merge: `Usage: assay prompts merge NAME [--ours LABEL]… [--theirs LABEL]… [--dir DIR]

Run while git lists prompts/NAME/labels.json as unmerged (after a merge, rebase, cherry-pick or
stash pop). Reads the three versions git keeps of it (base, ours = HEAD, theirs; during a rebase,
ours is the branch being rebased onto) and merges them key by key, labels and versions apart: a
key one side changed takes that side's value, so versions and labels added on both sides are all
kept. Refused (exit 1, the file left as it is), naming each key with both sides' values:
  - a label both sides moved differently: decide, and run again with --ours LABEL or
    --theirs LABEL;
  - a version both sides registered with different content: keep one side's content in its
    file and save the other as a new version, then run again: the registration of the side
    whose content the file holds is kept.
Otherwise writes labels.json, for you to check and git add.`,
  'merge-driver': `Usage: assay prompts merge-driver BASE OURS THEIRS [PATH]

The merge of "assay prompts merge" run by git itself. Opt in with a line in .gitattributes,
  prompts/**/labels.json merge=${DRIVER}
and once per clone:
  git config merge.${DRIVER}.driver "npx assay prompts merge-driver %O %A %B %P"
Writes the merged file to OURS (exit 0); when both sides changed a key differently, leaves git's
own line merge with its conflict markers there (exit 1), to settle with assay prompts merge.`,
}

// git without a shell: the paths are the user's.
function git(cwd: string, args: string[]): string {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 })
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new AssayUsageError(CALLER, 'merge reads labels.json\'s conflict from git, but git is not installed (or not on PATH).')
    const stderr = String((e as { stderr?: unknown }).stderr ?? '').trim()
    throw new PromptRegistryError(cwd, `git ${args.join(' ')} failed in ${cwd}: ${stderr || (e as Error).message}. Fix the repository (git status says what is wrong) and run again.`)
  }
}

/** A version whose file now holds one side's content takes that side's registration. */
function sideOfFile(folder: string): (version: string, ours: string | undefined, theirs: string | undefined) => Side | undefined {
  return (version, ours, theirs) => {
    const path = join(folder, `${version}${EXTENSION}`)
    let alike: string[]
    try {
      if (!lstatSync(path).isFile()) return undefined
      alike = contentHashes(readFileSync(path))
    } catch {
      return undefined
    }
    return ours !== undefined && alike.includes(ours) ? 'ours' : theirs !== undefined && alike.includes(theirs) ? 'theirs' : undefined
  }
}

/**
 * How a merge reads a side's older-format labels (bare version names): as bare names still,
 * bound to no content, so that the merged file keeps them bare and the registry's reads bind
 * them against the history afterwards, as they do for any older-format file. Bound here to
 * the registered hash instead, a label on a version rewritten after its move would be
 * written as bound to the rewrite.
 */
const keepBare = (): never => {
  throw new Error('a merge keeps them as written')
}

/** The merge's outcome: the state to write, or why not (each key both sides changed). */
function settle(merge: RegistryMerge, name: string, registry: Registry, folder: string, shown: string, sides: Map<string, Side>): RegistryState {
  const unused = [...sides.keys()].filter((label) => !merge.decided.includes(label))
  if (unused.length) throw new AssayUsageError(CALLER, `--ours/--theirs ${unused.join(', ')}: no label of that name was moved differently on the two sides, so there is nothing to decide. Name only the labels the conflict lists.`)
  if (merge.conflicts.length) {
    throw new PromptRegistryError(shown, `${shown} was left as it is: ${merge.conflicts.length === 1 ? 'one key was' : `${merge.conflicts.length} keys were`} changed differently on the two sides (ours is HEAD; during a rebase, the branch being rebased onto):\n${describeConflicts(merge.conflicts, name, registry.show(folder))}`)
  }
  try {
    parseState(serializeState(merge.state), shown)
  } catch (e) {
    if (!(e instanceof PromptRegistryError)) throw e
    throw new PromptRegistryError(shown, `${shown} was left as it is: the merged file would be refused: ${e.message}`)
  }
  return merge.state
}

// A label bound to other content than its version's merged registration (one side moved it,
// the other side's content won the version) is served by nobody until it is moved again.
function stale(state: RegistryState, name: string): string[] {
  return Object.entries(state.labels)
    .filter(([, e]) => e.sha256 !== undefined && state.versions[e.version] !== undefined && state.versions[e.version] !== e.sha256)
    .map(([label, e]) => `${CALLER}: ${name}: the label "${label}" names ${e.version} with content other than the one kept for it (sha256 ${e.sha256!.slice(0, 12)}); it is refused until it is moved again: npx assay prompts label ${name} VERSION ${label} --reason "…"\n`)
}

/**
 * Runs `assay prompts merge NAME`: merges the conflicted labels.json of prompt NAME from the
 * index's stages and writes it; resolves to the exit code (0 merged, 1 a real conflict or a
 * damaged side, the file untouched; a usage error is thrown).
 */
export function mergeCommand(registry: Registry, nameGiven: string, sides: Map<string, Side>, io: { stdout: { write(text: string): unknown }; stderr: { write(text: string): unknown } }): number {
  const name = checkName('prompt', nameGiven, CALLER)
  const folder = registry.folderOf(name, CALLER)
  const labelsPath = join(folder, LABELS_FILE)
  const shown = registry.show(labelsPath)
  if (repository(folder) === undefined) throw new AssayUsageError(CALLER, `${registry.show(folder)} is in no git repository: merge settles a labels.json that a git merge, rebase, cherry-pick or stash pop left conflicted.`)
  const stages = new Set(
    git(folder, ['ls-files', '-u', '-z', '--', LABELS_FILE])
      .split('\0')
      .map((entry) => /^\d+ [0-9a-f]+ ([123])\t/.exec(entry)?.[1])
      .filter((s) => s !== undefined),
  )
  if (stages.size === 0) {
    let text: string | undefined
    try {
      text = readFileSync(labelsPath, 'utf8')
    } catch {
      text = undefined
    }
    if (text !== undefined && conflictMarkerLine(text) !== undefined) {
      throw new PromptRegistryError(shown, `${shown} holds conflict markers, but git no longer records it as conflicted (it was git add-ed with them). Bring the conflict back with git checkout -m -- "${shown}", then run npx assay prompts merge ${name} again.`)
    }
    throw new AssayUsageError(CALLER, `${shown} is not conflicted in git, so there is nothing to merge. Run this while git status lists it as unmerged (after a merge, rebase, cherry-pick or stash pop that conflicted in it).`)
  }
  if (!stages.has('2') || !stages.has('3')) {
    throw new PromptRegistryError(shown, `${shown} was deleted on ${stages.has('2') ? 'their' : 'our'} side and changed on the other, which is a decision about the whole prompt, not about its labels: keep it (git checkout --${stages.has('2') ? 'ours' : 'theirs'} -- "${shown}" and git add it) or delete it (git rm "${shown}").`)
  }
  const side = (stage: string, what: string) => parseState(stages.has(stage) ? git(folder, ['show', `:${stage}:./${LABELS_FILE}`]) : undefined, `${shown} (${what}, stage ${stage})`, keepBare)
  // No base stage: both sides added the file.
  const merge = mergeStates(side('1', 'base'), side('2', 'ours'), side('3', 'theirs'), (label) => sides.get(label), sideOfFile(folder))
  const state = settle(merge, name, registry, folder, shown, sides)
  const release = lockFolder(registry.fs, labelsPath, folder, (p) => registry.show(p))
  try {
    registry.fs.writeAtomic(labelsPath, serializeState(state))
  } finally {
    release()
  }
  for (const line of stale(state, name)) io.stderr.write(line)
  io.stdout.write(`${name}: merged ${shown}, keeping both sides' labels and versions. Check it with npx assay prompts list, then: git add "${shown}"\n`)
  return 0
}

/**
 * Runs `assay prompts merge-driver BASE OURS THEIRS [PATH]` as git runs a merge driver (`%O %A
 * %B %P`): writes the merged labels.json to OURS and returns 0; when the two sides really
 * conflict (or a side cannot be read), leaves git's own line merge, with its markers, in
 * OURS, and returns 1, so that nothing is decided silently.
 */
export function mergeDriver(args: readonly string[], cwd: string, io: { stderr: { write(text: string): unknown } }): number {
  const [base, ours, theirs, path = LABELS_FILE] = args as [string, string, string, string | undefined]
  const read = (file: string, what: string) => {
    const text = readFileSync(join(cwd, file), 'utf8')
    // git passes an empty file as the base when both sides added labels.json.
    return parseState(text.trim() === '' ? undefined : text, `${path} (${what})`, keepBare)
  }
  let problem: string
  try {
    const merge = mergeStates(read(base, 'base'), read(ours, 'ours'), read(theirs, 'theirs'))
    if (merge.conflicts.length === 0) {
      const text = serializeState(merge.state)
      parseState(text, path)
      nodeFileSystem().writeAtomic(join(cwd, ours), text)
      return 0
    }
    problem = `both sides changed these differently:\n${describeConflicts(merge.conflicts, basename(dirname(path)), dirname(path))}`
  } catch (e) {
    if (!(e instanceof PromptRegistryError)) throw e
    problem = e.message
  }
  try {
    execFileSync('git', ['merge-file', '-L', 'ours', '-L', 'base', '-L', 'theirs', ours, base, theirs], { cwd, stdio: 'ignore' })
  } catch {
    // merge-file exits with the number of conflicts it left marked: the file is conflicted either way.
  }
  io.stderr.write(`${CALLER}: ${path} was not merged: ${problem}\nAfter deciding, run npx assay prompts merge ${basename(dirname(path))} to merge it, then git add it.\n`)
  return 1
}
