import { fileURLToPath } from 'node:url'
import { expect, test } from 'vitest'
import { assay } from '../../runners/vitest-plugin.js'
import { redact, resetSecrets } from '../../src/secrets.js'

const reporter = fileURLToPath(new URL('../../reporters/vitest.js', import.meta.url))

test('without reporters of the user’s, Vitest’s default one is kept beside assay’s', () => {
  const config = assay({ judge: { model: 'gpt-4o' }, report: { outputDir: 'r' } }).config({})
  expect(config.test.reporters).toEqual(['default', [reporter, { outputDir: 'r' }]])
  // The report options stay with the reporter; the workers get the rest.
  expect(config.test.provide).toEqual({ assayConfig: { judge: { model: 'gpt-4o' } } })
})

test('with the user’s reporters, assay’s is added to them (Vite concatenates the lists)', () => {
  expect(assay().config({ test: { reporters: ['dot'] } }).test.reporters).toEqual([[reporter, {}]])
})

test('report: false leaves the reporter out', () => {
  expect(assay({ report: false }).config({}).test).not.toHaveProperty('reporters')
})

test('bad report options fail when the config is read, naming the option', () => {
  expect(() => assay({ report: { outputDir: '' } })).toThrow(/assay reporter: invalid options \(outputDir: /)
})

test('the judge keys given to the plugin are secrets in the main process too, where the reporter writes', () => {
  try {
    assay({ judge: { apiKey: 'sk-plugin-0123456789', fallback: [{ model: 'm', apiKey: 'sk-plugin-fallback-0123' }] } })
    expect(redact('sk-plugin-0123456789 and sk-plugin-fallback-0123')).toBe('[REDACTED] and [REDACTED]')
  } finally {
    resetSecrets()
  }
})
