// The judge the example's cassette was recorded against: assay's fixture server, scoring
// with assay's own deterministic analysers instead of a model. No LLM is reachable where
// this project is built, so this is what `npm run example:record` uses; point
// OPENAI_BASE_URL at a real endpoint and run with ASSAY_CACHE=refresh to re-record for real.
import { startFixtureServer } from '../dist/esm/fixtures/server/index.js'
import { extractEntities, extractNumbers, ClaimIndex, countWords, EntityHaystack } from '../dist/esm/src/index.js'

function fenced(text, label) {
  const block = text.split(`${label}\n<<<`)[1]
  if (!block) return ''
  const boundary = block.slice(0, block.indexOf('\n'))
  return block.slice(boundary.length + 1, block.indexOf(`\n${boundary}>>>`))
}

/** Scores accuracy by unsupported numbers, completeness by kept entities, conciseness by length. */
export function heuristicVerdict(body) {
  const user = String(body.messages.at(-1)?.content ?? '')
  const output = fenced(user, 'OUTPUT:')
  const source = fenced(user, 'SOURCE:')
  const index = new ClaimIndex(extractNumbers(source))
  const invented = extractNumbers(output).filter((c) => !index.support(c)).length
  const entities = extractEntities(source)
  const haystack = new EntityHaystack(output)
  const kept = entities.filter((e) => haystack.find(e.text)).length
  const ratio = countWords(output) / Math.max(1, countWords(source))
  const clamp = (n) => Math.max(1, Math.min(10, Math.round(n)))
  const criteria = {
    accuracy: { reasoning: invented === 0 ? 'Every number is supported by the source.' : `${invented} number(s) are not in the source.`, score: clamp(10 - 3 * invented) },
    completeness: { reasoning: `Keeps ${kept} of the source's ${entities.length} named entities.`, score: clamp(4 + (6 * kept) / Math.max(1, entities.length)) },
    conciseness: { reasoning: `About ${Math.round(ratio * 100)}% of the source's length.`, score: clamp(10 - Math.max(0, ratio - 0.2) * 20) },
  }
  return JSON.stringify({ criteria })
}

/** Starts the fixture judge. */
export function startFixtureJudge() {
  return startFixtureServer({ respond: (body) => heuristicVerdict(body) })
}
