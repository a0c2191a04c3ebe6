// One project's prompt registry: the version files under <root>/<name>/, checked against
// the hashes labels.json recorded, and the label moves. Every read checks every version of
// the prompt read, so an edited or deleted version is caught whichever version is asked for.
import { createHash } from 'node:crypto'
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs'
import { isAbsolute, join, relative, sep } from 'node:path'
import { AssayUsageError } from '../errors.js'
import { nodeFileSystem, type StoreFileSystem } from '../store/file.js'
import { PromptRegistryError } from './errors.js'
import { isRegistration, RegistryFiles, type HistoryRecord, type RegistryState } from './files.js'
import { checkName, compareVersions, RESERVED, sortVersions } from './order.js'
import type { LabelMove, PromptVersionInfo, VersionRegistration } from './types.js'

const EXTENSION = '.prompt'

/** Where a registry lives and how it runs. */
export interface RegistryOptions {
  /** The registry's folder, absolute. */
  root: string
  /** The project root, which messages show paths relative to. */
  cwd: string
  env: Record<string, string | undefined>
  fs?: StoreFileSystem
}

/** One version file as read now. */
export interface VersionFile extends PromptVersionInfo {
  text: string
}

/** A prompt's versions (oldest first) and its registry state, checked against each other. */
export interface Scan {
  name: string
  versions: VersionFile[]
  state: RegistryState
  files: RegistryFiles
  /** Versions neither labels.json nor the history records; registered by {@link Registry.register}. */
  unregistered: VersionFile[]
  /**
   * Registered versions that labels.json lacks but the history records with the file's own
   * hash (a merge kept one side of labels.json); written back to labels.json when the
   * registry next writes, as are registered versions the history does not record yet.
   */
  unlisted: VersionFile[]
  /** Versions in labels.json without a registration in the history (registries made before it kept them). */
  unrecorded: VersionFile[]
}

/** Whether `CI` says this is a CI run, as the cassettes and baselines read it. */
export function onCi(env: Record<string, string | undefined>): boolean {
  return env.CI !== undefined && env.CI !== '' && env.CI !== 'false' && env.CI !== '0'
}

