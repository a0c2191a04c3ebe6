import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // A JSON copy of the results gives .ci/run its closing count (it sets ASSAY_TEST_RESULTS,
    // since a CI machine need not set CI).
    reporters: process.env.CI || process.env.ASSAY_TEST_RESULTS ? ['default', ['json', { outputFile: '.tmp/test-results.json' }]] : ['default'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/e2e/**', 'test/types/**', '**/node_modules/**'],
          setupFiles: ['test/setup.ts'],
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/*.test.ts'],
          globalSetup: ['test/e2e/globalSetup.ts'],
          testTimeout: 240_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
})
