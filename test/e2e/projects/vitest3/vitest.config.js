import { defineConfig } from 'vitest/config'
import { assay } from 'assay/vitest/plugin'

export default defineConfig({
  plugins: [assay({ judge: { requestsPerMinute: 6000 } })],
  test: { reporters: ['default', 'json', './meta-reporter.js'], outputFile: { json: 'results.json' } },
})
