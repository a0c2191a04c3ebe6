// Which runner is in use, so that messages that say how to fix something (record a missing
// answer, write a missing baseline) give the one command that works here: the right
// runner, with the user's --config, and the test file relative to where they run it.
import { relative } from 'node:path'

/** The runner in use, as its adapter declares it. */
export interface RunnerInfo {
  name: 'vitest' | 'jest'
  /** The `--config` the run was started with, when one was given. */
  config?: string | undefined
}

let runner: RunnerInfo | undefined

/** Declares the runner in use; the runner adapters call this once. */
export function setRunner(info: RunnerInfo | undefined): void {
  runner = info
}

/** The value of `--config` / `-c` in a runner's command line, if any. */
export function configFlag(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--config' || arg === '-c') return argv[i + 1]
    if (arg.startsWith('--config=')) return arg.slice('--config='.length)
  }
  return undefined
}

const shellWord = (word: string) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`)

/**
 * The command that runs `testPath` again with the runner in use, prefixed by `env`
 * (e.g. `ASSAY_CACHE=auto`). Without a declared runner it names both.
 *
 * @example
 * ```ts
 * rerunCommand('/repo/test/summary.test.ts', 'ASSAY_CACHE=auto') // "ASSAY_CACHE=auto npx vitest run test/summary.test.ts"
 * ```
 */
export function rerunCommand(testPath: string, env = ''): string {
  const rel = relative(process.cwd(), testPath)
  const file = shellWord(rel && !rel.startsWith('..') ? rel : testPath)
  const prefix = env ? `${env} ` : ''
  const config = runner?.config ? ` --config ${shellWord(runner.config)}` : ''
  if (runner?.name === 'vitest') return `${prefix}npx vitest run${config} ${file}`
  if (runner?.name === 'jest') return `${prefix}npx jest${config} ${file}`
  return `${prefix}npx vitest run ${file}   (or: ${prefix}npx jest ${file})`
}
