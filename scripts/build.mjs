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

// The lazy loader is plain JavaScript per format (see src/lazy.js).
copyFileSync('src/lazy.js', 'dist/esm/src/lazy.js')
copyFileSync('src/lazy.d.ts', 'dist/esm/src/lazy.d.ts')
copyFileSync('src/lazy.d.ts', 'dist/cjs/src/lazy.d.ts')
writeFileSync(
  'dist/cjs/src/lazy.js',
  `"use strict";
// CommonJS twin of src/lazy.js: loads dependencies on first use.
Object.defineProperty(exports, "__esModule", { value: true });
let nlp;
let openai;
exports.loadNlp = function loadNlp() {
  nlp ??= require("compromise");
  return nlp;
};
exports.loadOpenAI = function loadOpenAI() {
  openai ??= require("openai");
  return openai;
};
`,
)
