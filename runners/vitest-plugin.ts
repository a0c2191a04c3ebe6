// `assay()` for vite.config / vitest.config: one line that adds the setup file, the
// global setup (the shared rate-limit coordinator), the assay reporter, and passes the
// options to every worker.
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { AssayConfig } from '../src/config.js'
import { checkInstalledRunner } from '../src/runner-support.js'
import { parseReporterOptions, type ReporterOptions } from '../reporters/output.js'
import { registerSecret } from '../src/secrets.js'

/** Options of the plugin: assay's configuration, plus the report's. */
export interface AssayPluginOptions extends AssayConfig {
  /**
   * Options of the assay reporter, or `false` to leave it out. With the plugin, the
   * reporter runs beside the reporters you configured (or Vitest's default one).
   * @default {}
   */
  report?: ReporterOptions | false
}

type ReporterEntry = string | [string, unknown] | object

/** The part of a Vite plugin this plugin uses; structural, so no Vite types are needed. */
export interface AssayVitePlugin {
  name: string
  config(user?: { root?: string; test?: { reporters?: ReporterEntry | ReporterEntry[] } }): {
    test: { setupFiles: string[]; globalSetup: string[]; provide: Record<string, unknown>; reporters?: ReporterEntry[] }
  }
}

/**
 * The assay Vitest plugin.
 *
 * @example
 * ```ts
 * // vitest.config.ts
 * import { defineConfig } from 'vitest/config'
 * import { assay } from 'assay/vitest/plugin'
 * export default defineConfig({
 *   plugins: [assay({ judge: { model: 'gpt-4o-mini', requestsPerMinute: 300 }, report: { outputDir: 'assay-report' } })],
 * })
 * ```
 */
export function assay(options: AssayPluginOptions = {}): AssayVitePlugin {
  const { report = {}, ...config } = options
  const reporterOptions = report === false ? undefined : parseReporterOptions(report)
  const reporter = fileURLToPath(new URL('../reporters/vitest.js', import.meta.url))
  // The reporter runs in this process, which never sees the workers' configure().
  for (const key of [config.judge?.apiKey, ...(config.judge?.fallback ?? []).map((f) => f.apiKey)]) registerSecret(key)
  return {
    name: 'assay',
    config: (user) => {
      // The Vitest reading this config is the one the project's root resolves.
      checkInstalledRunner('vitest', resolve(user?.root ?? '.'))
      // Vite merges arrays by concatenation; with no reporters of the user's, Vitest's
      // default one is kept beside assay's rather than replaced by it.
      const own = user?.test?.reporters
      const reporters: ReporterEntry[] | undefined = reporterOptions ? [...(own === undefined ? ['default'] : []), [reporter, reporterOptions]] : undefined
      return {
        test: {
          setupFiles: [fileURLToPath(new URL('./vitest.js', import.meta.url))],
          globalSetup: [fileURLToPath(new URL('./vitest-global-setup.js', import.meta.url))],
          provide: { assayConfig: config },
          ...(reporters ? { reporters } : {}),
        },
      }
    },
  }
}
