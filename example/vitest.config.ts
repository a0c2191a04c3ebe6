import { join } from 'node:path'
import { defineConfig } from 'vitest/config'
import { assay } from 'assay/vitest/plugin'

// The plugin adds the setup file, the rate-limit coordinator and the options in one line.
// The prompt registry is example/prompts, wherever Vitest is started from.
export default defineConfig({
  plugins: [assay({ judge: { model: 'gpt-4o-mini' }, promptsDir: join(import.meta.dirname, 'prompts') })],
  test: {
    root: import.meta.dirname,
    include: ['*.test.ts'],
  },
})
