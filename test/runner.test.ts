import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { configFlag, rerunCommand, setRunner } from '../src/runner.js'

afterEach(() => setRunner(undefined))
const file = join(process.cwd(), 'test', 'summary.test.ts')

describe('the command a message gives to re-run a test file', () => {
  test('names the runner in use, relative to the working folder, with the run\'s --config', () => {
    setRunner({ name: 'vitest' })
    expect(rerunCommand(file, 'ASSAY_CACHE=auto')).toBe('ASSAY_CACHE=auto npx vitest run test/summary.test.ts')
    setRunner({ name: 'jest', config: 'config/jest.llm.config.js' })
    expect(rerunCommand(file)).toBe('npx jest --config config/jest.llm.config.js test/summary.test.ts')
    setRunner({ name: 'vitest', config: 'my config.ts' })
    expect(rerunCommand(file)).toBe("npx vitest run --config 'my config.ts' test/summary.test.ts")
  })

  test('a path outside the working folder stays absolute, and one with spaces or quotes is quoted', () => {
    setRunner({ name: 'jest' })
    expect(rerunCommand('/elsewhere/a.test.ts')).toBe('npx jest /elsewhere/a.test.ts')
    expect(rerunCommand(join(process.cwd(), "it's here.test.ts"))).toBe(`npx jest 'it'\\''s here.test.ts'`)
  })

  test('without a declared runner it names both', () => {
    expect(rerunCommand(file)).toBe('npx vitest run test/summary.test.ts   (or: npx jest test/summary.test.ts)')
  })

  test('reads --config, --config=… and -c from a command line', () => {
    expect(configFlag(['node', 'vitest', 'run', '--config', 'a.ts'])).toBe('a.ts')
    expect(configFlag(['node', 'jest', '--config=b.js', 'x.test.js'])).toBe('b.js')
    expect(configFlag(['node', 'jest', '-c', 'c.js'])).toBe('c.js')
    expect(configFlag(['node', 'vitest', 'run'])).toBeUndefined()
  })
})
