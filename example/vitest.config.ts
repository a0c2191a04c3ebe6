import { defineConfig } from 'vitest/config'

// `assay/vitest/v4` is the Vitest 3.2–4 entry; on Vitest 5 it is `assay/vitest`.
export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['*.test.ts'],
    setupFiles: ['assay/vitest/v4'],
  },
})
