import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['*.bench.test.ts'],
    testTimeout: 600_000,
    // One worker, so the measurements do not compete with each other for the two cores.
    fileParallelism: false,
  },
})
