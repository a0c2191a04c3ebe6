import { defineConfig } from 'vitest/config'
import { assay } from 'assay/vitest/plugin'

export default defineConfig({ plugins: [assay({ judge: { requestsPerMinute: 6000 } })] })
