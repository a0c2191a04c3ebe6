// describeEval's prompt versions. Each version must name its tests when the eval is
// declared, which runners do synchronously: the registry's files are read then (which
// version each ref names, and its hash), and a version's template is compiled, which is
// asynchronous, when its first case runs. Loading goes through the registry as
// `prompts.get` does, so an edited or unregistered version is refused the same way.
import { AssayUsageError } from '../errors.js'
import { loadVersion, openRegistry } from '../prompts/api.js'
import { versionName } from '../prompts/order.js'
import type { Prompt, PromptRef } from '../prompts/types.js'

/** One version an eval runs its cases with. */
export interface PromptVariant {
  ref: PromptRef
  /** The describe block of its cases: `summarizer@v2`. */
  title: string
  /** The version, loaded once for all its cases. */
  load(): Promise<Prompt>
}

/** describeEval's `prompts` option: a prompt's name and the versions or labels to run. */
export type PromptsOption = Readonly<Record<string, readonly string[]>>

const usage = (dataset: string, message: string) => new AssayUsageError('describeEval', `dataset "${dataset}": ${message}`)

/**
 * The versions to run, oldest first, or undefined without the option. Refs naming the same
 * version (`production` and `latest` often do) run it once.
 */
export function promptVariants(option: PromptsOption | undefined, dataset: string): PromptVariant[] | undefined {
  if (option === undefined) return undefined
  const example = "prompts: { summarizer: ['v1', 'v2'] }"
  if (option === null || typeof option !== 'object' || Array.isArray(option)) throw usage(dataset, `prompts must be an object naming a prompt and its versions, e.g. ${example}, but got ${Array.isArray(option) ? 'an array' : String(option)}.`)
  const names = Object.keys(option)
  if (names.length !== 1) {
    throw usage(dataset, `prompts must name exactly one prompt (its versions are compared case by case), e.g. ${example}, but it names ${names.length ? names.map((n) => `"${n}"`).join(', ') : 'none'}. Declare one describeEval per prompt.`)
  }
  const name = names[0]!
  const refs = option[name]
  if (!Array.isArray(refs) || refs.length === 0 || !refs.every((r) => typeof r === 'string')) {
    throw usage(dataset, `prompts.${name} must be a non-empty array of versions or labels, e.g. ['v1', 'v2'] or ['production', 'latest'].`)
  }
  const registry = openRegistry()
  const scan = registry.scan(name, 'describeEval')
  const picked = [...new Set(refs.map((r) => registry.resolve(scan, r, 'describeEval').version))]
  // Oldest first, as the registry orders them.
  const versions = scan.versions.filter((v) => picked.includes(v.version))
  return versions.map((v) => {
    let loaded: Promise<Prompt> | undefined
    const ref = { name: scan.name, version: v.version, hash: v.hash }
    return { ref, title: versionName({ name: scan.name, version: v.version }), load: () => (loaded ??= load(ref, v.file)) }
  })

  async function load(ref: PromptRef, file: string): Promise<Prompt> {
    const scan = registry.scan(ref.name, 'describeEval')
    const now = scan.versions.find((x) => x.version === ref.version)
    // The tests were named, and their results are recorded, for the version as declared;
    // checked before loading, which registers the versions it reads.
    if (now?.hash !== ref.hash) {
      throw usage(dataset, `${file} changed while the eval ran (sha256 ${ref.hash} when declared, ${now ? now.hash : 'deleted'} now). A version is immutable: add a new version file instead, and run again.`)
    }
    return loadVersion(registry, scan, ref.version)
  }
}
