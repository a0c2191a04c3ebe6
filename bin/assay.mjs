#!/usr/bin/env node
// `npx assay prune [vitest args…]`: runs the Vitest suite in replay-only mode with
// ASSAY_PRUNE=1, which removes every cassette entry that no test touched in a full run of
// its file, and nothing else. Nothing calls the judge (a missing answer fails its test, it
// is not recorded), and structural baselines are compared as on CI, never rewritten: a
// drifted baseline still fails.
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { join } from 'node:path'

const [command, ...args] = process.argv.slice(2)
if (command !== 'prune') {
  console.error(`Usage: assay prune [vitest arguments]\n${command ? `Unknown command "${command}". ` : ''}The only command is "prune", which removes obsolete cassette entries.`)
  process.exit(2)
}

const require = createRequire(join(process.cwd(), 'package.json'))
let vitest
try {
  vitest = join(require.resolve('vitest/package.json'), '..', 'vitest.mjs')
} catch {
  console.error('assay prune runs Vitest, but vitest is not installed in this project. With Jest, pruning is not supported yet: delete the entries by hand, or the cassette to record it afresh.')
  process.exit(1)
}

const child = spawn(process.execPath, [vitest, 'run', ...args], {
  stdio: 'inherit',
  env: { ...process.env, ASSAY_UPDATE: '', ASSAY_PRUNE: '1', ASSAY_CACHE: 'lockdown' },
})
child.on('exit', (code) => process.exit(code ?? 1))
