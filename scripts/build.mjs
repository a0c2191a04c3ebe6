// Builds the two module formats the package ships: ESM for Vitest and modern Node,
// and CommonJS for Jest's default set-up. Both come from one source with plain tsc.
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const tsc = require.resolve('typescript/bin/tsc')
const run = (project) => execFileSync(process.execPath, [tsc, '-p', project], { stdio: 'inherit' })

rmSync('dist', { recursive: true, force: true })
run('tsconfig.build.json')
run('tsconfig.cjs.json')
// The package is "type": "module"; this marker makes Node read dist/cjs as CommonJS.
mkdirSync('dist/cjs', { recursive: true })
writeFileSync('dist/cjs/package.json', '{ "type": "commonjs" }\n')

// The lazy loader of compromise is plain JavaScript per format (see src/text/load-nlp.js).
copyFileSync('src/text/load-nlp.js', 'dist/esm/src/text/load-nlp.js')
copyFileSync('src/text/load-nlp.d.ts', 'dist/esm/src/text/load-nlp.d.ts')
copyFileSync('src/text/load-nlp.d.ts', 'dist/cjs/src/text/load-nlp.d.ts')
writeFileSync(
  'dist/cjs/src/text/load-nlp.js',
  `"use strict";
// CommonJS twin of src/text/load-nlp.js: loads compromise on first use.
Object.defineProperty(exports, "__esModule", { value: true });
let nlp;
exports.loadNlp = function loadNlp() {
  nlp ??= require("compromise");
  return nlp;
};
`,
)
