import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, expect, test } from 'vitest'
import AssayJestReporter from '../../reporters/jest.js'
import { assay } from '../../runners/vitest-plugin.js'
import { assertSupportedRunner, installedVersion, SUPPORTED_RUNNERS, satisfiesRange } from '../../src/runner-support.js'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** A project folder with the given packages installed (only their package.json). */
function project(packages: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'assay-support-'))
  dirs.push(dir)
  for (const [name, version] of Object.entries(packages)) {
    mkdirSync(join(dir, 'node_modules', name), { recursive: true })
    writeFileSync(join(dir, 'node_modules', name, 'package.json'), JSON.stringify({ name, version }))
  }
  return dir
}

test('the supported ranges are the peer dependency ranges package.json declares', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { peerDependencies: Record<string, string> }
  expect(SUPPORTED_RUNNERS.vitest.range).toBe(pkg.peerDependencies.vitest)
  expect(SUPPORTED_RUNNERS.jest.range).toBe(pkg.peerDependencies['@jest/globals'])
  expect(SUPPORTED_RUNNERS.vitest.range).toBe('^3.2.0 || ^4.1.0 || ^5.0.0')
  expect(SUPPORTED_RUNNERS.jest.range).toBe('^29.0.0 || ^30.0.0')
})

test.each([
  ['3.2.0', true],
  ['3.2.7', true],
  ['4.1.12', true],
  ['5.1.2', true],
  ['3.1.4', false],
  ['4.0.18', false],
  ['2.1.9', false],
  ['6.0.0', false],
  ['5.0.0-beta.2', false],
  ['3.2.0-beta.1', false],
  ['not a version', false],
])('Vitest %s is in the supported range: %s', (version, inRange) => {
  expect(satisfiesRange(version, SUPPORTED_RUNNERS.vitest.range)).toBe(inRange)
})

test.each([
  ['29.0.0', true],
  ['29.7.0', true],
  ['30.5.2', true],
  ['28.1.3', false],
  ['31.0.0', false],
])('Jest %s is in the supported range: %s', (version, inRange) => {
  expect(satisfiesRange(version, SUPPORTED_RUNNERS.jest.range)).toBe(inRange)
})

test('installedVersion finds a package the way Node resolves it: in node_modules here or in a parent folder', () => {
  const dir = project({ vitest: '3.2.7' })
  const nested = join(dir, 'packages', 'app', 'src')
  mkdirSync(nested, { recursive: true })
  expect(installedVersion('vitest', dir)).toBe('3.2.7')
  expect(installedVersion('vitest', nested)).toBe('3.2.7')
  expect(installedVersion('jest', nested)).toBeUndefined()
})

test('a version outside the range fails in one sentence naming the version found and the range supported', () => {
  expect(() => assertSupportedRunner('vitest', '3.1.4')).toThrow(
    'assay supports Vitest ^3.2.0 || ^4.1.0 || ^5.0.0, but found Vitest 3.1.4: install a supported version (npm install -D vitest@^5) or pin an older assay.',
  )
  expect(() => assertSupportedRunner('jest', '28.1.3')).toThrow('assay supports Jest ^29.0.0 || ^30.0.0, but found Jest 28.1.3:')
  expect(() => assertSupportedRunner('vitest', '3.2.0')).not.toThrow()
  expect(() => assertSupportedRunner('jest', '29.7.0')).not.toThrow()
  // A version that cannot be found (an unusual layout) is not held against the user.
  expect(() => assertSupportedRunner('vitest', undefined)).not.toThrow()
})

test('the Vitest plugin fails when the config is read if the project has an unsupported Vitest', () => {
  const old = project({ vitest: '3.1.4' })
  expect(() => assay().config({ root: old })).toThrow('but found Vitest 3.1.4')
  expect(() => assay().config({ root: project({ vitest: '3.2.7' }) })).not.toThrow()
})

test('the Jest reporter fails when Jest makes it if the project has an unsupported Jest', () => {
  const old = project({ jest: '28.1.3', '@jest/globals': '28.1.3' })
  expect(() => new AssayJestReporter({ rootDir: old })).toThrow('but found Jest 28.1.3')
  // Without the jest package (jest-cli users), @jest/globals tells the version.
  expect(() => new AssayJestReporter({ rootDir: project({ '@jest/globals': '27.5.1' }) })).toThrow('but found Jest 27.5.1')
  expect(() => new AssayJestReporter({ rootDir: project({ jest: '29.7.0' }) })).not.toThrow()
})
