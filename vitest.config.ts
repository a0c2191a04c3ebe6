import { availableParallelism } from 'node:os'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // Vitest's default is one worker fewer than the cores: on a 2-core CI machine, one file at
    // a time. An e2e file mostly waits on the runner it spawned, so a second file keeps the
    // other core busy.
    maxWorkers: Math.max(2, availableParallelism() - 1),
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
          // Some unit tests feed 1 MB pathological inputs to show they finish at all; how fast
          // is measured in bench/. A loaded machine must not turn them into timeouts.
          testTimeout: 30_000,
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
