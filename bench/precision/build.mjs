// Builds the external evaluation set (external/summaries.jsonl, external/sources.jsonl) from
// two public corpora at pinned commits, deterministically. The folder is git-ignored: the
// corpora's texts stay on the machine that builds them, and only figures measured on them
// are kept in the repository (README.md, before.json). The labels it writes are *derived* from the human
// annotations; hand checks (and the labels they changed) live in checked.json and are applied when the
// benchmark loads the set, so this derivation stays reproducible on its own.
//
//   node bench/precision/build.mjs --summedits <git dir of salesforce/factualNLG> --qags <git dir of W4ngatang/qags>
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'

export const SUMMEDITS_COMMIT = '0da1dfa62c783218d26208c1796d3a2605bec745'
export const QAGS_COMMIT = '47798e9b63344e2d3fb4df2def6edc18e9402d30'
const SUMMEDITS_DOMAINS = ['news', 'podcast', 'sales_call', 'sales_email', 'ectsum', 'samsum', 'qmsumm', 'scitldr']
const PER_DOMAIN = 60
const PER_QAGS_SET = Infinity

const NUMBER_WORDS = new Set(
  ('zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen ' +
    'eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred hundreds thousand thousands million ' +
    'millions billion billions trillion dozen dozens half twice double triple first second third fourth fifth sixth ' +
    'seventh eighth ninth tenth')
    .split(' '),
)
// Capitalised words that open sentences or name months and days, not entities.
const NOT_NAMES = new Set(
  ('The A An In On At Of For And But Or If As By To From With This That These Those It Its He She They We I You His Her ' +
    'Their Our My Your There Here When While After Before During Since Also However Although Because So Then Thus Overall ' +
    'Today Yesterday Tomorrow Mr Mrs Ms Dr Sir Speaker Person January February March April May June July August ' +
    'September October November December Monday Tuesday Wednesday Thursday Friday Saturday Sunday Q1 Q2 Q3 Q4 ' +
    'Additionally Furthermore Moreover Meanwhile According Despite Both Each Some Many Most All No Not One Two Three')
    .split(' '),
)

/** Number-like tokens of a text, normalised (digits without separators, number words lower-cased). */
export function numberTokens(text) {
  const out = []
  for (const m of text.matchAll(/\d+(?:[.,]\d+)*|[A-Za-z]+/g)) {
    const t = m[0]
    if (/^\d/.test(t)) out.push(t.replace(/,/g, ''))
    else if (NUMBER_WORDS.has(t.toLowerCase())) out.push(t.toLowerCase())
  }
  return out
}