/** A name for the version after `latest`: its last number plus one (v2 → v3, v2.1 → v2.2). */
export function nextVersion(latest: string): string {
  const match = /^(.*?)(\d+)(\D*)$/.exec(latest)
  if (!match) return `${latest}-2`
  const [, before, digits, after] = match as unknown as [string, string, string, string]
  return `${before}${String(BigInt(digits) + 1n).padStart(digits.length, '0')}${after}`
}

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
    const names = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name.normalize('NFC'))
    return [...new Set(names)].sort()
  }

  // The folder of a prompt: the directory entry whose name is `name` in NFC, whichever form
  // the disk keeps it in (a tree made on macOS, or unpacked from its archive, keeps NFD).
  private folderOf(name: string, caller: string): string {
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

  // Reads one version file; a link out of the prompt's folder, a dangling link, a file gone
  // since the folder was listed, or a folder with a version's name is a damaged registry.
  private readVersion(path: string, folder: string): Buffer {
    const shown = this.show(path)
    try {
      if (lstatSync(path).isSymbolicLink()) {
        const target = realpathSync(path)
        if (!target.startsWith(realpathSync(folder) + sep)) {
          throw new PromptRegistryError(shown, `${shown} is a symbolic link to ${target}, outside the prompt's folder. A version is a file in its prompt's folder, reviewed with it: copy the file in instead of linking to it.`)
        }
      }
      if (!statSync(path).isFile()) throw new PromptRegistryError(shown, `${shown} is not a file. A version is one .prompt file: move the folder away or rename it.`)
      return readFileSync(path)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
      throw new PromptRegistryError(shown, `${shown} is listed in ${this.show(folder)} but cannot be read: it is a symbolic link to a missing file, or it was removed while being read. Restore the file, or remove ${shown}.`)
    }
  }

  // A name for a new version that is neither a version nor a label of the prompt.
  private freeVersion(versions: readonly string[], labels: Record<string, string>): string {
    const taken = new Set([...versions, ...Object.keys(labels), ...RESERVED])
    let next = nextVersion([...versions].sort(compareVersions).at(-1) ?? 'v0')
    for (let i = 0; i < 1000 && taken.has(next); i++) next = nextVersion(next)
    return next
  }

  /** Reads a prompt's version files and labels.json and checks that they agree. */
  scan(nameGiven: string, caller: string): Scan {
    const name = checkName('prompt', nameGiven, caller)
    const folder = this.folderOf(name, caller)
    let entries: string[]
    try {
      entries = readdirSync(folder)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' && (e as NodeJS.ErrnoException).code !== 'ENOTDIR') throw e
      const known = this.names()
      throw new AssayUsageError(caller, `there is no prompt "${name}" in ${this.show(this.options.root)}. ${known.length ? `Prompts there: ${known.join(', ')}.` : 'It has no prompts yet.'} Add its first version as ${this.show(join(folder, `v1${EXTENSION}`))}.`)
    }
    const files = new RegistryFiles(this.fs, folder, (p) => this.show(p))
    const state = files.read()
    const byName = new Map<string, string>()
    for (const entry of entries) {
      if (!entry.endsWith(EXTENSION)) continue
      const version = entry.slice(0, -EXTENSION.length).normalize('NFC')
      const shown = this.show(join(folder, entry))
      checkName('version', version, caller)
      if (byName.has(version)) throw new AssayUsageError(caller, `${shown} and ${this.show(join(folder, byName.get(version)!))} are the same version name in different Unicode forms. Remove one.`)
      byName.set(version, entry)
    }
    const others = (version: string) => [...byName.keys()].filter((v) => v !== version && !(RESERVED as readonly string[]).includes(v) && !Object.hasOwn(state.labels, v))
    for (const [version, entry] of byName) {
      const shown = this.show(join(folder, entry))
      if ((RESERVED as readonly string[]).includes(version)) {
        throw new AssayUsageError(caller, `${shown}: "${version}" is a reserved name, so it cannot be a version name. Rename the file, e.g. to ${this.freeVersion(others(version), state.labels)}${EXTENSION}.`)
      }
      if (Object.hasOwn(state.labels, version)) {
        throw new PromptRegistryError(
          shown,
          `${shown}: "${version}" is already a label of prompt "${name}" (pointing at "${state.labels[version]}" in ${this.show(files.labelsPath)}), so it cannot be a version name. Rename the file, e.g. to ${this.freeVersion(others(version), state.labels)}${EXTENSION}.`,
        )
      }
    }
    // Names that differ only in case are one file on macOS and Windows.
    const folded = new Map<string, string>()
    for (const version of byName.keys()) {
      const twin = folded.get(version.toLowerCase())
      if (twin !== undefined) throw new AssayUsageError(caller, `${this.show(join(folder, byName.get(twin)!))} and ${this.show(join(folder, byName.get(version)!))} differ only in case, so they are one file on macOS and Windows. Rename one, e.g. to ${this.freeVersion([...byName.keys()], state.labels)}${EXTENSION}.`)
      folded.set(version.toLowerCase(), version)
    }
    const order = sortVersions([...byName.keys()], name, caller)
    const versions: VersionFile[] = order.map((version) => {
      const path = join(folder, byName.get(version)!)
      const bytes = this.readVersion(path, folder)
      let text: string
      try {
        text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes)
      } catch {
        throw new PromptRegistryError(this.show(path), `${this.show(path)} is not UTF-8 text. Save it as UTF-8.`)
      }
      const hash = createHash('sha256').update(bytes).digest('hex')
      const labels = Object.keys(state.labels).filter((l) => state.labels[l] === version).sort()
      return { version, hash, labels, file: this.show(path), text }
    })
    const records = files.records()
    this.check(name, folder, versions, state, records)
    const inHistory = new Set(records.filter(isRegistration).map((r) => r.version))
    const unregistered = versions.filter((v) => state.versions[v.version] === undefined && !inHistory.has(v.version))
    const unlisted = versions.filter((v) => state.versions[v.version] === undefined && inHistory.has(v.version))
    const unrecorded = versions.filter((v) => state.versions[v.version] !== undefined && !inHistory.has(v.version))
    if (unregistered.length > 0 && onCi(this.options.env)) {
      throw new PromptRegistryError(
        unregistered[0]!.file,
        `prompt "${name}": ${unregistered.map((v) => `"${v.version}" (${v.file})`).join(', ')} ${unregistered.length === 1 ? 'is' : 'are'} not registered in ${files.labelsPath ? this.show(files.labelsPath) : 'labels.json'}, and CI does not register versions. Run \`npx assay prompts list\` locally and commit ${this.show(files.labelsPath)} and ${this.show(files.historyPath)}, as cassettes are recorded locally and replayed on CI.`,
      )
    }
    return { name, versions, state, files, unregistered, unlisted, unrecorded }
  }

  // A version's hash is recorded in labels.json and, once registered, in the history too;
  // both must match its file, and every version either names must still have its file.
  private check(name: string, folder: string, versions: VersionFile[], state: RegistryState, records: HistoryRecord[]): void {
    const labels = this.show(join(folder, 'labels.json'))
    const history = this.show(join(folder, 'history.jsonl'))
    const recorded = new Map<string, { hash: string; where: string }[]>()
    const note = (version: string, hash: string, where: string) => recorded.set(version, [...(recorded.get(version) ?? []), { hash, where }])
    for (const [version, hash] of Object.entries(state.versions)) note(version, hash, labels)
    const named = new Set<string>()
    for (const r of records) {
      if (isRegistration(r)) note(r.version, r.hash, history)
      else for (const v of [r.from, r.to]) if (v !== null) named.add(v)
    }
    for (const version of new Set([...recorded.keys(), ...named])) {
      const file = versions.find((v) => v.version === version)
      const path = this.show(join(folder, `${version}${EXTENSION}`))
      if (file === undefined) {
        const where = recorded.has(version) ? `registered in ${[...new Set(recorded.get(version)!.map((r) => r.where))].join(' and ')}` : `named by a label move in ${history}`
        throw new PromptRegistryError(path, `prompt "${name}" version "${version}" is ${where}, but its file ${path} is gone. Versions are immutable and history names them: restore it (git checkout -- "${path}").`)
      }
      const wrong = recorded.get(version)?.find((r) => r.hash !== file.hash)
      if (wrong !== undefined) {
        throw new PromptRegistryError(
          path,
          `${path} was edited after it was registered: ${wrong.where} records sha256 ${wrong.hash}, the file now has sha256 ${file.hash}. Versions are immutable: restore it (git checkout -- "${path}") and add your change as a new version instead, e.g. ${this.show(join(folder, `${nextVersion(versions.at(-1)!.version)}${EXTENSION}`))}.`,
        )
      }
    }
    for (const [label, version] of Object.entries(state.labels)) {
      if (!versions.some((v) => v.version === version)) {
        throw new PromptRegistryError(labels, `${labels}: the label "${label}" points at version "${version}" of prompt "${name}", which does not exist. Restore the file from version control.`)
      }
    }
  }

  /**
   * Records the hashes of `fresh` (unregistered versions that have been checked to load) in
   * labels.json and the history; writes back the scan's unlisted and unrecorded versions too.
   */
  register(scan: Scan, fresh: readonly VersionFile[] = scan.unregistered, now: () => Date = () => new Date()): void {
    if (fresh.length === 0 && scan.unlisted.length === 0 && scan.unrecorded.length === 0) return
    scan.files.update((state, history) => {
      const known = new Set(history.filter(isRegistration).map((r) => r.version))
      const records: VersionRegistration[] = []
      for (const v of [...fresh, ...scan.unlisted, ...scan.unrecorded]) {
        const recorded = state.versions[v.version]
        if (recorded !== undefined && recorded !== v.hash) {
          throw new PromptRegistryError(v.file, `${v.file} changed while it was being registered (another process recorded sha256 ${recorded}, this one read ${v.hash}). Run again.`)
        }
        state.versions[v.version] = v.hash
        if (!known.has(v.version)) records.push({ time: now().toISOString(), action: 'register', version: v.version, hash: v.hash })
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
    if (wanted === 'latest') return latest
    const labelled = scan.state.labels[wanted]
    const version = labelled ?? (wanted === 'production' ? latest.version : wanted)
    const found = scan.versions.find((v) => v.version === version)
    if (found) return found
    const labels = Object.keys(scan.state.labels)
    throw new AssayUsageError(caller, `prompt "${scan.name}" has no version or label "${ref}". Versions: ${scan.versions.map((v) => v.version).join(', ')}. Labels: ${['latest', ...labels].join(', ')}.`)
  }

  /** Points `label` at `version`, recording the move; returns it, or undefined when the label already pointed there. */
  move(scan: Scan, version: string, label: string, action: LabelMove['action'], reason: string | undefined, now: () => Date): LabelMove | undefined {
    return scan.files.update((state) => {
      const from = state.labels[label] ?? null
      if (from === version) return { records: [], result: undefined }
      state.labels[label] = version
      const move: LabelMove = { time: now().toISOString(), label, from, to: version, action, ...(reason === undefined ? {} : { reason }) }
      return { records: [move], result: move }
    })
  }
}
