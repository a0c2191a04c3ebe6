import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { loadData } from '../../bench/precision/data.mjs'
import { loadSet, pct, score } from '../../bench/precision/score.mjs'
import { entityKey, loadWritten, matchClaims, matchEntities, scoreClaims, scoreExtraction, WRITTEN_SLICE } from '../../bench/precision/written.mjs'

describe('precision benchmark scoring', () => {
  test('counts true and false positives and negatives, and leaves unlabelled items out', () => {
    const s = score([true, true, false, false, true, false], [true, false, true, false, null, false])
    expect(s).toEqual({ n: 5, tp: 1, fp: 1, fn: 1, tn: 2, precision: 0.5, recall: 0.5, f1: 0.5 })
  })

  test('precision, recall and F1 follow their definitions', () => {
    // 3 flagged, 2 of them right; 4 positives in all.
    const s = score([true, true, true, false, false, false], [true, true, false, true, true, false])
    expect(s.precision).toBeCloseTo(2 / 3)
    expect(s.recall).toBeCloseTo(2 / 4)
    expect(s.f1).toBeCloseTo((2 * (2 / 3) * 0.5) / (2 / 3 + 0.5))
  })

  test('a figure with nothing to divide by is null, not 0 or 1', () => {
    expect(score([false, false], [false, false])).toMatchObject({ precision: null, recall: null, f1: null })
    expect(score([true], [false])).toMatchObject({ precision: 0, recall: null, f1: null })
    expect(pct(null)).toBe('–')
    expect(pct(0.6125)).toBe('61.3%')
  })

  test('flags and labels must pair up', () => {
    expect(() => score([true], [true, false])).toThrow('1 flags but 2 labels')
  })
})

describe('precision benchmark labels', () => {
  const sources = '{"id":"s1","text":"Apple sold 3 phones."}\n'
  const summaries = [
    { id: 'a', slice: 'modern', sourceId: 's1', summary: 'Apple sold 4 phones.', labels: { number: true, entityInvented: false, entityDropped: null } },
    { id: 'b', slice: 'modern', sourceId: 's1', summary: 'Apple sold two phones.', labels: { number: true, entityInvented: false, entityDropped: null } },
  ]
    .map((r) => JSON.stringify(r))
    .join('\n')

  test('a hand check overrides the derived label and says so', () => {
    const [a, b] = loadSet(summaries, sources, {
      a: { note: 'confirmed: 4 is not in the source' },
      b: { note: 'the source has no "two"', number: false },
    })
    expect(a).toMatchObject({ source: 'Apple sold 3 phones.', checked: true, corrected: false, labels: { number: true } })
    expect(b).toMatchObject({ checked: true, corrected: true, labels: { number: false, entityInvented: false, entityDropped: null } })
  })

  test('a check that repeats the derived label is not counted as a correction', () => {
    const [a] = loadSet(summaries, sources, { a: { note: 'as derived', number: true } })
    expect(a).toMatchObject({ checked: true, corrected: false })
  })

  test('unchecked summaries keep their derived labels', () => {
    const [a] = loadSet(summaries, sources)
    expect(a).toMatchObject({ checked: false, corrected: false, labels: { number: true } })
  })

  test('a check needs a note, a boolean label and a summary that exists', () => {
    expect(() => loadSet(summaries, sources, { a: { note: ' ', number: false } })).toThrow('The hand check of a has no note')
    expect(() => loadSet(summaries, sources, { a: { note: 'x', number: 'no' as unknown as boolean } })).toThrow('sets number to "no"; use true or false')
    expect(() => loadSet(summaries, sources, { zz: { note: 'x' } })).toThrow('checked.json names summaries the set does not have: zz')
  })

  test('a summary whose source is missing is an error naming both', () => {
    expect(() => loadSet(summaries, '')).toThrow('summaries line 1 (a) names source s1, which sources.jsonl does not have')
  })
})

