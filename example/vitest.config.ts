import { defineConfig } from 'vitest/config'
import { assay } from 'assay/vitest/plugin'

// The plugin adds the setup file, the rate-limit coordinator and the options in one line.
export default defineConfig({
  plugins: [assay({ judge: { model: 'gpt-4o-mini' } })],
  test: {
    root: import.meta.dirname,
    include: ['*.test.ts'],
  },
})
