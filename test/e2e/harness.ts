import { execFile, execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { inject } from 'vitest'

export const root = resolve(import.meta.dirname, '../..')
const projects = join(import.meta.dirname, 'projects')

/** What a spawned runner did. */
export interface RunResult {
  code: number | null
  stdout: string
  stderr: string
  output: string
}

/** One test from a runner's JSON results: Vitest and Jest write the same shape. */
export interface TestOutcome {
  status: 'passed' | 'failed' | 'skipped' | 'pending' | 'todo'
  message: string
}

/**
 * A fixture project copied to a temporary folder, with `node_modules` laid out as a user's
 * install would be: assay unpacked from `npm pack`, everything else linked from the given
 * trees (earlier trees win).
 */
export class FixtureProject {
  readonly dir: string
  /** How long one command may run before it is killed; a suite of thousands of cases needs more. */
  timeoutMs = 180_000

  constructor(name: string, assayPackage: string, trees: string[] = [join(root, 'node_modules')]) {
    this.dir = mkdtempSync(join(tmpdir(), `assay-e2e-${name}-`))
    cpSync(join(projects, name), this.dir, { recursive: true })
    const modules = join(this.dir, 'node_modules')
    mkdirSync(modules)
    cpSync(assayPackage, join(modules, 'assay'), { recursive: true })
    // Scope folders (@types, @jest, …) are merged package by package, so a runner's tree
    // adds its own packages without hiding the root's others (@types/node beside @types/jest).
    const link = (from: string, to: string) => {
      for (const entry of readdirSync(from)) {
        if (entry === '.bin' || entry.startsWith('.') || entry === 'assay') continue
        if (entry.startsWith('@')) {
          mkdirSync(join(to, entry), { recursive: true })
          link(join(from, entry), join(to, entry))
        } else if (!existsSync(join(to, entry))) symlinkSync(join(from, entry), join(to, entry))
      }
    }
    for (const tree of trees) link(tree, modules)
    const shared = join(projects, 'shared')
    const suite = readFileSync(join(shared, 'suite.body.js'), 'utf8')
    const header = readFileSync(join(this.dir, 'header.js'), 'utf8')
    writeFileSync(join(this.dir, 'summary.test.js'), `${header}\n${suite}`)
    writeFileSync(join(this.dir, 'judged.test.js'), `${header}\n${readFileSync(join(shared, 'judged.body.js'), 'utf8')}`)
    writeFileSync(join(this.dir, 'baseline.test.js'), `${header}\n${readFileSync(join(shared, 'baseline.body.js'), 'utf8')}`)
    this.types = readFileSync(join(shared, 'types.body.ts'), 'utf8')
    this.writeTypes(true)
  }

  readonly types: string

  /** Writes the type check, with the runner's assay types referenced or, as a control, without. */
  writeTypes(withAssay: boolean): void {
    const header = readFileSync(join(this.dir, 'types.header.ts'), 'utf8')
    const used = withAssay ? header : header.replace(/^\/\/\/ <reference types="assay[^"]*" \/>\n/m, '')
    writeFileSync(join(this.dir, 'types.check.ts'), `${used}\n${this.types}`)
  }

  /**
   * Writes a test file: the project's header (its runner's `expect` and `test`), an import
   * of `names` from assay in the project's module style, then `body`.
   */
  writeTest(file: string, body: string, names: string[] = []): void {
    const header = readFileSync(join(this.dir, 'header.js'), 'utf8')
    const cjs = header.includes('require(')
    const imports = names.length === 0 ? '' : cjs ? `const { ${names.join(', ')} } = require('assay')\n` : `import { ${names.join(', ')} } from 'assay'\n`
    writeFileSync(join(this.dir, file), `${header}\n${imports}${body}`)
  }

  /** Runs a command in the project, with a clean environment and a hard time limit. */
  run(command: string, args: string[], env: Record<string, string> = {}): Promise<RunResult> {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'NODE_OPTIONS' && k !== 'TEST'))
    return new Promise((resolvePromise) => {
      execFile(
        command,
        args,
        { cwd: this.dir, env: { ...clean, NO_COLOR: '1', FORCE_COLOR: '0', ...env }, timeout: this.timeoutMs, maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : null) : 0
          // Said in the output, so a failed assertion on the code names the cause.
          const killed = error?.killed ? `\n[the harness killed the command after its time limit of ${this.timeoutMs / 1000} s]` : ''
          resolvePromise({ code, stdout, stderr, output: stdout + stderr + killed })
        },
      )
    })
  }

  /** Reads a Jest-format JSON results file into a map from test title to outcome. */
  results(file = 'results.json'): Map<string, TestOutcome> {
    const json = JSON.parse(readFileSync(join(this.dir, file), 'utf8')) as {
      testResults: { assertionResults: { title: string; status: TestOutcome['status']; failureMessages: string[] }[] }[]
    }
    const out = new Map<string, TestOutcome>()
    for (const file of json.testResults) {
      for (const t of file.assertionResults) out.set(t.title, { status: t.status, message: t.failureMessages.join('\n') })
    }
    return out
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true })
  }
}