describe('written slice', () => {
  const jsonl = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n'
  const files = {
    sources: jsonl([
      { id: 's1', genre: 'news', text: 'Tim Cook of Apple said sales rose 5% to 40 units in Cupertino.' },
      { id: 's2', genre: 'chat', text: 'ok see you at 5' },
    ]),
    summaries: jsonl([
      { id: 's1-a', sourceId: 's1', prompt: 'P1', summary: 'Apple sales rose 5% to 42 units, Cook said.' },
      { id: 's1-b', sourceId: 's1', prompt: 'P2', summary: 'Two people at Apple and Google discussed 40 units.' },
      { id: 's2-a', sourceId: 's2', prompt: 'P2', summary: 'They meet at 5.' },
    ]),
    sourceLabels: jsonl([{ id: 's1', entities: [{ name: 'Tim Cook', kind: 'person' }, { name: 'Apple', kind: 'organization' }, { name: 'Cupertino', kind: 'place' }] }]),
    summaryLabels: jsonl([
      { id: 's1-a', numbers: [{ text: '5%', status: 'stated' }, { text: '42 units', status: 'unsupported' }], names: [{ name: 'Apple', inSource: true }, { name: 'Cook', inSource: true }] },
      { id: 's1-b', numbers: [{ text: 'Two people', status: 'derived', how: 'counts the speakers' }, { text: '40 units', status: 'stated' }], names: [{ name: 'Apple', inSource: true }, { name: 'Google', inSource: false }] },
    ]),
  }

  test('a summary is a number positive with an unsupported number, a strict positive with a derived one too, an entity positive with a name not in the source', () => {
    const { records } = loadWritten(files)
    expect(records.map((r) => [r.id, r.labels.number, r.labels.numberStrict, r.labels.entityInvented])).toEqual([
      ['s1-a', true, true, false],
      ['s1-b', false, true, true],
    ])
    expect(records[0]).toMatchObject({ slice: WRITTEN_SLICE, genre: 'news', prompt: 'P1', source: expect.stringContaining('Tim Cook'), labels: { numberClaims: ['42 units'], entityDropped: null } })
    expect(records[1]!.labels).toMatchObject({ derivedClaims: ['Two people'], inventedNames: ['Google'] })
  })

  test('summaries and sources without labels are left out and listed', () => {
    const { records, sources, unlabelled } = loadWritten(files)
    expect(records.map((r) => r.id)).not.toContain('s2-a')
    expect(sources.map((s) => s.id)).toEqual(['s1'])
    expect(unlabelled).toEqual({ summaries: ['s2-a'], sources: ['s2'] })
  })

  test('corrections change, remove and add labelled items, each with its reason', () => {
    const { records, sources } = loadWritten({
      ...files,
      corrections: [
        { id: 's1-a', number: '42 units', status: 'stated', reason: 'the source has 42 after all' },
        { id: 's1-b', name: 'Google', inSource: true, reason: 'named in the source' },
        { id: 's1', entity: 'Cupertino', remove: true, reason: 'not named' },
        { id: 's1', entity: 'California', kind: 'place', add: true, reason: 'named and missed' },
      ],
    })
    expect(records.map((r) => [r.labels.number, r.labels.entityInvented, r.corrected])).toEqual([
      [false, false, true],
      [false, false, true],
    ])
    expect(sources[0]!.entities.map((e) => e.name)).toEqual(['Tim Cook', 'Apple', 'California'])
  })

  test('a correction without a reason, or whose target is not labelled, is an error', () => {
    expect(() => loadWritten({ ...files, corrections: [{ id: 's1-a', number: '42 units', status: 'stated', reason: '' }] })).toThrow('has no reason')
    expect(() => loadWritten({ ...files, corrections: [{ id: 's1-a', number: '41 units', status: 'stated', reason: 'x' }] })).toThrow('s1-a has no number "41 units" to correct')
    expect(() => loadWritten({ ...files, corrections: [{ id: 's1-a', number: '5%', status: 'wrong' as 'stated', reason: 'x' }] })).toThrow('status "wrong" is not one of')
    expect(() => loadWritten({ ...files, corrections: [{ id: 's1-a', number: '5%', add: true, status: 'stated', reason: 'x' }] })).toThrow('already labelled')
  })

  test('a label with an unknown status, or a summary naming a missing source, is an error naming it', () => {
    expect(() => loadWritten({ ...files, summaryLabels: jsonl([{ id: 's1-a', numbers: [{ text: '5%', status: 'supported' }], names: [] }]) })).toThrow('s1-a "5%": status "supported"')
    expect(() => loadWritten({ ...files, summaries: jsonl([{ id: 'x', sourceId: 's9', prompt: 'P1', summary: '' }]) })).toThrow('x names source s9')
    expect(() => loadWritten({ ...files, sources: '{"id":"s1"\n' })).toThrow('sources.jsonl line 1 is not JSON')
  })
})

