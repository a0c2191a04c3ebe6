// Reads the shards' results.json files for `assay merge`, with errors that name the file
// and what is wrong with it: a folder that holds none, a torn file, another format version,
// or the first zod issues.
import { lstatSync, readFileSync, readlinkSync, realpathSync, statSync } from 'node:fs'
import { basename, dirname, join, relative, resolve } from 'node:path'
import { RESULTS_VERSION, resultsSchema } from '../report/schema.js'
import { problemList, resultsProblems } from '../gate/valid.js'
import { MergeError, type Shard } from './merge.js'

/** How a path is shown in messages: relative to `cwd` when under it. */
export function shown(cwd: string, path: string): string {
  const r = relative(cwd, path)
  return r === '' ? '.' : r.startsWith('..') ? path : r
}

/** The results.json of an input: the file itself, or the one in the report folder named. */
export function resultsFile(cwd: string, input: string): string {
  const path = resolve(cwd, input)
  try {
    if (statSync(path).isDirectory()) return join(path, 'results.json')
  } catch {
    // A path that is not there is reported when its results.json cannot be read.
    if (!path.endsWith('.json')) return join(path, 'results.json')
  }
  return path
}

/**
 * The path with every symbolic link in it resolved, as the file system will resolve it
 * when the path is written: for a path that does not exist yet, its nearest existing
 * ancestor's real path with the rest appended; a dangling link is followed to what it names.
 */
export function realPath(path: string, hops = 0): string {
  try {
    return realpathSync(path)
  } catch {
    // Not there (yet), or a dangling link, or a folder on the way that is one.
  }
  const parent = dirname(path)
  if (parent === path) return path
  const realParent = realPath(parent, hops)
  try {
    // A link loop is followed no further than the system would (ELOOP after 40 links).
    if (hops < 40 && lstatSync(path).isSymbolicLink()) return realPath(resolve(realParent, readlinkSync(path)), hops + 1)
  } catch {
    // Nothing by that name: the rest of the path is created under its real parent.
  }
  return join(realParent, basename(path))
}

/**
 * Reads every input's results.json. Throws a {@link MergeError}: with exit code 2 for a
 * file that cannot be read or is not results.json, 1 for files of different format
 * versions (naming each file's).
 */
export function readShards(cwd: string, inputs: readonly string[]): Shard[] {
  const raw: { source: string; data: { schema?: unknown; version?: unknown } }[] = []
  // By real path, so that a shard named twice, through a link or spelled differently, is
  // told as such rather than as two jobs that ran the same --shard.
  const given = new Map<string, { input: string; source: string }>()
  for (const input of inputs) {
    const file = resultsFile(cwd, input)
    const source = shown(cwd, file)
    const real = realPath(file)
    const before = given.get(real)
    if (before !== undefined) throw new MergeError(`${before.input} and ${input} are the same results.json (${before.source}): give each shard once.`, 2)
    given.set(real, { input, source })
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message
      throw new MergeError(`${source} cannot be read (${code}): is ${input} a shard's report folder (the reporter's outputDir, assay-report by default) or its results.json?`, 2)
    }
    try {
      raw.push({ source, data: JSON.parse(text) as { schema?: unknown; version?: unknown } })
    } catch (e) {
      throw new MergeError(`${source} is not JSON (${(e as Error).message}): a shard's job that was cut off? Run that shard again.`, 2)
    }
    if (raw.at(-1)!.data?.schema !== 'assay-results') throw new MergeError(`${source} is not an assay results file (its "schema" is not "assay-results").`, 2)
  }
  const versions = new Map<string, string[]>()
  for (const r of raw) versions.set(String(r.data.version), [...(versions.get(String(r.data.version)) ?? []), r.source])
  if (versions.size > 1 || !versions.has(String(RESULTS_VERSION))) {
    const each = [...versions].map(([v, sources]) => `${sources.join(', ')}: version ${v}`).join('; ')
    throw new MergeError(`the results are of ${versions.size > 1 ? 'different format versions' : 'a format version this assay does not read'} (${each}); this assay reads version ${RESULTS_VERSION}. Run every shard with the same assay version, and merge with that version.`)
  }
  return raw.map(({ source, data }) => {
    const parsed = resultsSchema.safeParse(data)
    if (!parsed.success) {
      const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`)
      const more = parsed.error.issues.length > 3 ? ` (+${parsed.error.issues.length - 3} more)` : ''
      throw new MergeError(`${source} is not valid results.json: ${issues.join('; ')}${more}.`, 2)
    }
    // Figures the format allows but no run produces (a negative cost) would merge into
    // totals and datasets that pass any budget.
    const problems = resultsProblems(parsed.data)
    if (problems.length) throw new MergeError(`${source} is not valid results.json: it holds figures no run produces: ${problemList(problems)}. Was it edited? Merge the shards' results as their reporters wrote them.`, 2)
    return { source, results: parsed.data }
  })
}
