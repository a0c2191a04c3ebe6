// Loads the compromise NLP library on first use. It takes about 200 ms to evaluate, which
// every Jest test file (each has its own module registry) would otherwise pay even when
// none of its tests extracts entities from a source. This is the ESM build; the build
// script writes the CommonJS twin, since `import.meta` cannot be compiled to CommonJS.
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
let nlp

export function loadNlp() {
  nlp ??= require('compromise')
  return nlp
}
