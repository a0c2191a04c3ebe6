// One project's prompt registry: the version files under <root>/<name>/, checked against
// the hashes labels.json records, and the labels it sets, each bound to its content. Every read checks
// every version of the prompt read; what it finds refuses only the version (or label) concerned.
import { readdirSync } from 'node:fs'
import { isAbsolute, join, relative } from 'node:path'
import { AssayUsageError } from '../errors.js'
import { onCi } from '../ci.js'
import { nodeFileSystem, type StoreFileSystem } from '../store/file.js'
import { PromptRegistryError } from './errors.js'
import { checkVersions } from './check.js'
import { RegistryFiles, type RegistryState } from './files.js'
import { checkName, compareVersions, RESERVED, twinKey } from './order.js'
import { conflictOpening } from './merge.js'
import { checkFolderLink, contentHashes, EXTENSION, freeVersion, isFolder, MERGETOOL_LEFTOVER, readVersion } from './version-files.js'
import type { LabelMove, PromptVersionInfo, VersionRegistration } from './types.js'

/** Where a registry lives and how it runs. */
export interface RegistryOptions {
  /** The registry's folder, absolute. */
  root: string
  /** The project root, which messages show paths relative to. */
  cwd: string
  env: Record<string, string | undefined>
  fs?: StoreFileSystem
  /** Where a command says that it finished or dropped an update cut short by a crash; default stderr. */
  notify?: (text: string) => void
}

/** One version file as read now. */
export interface VersionFile extends Omit<PromptVersionInfo, 'problem'> {
  text: string
  /** Every hash its content may be recorded with (see {@link contentHashes}); `hash` is one of them. */
  alike?: string[]
  /** Why this version cannot be used; refused when it is asked for. */
  problem?: PromptRegistryError
}

// A version asked for: refused when it has a problem.
function usable(file: VersionFile): VersionFile {
  if (file.problem !== undefined) throw file.problem
  return file
}

/** A prompt's versions (oldest first) and its registry state, checked against each other. */
export interface Scan {
  name: string
  versions: VersionFile[]
  state: RegistryState
  files: RegistryFiles
  /** Versions labels.json does not register; registered by {@link Registry.register}. */
  unregistered: VersionFile[]
  /** Labels that cannot be served, and why: refused when asked for; the versions load. */
  labelProblems: Map<string, PromptRegistryError>
}

export { nextVersion } from './version-files.js'

export class Registry {
  readonly fs: StoreFileSystem

  constructor(readonly options: RegistryOptions) {
    this.fs = options.fs ?? nodeFileSystem()
  }

  show(path: string): string {
    const rel = relative(this.options.cwd, path)
    return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel
  }

  /** The prompts in the registry, by name. */
  names(): string[] {
    let entries
    try {
      entries = readdirSync(this.options.root, { withFileTypes: true })
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw e
    }
    // Links to folders are listed too, so that one leading out of the registry is reported.
    const folders = entries.filter((e) => !e.name.startsWith('.') && (e.isDirectory() || (e.isSymbolicLink() && isFolder(join(this.options.root, e.name)))))
    const names = folders.map((e) => e.name.normalize('NFC'))
    return [...new Set(names)].sort()
  }

  /**
   * The folder of a prompt: the directory entry whose name is `name` in NFC, whichever form
   * the disk keeps it in (a tree made on macOS, or unpacked from its archive, keeps NFD).
   */
  folderOf(name: string, caller: string): string {
    let entries: string[] = []
    try {
      entries = readdirSync(this.options.root)
    } catch {
      // No registry folder: the prompt is reported missing below.
    }
    const matches = entries.filter((e) => e.normalize('NFC') === name)
    if (matches.length > 1) throw new AssayUsageError(caller, `${matches.map((m) => this.show(join(this.options.root, m))).join(' and ')} are the same prompt name in different Unicode forms. Merge them into one folder.`)
    return join(this.options.root, matches[0] ?? name)
  }