let node22: string | undefined

/** The path of a Node 22 binary: global setup's, else fetched once from the npm registry with `npx node@22`. */
export function node22Path(): string {
  node22 ??= inject('node22') ?? execFileSync('npx', ['-y', 'node@22', '-p', 'process.execPath'], { encoding: 'utf8' }).trim()
  return node22
}

/** A runner set-up the e2e tests run every fixture project under. */
export interface Runner {
  name: string
  project: string
  trees?: () => string[]
  /** Runs a test file (the shared suite by default), writing results.json; `only` keeps titles starting with it. */
  run(p: FixtureProject, only?: string, file?: string, env?: Record<string, string>, extra?: string[]): Promise<RunResult>
  typecheck(p: FixtureProject): Promise<RunResult>
}

const tsc = (node: string) => (p: FixtureProject) => p.run(node, [join(p.dir, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'])
// With `cliReporters`, the reporters are named on the command line (which replaces the
// config's), assay's among them; without, the project's config and the assay() plugin
// decide, so the plugin's wiring of the reporter is what is tested.
const vitest =
  (node: () => string, cliReporters: boolean) =>
  (p: FixtureProject, only?: string, file = 'summary.test.js', env: Record<string, string> = {}, extra: string[] = []) =>
    p.run(
      node(),
      [
        'node_modules/vitest/vitest.mjs',
        'run',
        file,
        ...extra,
        ...(cliReporters
          ? ['--reporter=default', '--reporter=json', '--outputFile.json=results.json', '--reporter=assay/reporter', ...(existsSync(join(p.dir, 'meta-reporter.js')) ? ['--reporter=./meta-reporter.js'] : [])]
          : []),
        ...(only ? ['-t', `^${only}`] : []),
      ],
      env,
    )
const jest = (p: FixtureProject, only?: string, file = 'summary.test.js', env: Record<string, string> = {}, extra: string[] = []) =>
  p.run(process.execPath, ['node_modules/jest/bin/jest.js', '--ci', '--json', '--outputFile=results.json', file, ...extra, ...(only ? ['-t', `^${only}`] : [])], env)

/**
 * Vitest 3.2 and 4 (Node 20), Vitest 5 (Node 22), Jest 29 and 30 with globals, Jest 30 with
 * `@jest/globals`: the oldest and newest majors assay supports, each with its own tree.
 */
export const runners: Runner[] = [
  {
    name: 'Vitest 3.2 (ESM, Node 20)',
    project: 'vitest3',
    trees: () => [join(root, 'test/e2e/vitest3/node_modules'), join(root, 'node_modules')],
    run: vitest(() => process.execPath, false),
    typecheck: tsc(process.execPath),
  },
  { name: 'Vitest 4 (ESM, Node 20)', project: 'vitest-esm', run: vitest(() => process.execPath, false), typecheck: tsc(process.execPath) },
  {
    name: 'Vitest 5 (ESM, Node 22)',
    project: 'vitest5',
    trees: () => [join(root, 'test/e2e/vitest5/node_modules'), join(root, 'node_modules')],
    run: vitest(node22Path, true),
    typecheck: tsc(process.execPath),
  },
  {
    name: 'Jest 29 (CommonJS, globals)',
    project: 'jest29',
    trees: () => [join(root, 'test/e2e/jest29/node_modules'), join(root, 'node_modules')],
    run: jest,
    typecheck: tsc(process.execPath),
  },
  { name: 'Jest 30 (CommonJS, globals)', project: 'jest-cjs', run: jest, typecheck: tsc(process.execPath) },
  { name: 'Jest 30 (@jest/globals)', project: 'jest-globals', run: jest, typecheck: tsc(process.execPath) },
]
