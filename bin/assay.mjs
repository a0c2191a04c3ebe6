#!/usr/bin/env node
// `npx assay merge DIR… --out DIR` merges shards' reports (src/cli/merge.ts).
// `npx assay prune [vitest args…]`: runs the Vitest suite in replay-only mode with
// ASSAY_PRUNE=1, which removes every cassette entry that no test touched in a full run of
// its file, and nothing else. Nothing calls the judge (a missing answer fails its test, it
// is not recorded), and structural baselines are compared as on CI, never rewritten: a
// drifted baseline still fails.
// `npx assay gate …`: compares a run with a reference; see `npx assay gate --help`.
// `npx assay prompts …`: the prompt registry (src/cli/prompts.ts); see `npx assay prompts --help`.
// `npx assay batch [runner args…]`: a run through the Batch API (src/cli/batch.ts).
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { join } from 'node:path'

const USAGE = `Usage: assay <command> [options]

Commands:
  prune [vitest arguments]   Remove obsolete cassette entries: runs the Vitest suite replay-only
                             (no model is called) and deletes the entries no test touched in a
                             full run of its file. Structural baselines are compared as on CI
                             and never rewritten. Any Vitest arguments are passed on, e.g.
                             npx assay prune --config vitest.config.ts test/summary.test.ts
  merge DIR… --out DIR       Merge the reports of a run's shards (--shard=index/count) into one
                             report; see npx assay merge --help
  gate [options]             Compare a run with the previous run or a saved reference, paired
                             over the same cases; fails on a significant drop in a dataset's
                             pass rate or mean judge score, or a breached budget. Exit codes
                             0 pass, 1 regression, 2 usage error. See npx assay gate --help.
  prompts <command>          The prompt registry (prompts/<name>/<version>.prompt): list, show,
                             diff, label, rollback, history. Exit codes 0 done, 1 refused (an
                             edited version), 2 usage error. See npx assay prompts --help.
  batch [runner arguments]   Run the suite through the Batch API at half the price: a collect
                             pass gathers the requests missing from the cassettes, one batch
                             answers them into the cassettes, a replay pass runs the suite.
                             Exit code: the replay pass's. See npx assay batch --help.
  help                       Print this message.

Options:
  -h, --help                 Print this message.

Exit codes: 0 done, 1 the run failed, 2 a usage error.
Documentation: the "Cassettes" section of assay's README.`

const [command, ...args] = process.argv.slice(2)
if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
  console.log(USAGE)
  process.exit(0)
}
// Commands built from src/cli: each exports main(argv, io), which returns the exit code.
const built = { merge: 'merge.js', gate: 'gate.js', prompts: 'prompts.js', batch: 'batch.js' }
if (Object.hasOwn(built, command)) {
  const { main } = await import(new URL(`../dist/esm/src/cli/${built[command]}`, import.meta.url).href)
  const code = await main(args, { cwd: process.cwd(), env: process.env, stdout: process.stdout, stderr: process.stderr })
  // Exit once stdout has taken the whole report (it may be a pipe).
  await new Promise((done) => process.stdout.write('', done))
  process.exit(code)
}
if (command !== 'prune') {
  console.error(`assay: unknown command "${command}".\n\n${USAGE}`)
  process.exit(2)
}
if (args.includes('--help') || args.includes('-h')) {
  console.log(USAGE)
  process.exit(0)
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
