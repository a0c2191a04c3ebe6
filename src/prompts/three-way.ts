// The three-way merge of labels.json that git's line merge cannot do: git conflicts whenever
// two branches insert at the same place (each registers a new version, or sets a prompt's
// first label), because the previous last entry gains a comma on both sides. Merged per key
// instead, labels and versions apart, only a real disagreement is left: the same label moved
// to two places, or the same version registered with two contents.
import type { LabelEntry, RegistryState } from './state.js'

/** A key both sides changed differently from the merge base. */
export interface StateConflict {
  kind: 'label' | 'version'
  key: string
  /** Each side's value in words ("v3 (sha256 57187e…)", "(none)"). */
  base: string
  ours: string
  theirs: string
}

/** Which side a conflict on a label is settled for, when the user has decided. */
export type Side = 'ours' | 'theirs'

/** What a merge of labels.json came to. */
export interface RegistryMerge {
  /** The merged file; a key in conflict is left out. */
  state: RegistryState
  conflicts: StateConflict[]
  /** The labels both sides moved differently that `labelSide` settled. */
  decided: string[]
}

const shortHash = (hash: string | undefined) => (hash === undefined ? 'no recorded hash' : `sha256 ${hash.slice(0, 12)}`)
const labelWords = (e: LabelEntry | undefined) => (e === undefined ? '(not set)' : `${e.version} (${shortHash(e.sha256)})`)
const versionWords = (h: string | undefined) => (h === undefined ? '(not registered)' : shortHash(h))
// An older-format entry (a bare version name, no hash) and the same version with a hash are
// one label: the hash is what the registry's upgrade of that file added, not a move.
const sameLabel = (a: LabelEntry | undefined, b: LabelEntry | undefined) =>
  a === b || (a !== undefined && b !== undefined && a.version === b.version && (a.sha256 === b.sha256 || a.sha256 === undefined || b.sha256 === undefined))
const sameVersion = (a: string | undefined, b: string | undefined) => a === b

function mergeMap<T>(
  base: Record<string, T>,
  ours: Record<string, T>,
  theirs: Record<string, T>,
  same: (a: T | undefined, b: T | undefined) => boolean,
  settle: (key: string, o: T | undefined, t: T | undefined) => T | undefined | 'conflict',
): { merged: Record<string, T>; conflicting: string[] } {
  const merged = Object.create(null) as Record<string, T>
  const conflicting: string[] = []
  const keys = new Set([...Object.keys(base), ...Object.keys(ours), ...Object.keys(theirs)])
  for (const key of keys) {
    const [b, o, t] = [base[key], ours[key], theirs[key]]
    // A side that left the key as the base had it takes the other side's change (an add, a
    // move, a drop); both sides making the same change is no conflict either.
    const value = same(o, t) || same(t, b) ? o : same(o, b) ? t : settle(key, o, t)
    if (value === 'conflict') conflicting.push(key)
    else if (value !== undefined) merged[key] = value
  }
  return { merged, conflicting: conflicting.sort() }
}

/**
 * Merges three parsed labels.json files key by key. A label both sides moved differently is
 * taken from the side `labelSide` names for it, else a conflict; a version both sides
 * registered with different hashes from the side `versionSide` names (the side whose content
 * the version's file now holds), else a conflict. A conflict leaves the key out of `state`.
 *
 * @example
 * ```ts
 * const { state, conflicts } = mergeStates(parseState(base, 'base'), parseState(ours, 'ours'), parseState(theirs, 'theirs'))
 * if (conflicts.length === 0) writeFileSync(path, serializeState(state))
 * ```
 */
export function mergeStates(
  base: RegistryState,
  ours: RegistryState,
  theirs: RegistryState,
  labelSide: (label: string) => Side | undefined = () => undefined,
  versionSide: (version: string, ours: string | undefined, theirs: string | undefined) => Side | undefined = () => undefined,
): RegistryMerge {
  const pick = <T>(side: Side | undefined, o: T, t: T) => (side === undefined ? 'conflict' : side === 'ours' ? o : t)
  const decided: string[] = []
  const labels = mergeMap(base.labels, ours.labels, theirs.labels, sameLabel, (k, o, t) => {
    const side = labelSide(k)
    if (side !== undefined) decided.push(k)
    return pick(side, o, t)
  })
  const versions = mergeMap(base.versions, ours.versions, theirs.versions, sameVersion, (k, o, t) => pick(versionSide(k, o, t), o, t))
  // Where the kept entry is a bare name and a side holds the same version with its hash, the
  // bound one is kept, as that side's registry bound it.
  for (const [key, kept] of Object.entries(labels.merged)) {
    if (kept.sha256 !== undefined) continue
    const bound = [ours.labels[key], theirs.labels[key]].find((e) => e !== undefined && e.version === kept.version && e.sha256 !== undefined)
    if (bound !== undefined) labels.merged[key] = bound
  }
  const conflicts: StateConflict[] = [
    ...labels.conflicting.map((key) => ({ kind: 'label' as const, key, base: labelWords(base.labels[key]), ours: labelWords(ours.labels[key]), theirs: labelWords(theirs.labels[key]) })),
    ...versions.conflicting.map((key) => ({ kind: 'version' as const, key, base: versionWords(base.versions[key]), ours: versionWords(ours.versions[key]), theirs: versionWords(theirs.versions[key]) })),
  ]
  return { state: { labels: labels.merged, versions: versions.merged }, conflicts, decided }
}

/**
 * Each conflict in words, with what to do about it: for a label, decide which move is right;
 * for a version, keep one content in its file and save the other as a new version.
 */
export function describeConflicts(conflicts: readonly StateConflict[], name: string, folder: string): string {
  return conflicts
    .map((c) => {
      const values = `ours ${c.ours}, theirs ${c.theirs} (base ${c.base})`
      if (c.kind === 'label') {
        return `  label "${c.key}" was moved on both sides: ${values}. Decide which move is right and run npx assay prompts merge ${name} --ours ${c.key} (or --theirs ${c.key}).`
      }
      return `  version "${c.key}" was registered on both sides with different content: ${values}. Keep one side's content in ${folder}/${c.key}.prompt (git checkout --ours -- FILE, or --theirs) and save the other side's as a new version (git show :3:./${c.key}.prompt > NEW.prompt in that folder for theirs, :2: for ours), then run npx assay prompts merge ${name} again: it keeps the registration of the side whose content the file holds, and the next read registers the new version.`
    })
    .join('\n')
}
