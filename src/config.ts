import { z } from 'zod'
import { AssayUsageError } from './errors.js'
import { formatZodIssues } from './validate.js'

const configSchema = z
  .object({
    messages: z
      .object({
        maxChars: z.number().int().min(40).optional(),
      })
      .strict()
      .optional(),
  })
  .strict()

/**
 * Options accepted by {@link configure}. Later releases add the judge, cache and
 * reporter settings here, so the object is validated strictly: a misspelt key is an
 * error, not a silently ignored setting.
 */
export interface AssayConfig {
  messages?: {
    /**
     * Longest stretch of received or expected text printed in a failure message.
     * Longer text is cut and ends with `… (+N chars)`.
     * @default 400
     */
    maxChars?: number
  }
}

/** The configuration with every default filled in. */
export interface ResolvedAssayConfig {
  messages: { maxChars: number }
}

const defaults: ResolvedAssayConfig = { messages: { maxChars: 400 } }

let current: ResolvedAssayConfig = structuredClone(defaults)

/**
 * Sets assay's options for the current test process. Call it in a setup file; each
 * call merges into what earlier calls set.
 *
 * @example
 * ```ts
 * import { configure } from 'assay'
 * configure({ messages: { maxChars: 1000 } })
 * ```
 */
export function configure(options: AssayConfig): void {
  const parsed = configSchema.safeParse(options)
  if (!parsed.success) {
    throw new AssayUsageError(
      'configure',
      `invalid options:\n${formatZodIssues(parsed.error.issues, options)}\nSee the README's "Configuration" section for every option and its default.`,
      configure,
    )
  }
  const next = parsed.data
  current = {
    messages: { ...current.messages, ...stripUndefined(next.messages ?? {}) },
  }
}

/**
 * The options in force, defaults included.
 *
 * @example
 * ```ts
 * getConfig().messages.maxChars // 400 unless configured
 * ```
 */
export function getConfig(): Readonly<ResolvedAssayConfig> {
  return current
}

/**
 * Restores every option to its default. Mostly useful between tests.
 *
 * @example
 * ```ts
 * afterEach(() => resetConfig())
 * ```
 */
export function resetConfig(): void {
  current = structuredClone(defaults)
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}
