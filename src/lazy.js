// Loads a dependency on first use. compromise takes about 200 ms to evaluate and the openai
// SDK about 50 ms, which every Jest test file (each has its own module registry) would
// otherwise pay even when none of its tests extracts entities or asks the judge. This is
// the ESM build; the build script writes the CommonJS twin, since `import.meta` cannot be
// compiled to CommonJS.
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
let nlp
let openai

export function loadNlp() {
  nlp ??= require('compromise')
  return nlp
}

export function loadOpenAI() {
  openai ??= require('openai')
  return openai
}
