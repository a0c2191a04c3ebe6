// `npx assay merge DIR… --out DIR`: merges the report folders of a run's shards into one
// report (results.json, index.html and a history entry), written by the same code as the
// reporters' own, so that everything that reads a report reads a merged one too.
import { statSync } from 'node:fs'
import { resolve, sep } from 'node:path'
import { parseArgs } from 'node:util'
import { writeReport } from '../../reporters/output.js'
import { printable } from '../gate/render.js'
import { mergeShards, MergeError } from '../merge/merge.js'
import { readShards, realPath, shown } from '../merge/read.js'

/** Where `main` reads and writes, so that it can run in-process. */
export interface CliContext {
  cwd: string
  env: Readonly<Record<string, string | undefined>>
  stdout: { write(text: string): unknown }
  stderr: { write(text: string): unknown }
}

export const USAGE = `Usage: assay merge DIR… --out DIR [--allow-missing]

Merges the reports of a run's shards (each run with the runner's --shard=index/count, its
report folder copied from its CI job) into one report: results.json with the files of every
shard, and the totals, datasets and run status recomputed from their tests (a warning names
any shard whose own figures say otherwise), index.html, and the merged run's entry in
DIR/history (what "assay gate --against previous" compares with). A DIR may also be a
results.json file.

Options:
  --out DIR          Where the merged report goes (required); not inside an input (by
                     real path: links followed).
  --allow-missing    Merge although some shards of 1..count are missing (a warning says which).
  -h, --help         Print this message.

Refused: shards of different runs (run ids, from ASSAY_RUN_ID or the CI's run id), runners
or format versions, a shard or a test file twice, and missing shards.

Exit codes: 0 merged; 1 the shards do not belong together, or the report could not be
written; 2 a usage error: bad arguments, no inputs, an --out that is a file or inside an
input, a shard given twice, a results.json that cannot be read or is not valid (or holds
figures no run produces: a negative cost or latency).
Documentation: the "Shards and merging" section of assay's README.`

/** Whether `path` is a folder (links followed) or nothing yet, so that a report folder can be made there. */
function isFolderOrAbsent(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT'
  }
}

const inside = (dir: string, parent: string) => dir === parent || dir.startsWith(parent.endsWith(sep) ? parent : parent + sep)

/**
 * Runs `assay merge` with its arguments (those after `merge`); returns the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await main(['shards/1', 'shards/2', '--out', 'assay-report'], { cwd: process.cwd(), env: process.env, stdout: process.stdout, stderr: process.stderr })
 * ```
 */
export async function main(argv: readonly string[], ctx: CliContext): Promise<number> {
  const fail = (message: string, code: number, usage = false) => {
    ctx.stderr.write(`assay merge: ${message}\n${usage ? `\n${USAGE}\n` : ''}`)
    return code
  }
  let args: ReturnType<typeof parse>
  try {
    args = parse(argv)
  } catch (e) {
    return fail((e as Error).message, 2, true)
  }
  if (args.values.help) {
    ctx.stdout.write(`${USAGE}\n`)
    return 0
  }
  const inputs = args.positionals
  if (inputs.length === 0) return fail('no results to merge: name the report folders of the shards, e.g. npx assay merge shards/* --out assay-report', 2, true)
  if (args.values.out === undefined) return fail('--out is required: the folder the merged report goes to, e.g. --out assay-report', 2, true)
  const out = resolve(ctx.cwd, args.values.out)
  if (!isFolderOrAbsent(out)) return fail(`--out ${args.values.out} names a file (or a path through one), not a folder: the merged report is a folder (results.json, index.html, history/). Name a folder, e.g. --out assay-report.`, 2)
  // Compared by real path: a link in --out or in an input must not hide that one is in the other.
  const realOut = realPath(out)
  for (const input of inputs) {
    const dir = resolve(ctx.cwd, input.endsWith('.json') ? resolve(ctx.cwd, input, '..') : input)
    if (inside(realOut, realPath(dir))) return fail(`--out ${args.values.out} is inside the input ${input}: the merged report would mix with a shard's. Write it elsewhere, e.g. --out assay-report.`, 2)
  }
  try {
    const { results, warnings } = mergeShards(readShards(ctx.cwd, inputs), { allowMissing: args.values['allow-missing'] === true })
    // Warnings quote dataset names and test titles: control characters in them are shown, not sent to the terminal.
    for (const w of warnings) ctx.stderr.write(`assay merge: warning: ${printable(w)}\n`)
    const log = (text: string) => ctx.stdout.write(`${text}\n`)
    const written = writeReport(results, ctx.cwd, {}, log, out)
    const of = results.run.id === undefined ? '' : ` of run ${results.run.id}`
    log(`assay merge: merged ${results.run.mergedFrom} shards${of} (${results.totals.files} test files, ${results.totals.tests} tests) into ${shown(ctx.cwd, written.dir)}`)
    return 0
  } catch (e) {
    if (e instanceof MergeError) return fail(printable(e.message), e.exitCode)
    return fail((e as Error).message, 1)
  }
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: { out: { type: 'string' }, 'allow-missing': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  })
}