describe('entity extraction scoring', () => {
  const labels = [
    { name: 'Tim Cook', kind: 'person' },
    { name: 'Apple', kind: 'organization' },
    { name: 'São Paulo', kind: 'place' },
  ]

  test('names match ignoring case, diacritics, a possessive and a leading "the"; a surname matches a labelled person', () => {
    expect(entityKey("The Apple’s")).toBe('apple')
    const m = matchEntities(['cook', "APPLE's", 'Sao Paulo', 'Mr Cook', 'Paulo'], labels)
    expect(m).toEqual({ extracted: 5, correct: 3, labelled: 3, found: 3, wrong: ['Mr Cook', 'Paulo'], missed: [] })
  })

  test('a person named with or without a middle name is the same person', () => {
    const labelled = [{ name: 'Ernest Henry Shackleton', kind: 'person' }, { name: 'Ada Lovelace', kind: 'person' }]
    expect(matchEntities(['Ernest Shackleton', 'Ada King Lovelace', 'Henry Shackleton', 'Ernest'], labelled)).toMatchObject({ correct: 2, found: 2, wrong: ['Henry Shackleton', 'Ernest'] })
  })

  test('a legal form does not count, and an acronym matches the labelled name it abbreviates', () => {
    const labelled = [
      { name: 'Nintendo Co.', kind: 'organization' },
      { name: 'Australian Competition and Consumer Commission', kind: 'organization' },
      { name: 'Hallam Precision Components Ltd', kind: 'organization' },
    ]
    expect(matchEntities(['Nintendo', 'ACCC', 'Hallam Precision Components', 'APC', 'NC'], labelled)).toMatchObject({ correct: 3, found: 3, wrong: ['APC', 'NC'] })
  })

  test('a missed label lowers recall, a wrong name precision', () => {
    const s = scoreExtraction([matchEntities(['Apple', 'Cupertino'], labels), matchEntities([], [{ name: 'Apple', kind: 'organization' }])])
    expect(s).toMatchObject({ n: 2, extracted: 2, correct: 1, labelled: 4, found: 1, precision: 0.5, recall: 0.25 })
    expect(scoreExtraction([matchEntities([], [])])).toMatchObject({ precision: null, recall: null, f1: null })
  })
})

describe('per-claim number scoring', () => {
  const numbers = [
    { text: '£1,400', status: 'stated' as const },
    { text: 'two films', status: 'derived' as const, how: 'counts' },
    { text: 'in 2020', status: 'unsupported' as const },
    { text: '12%', status: 'unsupported' as const },
    { text: '7pm–11pm', status: 'unsupported' as const },
  ]

  test('a flagged claim is mapped to the labelled number whose text holds it, separators and case aside', () => {
    const m = matchClaims(['1400', 'Two', '2020', '7', '11', '1', '20'], numbers, ['unsupported'])
    expect(m).toEqual({ flagged: 7, right: 3, wrong: 2, unmapped: ['1', '20'], positives: 3, found: 2 })
  })

  test('in strict mode a derived number is a positive too', () => {
    expect(matchClaims(['two', '2020', '12%'], numbers, ['unsupported', 'derived'])).toMatchObject({ right: 3, wrong: 0, positives: 4, found: 3 })
  })

  test('precision is over mapped flags, recall over labelled positives', () => {
    const s = scoreClaims([matchClaims(['1400', '2020', '9'], numbers, ['unsupported'])])
    expect(s).toMatchObject({ flagged: 3, right: 1, wrong: 1, unmapped: 1, positives: 3, found: 1, precision: 0.5, recall: 1 / 3 })
  })
})

describe('benchmark data folders', () => {
  function folder(withExternal: boolean): string {
    const dir = mkdtempSync(join(tmpdir(), 'precision-'))
    mkdirSync(join(dir, 'written'))
    const files: Record<string, string> = {
      'sources.jsonl': '{"id":"s1","genre":"news","text":"Apple sold 3 phones."}\n',
      'summaries.jsonl': '{"id":"s1-a","sourceId":"s1","prompt":"P2","summary":"Apple sold 4 phones."}\n',
      'source-labels.jsonl': '{"id":"s1","entities":[{"name":"Apple","kind":"organization"}]}\n',
      'summary-labels.jsonl': '{"id":"s1-a","numbers":[{"text":"4 phones","status":"unsupported"}],"names":[{"name":"Apple","inSource":true}]}\n',
      'corrections.json': '[]',
    }
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, 'written', name), text)
    writeFileSync(join(dir, 'checked.json'), '{"e1":{"note":"checked","number":false}}')
    if (withExternal) {
      mkdirSync(join(dir, 'external'))
      writeFileSync(join(dir, 'external', 'sources.jsonl'), '{"id":"x1","text":"Two cats."}\n')
      writeFileSync(join(dir, 'external', 'summaries.jsonl'), '{"id":"e1","slice":"older-xsum","sourceId":"x1","summary":"Three cats.","labels":{"number":true,"entityInvented":null,"entityDropped":null}}\n')
    }
    return dir
  }

  test('without external/ only the written slice is loaded', () => {
    const dir = folder(false)
    try {
      const { written, external } = loadData(dir)
      expect(external).toBeNull()
      expect(written.records.map((r) => [r.id, r.labels.number])).toEqual([['s1-a', true]])
    } finally {
      rmSync(dir, { recursive: true })
    }
  })

  test('with external/ its records are loaded too, with the hand checks applied', () => {
    const dir = folder(true)
    try {
      const { external } = loadData(dir)
      expect(external?.map((r) => [r.id, r.slice, r.labels.number, r.corrected])).toEqual([['e1', 'older-xsum', false, true]])
    } finally {
      rmSync(dir, { recursive: true })
    }
  })
})
