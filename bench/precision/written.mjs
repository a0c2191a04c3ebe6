// The written slice of the precision benchmark: source documents and LLM summaries written
// for this project, labelled per number and per name (see README.md). Loading, label
// corrections and the entity and claim matching are kept here, apart from run.mjs, so a unit
// test can check them.

export const WRITTEN_SLICE = 'modern (written)'
const STATUSES = new Set(['stated', 'derived', 'unsupported', 'not-a-claim'])
const KINDS = new Set(['person', 'organization', 'place'])

/** JSONL text to objects; a line that is not JSON is an error naming the file and line. */
export function parseJsonl(text, file) {
  const out = []
  for (const [i, line] of text.split('\n').entries()) {
    if (!line.trim()) continue
    try {
      out.push(JSON.parse(line))
    } catch (error) {
      throw new Error(`${file} line ${i + 1} is not JSON (${error.message}); each line must hold one object.`)
    }
  }
  return out
}

const byId = (rows, file) => {
  const map = new Map()
  for (const r of rows) {
    if (typeof r.id !== 'string') throw new Error(`${file} has a row without an id: ${JSON.stringify(r).slice(0, 80)}.`)
    if (map.has(r.id)) throw new Error(`${file} has the id ${r.id} twice.`)
    map.set(r.id, r)
  }
  return map
}

// Where each kind of correction applies: the list it edits, the key naming an item, and
// the fields it may set.
const TARGETS = {
  number: { list: 'numbers', key: 'text', fields: ['status', 'how'] },
  name: { list: 'names', key: 'name', fields: ['inSource'] },
  entity: { list: 'entities', key: 'name', fields: ['kind'] },
}

function validateItem(kind, item, where) {
  if (kind === 'number' && !STATUSES.has(item.status)) throw new Error(`${where}: status ${JSON.stringify(item.status)} is not one of ${[...STATUSES].join(', ')}.`)
  if (kind === 'name' && typeof item.inSource !== 'boolean') throw new Error(`${where}: inSource must be true or false, not ${JSON.stringify(item.inSource)}.`)
  if (kind === 'entity' && !KINDS.has(item.kind)) throw new Error(`${where}: kind ${JSON.stringify(item.kind)} is not one of ${[...KINDS].join(', ')}.`)
}

/**
 * Applies hand corrections to the labels. Each correction names the summary or source
 * (`id`), one item by its text (`number`, `name` or `entity`), a `reason`, and either the
 * fields to change (`status`/`how`, `inSource`, `kind`), `remove: true`, or `add: true` with
 * the fields of a new item. A correction whose target does not exist is an error, so a
 * relabelled file cannot silently leave a correction unapplied. Returns the ids changed.
 */
export function applyCorrections(labels, corrections) {
  const changed = new Set()
  for (const [i, c] of corrections.entries()) {
    const where = `corrections.json entry ${i + 1} (${c.id})`
    const kind = Object.keys(TARGETS).find((k) => typeof c[k] === 'string')
    if (!kind) throw new Error(`${where} names no number, name or entity to correct.`)
    if (typeof c.reason !== 'string' || c.reason.trim() === '') throw new Error(`${where} has no reason; say why the label was wrong.`)
    const { list, key, fields } = TARGETS[kind]
    const row = labels.get(c.id)
    if (!row) throw new Error(`${where}: no labels for ${c.id}.`)
    const items = (row[list] ??= [])
    const at = items.findIndex((x) => x[key] === c[kind])
    if (c.add) {
      if (at >= 0) throw new Error(`${where}: ${JSON.stringify(c[kind])} is already labelled; change it instead of adding it.`)
      const item = { [key]: c[kind], ...Object.fromEntries(fields.filter((f) => f in c).map((f) => [f, c[f]])) }
      validateItem(kind, item, where)
      items.push(item)
    } else {
      if (at < 0) throw new Error(`${where}: ${c.id} has no ${kind} ${JSON.stringify(c[kind])} to correct.`)
      if (c.remove) items.splice(at, 1)
      else {
        const item = { ...items[at], ...Object.fromEntries(fields.filter((f) => f in c).map((f) => [f, c[f]])) }
        validateItem(kind, item, where)
        items[at] = item
      }
    }
    changed.add(c.id)
  }
  return changed
}

