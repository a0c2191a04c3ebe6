// The text outputs of a run: the terminal block, the GitHub step summary and GitHub's
// `::error` annotations. All read results.json only.
import type { AssertionResult, Results } from './schema.js'

const money = (n: number) => `$${n.toFixed(4)}`
const s = (n: number, word: string, many = `${word}s`) => `${n} ${n === 1 ? word : many}`

/**
 * The block printed after the run, or undefined when assay did nothing. Each fact is said
 * once: the totals lines, then one line per store file with obsolete or removed entries.
 */
export function terminalSummary(r: Results, reportPath?: string): string | undefined {
  const t = r.totals
  const stores = r.files.flatMap((f) => f.stores)
  const touchedStores = stores.some((st) => st.obsolete.length + st.pruned + st.written + st.updated > 0)
  if (t.assertions.total + t.appCalls.calls === 0 && !touchedStores) return undefined
  const lines = [`assay: ${s(t.assertions.total, 'LLM assertion')}, ${t.assertions.failed} failed`]
  if (t.judge.verdicts + t.judge.failures > 0) {
    const reused = r.files.reduce((n, f) => n + f.tests.reduce((m, x) => m + x.assertions.filter((a) => a.judge?.reusedFrom).length, 0), 0)
    lines.push(
      `assay: judge ${t.judge.live} live, ${t.judge.replayed} replayed${reused ? ` (${reused} reused from near-duplicate outputs by the semantic cache)` : ''}${t.judge.failures ? `, ${t.judge.failures} without a verdict` : ''}; ${s(t.judge.requests, 'request')}, ${t.judge.tokens} tokens, ${money(t.judge.cost)}`,
    )
  }
  const c = t.judge.semanticCache
  if (c) lines.push(`assay: semantic cache ${s(c.lookups, 'look-up')}, ${s(c.requests, 'embedding request')}, ${c.tokens} tokens, ${money(c.cost)}; ${s(c.reused, 'verdict')} reused, ${s(c.callsSaved, 'judge call')} saved (${money(c.saved)})`)
  const e = t.embeddings
  if (e) lines.push(`assay: embeddings ${e.live} live, ${e.replayed} replayed${e.failures ? `, ${e.failures} without a similarity` : ''}; ${s(e.requests, 'request')}, ${e.tokens} tokens, ${money(e.cost)}`)
  const calls = r.files.flatMap((f) => f.tests.flatMap((x) => x.llmCalls))
  const appMisses = calls.filter((c) => c.cassetteMiss).length
  if (t.appCalls.calls) lines.push(`assay: app LLM calls ${t.appCalls.live} live, ${t.appCalls.replayed} replayed${appMisses ? `, ${appMisses} missing from the cassette` : ''}; ${t.appCalls.tokens} tokens, ${money(t.appCalls.cost)}`)
  const assertions = r.files.flatMap((f) => f.tests.flatMap((x) => x.assertions))
  const baselined = assertions.some((a) => a.drift) || stores.some((st) => st.kind === 'baseline')
  if (baselined) lines.push(`assay: baselines ${t.baselines.written} written, ${t.baselines.updated} updated, ${t.baselines.drifted} drifted`)
  if (t.cassettes.misses) {
    const similarityMisses = assertions.filter((a) => a.similarity?.cassetteMiss).length
    const judgeMisses = t.cassettes.misses - appMisses - similarityMisses
    const parts = [judgeMisses ? s(judgeMisses, 'judge verdict') : '', similarityMisses ? s(similarityMisses, 'similarity', 'similarities') : '', appMisses ? s(appMisses, 'app call') : ''].filter(Boolean)
    lines.push(`assay: cassette misses ${t.cassettes.misses} under lockdown (${parts.join(', ')}); record them with ASSAY_CACHE=auto`)
  }
  for (const st of stores) {
    if (st.obsolete.length) lines.push(`assay: ${s(st.obsolete.length, 'obsolete entry', 'obsolete entries')} in ${st.path}; run with -u or ASSAY_UPDATE=1 to remove`)
    if (st.pruned) lines.push(`assay: removed ${s(st.pruned, 'obsolete entry', 'obsolete entries')} from ${st.path}`)
  }
  if (reportPath) lines.push(`assay: report ${reportPath}`)
  return lines.join('\n')
}

function failedAssertions(r: Results): { file: string; test: string; a: AssertionResult }[] {
  return r.files.flatMap((f) => f.tests.flatMap((t) => t.assertions.filter((a) => !a.pass).map((a) => ({ file: f.path, test: t.titles.join(' › '), a }))))
}

// GitHub's workflow-command escaping: data escapes %, CR and LF; properties also : and ,.
const escapeData = (v: string) => v.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
const escapeProperty = (v: string) => escapeData(v).replace(/:/g, '%3A').replace(/,/g, '%2C')

/** `::error file=…,line=…` lines, one per failed assay assertion (at most `limit`). */
export function githubAnnotations(r: Results, limit = 50): string[] {
  return failedAssertions(r)
    .slice(0, limit)
    .map(({ file, test, a }) => {
      const where = a.location ? `,line=${a.location.line},col=${a.location.column}` : ''
      const message = (a.message ?? a.judge?.error ?? `${a.matcher} failed`).slice(0, 4000)
      return `::error file=${escapeProperty(file)}${where},title=${escapeProperty(`${a.matcher}: ${test}`)}::${escapeData(message)}`
    })
}

// Markdown table cells: no line breaks, pipes escaped, and no HTML (GitHub renders HTML in
// step summaries, images included), so test output stays text.
export const cell = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')

/** The markdown written to GITHUB_STEP_SUMMARY. */
export function githubStepSummary(r: Results, limit = 30): string {
  const t = r.totals
  const score = t.judge.meanScore ? `${t.judge.meanScore.value.toFixed(2)} (scale ${t.judge.meanScore.scale.join('–')})` : '–'
  const lines = [
    `## assay: ${t.failed ? `❌ ${s(t.failed, 'test')} failed` : '✅ all tests passed'}`,
    '',
    '| Tests | Passed | Failed | Skipped | LLM assertions | Failed assertions | Judge live / replayed | Tokens | Cost | Mean judge score |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    `| ${t.tests} | ${t.passed} | ${t.failed} | ${t.skipped + t.todo} | ${t.assertions.total} | ${t.assertions.failed} | ${t.judge.live} / ${t.judge.replayed} | ${t.judge.tokens + t.appCalls.tokens} | ${money(t.judge.cost + t.appCalls.cost)} | ${score} |`,
  ]
  const failed = failedAssertions(r)
  if (failed.length) {
    lines.push('', '### Failed LLM assertions', '', '| File | Test | Matcher | Why |', '| --- | --- | --- | --- |')
    for (const { file, test, a } of failed.slice(0, limit)) {
      const why = a.judge?.error ?? a.faithfulness?.error ?? (a.judge?.score !== undefined ? `score ${a.judge.score} vs threshold ${a.judge.threshold}` : (a.summary ?? a.message?.split('\n').find((l) => l.startsWith('Expected')) ?? ''))
      lines.push(`| ${cell(`${file}${a.location ? `:${a.location.line}` : ''}`)} | ${cell(test)} | ${cell(a.matcher)} | ${cell(why.slice(0, 300))} |`)
    }
    if (failed.length > limit) lines.push('', `… and ${failed.length - limit} more in the HTML report.`)
  }
  return `${lines.join('\n')}\n`
}