/** Capitalised words that can be names (a crude extractor: the labels are checked by hand). */
export function nameTokens(text) {
  const out = []
  for (const m of text.matchAll(/\b[A-Z][A-Za-z&'’.-]*[A-Za-z]\b/g)) {
    const t = m[0].replace(/['’]s$/, '')
    if (!NOT_NAMES.has(t)) out.push(t)
  }
  return out
}

/** Items of `a` not matched one-for-one in `b`. */
function minus(a, b) {
  const left = new Map()
  for (const x of b) left.set(x, (left.get(x) ?? 0) + 1)
  return a.filter((x) => {
    const n = left.get(x) ?? 0
    if (n === 0) return true
    left.set(x, n - 1)
    return false
  })
}

const wordIn = (word, text) => new RegExp(`\\b${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'i').test(text)
const naturalOrder = (a, b) => a.localeCompare(b, 'en', { numeric: true })

function show(gitDir, commit, path) {
  return execFileSync('git', ['--git-dir', gitDir, 'show', `${commit}:${path}`], { maxBuffer: 64 << 20, encoding: 'utf8' })
}

/**
 * SummEdits: each seed summary was verified consistent by annotators, then edited by an
 * LLM, and each edit labelled consistent (1) or inconsistent (0) by annotators. A summary
 * states an unsupported number when its edit was judged inconsistent and added a number
 * the seed did not have; it invents an entity when an inconsistent edit added a name the
 * source does not contain; it drops an entity when a name of the seed is gone.
 */
function summedits(gitDir, sources) {
  const rows = []
  for (const domain of SUMMEDITS_DOMAINS) {
    const all = JSON.parse(show(gitDir, SUMMEDITS_COMMIT, `data/summedits/summedits_${domain}.json`)).filter((r) => r.split === 'test')
    // Round-robin over documents (each in id order) so one long document does not fill the domain.
    const byDoc = new Map()
    for (const r of all.sort((a, b) => naturalOrder(a.id, b.id))) {
      if (!byDoc.has(r.doc)) byDoc.set(r.doc, [])
      byDoc.get(r.doc).push(r)
    }
    const queues = [...byDoc.values()]
    const picked = []
    for (let round = 0; picked.length < PER_DOMAIN; round++) {
      const before = picked.length
      for (const q of queues) if (q[round] && picked.length < PER_DOMAIN) picked.push(q[round])
      if (picked.length === before) break
    }
    for (const r of picked) {
      const sourceId = addSource(sources, r.doc)
      const added = minus(numberTokens(r.summary), numberTokens(r.original_summary))
      const inconsistent = String(r.label) === '0'
      const addedNames = minus(nameTokens(r.summary), nameTokens(r.original_summary)).filter((n) => !wordIn(n, r.doc))
      const droppedNames = [...new Set(nameTokens(r.original_summary))].filter((n) => !wordIn(n, r.summary))
      rows.push({
        id: `summedits/${r.id}`,
        slice: 'modern (SummEdits)',
        corpus: 'SummEdits',
        domain,
        sourceId,
        seed: r.original_summary,
        summary: r.summary,
        human: { consistent: !inconsistent, editTypes: typeof r.edit_types === 'string' ? JSON.parse(r.edit_types) : r.edit_types },
        labels: {
          number: inconsistent && added.length > 0,
          numberClaims: inconsistent ? added : [],
          entityInvented: inconsistent && addedNames.length > 0,
          inventedNames: inconsistent ? addedNames : [],
          entityDropped: droppedNames.length > 0,
          droppedNames,
        },
      })
    }
  }
  return rows
}

/**
 * QAGS: each summary sentence was judged by three crowd workers ("is it supported by the
 * article?"); a sentence is unfaithful when most said no. The number label is derived as
 * "an unfaithful sentence contains a number"; hand checking then keeps only those where
 * the number itself is what the article does not support (see checked.json).
 */
function qags(gitDir, sources, set) {
  const lines = show(gitDir, QAGS_COMMIT, `data/mturk_${set}.jsonl`).split('\n').filter(Boolean).slice(0, PER_QAGS_SET)
  return lines.map((line, i) => {
    const r = JSON.parse(line)
    const article = set === 'cnndm' ? detokenise(r.article) : r.article
    const sourceId = addSource(sources, article)
    const sentences = r.summary_sentences.map((s) => ({
      text: s.sentence,
      faithful: s.responses.filter((x) => x.response === 'yes').length * 2 > s.responses.length,
    }))
    const unfaithful = sentences.filter((s) => !s.faithful)
    const numberClaims = unfaithful.flatMap((s) => numberTokens(s.text))
    return {
      id: `qags-${set}/${i}`,
      slice: `older-${set}`,
      corpus: 'QAGS',
      domain: set,
      sourceId,
      summary: sentences.map((s) => s.text).join(' '),
      human: { sentences },
      labels: {
        number: numberClaims.length > 0,
        numberClaims,
        // Not labelled: names in these summaries are mostly lower case, which a derivation
        // from capitalised words cannot see (see README).
        entityInvented: null,
        inventedNames: [],
        entityDropped: null,
        droppedNames: [],
      },
    }
  })
}

/**
 * The QAGS CNN/DailyMail articles are tokenised ("235, 000", "1. 3 billion", "4 - 0",
 * "$ 10"), while their summaries are not; rejoining those tokens keeps the benchmark from
 * counting a preprocessing artefact as a false flag.
 */
export function detokenise(text) {
  return text
    .replace(/(\d), (?=\d{3}\b)/g, '$1,')
    .replace(/(\d)\. (?=\d)/g, '$1.')
    .replace(/(\w) - (?=\w)/g, '$1-')
    .replace(/([$£€]) (?=\d)/g, '$1')
    .replace(/\( /g, '(')
    .replace(/ \)/g, ')')
}

function addSource(sources, text) {
  const id = createHash('sha256').update(text).digest('hex').slice(0, 12)
  sources.set(id, text)
  return id
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { summedits: { type: 'string' }, qags: { type: 'string' } } })
  if (!values.summedits || !values.qags) {
    console.error('Usage: node bench/precision/build.mjs --summedits <git dir of salesforce/factualNLG> --qags <git dir of W4ngatang/qags>')
    process.exit(2)
  }
  const sources = new Map()
  const rows = [...summedits(values.summedits, sources), ...qags(values.qags, sources, 'cnndm'), ...qags(values.qags, sources, 'xsum')]
  const dir = join(import.meta.dirname, 'external')
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'summaries.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n')
  writeFileSync(join(dir, 'sources.jsonl'), [...sources].sort(([a], [b]) => a.localeCompare(b)).map(([id, text]) => JSON.stringify({ id, text })).join('\n') + '\n')
  const count = (slice, key) => rows.filter((r) => r.slice === slice && r.labels[key]).length
  for (const slice of [...new Set(rows.map((r) => r.slice))]) {
    console.log(`${slice}: ${rows.filter((r) => r.slice === slice).length} summaries, ${count(slice, 'number')} with an unsupported number, ${count(slice, 'entityInvented')} inventing an entity, ${count(slice, 'entityDropped')} dropping one`)
  }
  console.log(`${sources.size} sources, written to ${dir}`)
}
