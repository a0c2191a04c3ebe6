// Precision and recall of toHaveNoInventedNumbers and toPreserveEntities on hand-labelled
// summaries (see README.md here), per slice, next to a naive substring check and next to the
// figures of the analysers before this work (before.json). Each matcher is called the way a
// test calls it: the matcher function with a matcher context, its pass read as the flag.
// The written slice (written/) is always scored; the external corpora only when
// build.mjs has written them into the git-ignored external/ folder.
//
//   node bench/precision/run.mjs                       table, with before.json beside it
//   node bench/precision/run.mjs --json                the figures as JSON (how before.json is made)
//   node bench/precision/run.mjs --disagreements       every summary where a matcher and the label differ
//   node bench/precision/run.mjs --dist <dir/dist/esm> run another build (e.g. an older commit's)
//   node bench/precision/run.mjs --of <commit>         names the build in the JSON output
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { BUILD_EXTERNAL, loadData } from './data.mjs'
import { pct, score } from './score.mjs'
import { matchClaims, matchEntities, scoreClaims, scoreExtraction, WRITTEN_SLICE } from './written.mjs'

const here = import.meta.dirname
const { values: args } = parseArgs({
  options: { json: { type: 'boolean' }, disagreements: { type: 'boolean' }, dist: { type: 'string' }, of: { type: 'string' } },
})
const dist = resolve(args.dist ?? join(here, '..', '..', 'dist', 'esm'))
const matchers = await import(pathToFileURL(join(dist, 'matchers', 'index.js')).href)

const { written, external: externalSet } = loadData(here)
const hasExternal = externalSet !== null
const external = externalSet ?? []
const records = [...written.records, ...external]

const context = {
  isNot: false,
  testPath: join(here, 'run.mjs'),
  currentTestName: 'precision',
  utils: { matcherHint: (name) => `expect(received).${name}()`, printExpected: (v) => JSON.stringify(v), printReceived: (v) => JSON.stringify(v) },
}
const NAMES = ['person', 'organization', 'place']

