// The feature under test: an LLM summariser. Offline, it answers from recorded outputs in
// fixtures/summaries, the way a record/replay cassette would.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

const fixtures = join(import.meta.dirname, '../fixtures/summaries')

/** Reads a sample source article by name, e.g. `apple-q3`. */
export function article(name: string): string {
  return readFileSync(join(fixtures, `${name}.article.txt`), 'utf8')
}

/** Summarises an article as a short bulleted list. */
export async function summarize(name: string): Promise<string> {
  return readFileSync(join(fixtures, `${name}.summary.md`), 'utf8')
}
