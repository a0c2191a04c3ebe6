// Packs assay once per run the way `npm publish` would, so every fixture project consumes
// the published file set and `exports` map rather than the source tree. `npm test` has just
// built dist/, so the prepack build is skipped here.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { TestProject } from 'vitest/node'

const root = resolve(import.meta.dirname, '../..')

declare module 'vitest' {
  export interface ProvidedContext {
    /** The unpacked `npm pack` output of assay. */
    assayPackage: string
    /** The path of a Node 22 binary, or undefined when `npx node@22` failed (the tests that need it then say why). */
    node22: string | undefined
  }
}

export default function setup(project: TestProject): () => void {
  if (!existsSync(join(root, 'dist/esm/matchers/index.js'))) {
    throw new Error('dist/ is missing: the e2e tests consume the built package. Run `npm run build` (or `npm test`, which builds first).')
  }
  const dir = mkdtempSync(join(tmpdir(), 'assay-pack-'))
  const out = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: root, encoding: 'utf8' })
  const [{ filename }] = JSON.parse(out) as [{ filename: string }]
  execFileSync('tar', ['-xzf', join(dir, filename), '-C', dir])
  project.provide('assayPackage', join(dir, 'package'))
  // Once per run rather than once per test file: each `npx node@22` costs a second or more.
  let node22: string | undefined
  try {
    node22 = execFileSync('npx', ['-y', 'node@22', '-p', 'process.execPath'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    node22 = undefined
  }
  project.provide('node22', node22)
  return () => rmSync(dir, { recursive: true, force: true })
}