/**
 * Reads the written slice from its five files' texts. Summaries without labels (and sources
 * without entity labels) are left out and listed in `unlabelled`, so a partial labelling
 * is scored on what is complete. Each record's labels: `number` (states an unsupported
 * number), `numberStrict` (an unsupported or a derived one), `entityInvented` (names an
 * entity the source does not have).
 */
export function loadWritten({ sources, summaries, sourceLabels, summaryLabels, corrections = [] }) {
  const src = byId(parseJsonl(sources, 'sources.jsonl'), 'sources.jsonl')
  const entityLabels = byId(parseJsonl(sourceLabels, 'source-labels.jsonl'), 'source-labels.jsonl')
  const claimLabels = byId(parseJsonl(summaryLabels, 'summary-labels.jsonl'), 'summary-labels.jsonl')
  const all = new Map([...entityLabels, ...claimLabels].map(([id, row]) => [id, structuredClone(row)]))
  const changed = applyCorrections(all, corrections)
  const unlabelled = { summaries: [], sources: [] }

  const records = []
  for (const s of parseJsonl(summaries, 'summaries.jsonl')) {
    const source = src.get(s.sourceId)
    if (!source) throw new Error(`summaries.jsonl: ${s.id} names source ${s.sourceId}, which sources.jsonl does not have.`)
    const l = claimLabels.has(s.id) ? all.get(s.id) : undefined
    if (!l) {
      unlabelled.summaries.push(s.id)
      continue
    }
    const numbers = l.numbers ?? []
    const names = l.names ?? []
    for (const n of numbers) validateItem('number', n, `summary-labels.jsonl ${s.id} ${JSON.stringify(n.text)}`)
    for (const n of names) validateItem('name', n, `summary-labels.jsonl ${s.id} ${JSON.stringify(n.name)}`)
    const unsupported = numbers.filter((n) => n.status === 'unsupported').map((n) => n.text)
    const derived = numbers.filter((n) => n.status === 'derived').map((n) => n.text)
    const invented = names.filter((n) => !n.inSource).map((n) => n.name)
    records.push({
      id: s.id,
      slice: WRITTEN_SLICE,
      corpus: 'written',
      genre: source.genre,
      prompt: s.prompt,
      sourceId: s.sourceId,
      source: source.text,
      summary: s.summary,
      numbers,
      names,
      labels: {
        number: unsupported.length > 0,
        numberStrict: unsupported.length + derived.length > 0,
        entityInvented: invented.length > 0,
        entityDropped: null,
        numberClaims: unsupported,
        derivedClaims: derived,
        inventedNames: invented,
      },
      checked: false,
      corrected: changed.has(s.id),
    })
  }
  const sourceRecords = []
  for (const [id, s] of src) {
    if (!entityLabels.has(id)) {
      unlabelled.sources.push(id)
      continue
    }
    const entities = all.get(id).entities ?? []
    for (const e of entities) validateItem('entity', e, `source-labels.jsonl ${id} ${JSON.stringify(e.name)}`)
    sourceRecords.push({ id, genre: s.genre, text: s.text, entities, corrected: changed.has(id) })
  }
  return { records, sources: sourceRecords, unlabelled }
}

// The matcher promises that "Apple Inc." is kept by "Apple", and the labels give names in
// full, legal form included; so the comparison leaves the legal form out on both sides.
const LEGAL_FORM = /,?\s+(?:inc|incorporated|corp|corporation|co|ltd|limited|llc|plc|gmbh|ag|sa|asa|nv|se)\.?$/
const MINOR_WORDS = new Set(['of', 'and', 'the', 'for', '&', 'de', 'du', 'la'])

