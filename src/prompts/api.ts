// The `prompts` object exported from 'assay': the registry of the project's prompts/
// folder (or ASSAY_PROMPTS_DIR, or configure({ promptsDir })), read afresh on every call so
// an edited file or a label moved by another process is seen at once.
import { resolve } from 'node:path'
import { getConfig } from '../config.js'
import { onCi } from '../ci.js'
import { AssayUsageError } from '../errors.js'
import { checkName, RESERVED, twinKey, VERSION_SHAPED } from './order.js'
import { StoreWriteError } from '../store/file.js'
import { PromptRegistryError } from './errors.js'
import { redactText } from '../secrets.js'
import { Registry, type Scan, type VersionFile } from './registry.js'
import type { LabelMove, Prompt, PromptVersionInfo } from './types.js'


/** Options of a label move. */
export interface LabelMoveOptions {
  /** Why the label moved, kept in the history. */
  reason?: string
}

/** Where the registry is: `ASSAY_PROMPTS_DIR`, else `configure({ promptsDir })`, else `prompts/`, under `cwd`. */
export function promptsRoot(cwd: string, env: Record<string, string | undefined>): string {
  return resolve(cwd, env.ASSAY_PROMPTS_DIR?.trim() || getConfig().promptsDir)
}

/** The registry of a project; the CLI makes its own with the directory it runs in. */
export function openRegistry(cwd: string = process.cwd(), env: Record<string, string | undefined> = process.env): Registry {
  return new Registry({ root: promptsRoot(cwd, env), cwd, env })
}

// Compiling a template and its schema costs a few milliseconds, which an eval that gets the
// same prompt for every case would pay each time; the hash makes a changed file a new entry.
const compiled = new Map<string, Promise<Prompt>>()
const MAX_CACHED = 200

/**
 * Loads a scanned version, and registers the versions not yet registered that load. A draft
 * that does not load is left unregistered and does not stop another version from loading;
 * it is refused when it is the version asked for.
 */
export async function loadVersion(registry: Registry, scan: Scan, version: string): Promise<Prompt> {
  const v = scan.versions.find((x) => x.version === version)!
  const key = JSON.stringify([registry.options.root, scan.name, v.version, v.hash, v.labels])
  let prompt = compiled.get(key)
  if (prompt === undefined) {
    const { loadPrompt } = await import('./load.js')
    prompt = loadPrompt({ ...v, name: scan.name }, v.text)
    if (compiled.size >= MAX_CACHED) compiled.delete(compiled.keys().next().value!)
    compiled.set(key, prompt)
    prompt.catch(() => compiled.delete(key))
  }
  const loaded = await prompt
  await registerDrafts(registry, scan, { needed: version })
  return loaded
}

/**
 * Registers the scan's unregistered versions that load (a version that does not load is
 * refused before registration freezes it); resolves to the drafts that do not load, with
 * why. Only a draft that is the `needed` version is refused. A registration that cannot be
 * written (a full disk, a read-only folder) refuses the `needed` version; `strict` (listing
 * every version) gives each version it could not register that refusal as its problem;
 * otherwise it is let be: a registered version is served from a folder that cannot be
 * written, such as a read-only deployment.
 */
export async function registerDrafts(registry: Registry, scan: Scan, options: { strict?: boolean; needed?: string }): Promise<Map<string, Error>> {
  const failed = new Map<string, Error>()
  if (onCi(registry.options.env)) return failed
  if (scan.unregistered.length === 0) return failed
  const fresh: VersionFile[] = []
  if (scan.unregistered.length > 0) {
    const { loadPrompt } = await import('./load.js')
    for (const v of scan.unregistered) {
      try {
        await loadPrompt({ ...v, name: scan.name }, v.text)
        fresh.push(v)
      } catch (e) {
        if (v.version === options.needed || !(e instanceof Error)) throw e
        failed.set(v.version, e)
      }
    }
  }
  try {
    registry.register(scan, fresh)
  } catch (e) {
    if (!(e instanceof StoreWriteError || e instanceof PromptRegistryError)) throw e
    const blocked = fresh.find((v) => v.version === options.needed)
    if (blocked === undefined && (!options.strict || fresh.length === 0)) return failed
    const refusal = (v: VersionFile) => new PromptRegistryError(e instanceof PromptRegistryError ? e.file : registry.show(e.path), `version "${v.version}" of prompt "${scan.name}" (${v.file}) is not registered yet, and it could not be: ${e.message}`)
    if (blocked !== undefined) throw refusal(blocked)
    // Listing: each version that could not be registered says why, and the others are listed.
    for (const v of fresh) failed.set(v.version, refusal(v))
  }
  return failed
}

/** The scan's versions as listed, each with its problem, if any: it stops only that version from loading. */
export async function listVersions(registry: Registry, scan: Scan): Promise<PromptVersionInfo[]> {
  const failed = await registerDrafts(registry, scan, { strict: true })
  // A label that cannot be served is reported on the row of the version it names in
  // labels.json (else the latest); that version itself still loads.
  const labelRows = new Map<string, string[]>()
  for (const [label, problem] of scan.labelProblems) {
    const row = scan.state.labels[label]?.version
    const at = scan.versions.some((v) => v.version === row) ? row! : scan.versions.at(-1)?.version
    if (at !== undefined) labelRows.set(at, [...(labelRows.get(at) ?? []), problem.message])
  }
  return scan.versions.map(({ version, hash, labels, file, problem }) => {
    const found = [problem?.message ?? failed.get(version)?.message, ...(labelRows.get(version) ?? [])].filter((m) => m !== undefined)
    const why = found.length > 0 ? found.join(' ') : undefined
    return { version, hash, labels, file, ...(why === undefined ? {} : { problem: why }) }
  })
}

