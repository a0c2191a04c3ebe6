// Which runner versions assay supports, and the check the setup files, the Vitest plugin
// and the Jest reporter make before anything else: a runner outside the range otherwise
// fails later, in every test, with an error about some missing runner internal.
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

/** A runner assay supports: its name for people, its packages, and the versions supported. */
export interface SupportedRunner {
  name: string
  /** Packages whose version is the runner's, looked up in this order. */
  packages: readonly string[]
  /** The supported versions: caret ranges joined by `||`, as in package.json's peerDependencies. */
  range: string
  /** The install command suggested when the version is outside the range. */
  install: string
}

/** The supported runners; the ranges are the peer dependency ranges of package.json. */
export const SUPPORTED_RUNNERS = {
  vitest: { name: 'Vitest', packages: ['vitest'], range: '^3.2.0 || ^4.1.0 || ^5.0.0', install: 'npm install -D vitest@^5' },
  // @jest/globals moves in step with jest; it tells the version when jest-cli runs alone.
  jest: { name: 'Jest', packages: ['jest', '@jest/globals'], range: '^29.0.0 || ^30.0.0', install: 'npm install -D jest@^30 @jest/globals@^30' },
} as const satisfies Record<string, SupportedRunner>

type Parsed = [major: number, minor: number, patch: number, prerelease: boolean]

function parse(version: string): Parsed | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.exec(version.trim())
  return m ? [Number(m[1]), Number(m[2]), Number(m[3]), m[4] !== undefined] : undefined
}

/**
 * Whether `version` is in `range`, a list of caret ranges (`^M.m.p`, M ≥ 1) joined by `||`.
 * As with npm, a prerelease is outside every range here: `5.0.0-beta.2` does not satisfy `^4.1.0`
 * and is below `5.0.0`, the lowest version `^5.0.0` takes.
 */
export function satisfiesRange(version: string, range: string): boolean {
  const v = parse(version)
  if (!v || v[3]) return false
  return range.split('||').some((part) => {
    const low = parse(part.trim().replace(/^\^/, ''))
    if (!low) throw new Error(`assay: "${part.trim()}" is not a caret range.`)
    return v[0] === low[0] && (v[1] > low[1] || (v[1] === low[1] && v[2] >= low[2]))
  })
}

/**
 * The version of package `name` as Node would resolve it from `fromDir`: the first
 * `node_modules/<name>/package.json` found walking up the folders, or undefined.
 */
export function installedVersion(name: string, fromDir: string): string | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    try {
      const { version } = JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')) as { version?: unknown }
      if (typeof version === 'string') return version
    } catch {
      // Not installed at this level (or unreadable): Node would look further up too.
    }
    if (dirname(dir) === dir) return undefined
  }
}

/**
 * Throws if `version` of the runner is outside the supported range, in one sentence that
 * names the version found, the range supported, and how to fix it. A version that could not
 * be found passes: the layout is unusual, not wrong.
 */
export function assertSupportedRunner(runner: keyof typeof SUPPORTED_RUNNERS, version: string | undefined): void {
  const { name, range, install } = SUPPORTED_RUNNERS[runner]
  if (version === undefined || satisfiesRange(version, range)) return
  throw new Error(`assay supports ${name} ${range}, but found ${name} ${version}: install a supported version (${install}) or pin an older assay.`)
}

/** Checks the runner installed where `fromDir` resolves it (see {@link assertSupportedRunner}). */
export function checkInstalledRunner(runner: keyof typeof SUPPORTED_RUNNERS, fromDir: string): void {
  const version = SUPPORTED_RUNNERS[runner].packages.map((p) => installedVersion(p, fromDir)).find((v) => v !== undefined)
  assertSupportedRunner(runner, version)
}
