/**
 * A registry operation refused because the registry's files disagree with what it recorded:
 * a registered version edited or deleted, a version not registered on CI, a labels.json or
 * history.jsonl that cannot be read. The CLI exits 1 on it, as opposed to 2 for a usage
 * error ({@link AssayUsageError}).
 *
 * @example
 * ```ts
 * await prompts.get('summarizer', 'v1')
 * // PromptRegistryError: prompts/summarizer/v1.prompt was edited after it was registered …
 * ```
 */
export class PromptRegistryError extends Error {
  override readonly name = 'PromptRegistryError'
  /** The file the problem is in, relative to the project root when it is inside it. */
  readonly file: string

  constructor(file: string, message: string) {
    super(message)
    this.file = file
  }
}