function checkReason(options: LabelMoveOptions | undefined, caller: string): string | undefined {
  const reason = options?.reason
  if (reason !== undefined && typeof reason !== 'string') throw new AssayUsageError(caller, `options.reason must be a string, but got ${typeof reason}.`)
  return reason?.trim() === '' ? undefined : reason
}

async function get(name: string, ref?: string): Promise<Prompt> {
  const registry = openRegistry()
  const scan = registry.scan(name, 'prompts.get')
  if (ref !== undefined && typeof ref !== 'string') throw new AssayUsageError('prompts.get', `the version must be a string such as "v2", a label such as "production", or "latest", but got ${typeof ref}.`)
  return loadVersion(registry, scan, registry.resolve(scan, ref, 'prompts.get').version)
}

async function versions(name: string): Promise<PromptVersionInfo[]> {
  const registry = openRegistry()
  return listVersions(registry, registry.scan(name, 'prompts.versions'))
}

/** Moves a label of a scanned prompt; shared by the API and the CLI. */
export async function moveLabel(registry: Registry, name: string, ref: string, labelGiven: string, action: LabelMove['action'], reason: string | undefined, caller: string): Promise<LabelMove | undefined> {
  const label = checkName('label', labelGiven, caller)
  if (label === 'latest') throw new AssayUsageError(caller, '"latest" is computed (the newest version) and cannot be set. Pick another label name, such as "staging".')
  const scan = registry.scan(name, caller)
  if (scan.versions.some((v) => v.version === label)) throw new AssayUsageError(caller, `"${label}" is a version of prompt "${scan.name}", so it cannot be a label name.`)
  // A label shaped like a version would stop the natural next version from being added.
  const reserved = RESERVED.find((r) => r !== label && twinKey(r) === twinKey(label))
  if (reserved !== undefined) throw new AssayUsageError(caller, `"${label}" differs from "${reserved}" only in case or Unicode form, and labels are matched exactly: the app would not see it as "${reserved}". Use "${reserved}".`)
  const twin = Object.keys(scan.state.labels).find((l) => l !== label && twinKey(l) === twinKey(label))
  if (twin !== undefined) throw new AssayUsageError(caller, `"${label}" differs from the label "${twin}" of prompt "${scan.name}" only in case or Unicode form, so the two would read as one. Use "${twin}", or pick another name.`)
  if (VERSION_SHAPED.test(twinKey(label))) throw new AssayUsageError(caller, `"${label}" looks like a version name (it starts with a digit, or with "v" and a digit), so it cannot be a label name: a version file of that name would then be refused. Pick a word, such as "staging" or "canary".`)
  const target = registry.resolve(scan, ref, caller)
  await loadVersion(registry, scan, target.version)
  // The history is committed: a key pasted into a reason must not be stored there.
  return registry.move(scan, target.version, label, action, reason === undefined ? undefined : redactText(reason), () => new Date())
}

/**
 * The project's prompt registry: one immutable file per version in
 * `prompts/<name>/<version>.prompt` (Dotprompt format), with movable labels. See the README's
 * "Prompts as code".
 *
 * @example
 * ```ts
 * import { prompts } from 'assay'
 * const p = await prompts.get('summarizer') // the `production` version, else the latest
 * const messages = p.render({ text })
 * await client.chat.completions.create({ model: p.model ?? 'gpt-4o-mini', messages, ...p.config })
 * ```
 */
export const prompts = {
  /**
   * Loads a version of a prompt: `ref` is a version (`"v2"`), a label (`"staging"`), or
   * `"latest"`; without it, the `production` label's version, else the latest.
   */
  get,
  /**
   * The prompt's versions, oldest first (natural order: v2 < v2.1 < v9 < v10), with labels and
   * hashes. A version that cannot be loaded has a `problem` saying why.
   */
  versions,
  /**
   * Which version `ref` names now (as {@link prompts.get} would load it), synchronously, for
   * code that must name things before it may await, such as a test suite's declaration. It
   * checks the registry as `get` does but neither loads nor registers the version: `get` does.
   *
   * @example
   * ```ts
   * const { version, hash } = prompts.resolve('summarizer', 'production')
   * ```
   */
  resolve(name: string, ref?: string): PromptVersionInfo {
    const registry = openRegistry()
    const { version, hash, labels, file } = registry.resolve(registry.scan(name, 'prompts.resolve'), ref, 'prompts.resolve')
    return { version, hash, labels, file }
  },
  /** The names of the prompts in the registry. */
  async list(): Promise<string[]> {
    return openRegistry().names()
  },
  /**
   * Points `label` at a version (or at what a label or `latest` names), and appends the move
   * to the history; moving `production` is recorded as a promotion. Resolves to the move,
   * or undefined when the label already pointed there.
   */
  async label(name: string, version: string, label: string, options?: LabelMoveOptions): Promise<LabelMove | undefined> {
    const reason = checkReason(options, 'prompts.label')
    const action = label === 'production' ? 'promote' : 'set'
    return moveLabel(openRegistry(), name, version, label, action, reason, 'prompts.label')
  },
  /** Moves `production` back to `version`, recording the rollback and its reason in the history. */
  async rollback(name: string, version: string, options?: LabelMoveOptions): Promise<LabelMove | undefined> {
    return moveLabel(openRegistry(), name, version, 'production', 'rollback', checkReason(options, 'prompts.rollback'), 'prompts.rollback')
  },
  /** Every label move of the prompt, in the history's line order (an audit log: what is served is labels.json). */
  async history(name: string): Promise<LabelMove[]> {
    const registry = openRegistry()
    return registry.scan(name, 'prompts.history').files.history()
  },
} as const

export { RESERVED }
