// Scoring for the precision benchmark, kept apart from run.mjs so a unit test can check
// the arithmetic and the label handling on a tiny fixture.

/**
 * Reads the evaluation set: `summaries` and `sources` are JSONL texts, `checked` maps the id
 * of each summary checked by hand to a note (why the label is what it is) and any labels
 * the check changed (`number`, `entityInvented`, `entityDropped`). Returns the records with
 * their final labels, `source` text resolved, and `corrected` set where a label changed.
 */
export function loadSet(summaries, sources, checked = {}) {
  const texts = new Map()
  for (const line of sources.split('\n')) {
    if (!line.trim()) continue
    const { id, text } = JSON.parse(line)
    texts.set(id, text)
  }
  const unknown = new Set(Object.keys(checked))
  const records = []
  for (const [i, line] of summaries.split('\n').entries()) {
    if (!line.trim()) continue
    const r = JSON.parse(line)
    const source = texts.get(r.sourceId)
    if (source === undefined) throw new Error(`summaries line ${i + 1} (${r.id}) names source ${r.sourceId}, which sources.jsonl does not have.`)
    const check = checked[r.id]
    unknown.delete(r.id)
    const labels = { ...r.labels }
    let corrected = false
    if (check) {
      if (typeof check.note !== 'string' || check.note.trim() === '') throw new Error(`The hand check of ${r.id} has no note; say why the label is what it is.`)
      for (const key of ['number', 'entityInvented', 'entityDropped']) {
        if (!(key in check)) continue
        if (typeof check[key] !== 'boolean') throw new Error(`The hand check of ${r.id} sets ${key} to ${JSON.stringify(check[key])}; use true or false.`)
        corrected ||= check[key] !== labels[key]
        labels[key] = check[key]
      }
    }
    records.push({ ...r, source, labels, checked: Boolean(check), corrected })
  }
  if (unknown.size > 0) throw new Error(`checked.json names summaries the set does not have: ${[...unknown].join(', ')}.`)
  return records
}

/**
 * Confusion counts and the figures derived from them. `flags[i]` says the check flagged
 * item i, `truth[i]` that item i really has the problem; items whose truth is null (not
 * labelled for this check) are left out. Precision is null when nothing was flagged and
 * recall null when nothing is positive, rather than a made-up 0 or 1.
 */
export function score(flags, truth) {
  if (flags.length !== truth.length) throw new Error(`score: ${flags.length} flags but ${truth.length} labels.`)
  let tp = 0, fp = 0, fn = 0, tn = 0
  for (let i = 0; i < flags.length; i++) {
    if (truth[i] === null || truth[i] === undefined) continue
    if (flags[i] && truth[i]) tp++
    else if (flags[i]) fp++
    else if (truth[i]) fn++
    else tn++
  }
  const precision = tp + fp > 0 ? tp / (tp + fp) : null
  const recall = tp + fn > 0 ? tp / (tp + fn) : null
  const f1 = precision !== null && recall !== null && precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : null
  return { n: tp + fp + fn + tn, tp, fp, fn, tn, precision, recall, f1 }
}

/** "73.1%" or "–" for a figure that does not exist. */
export function pct(x) {
  return x === null || x === undefined ? '–' : `${(x * 100).toFixed(1)}%`
}
