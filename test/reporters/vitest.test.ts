import { fileURLToPath } from 'node:url'
import { afterEach, expect, test, vi } from 'vitest'
import AssayReporter from '../../reporters/vitest.js'
import { post } from '../../src/judge/coordinator.js'
import { redact, REDACTED, resetSecrets } from '../../src/secrets.js'

// The part of Vitest the reporter's onInit uses: its projects (their global setup, and
// provide, which passes values to the workers) and onClose.
function vitest(globalSetup: string[]) {
  const provided = new Map<string, unknown>()
  const closing: (() => unknown)[] = []
  const project = { config: { globalSetup }, provide: (key: string, value: unknown) => provided.set(key, value) }
  return { provided, close: () => Promise.all(closing.map((fn) => fn())), instance: { projects: [project], onClose: (fn: () => unknown) => closing.push(fn), config: { root: process.cwd() } } }
}

afterEach(() => resetSecrets())

test('without assay\'s global setup, the reporter gives the workers a place of its own for their keys, closed with Vitest', async () => {
  const v = vitest([])
  await new AssayReporter().onInit(v.instance as never)
  const url = v.provided.get('assaySecretsURL') as string
  expect(url).toMatch(/^http:\/\/assay:[0-9a-f]+@127\.0\.0\.1:\d+$/)
  await post(url, '/secrets', { keys: ['sk-vitest-worker-0123456789'] })
  expect(redact('you sent sk-vitest-worker-0123456789')).toBe(`you sent ${REDACTED}`)
  await v.close()
  await expect(post(url, '/secrets', { keys: [] })).rejects.toThrow(/is not running/)
})

test('with assay\'s global setup (the plugin), the workers send their keys to its coordinator: the reporter starts nothing', async () => {
  const v = vitest([fileURLToPath(new URL('../../runners/vitest-global-setup.js', import.meta.url))])
  await new AssayReporter().onInit(v.instance as never)
  expect(v.provided.size).toBe(0)
})

test('a shard\'s results carry the run id and Vitest\'s resolved shard', async () => {
  const { mkdtempSync, rmSync } = await import('node:fs')
  const { tmpdir } = await import('node:os')
  const { join } = await import('node:path')
  const dir = mkdtempSync(join(tmpdir(), 'assay-vitest-shard-'))
  try {
    const v = vitest([fileURLToPath(new URL('../../runners/vitest-global-setup.js', import.meta.url))])
    const instance = { ...v.instance, config: { root: dir, shard: { index: 2, count: 3 } }, logger: { log: () => {} } }
    const reporter = new AssayReporter({ summary: false, html: false, history: false })
    await reporter.onInit(instance as never)
    vi.stubEnv('ASSAY_RUN_ID', 'nightly-7')
    reporter.onTestRunEnd([], [], 'passed')
    expect(reporter.last!.results.run).toMatchObject({ id: 'nightly-7', shard: { index: 2, count: 3 } })
    // Without --shard, no shard.
    instance.config = { root: dir } as never
    reporter.onTestRunEnd([], [], 'passed')
    expect(reporter.last!.results.run.shard).toBeUndefined()
  } finally {
    vi.unstubAllEnvs()
    rmSync(dir, { recursive: true, force: true })
  }
})