// The naive checks a team might write by hand: every number-like token, or every
// capitalised word, of the text appears verbatim in the reference; names are runs of
// capitalised words.
const naiveNumbers = (text, reference) => (text.match(/\d+(?:[.,]\d+)*/g) ?? []).filter((t) => !reference.includes(t))
const NOT_NAMES = new Set('The A An In On At Of For And But Or If As By To From With This That It He She They We I His Her Their Our There When After Also However'.split(' '))
const naiveNames = (text, reference) => (text.match(/\b[A-Z][A-Za-z'’.-]*[A-Za-z]\b/g) ?? []).filter((t) => !NOT_NAMES.has(t) && !reference.includes(t.replace(/['’]s$/, '')))
const naiveExtract = (text) => [...new Set((text.match(/\b[A-Z][\p{L}'’&.-]*(?:\s+(?:of\s+|de\s+|&\s+)?[A-Z][\p{L}'’&.-]*)*/gu) ?? []).map((t) => t.replace(/[.'’-]+$/, '')).filter((t) => !NOT_NAMES.has(t)))]

/** The ✗ lines of a failure message: what the matcher says is wrong. */
const reasons = (result) => result.message().split('\n').filter((l) => l.includes('✗')).map((l) => l.trim())

/** Runs a matcher; a usage error (e.g. no entities to check) counts as "not flagged". */
function run(call) {
  const started = performance.now()
  let result
  try {
    result = call()
  } catch (error) {
    if (error?.name !== 'AssayUsageError') throw error
    return { flagged: false, ms: performance.now() - started, why: [`usage error: ${error.message.split('\n')[0]}`] }
  }
  const ms = performance.now() - started
  return { flagged: !result.pass, ms, why: result.pass ? [] : reasons(result) }
}

/** The text of each claim a toHaveNoInventedNumbers failure lists as unsupported. */
const flaggedClaims = (why) => why.flatMap((line) => {
  const m = /^✗ ("(?:[^"\\]|\\.)*")/.exec(line)
  return m ? [JSON.parse(m[1])] : []
})

/** Whether this build's toHaveNoInventedNumbers takes an option (older builds reject unknown ones). */
function accepts(options) {
  try {
    matchers.toHaveNoInventedNumbers.call(context, '1', '1', options)
    return true
  } catch (error) {
    if (error?.name === 'AssayUsageError') return false
    throw error
  }
}
const strict = accepts({ derived: false })

const checks = {
  numbers: {
    label: 'number',
    positive: ['unsupported'],
    matcher: 'toHaveNoInventedNumbers(source)',
    assay: (r) => run(() => matchers.toHaveNoInventedNumbers.call(context, r.summary, r.source)),
    naive: (r) => naiveNumbers(r.summary, r.source),
  },
  'numbers (strict)': {
    label: 'numberStrict',
    positive: ['unsupported', 'derived'],
    matcher: 'toHaveNoInventedNumbers(source, { derived: false }); a derived number counts as a positive',
    skipped: strict ? undefined : 'this build of toHaveNoInventedNumbers has no derived option',
    assay: (r) => run(() => matchers.toHaveNoInventedNumbers.call(context, r.summary, r.source, { derived: false })),
    naive: (r) => naiveNumbers(r.summary, r.source),
  },
  'invented entities': {
    label: 'entityInvented',
    matcher: 'expect(source).toPreserveEntities({ from: summary, kinds: names })',
    assay: (r) => run(() => matchers.toPreserveEntities.call(context, r.source, { from: r.summary, kinds: NAMES })),
    naive: (r) => naiveNames(r.summary, r.source),
  },
  'dropped entities': {
    label: 'entityDropped',
    matcher: 'expect(summary).toPreserveEntities({ from: seed, kinds: names })',
    applies: (r) => typeof r.seed === 'string',
    assay: (r) => run(() => matchers.toPreserveEntities.call(context, r.summary, { from: r.seed, kinds: NAMES })),
    naive: (r) => naiveNames(r.seed, r.summary),
  },
}

const slices = [...new Set(records.map((r) => r.slice))]
const results = {}
const disagreements = []
for (const [name, check] of Object.entries(checks)) {
  results[name] = {}
  if (check.skipped) continue
  for (const slice of slices) {
    const rows = records.filter((r) => r.slice === slice && (check.applies?.(r) ?? true) && r.labels[check.label] != null)
    if (rows.length === 0) continue
    const truth = rows.map((r) => r.labels[check.label])
    // A first pass warms the JIT up, so the timed pass measures steady-state cost per summary.
    rows.forEach(check.assay)
    const assay = rows.map(check.assay)
    const naive = rows.map(check.naive)
    results[name][slice] = {
      assay: score(assay.map((a) => a.flagged), truth),
      naive: score(naive.map((n) => n.length > 0), truth),
      msPerSummary: assay.reduce((s, a) => s + a.ms, 0) / rows.length,
    }
    // Per claim, where the labels list every number of the summary: each flagged claim is
    // mapped to the labelled number that holds its text.
    if (check.positive && rows.every((r) => Array.isArray(r.numbers))) {
      results[name][slice].claims = scoreClaims(rows.map((r, i) => matchClaims(flaggedClaims(assay[i].why), r.numbers, check.positive)))
    }
    rows.forEach((r, i) => {
      if (assay[i].flagged !== truth[i]) disagreements.push({ check: name, id: r.id, label: truth[i], flagged: assay[i].flagged, checked: r.checked, why: assay[i].why, naive: naive[i], claims: r.labels.numberClaims, derived: r.labels.derivedClaims, names: r.labels.inventedNames, summary: r.summary })
    })
  }
}

// Entity extraction: the entities the { from } form takes from each source, read from the
// matcher's own report (every entity it checked is listed with ✓ or ✗), against the source's
// labels. Each summary is one call, as in a test; the source text is made unique in the
// warm-up pass so that a build that caches extraction per source is timed on a cold cache.
const listed = (message) => [...message.matchAll(/^\s*[✓✗] ("(?:[^"\\]|\\.)*") \((person|organization|place)\)/gmu)].map((m) => JSON.parse(m[1]))
function extract(summary, source) {
  const started = performance.now()
  let message
  try {
    message = matchers.toPreserveEntities.call(context, summary, { from: source, kinds: NAMES }).message()
  } catch (error) {
    if (error?.name !== 'AssayUsageError') throw error
    return { names: [], ms: performance.now() - started }
  }
  return { names: listed(message), ms: performance.now() - started }
}
const labelled = new Map(written.sources.map((s) => [s.id, s]))
const extractionRows = written.records.filter((r) => labelled.has(r.sourceId))
extractionRows.forEach((r) => extract(r.summary, `${r.source}\n`))
const extracted = extractionRows.map((r) => ({ r, ...extract(r.summary, r.source) }))
const extraction = extracted.map(({ r, names }) => matchEntities(names, labelled.get(r.sourceId).entities))
results['entity extraction'] = extractionRows.length === 0 ? {} : {
  [WRITTEN_SLICE]: {
    assay: scoreExtraction(extraction),
    naive: scoreExtraction(extractionRows.map((r) => matchEntities(naiveExtract(r.source), labelled.get(r.sourceId).entities))),
    msPerSummary: extracted.reduce((s, e) => s + e.ms, 0) / extracted.length,
  },
}
extracted.forEach(({ r }, i) => {
  const m = extraction[i]
  if (m.wrong.length > 0 || m.missed.length > 0) disagreements.push({ check: 'entity extraction', id: r.id, sourceId: r.sourceId, wrong: m.wrong, missed: m.missed })
})

const missing = `${written.unlabelled.summaries.length} written summaries and ${written.unlabelled.sources.length} written sources have no labels yet and are left out`
if (args.json) {
  console.log(JSON.stringify({ of: args.of ?? null, summaries: records.length, external: hasExternal, unlabelled: written.unlabelled, results }, null, 2))
} else if (args.disagreements) {
  for (const d of disagreements) console.log(JSON.stringify(d))
} else {
  const beforePath = join(here, 'before.json')
  const before = existsSync(beforePath) ? JSON.parse(readFileSync(beforePath, 'utf8')).results : {}
  for (const [name, check] of Object.entries({ ...checks, 'entity extraction': { label: 'entities', matcher: 'the entities expect(summary).toPreserveEntities({ from: source, kinds: names }) reports, against the source labels' } })) {
    console.log(`\n${name}: ${check.matcher}`)
    if (check.skipped) {
      console.log(`skipped: ${check.skipped}`)
      continue
    }
    const table = {}
    for (const [slice, r] of Object.entries(results[name])) {
      const b = before[name]?.[slice]
      table[slice] = {
        n: r.assay.n,
        positives: r.assay.labelled ?? r.assay.tp + r.assay.fn,
        precision: pct(r.assay.precision),
        recall: pct(r.assay.recall),
        F1: pct(r.assay.f1),
        'before P': pct(b?.assay?.precision),
        'before R': pct(b?.assay?.recall),
        'before F1': pct(b?.assay?.f1),
        'naive P': pct(r.naive.precision),
        'naive R': pct(r.naive.recall),
        'naive F1': pct(r.naive.f1),
        'ms/summary': r.msPerSummary.toFixed(2),
        'before ms': b?.msPerSummary?.toFixed(2) ?? '–',
      }
    }
    console.table(table)
    for (const [slice, r] of Object.entries(results[name])) {
      const c = r.claims
      const b = before[name]?.[slice]?.claims
      if (c) console.log(`${slice}, per claim: precision ${pct(c.precision)} (${c.right}/${c.right + c.wrong}), recall ${pct(c.recall)} (${c.found}/${c.positives}); ${c.unmapped} of ${c.flagged} flags match no labelled number${b ? `; before: precision ${pct(b.precision)}, recall ${pct(b.recall)}` : ''}`)
    }
  }
  const unlabelled = written.unlabelled.summaries.length + written.unlabelled.sources.length > 0 ? `; ${missing}` : ''
  console.log(`\n${written.records.length} written summaries of ${written.sources.length} sources (${written.records.filter((r) => r.corrected).length} summaries with corrected labels, written/corrections.json)${unlabelled}.`)
  if (hasExternal) {
    console.log(`${external.length} external summaries, ${external.filter((r) => r.checked).length} checked by hand, ${external.filter((r) => r.corrected).length} of them relabelled (checked.json).`)
  } else {
    console.log(`External corpora (SummEdits, QAGS) absent: build them into bench/precision/external/ with ${BUILD_EXTERNAL} (see bench/precision/README.md).`)
  }
  console.log('Disagreements: node bench/precision/run.mjs --disagreements')
}