/** A name as the entity matching compares it: case, diacritics, a possessive, a leading "the" and a legal form do not count. */
export function entityKey(name) {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(/'s?$/, '')
    .replace(/^the\s+/, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(LEGAL_FORM, '')
}

/** The initials of a name of several words, minor words left out: "Australian Competition and Consumer Commission" → "accc". */
const initials = (key) => {
  const words = key.split(' ').filter((w) => !MINOR_WORDS.has(w))
  return words.length > 1 ? words.map((w) => w[0]).join('') : undefined
}

/** A surname alone, or the same first and last name with a middle name added or left out. */
function samePerson(extracted, label) {
  const e = extracted.split(' ')
  const l = label.split(' ')
  if (l.length < 2) return false
  if (e.length === 1) return e[0] === l.at(-1)
  return e[0] === l[0] && e.at(-1) === l.at(-1)
}

/**
 * Compares extracted entity names with the labelled ones. An extracted name is right when
 * it is a labelled name (see {@link entityKey}), the last word of a labelled person's
 * full name (a surname standing for the person), that person's first and last name with a
 * middle name added or left out, or an acronym written in capitals that
 * spells the initials of a labelled name; a label is found when some extracted
 * name is right for it. Kinds are not compared: the extractor's kind is not what is measured.
 */
export function matchEntities(extracted, labelled) {
  const labels = labelled.map((l) => ({ ...l, key: entityKey(l.name), initials: initials(entityKey(l.name)) }))
  const matches = (e, l, acronym) => e === l.key || (l.kind === 'person' && samePerson(e, l.key)) || (acronym && e === l.initials)
  const found = new Set()
  const wrong = []
  for (const name of extracted) {
    const e = entityKey(name)
    const acronym = /^[A-Z]{2,}$/.test(name.replace(/[.'’]/g, ''))
    const hits = labels.filter((l) => matches(e, l, acronym))
    if (hits.length === 0) wrong.push(name)
    for (const h of hits) found.add(h.key)
  }
  const missed = [...new Set(labels.map((l) => l.key))].filter((k) => !found.has(k))
  return { extracted: extracted.length, correct: extracted.length - wrong.length, labelled: new Set(labels.map((l) => l.key)).size, found: found.size, wrong, missed }
}

/** Sums per-item entity matches into precision, recall and F1 (null where nothing to divide by). */
export function scoreExtraction(matches) {
  const sum = (k) => matches.reduce((s, m) => s + m[k], 0)
  const extracted = sum('extracted'), correct = sum('correct'), labelled = sum('labelled'), found = sum('found')
  const precision = extracted > 0 ? correct / extracted : null
  const recall = labelled > 0 ? found / labelled : null
  const f1 = precision !== null && recall !== null && precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : null
  return { n: matches.length, extracted, correct, labelled, found, precision, recall, f1 }
}

const claimKey = (text) => text.toLowerCase().replace(/(\d)[,\s\u202f](?=\d{3}\b)/g, '$1').replace(/\s+/g, ' ').trim()
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * Maps the claims a matcher flagged in one summary (their text as the matcher reports it)
 * to the summary's labelled numbers: a flag belongs to a label whose text holds it, digits
 * not run on ("2" is not in "2020", "7" is in "7pm–11pm"). A flag is right when one of its labels has a status
 * in `positive`, wrong when its labels have none, unmapped when no label holds it.
 */
export function matchClaims(flagged, numbers, positive) {
  const labels = numbers.map((n) => ({ ...n, key: claimKey(n.text) }))
  const found = new Set()
  let right = 0, wrong = 0
  const unmapped = []
  for (const f of flagged) {
    const key = claimKey(f)
    // A figure may carry a unit ("7pm", "20th") but not run on into more digits; a word
    // must stand alone.
    const before = /^\d/.test(key) ? '(?<![\\d.,])' : '(?<![\\p{L}\\d])'
    const after = /\d$/.test(key) ? '(?!\\d|[.,]\\d)' : '(?![\\p{L}\\d])'
    const pattern = new RegExp(`${before}${escape(key)}${after}`, 'u')
    const hits = labels.filter((l) => pattern.test(l.key))
    if (hits.length === 0) {
      unmapped.push(f)
      continue
    }
    const good = hits.filter((l) => positive.includes(l.status))
    if (good.length > 0) right++
    else wrong++
    for (const l of good) found.add(l)
  }
  return { flagged: flagged.length, right, wrong, unmapped, positives: labels.filter((l) => positive.includes(l.status)).length, found: found.size }
}

/** Sums per-summary claim matches: precision over the flags that map to a label, recall over labelled positives. */
export function scoreClaims(matches) {
  const sum = (k) => matches.reduce((s, m) => s + (Array.isArray(m[k]) ? m[k].length : m[k]), 0)
  const flagged = sum('flagged'), right = sum('right'), wrong = sum('wrong'), unmapped = sum('unmapped'), positives = sum('positives'), found = sum('found')
  const precision = right + wrong > 0 ? right / (right + wrong) : null
  const recall = positives > 0 ? found / positives : null
  const f1 = precision !== null && recall !== null && precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : null
  return { flagged, right, wrong, unmapped, positives, found, precision, recall, f1 }
}
