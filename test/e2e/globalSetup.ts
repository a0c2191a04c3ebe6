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
  return () => rmSync(dir, { recursive: true, force: true })
}
