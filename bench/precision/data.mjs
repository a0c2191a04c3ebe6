// Where the benchmark's data lives: the written slice in written/ (committed), the external
// corpora in external/ (git-ignored, built by build.mjs). Kept apart from run.mjs so that a
// unit test can check that the external slices are optional.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadSet } from './score.mjs'
import { loadWritten } from './written.mjs'

/** The command that builds external/, for the line saying it is absent. */
export const BUILD_EXTERNAL = 'node bench/precision/build.mjs --summedits <git dir of salesforce/factualNLG> --qags <git dir of W4ngatang/qags>'

/**
 * Loads the benchmark data under `dir`: always the written slice; the external records only
 * when `external/summaries.jsonl` exists (`external` is null otherwise), with the hand
 * checks of `checked.json` applied.
 */
export function loadData(dir) {
  const read = (...path) => readFileSync(join(dir, ...path), 'utf8')
  const written = loadWritten({
    sources: read('written', 'sources.jsonl'),
    summaries: read('written', 'summaries.jsonl'),
    sourceLabels: read('written', 'source-labels.jsonl'),
    summaryLabels: read('written', 'summary-labels.jsonl'),
    corrections: JSON.parse(read('written', 'corrections.json')),
  })
  const external = existsSync(join(dir, 'external', 'summaries.jsonl'))
    ? loadSet(read('external', 'summaries.jsonl'), read('external', 'sources.jsonl'), JSON.parse(read('checked.json')))
    : null
  return { written, external }
}
