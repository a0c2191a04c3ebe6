// `assay()` for vite.config / vitest.config: one line that adds the setup file, the
// global setup (the shared rate-limit coordinator) and passes the options to every worker.
import { fileURLToPath } from 'node:url'
import type { AssayConfig } from '../src/config.js'

/** The part of a Vite plugin this plugin uses; structural, so no Vite types are needed. */
export interface AssayVitePlugin {
  name: string
  config(): { test: { setupFiles: string[]; globalSetup: string[]; provide: Record<string, unknown> } }
}

/**
 * The assay Vitest plugin.
 *
 * @example
 * ```ts
 * // vitest.config.ts
 * import { defineConfig } from 'vitest/config'
 * import { assay } from 'assay/vitest/plugin'
 * export default defineConfig({ plugins: [assay({ judge: { model: 'gpt-4o-mini', requestsPerMinute: 300 } })] })
 * ```
 */
export function assay(options: AssayConfig = {}): AssayVitePlugin {
  return {
    name: 'assay',
    config: () => ({
      test: {
        setupFiles: [fileURLToPath(new URL('./vitest.js', import.meta.url))],
        globalSetup: [fileURLToPath(new URL('./vitest-global-setup.js', import.meta.url))],
        provide: { assayConfig: options },
      },
    }),
  }
}
