// The shapes of the prompt registry (prompts/<name>/<version>.prompt), shared by its API,
// its CLI and the dataset evals that compare prompt versions.

/** A chat message as the openai SDK's `chat.completions.create({ messages })` takes it. */
export interface PromptMessage {
  role: 'system' | 'user' | 'assistant'
  content: string
}

/** Which version of a prompt a result came from, as results.json records it. */
export interface PromptRef {
  name: string
  version: string
  /** sha256 of the version file's bytes, hex. */
  hash: string
}

/** One immutable version of a prompt, loaded from the registry. */
export interface Prompt extends PromptRef {
  /** The model the frontmatter names, if any. */
  model: string | undefined
  /** The frontmatter's `config` (temperature, max tokens, …), as written. */
  config: Readonly<Record<string, unknown>>
  /** The frontmatter's other fields (author, tested, notes, …), as written. */
  metadata: Readonly<Record<string, unknown>>
  /** The labels pointing at this version when it was loaded. */
  labels: readonly string[]
  /** The Handlebars template below the frontmatter, as written. */
  template: string
  /**
   * Renders the template with `input` into chat messages. Throws an `AssayUsageError` naming
   * the prompt, version and variable when a variable is missing, of the wrong type, or not
   * used by the template.
   */
  render(input?: Record<string, unknown>): PromptMessage[]
}

/** A version as the registry lists it. */
export interface PromptVersionInfo {
  version: string
  hash: string
  labels: readonly string[]
  /** Where the version's file is, relative to the project root. */
  file: string
  /**
   * Why this version cannot be loaded (a stray or damaged file, an edited or deleted
   * registered version, a draft that does not load, an unregistered version on CI), or why a
   * label on it cannot be served (its version's file is not the content it was set on); the
   * other versions are not affected. `hash` is empty when the
   * file could not be read or is gone.
   */
  problem?: string
}

/** One label move, as `prompts/<name>/history.jsonl`, the audit log, keeps it. */
export interface LabelMove {
  /** ISO 8601. */
  time: string
  label: string
  /** The version the label pointed at before, or null when it was unset. */
  from: string | null
  to: string
  action: 'set' | 'promote' | 'rollback'
  reason?: string
  /**
   * The sha256 of the version `to` when the label was set on it, as labels.json binds the
   * label to it. Moves recorded before this field have none.
   */
  hash?: string
}

/**
 * The registration of a version, as `prompts/<name>/history.jsonl`, the audit log, keeps it
 * beside the label moves; labels.json holds the hash the registry checks.
 */
export interface VersionRegistration {
  /** ISO 8601. */
  time: string
  action: 'register'
  version: string
  /** sha256 of the version file's bytes when it was registered, hex. */
  hash: string
}