  /**
   * Reads a prompt's version files and labels.json and checks that they agree. A damaged
   * registry file refuses the whole prompt; an edited or deleted registered version, or an
   * entry that cannot be a version (a stray name, a link, a folder, a twin, a version
   * registered twice by a merge, an unregistered version on CI) gets a `problem`, which
   * refuses only that version and the labels on it ({@link resolve}); a label whose version's
   * file is not the content it was set on is in `labelProblems`, refused only itself. Hidden files (editor locks, `._` files) are
   * not versions and are ignored.
   */
  scan(nameGiven: string, caller: string): Scan {
    const name = checkName('prompt', nameGiven, caller)
    const folder = this.folderOf(name, caller)
    checkFolderLink(folder, this.options.root, (p) => this.show(p))
    let entries: string[]
    try {
      entries = readdirSync(folder)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' && (e as NodeJS.ErrnoException).code !== 'ENOTDIR') throw e
      const known = this.names()
      throw new AssayUsageError(caller, `there is no prompt "${name}" in ${this.show(this.options.root)}. ${known.length ? `Prompts there: ${known.join(', ')}.` : 'It has no prompts yet.'} Add its first version as ${this.show(join(folder, `v1${EXTENSION}`))}.`)
    }
    const files = new RegistryFiles(this.fs, folder, (p) => this.show(p), this.options.notify)
    // An update cut short by a crash is finished by the next look outside CI (CI only reads).
    if (!onCi(this.options.env)) files.settle()
    const state = files.read()
    const byName = new Map<string, string[]>()
    for (const entry of entries) {
      if (entry.startsWith('.') || !entry.endsWith(EXTENSION)) continue
      const version = entry.slice(0, -EXTENSION.length).normalize('NFC')
      if (MERGETOOL_LEFTOVER.test(version)) continue
      byName.set(version, [...(byName.get(version) ?? []), entry])
    }
    const problems = new Map<string, PromptRegistryError>()
    const refuse = (version: string, message: string) => {
      if (!problems.has(version)) problems.set(version, new PromptRegistryError(this.show(join(folder, byName.get(version)![0]!)), message))
    }
    // Of two names that cannot both be versions, a registered one stays usable: the other
    // is the newcomer. When neither or both are registered, both are refused.
    const registered = new Set(Object.keys(state.versions))
    const refuseTwins = (a: string, b: string, message: string) => {
      for (const v of [a, b]) if (registered.has(a) === registered.has(b) || !registered.has(v)) refuse(v, message)
    }
    const others = (version: string) => [...byName.keys()].filter((v) => v !== version && !(RESERVED as readonly string[]).includes(v) && !Object.hasOwn(state.labels, v))
    const folded = new Map<string, string>()
    for (const [version, [entry, twin]] of byName as Map<string, [string, string | undefined]>) {
      const shown = this.show(join(folder, entry))
      try {
        checkName('version', version, caller)
      } catch (e) {
        refuse(version, `${shown}: ${(e as Error).message.replace(`${caller}: `, '')} Rename the file, e.g. to ${freeVersion(others(version), state.labels)}${EXTENSION}, or move it out of ${this.show(folder)}.`)
      }
      if (twin !== undefined) refuse(version, `${shown} and ${this.show(join(folder, twin))} are the same version name in different Unicode forms. Remove one.`)
      if ((RESERVED as readonly string[]).includes(version)) {
        refuse(version, `${shown}: "${version}" is a reserved name, so it cannot be a version name. Rename the file, e.g. to ${freeVersion(others(version), state.labels)}${EXTENSION}.`)
      }
      if (Object.hasOwn(state.labels, version) && registered.has(version)) {
        refuse(version, `"${version}" is a registered version of prompt "${name}", so the label "${version}" in ${this.show(files.labelsPath)} (pointing at "${state.labels[version]!.version}") is what is damaged: remove it there, or rename it (e.g. to "staging").`)
      } else if (Object.hasOwn(state.labels, version)) {
        refuse(version, `${shown}: "${version}" is already a label of prompt "${name}" (pointing at "${state.labels[version]!.version}" in ${this.show(files.labelsPath)}), so it cannot be a version name. Rename the file, e.g. to ${freeVersion(others(version), state.labels)}${EXTENSION}.`)
      }
      // Names that differ only in case are one file on macOS and Windows; names that differ
      // only in compatibility forms (full-width letters) read as one.
      const caseTwin = folded.get(twinKey(version))
      if (caseTwin !== undefined) {
        const how = caseTwin.toLowerCase() === version.toLowerCase() ? 'in case, so they are one file on macOS and Windows' : 'in Unicode compatibility forms (such as full-width letters), so they read as one name'
        const message = `${this.show(join(folder, byName.get(caseTwin)![0]!))} and ${shown} differ only ${how}. Rename one, e.g. to ${freeVersion([...byName.keys()], state.labels)}${EXTENSION}.`
        refuseTwins(version, caseTwin, message)
      }
      folded.set(twinKey(version), version)
    }
    const order = [...byName.keys()].sort(compareVersions)
    for (let i = 1; i < order.length; i++) {
      const [a, b] = [order[i - 1]!, order[i]!]
      if (compareVersions(a, b) !== 0) continue
      const message = `the versions "${a}" and "${b}" of prompt "${name}" cannot be ordered: they differ only in leading zeros. Rename one of them (versions are ordered by their numbers, so "v1" and "v01" are the same place in the order).`
      refuseTwins(a, b, message)
    }
    const versions: VersionFile[] = order.map((version) => {
      const path = join(folder, byName.get(version)![0]!)
      const labels = Object.keys(state.labels).filter((l) => state.labels[l]!.version === version).sort()
      const file = { version, hash: '', labels, file: this.show(path), text: '' }
      if (problems.has(version)) return { ...file, problem: problems.get(version)! }
      let bytes: Buffer
      try {
        bytes = readVersion(path, folder, (p) => this.show(p))
      } catch (e) {
        if (!(e instanceof PromptRegistryError)) throw e
        return { ...file, problem: e }
      }
      // A registration an older assay made of this content's CRLF form is kept as it is.
      const alike = contentHashes(bytes)
      const recorded = state.versions[version]
      const hash = recorded !== undefined && alike.includes(recorded) ? recorded : alike[0]!
      try {
        const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes)
        // A registered version was frozen as it is: markers in it were reviewed text then.
        const marker = recorded === undefined ? conflictOpening(text) : undefined
        if (marker !== undefined) {
          return { ...file, hash, alike, problem: new PromptRegistryError(file.file, `${file.file} holds git's conflict markers (line ${marker}): a merge left it unresolved, so it is not registered or served. Keep one side's content in it and save the other as a new version (e.g. ${this.show(join(folder, `${freeVersion(order, state.labels)}${EXTENSION}`))}), then run again.`) }
        }
        return { ...file, hash, alike, text }
      } catch {
        return { ...file, hash, problem: new PromptRegistryError(file.file, `${file.file} is not UTF-8 text. Save it as UTF-8.`) }
      }
    })
    const labelProblems = checkVersions(
      { name, files, show: (p) => this.show(p), pathOf: (v) => join(folder, `${v}${EXTENSION}`), free: () => freeVersion(versions.map((v) => v.version), state.labels) },
      versions,
      state,
    )
    const unregistered = versions.filter((v) => v.problem === undefined && state.versions[v.version] === undefined)
    if (onCi(this.options.env)) {
      // Only the version asked for is refused: a draft committed beside registered versions
      // must not stop them from loading on CI, and may not load at all yet.
      for (const v of unregistered) {
        v.problem = new PromptRegistryError(
          v.file,
          `prompt "${name}": "${v.version}" (${v.file}) is not registered in ${this.show(files.labelsPath)}, and CI does not register versions. Register it locally with \`npx assay prompts show ${name}@${v.version}\` (it registers the version once it loads, or says what stops it from loading) and commit ${this.show(files.labelsPath)} and ${this.show(files.historyPath)} with it, as cassettes are recorded locally and replayed on CI.`,
        )
      }
    }
    return { name, versions, state, files, unregistered: onCi(this.options.env) ? [] : unregistered, labelProblems }
  }

  /**
   * Records the hashes of `fresh` (unregistered versions that have been checked to load) in
   * labels.json, and their registration in the history.
   */
  register(scan: Scan, fresh: readonly VersionFile[] = scan.unregistered, now: () => Date = () => new Date()): void {
    if (fresh.length === 0) return
    scan.files.update((state) => {
      const records: VersionRegistration[] = []
      for (const v of fresh) {
        const recorded = state.versions[v.version]
        if (recorded === v.hash) continue
        if (recorded !== undefined) {
          throw new PromptRegistryError(v.file, `${v.file} changed while it was being registered (another process recorded sha256 ${recorded}, this one read ${v.hash}). Run again.`)
        }
        state.versions[v.version] = v.hash
        records.push({ time: now().toISOString(), action: 'register', version: v.version, hash: v.hash })
      }
      Object.assign(scan.state.versions, state.versions)
      return { records, result: undefined }
    })
  }

  /** The version a reference (a version, a label, `latest`, or nothing for production) names. */
  resolve(scan: Scan, ref: string | undefined, caller: string): VersionFile {
    const latest = scan.versions.at(-1)
    if (latest === undefined) throw new AssayUsageError(caller, `prompt "${scan.name}" has no versions yet. Add one as ${this.show(join(this.options.root, scan.name, `v1${EXTENSION}`))}.`)
    if (ref === undefined) ref = 'production'
    const wanted = ref.normalize('NFC')
    if (wanted === 'latest') return usable(latest)
    const refused = scan.labelProblems.get(wanted)
    if (refused !== undefined) throw refused
    const labelled = scan.state.labels[wanted]?.version
    const version = labelled ?? (wanted === 'production' ? latest.version : wanted)
    const found = scan.versions.find((v) => v.version === version)
    if (found) return usable(found)
    const labels = Object.keys(scan.state.labels)
    throw new AssayUsageError(caller, `prompt "${scan.name}" has no version or label "${ref}". Versions: ${scan.versions.map((v) => v.version).join(', ')}. Labels: ${['latest', ...labels].join(', ')}.`)
  }

  /**
   * Points `label` at `version`, bound to the content its file has now, recording the move;
   * returns it, or undefined when the label already pointed at that content.
   */
  move(scan: Scan, version: string, label: string, action: LabelMove['action'], reason: string | undefined, now: () => Date): LabelMove | undefined {
    const hash = scan.versions.find((v) => v.version === version)!.hash
    return scan.files.update((state) => {
      const before = state.labels[label]
      const registered = state.versions[version]
      if (registered !== undefined && registered !== hash) {
        throw new PromptRegistryError(scan.files.labelsPath, `version "${version}" of prompt "${scan.name}" changed while the label was being moved (${this.show(scan.files.labelsPath)} records sha256 ${registered}, this process read ${hash}). Run again.`)
      }
      if (before?.version === version && before.sha256 === hash) return { records: [], result: undefined }
      state.labels[label] = { version, sha256: hash }
      const move: LabelMove = { time: now().toISOString(), label, from: before?.version ?? null, to: version, action, ...(reason === undefined ? {} : { reason }), hash }
      return { records: [move], result: move }
    })
  }
}
