import { describe, expect, test } from 'vitest'
import { checkName, compareVersions, sortVersions } from '../../src/prompts/order.js'
import { nextVersion } from '../../src/prompts/registry.js'

describe('the natural order of versions', () => {
  test('numbers compare as numbers: v2 < v2.1 < v9 < v10', () => {
    expect(sortVersions(['v10', 'v9', 'v2.1', 'v2'], 'p', 'test')).toEqual(['v2', 'v2.1', 'v9', 'v10'])
    expect(compareVersions('v10', 'v9')).toBeGreaterThan(0)
    expect(compareVersions('v2', 'v2.1')).toBeLessThan(0)
  })

  test('dates, long numbers beyond 2^53, and a number before text at the same place', () => {
    expect(sortVersions(['2026-01-10', '2026-01-09', '2025-12-31'], 'p', 'test')).toEqual(['2025-12-31', '2026-01-09', '2026-01-10'])
    expect(compareVersions('v90071992547409930', 'v90071992547409931')).toBeLessThan(0)
    expect(compareVersions('beta', '2')).toBeGreaterThan(0)
    expect(sortVersions(['v1-b', 'v1-a', 'v1'], 'p', 'test')).toEqual(['v1', 'v1-a', 'v1-b'])
  })

  test('names equal under the order (v1 and v01) are refused, naming both', () => {
    expect(compareVersions('v1', 'v01')).toBe(0)
    expect(() => sortVersions(['v2', 'v01', 'v1'], 'summarizer', 'test')).toThrow('the versions "v01" and "v1" of prompt "summarizer" cannot be ordered')
    expect(() => sortVersions(['v1.0', 'v1.00'], 'p', 'test')).toThrow('cannot be ordered')
  })

  test('the suggested next version comes after the latest', () => {
    for (const latest of ['v2', 'v2.1', 'v9', 'v09', '2026-01-05', 'draft']) {
      expect(compareVersions(nextVersion(latest), latest)).toBeGreaterThan(0)
    }
    expect(nextVersion('v9')).toBe('v10')
  })
})

describe('names', () => {
  test.each(['../x', 'a/b', 'a\\b', '..', '.hidden', '', 'has space', 'nul\u0000', '-flag', 'x'.repeat(101)])('%j is refused as a name', (name) => {
    expect(() => checkName('prompt', name, 'test')).toThrow(/not a valid prompt name|must be a non-empty string/)
  })

  test('Unicode names are accepted, in NFC', () => {
    expect(checkName('prompt', 'résumé', 'test')).toBe('résumé')
    expect(checkName('prompt', 're\u0301sume\u0301', 'test')).toBe('résumé')
    expect(checkName('version', '版本2', 'test')).toBe('版本2')
  })
})
