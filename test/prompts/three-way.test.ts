// The three-way merge of labels.json, key by key: what git's line merge conflicts on because
// two branches inserted at the same place is kept from both; only the same label moved two
// ways, or the same version registered with two contents, is a conflict.
import { describe, expect, test } from 'vitest'
import { parseState, serializeState, type RegistryState } from '../../src/prompts/files.js'
import { describeConflicts, mergeStates } from '../../src/prompts/three-way.js'

const h = (c: string) => c.repeat(64)
const [H1, H2, H3, H4] = [h('1'), h('2'), h('3'), h('4')]

/** A state as labels.json's parser gives it (prototype-free maps). */
function state(labels: Record<string, [string, string]>, versions: Record<string, string>): RegistryState {
  return parseState(serializeState({ labels: Object.fromEntries(Object.entries(labels).map(([k, [version, sha256]]) => [k, { version, sha256 }])), versions }), 'labels.json')
}

const base = state({ production: ['v1', H1] }, { v1: H1, v2: H2 })

describe('mergeStates', () => {
  test('two sides that each register a different new version keep both', () => {
    const m = mergeStates(base, state({ production: ['v1', H1] }, { v1: H1, v2: H2, v3: H3 }), state({ production: ['v1', H1] }, { v1: H1, v2: H2, v4: H4 }))
    expect(m.conflicts).toEqual([])
    expect({ ...m.state.versions }).toEqual({ v1: H1, v2: H2, v3: H3, v4: H4 })
    expect({ ...m.state.labels }).toEqual({ production: { version: 'v1', sha256: H1 } })
  })

  test("two sides that each set a different label (a prompt's first labels) keep both", () => {
    const empty = state({}, { v1: H1, v2: H2 })
    const m = mergeStates(empty, state({ staging: ['v2', H2] }, { v1: H1, v2: H2 }), state({ production: ['v1', H1] }, { v1: H1, v2: H2 }))
    expect(m.conflicts).toEqual([])
    expect({ ...m.state.labels }).toEqual({ production: { version: 'v1', sha256: H1 }, staging: { version: 'v2', sha256: H2 } })
  })

  test('a label moved on one side only takes that move, whichever side it is', () => {
    const moved = state({ production: ['v2', H2] }, { v1: H1, v2: H2 })
    for (const [ours, theirs] of [
      [moved, base],
      [base, moved],
    ] as const) {
      const m = mergeStates(base, ours, theirs)
      expect(m.conflicts).toEqual([])
      expect(m.state.labels.production).toEqual({ version: 'v2', sha256: H2 })
    }
  })

  test('a side whose registry only upgraded an older-format label (bare name → the same version with a hash) did not move it: the other side\'s move is taken, and an unmoved label keeps its hash', () => {
    const bare = (labels: Record<string, string>): RegistryState => ({ labels: Object.assign(Object.create(null), Object.fromEntries(Object.entries(labels).map(([k, version]) => [k, { version, sha256: undefined }]))), versions: base.versions })
    const upgraded = state({ production: ['v1', H1], staging: ['v2', H2] }, { v1: H1, v2: H2 })
    const m = mergeStates(bare({ production: 'v1', staging: 'v2' }), upgraded, bare({ production: 'v2', staging: 'v2' }))
    expect(m.conflicts).toEqual([])
    expect({ ...m.state.labels }).toEqual({ production: { version: 'v2', sha256: undefined }, staging: { version: 'v2', sha256: H2 } })
    // The other way round, too.
    const back = mergeStates(bare({ production: 'v1', staging: 'v2' }), bare({ production: 'v2', staging: 'v2' }), upgraded)
    expect(back.conflicts).toEqual([])
    expect({ ...back.state.labels }).toEqual({ production: { version: 'v2', sha256: undefined }, staging: { version: 'v2', sha256: H2 } })
  })

  test('the same addition on both sides is kept once', () => {
    const both = state({ production: ['v1', H1], staging: ['v3', H3] }, { v1: H1, v2: H2, v3: H3 })
    const m = mergeStates(base, both, both)
    expect(m.conflicts).toEqual([])
    expect(serializeState(m.state)).toBe(serializeState(both))
  })

  test('a registration dropped on one side (forget) and left alone on the other is dropped', () => {
    const m = mergeStates(base, state({ production: ['v1', H1] }, { v1: H1 }), base)
    expect(m.conflicts).toEqual([])
    expect({ ...m.state.versions }).toEqual({ v1: H1 })
  })

  test('the same label moved two ways is a conflict naming both values, left out of the state', () => {
    const m = mergeStates(base, state({ production: ['v2', H2] }, { v1: H1, v2: H2 }), state({ production: ['v1', H3] }, { v1: H1, v2: H2 }))
    expect(m.conflicts).toEqual([{ kind: 'label', key: 'production', base: `v1 (sha256 ${H1.slice(0, 12)})`, ours: `v2 (sha256 ${H2.slice(0, 12)})`, theirs: `v1 (sha256 ${H3.slice(0, 12)})` }])
    expect(m.state.labels.production).toBeUndefined()
    const text = describeConflicts(m.conflicts, 's', 'prompts/s')
    expect(text).toContain('label "production" was moved on both sides: ours v2 (sha256 222222222222), theirs v1 (sha256 333333333333)')
    expect(text).toContain('npx assay prompts merge s --ours production (or --theirs production)')
  })

  test('a label conflict is settled for the side chosen, and says it was decided', () => {
    const m = mergeStates(base, state({ production: ['v2', H2] }, { v1: H1, v2: H2 }), state({ production: ['v1', H3] }, { v1: H1, v2: H2 }), (l) => (l === 'production' ? 'ours' : undefined))
    expect(m.conflicts).toEqual([])
    expect(m.decided).toEqual(['production'])
    expect(m.state.labels.production).toEqual({ version: 'v2', sha256: H2 })
  })

  test('the same version registered with different hashes is a conflict, with what to do', () => {
    const m = mergeStates(base, state({ production: ['v1', H1] }, { v1: H1, v2: H2, v3: H3 }), state({ production: ['v1', H1] }, { v1: H1, v2: H2, v3: H4 }))
    expect(m.conflicts.map((c) => [c.kind, c.key, c.ours, c.theirs])).toEqual([['version', 'v3', `sha256 ${H3.slice(0, 12)}`, `sha256 ${H4.slice(0, 12)}`]])
    expect(m.state.versions.v3).toBeUndefined()
    const text = describeConflicts(m.conflicts, 's', 'prompts/s')
    expect(text).toContain('version "v3" was registered on both sides with different content')
    expect(text).toContain("Keep one side's content in prompts/s/v3.prompt")
    expect(text).toContain('save the other side\'s as a new version')
  })

  test("a version conflict is settled for the side whose content the caller says the file holds", () => {
    const m = mergeStates(base, state({}, { v1: H1, v2: H2, v3: H3 }), state({}, { v1: H1, v2: H2, v3: H4 }), undefined, (v, o, t) => (v === 'v3' && t === H4 && o === H3 ? 'theirs' : undefined))
    expect(m.conflicts).toEqual([])
    expect(m.state.versions.v3).toBe(H4)
  })
})
