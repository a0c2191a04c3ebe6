// `npx assay prompts …`: lists, shows, diffs and labels the versions of the project's prompt
// registry (prompts/<name>/<version>.prompt). Exits 0 when done, 1 when the registry refused
// (an edited or deleted version, an unregistered version on CI, a damaged registry file), 2
// on a usage error. Everything it reads and writes goes through `io`, so tests run it in-process.
import { statSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { createTwoFilesPatch } from 'diff'
import { AssayUsageError } from '../errors.js'
import { listVersions, loadVersion, moveLabel } from '../prompts/api.js'
import { PromptRegistryError } from '../prompts/errors.js'
import { forgetVersion } from '../prompts/forget.js'
import type { Side } from '../prompts/three-way.js'
import { versionName } from '../prompts/order.js'
import { credentialValues, isPromptCredential, promptFileCredentials, redactMetadata, redactPromptFile, redactValues } from '../prompts/redact.js'
import { redactLines } from '../prompts/redact-lines.js'
import { Registry } from '../prompts/registry.js'
import type { LabelMove } from '../prompts/types.js'
import { redactText } from '../secrets.js'
import { StoreWriteError } from '../store/file.js'
import { MERGE_USAGE, mergeCommand, mergeDriver } from './prompts-merge.js'

/** Where the command reads and writes, and its environment. */
export interface PromptsIo {
  cwd: string
  env: Record<string, string | undefined>
  stdout: { write(text: string): unknown }
  stderr: { write(text: string): unknown }
}

const EXIT = `Exit codes:
  0  done
  1  refused: a registered version was edited or deleted, a label's version is not the
     content it was set on, a version is not registered on CI, a version file does not load (invalid
     YAML, Handlebars or input schema) or cannot be a version (a stray name, a link, a
     folder; list shows it as a PROBLEM row), or labels.json is damaged or unmerged;
     merge: both sides moved a label or registered a version differently
  2  a usage error: a bad command or option, an unknown prompt, version or label`

/** The help of each command, and of `assay prompts` as a whole under ''. */
export const PROMPTS_USAGE: Record<string, string> = {
  '': `Usage: assay prompts <command> [options]

The prompt registry: one immutable Dotprompt file per version, prompts/<name>/<version>.prompt,
with labels (production, staging, …) in prompts/<name>/labels.json, each bound to the content it
was set on; prompts/<name>/history.jsonl is an audit log of every move.

Commands:
  list                                List every prompt's versions (oldest first), labels and
                                      hashes; registers new versions (not on CI)
  show NAME[@VERSION]                 Print a version's hash, labels, metadata, model, config
                                      and template (default: production, else the latest)
  diff NAME A B                       Print a unified diff of two versions' files
  label NAME VERSION LABEL [--reason TEXT]
                                      Point LABEL at VERSION's current content
  rollback NAME VERSION [--reason TEXT]
                                      Move production back to VERSION, recorded in the history
  history NAME                        Print every label move, in the history's line order
  forget NAME VERSION                 Drop the registration of a version not committed and
                                      on no label (a draft a read registered, then edited)
  merge NAME [--ours LABEL] [--theirs LABEL]
                                      Merge a labels.json git left conflicted, key by key
  merge-driver BASE OURS THEIRS [PATH]
                                      The same merge as a git merge driver (%O %A %B %P)

Options:
  --dir DIR     The registry folder. Default: $ASSAY_PROMPTS_DIR, else prompts
  -h, --help    Print this message; after a command, that command's help.

${EXIT}

Documentation: "Prompts as code" in assay's README.`,
  list: 'Usage: assay prompts list [--dir DIR]\n\nLists every prompt in the registry with its versions, oldest first (natural order: v2 < v2.1 < v9 < v10),\ntheir labels and the first 12 hex digits of their sha256. Outside CI it registers new versions in\nlabels.json and history.jsonl: commit them with the versions.',
  show: 'Usage: assay prompts show NAME[@VERSION] [--dir DIR]\n\nPrints a version\'s file, hash, labels, model, config, metadata and template. VERSION may be a\nversion, a label or "latest"; without it, the production version, else the latest.',
  diff: 'Usage: assay prompts diff NAME A B [--dir DIR]\n\nPrints a unified diff from version A\'s file to version B\'s (each a version, a label or "latest").',
  label: 'Usage: assay prompts label NAME VERSION LABEL [--reason TEXT] [--dir DIR]\n\nPoints LABEL at VERSION (a version, a label or "latest") in prompts/NAME/labels.json, bound to the\nsha256 of VERSION\'s file now, and appends the move to prompts/NAME/history.jsonl. Moving it again to\nthe same version records the current content (after reviewing it). Moving production is recorded as\na promotion. "latest" is computed and cannot be set.',
  rollback: 'Usage: assay prompts rollback NAME VERSION [--reason TEXT] [--dir DIR]\n\nMoves the production label back to VERSION and appends the rollback, with its reason, to\nprompts/NAME/history.jsonl.',
  forget: 'Usage: assay prompts forget NAME VERSION [--dir DIR]\n\nDrops the registration of VERSION from labels.json (and appends a forget line to the history): for a\ndraft that a read registered, then edited or deleted before it was committed. Refused when labels.json\nat HEAD registers VERSION with that content (a committed version is released), when a label names\nit, and on CI. A file still there is registered afresh by the next read.',
  ...MERGE_USAGE,
  history: 'Usage: assay prompts history NAME [--dir DIR]\n\nPrints every label move of the prompt in the order of history.jsonl\'s lines: time, label, from, to,\naction, reason. The history is an audit log: what each label serves is labels.json.',
}

const ARITY: Record<string, [min: number, max: number]> = { list: [0, 0], show: [1, 1], diff: [3, 3], label: [3, 3], rollback: [2, 2], history: [1, 1], forget: [2, 2], merge: [1, 1], 'merge-driver': [3, 4] }
const CALLER = 'assay prompts'

class UsageError extends Error {}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? '')].length)))
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell + ' '.repeat(widths[i]! - [...cell].length))).join('  ').trimEnd()).join('\n')
}

const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' }

/**
 * `text` with control characters (C0, DEL, C1, line separators, bidirectional overrides)
 * written as escapes: a reason is free text from whoever moved a label, and a newline or a
 * terminal escape in it must not forge a row of the history or recolour the terminal.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

function moved(name: string, move: LabelMove | undefined, label: string, version: string): string {
  if (move === undefined) return `${name}: ${label} already points at ${version}; nothing recorded.`
  return `${name}: ${move.label} ${move.from ?? '(unset)'} → ${move.to} (${move.action}${move.reason ? `: ${printable(move.reason)}` : ''}), recorded in the history.`
}

/**
 * A metadata value as `show` prints it. A text over several lines is printed as a block,
 * each line indented below its key, so that no line of it can pass for one of show's own
 * (`hash:`, `labels:`); its lines are redacted as `diff` redacts the file's.
 */
function shownValue(value: unknown): string {
  if (typeof value !== 'string') return JSON.stringify(value)
  if (!/[\r\n\u2028\u2029]/.test(value)) return value
  return `|\n${redactLines(value, isPromptCredential)
    .split(/\r\n|[\r\n\u2028\u2029]/)
    .map((l) => `    ${l}`.trimEnd())
    .join('\n')}`
}

async function list(registry: Registry, io: PromptsIo): Promise<number> {
  const names = registry.names()
  if (names.length === 0) {
    io.stdout.write(`No prompts in ${registry.show(registry.options.root)}. Add the first version of one as ${registry.show(resolve(registry.options.root, 'NAME', 'v1.prompt'))}.\n`)
    return 0
  }
  let code = 0
  for (const name of names) {
    try {
      const scan = registry.scan(name, CALLER)
      const latest = scan.versions.at(-1)
      const listed = await listVersions(registry, scan)
      const rows = listed.map((v) => ['  ' + v.version, v.problem === undefined ? v.hash.slice(0, 12) : 'PROBLEM', [...v.labels, ...(v.version === latest?.version ? ['latest'] : [])].join(', ')])
      io.stdout.write(`${scan.name}\n${rows.length ? table(rows) : '  (no versions)'}\n`)
      const fresh = scan.unregistered.filter((v) => listed.some((l) => l.version === v.version && l.problem === undefined)).map((v) => v.version)
      if (fresh.length) io.stdout.write(`  registered ${fresh.join(', ')} in ${registry.show(scan.files.labelsPath)} and ${registry.show(scan.files.historyPath)}: commit them with the version files.\n`)
      // Each problem stops only its own version (and the labels on it) from loading.
      for (const v of listed) {
        if (v.problem === undefined) continue
        io.stderr.write(`${CALLER}: ${name}: ${v.version}: ${v.problem.replace(/^assay prompts: /, '')}\n`)
        code = Math.max(code, 1)
      }
    } catch (e) {
      if (!(e instanceof PromptRegistryError || e instanceof AssayUsageError)) throw e
      io.stderr.write(`${CALLER}: ${name}: ${e.message.replace(/^assay prompts: /, '')}\n`)
      code = Math.max(code, e instanceof PromptRegistryError ? 1 : 2)
    }
  }
  return code
}

async function show(registry: Registry, ref: string, io: PromptsIo): Promise<number> {
  const at = ref.indexOf('@')
  const name = at < 0 ? ref : ref.slice(0, at)
  const version = at < 0 ? undefined : ref.slice(at + 1)
  if (version === '') throw new UsageError(`"${ref}" names no version after "@": write NAME@VERSION, e.g. ${name}@v2, or just ${name}.`)
  const scan = registry.scan(name, CALLER)
  const file = registry.resolve(scan, version, CALLER)
  const p = await loadVersion(registry, scan, file.version)
  const labels = [...p.labels, ...(file === scan.versions.at(-1) ? ['latest'] : [])]
  const metadata = Object.entries(redactMetadata(p.metadata))
  const config = redactMetadata(p.config)
  // A credential's value also shows wherever an alias or a copy put it under another name.
  const secrets = credentialValues({ metadata: p.metadata, config: p.config })
  io.stdout.write(
    redactValues([
      versionName(p),
      `file:      ${file.file}`,
      `hash:      sha256 ${p.hash}`,
      `labels:    ${labels.join(', ') || '(none)'}`,
      `model:     ${p.model ?? '(not set)'}`,
      `config:    ${Object.keys(config).length ? JSON.stringify(config) : '(none)'}`,
      `metadata:${metadata.length ? '' : '  (none)'}`,
      ...metadata.map(([k, v]) => `  ${k}: ${shownValue(v)}`),
      'template:',
      ...p.template.split('\n').map((l) => `  ${l}`.trimEnd()),
    ].join('\n') + '\n', secrets),
  )
  return 0
}

async function run(argv: string[], io: PromptsIo): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({ args: argv, strict: true, allowPositionals: true, options: { reason: { type: 'string' }, dir: { type: 'string' }, ours: { type: 'string', multiple: true }, theirs: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' } } })
  } catch (e) {
    // The command's own help, when the arguments name one (`label … --reason` without its text).
    const named = argv.find((a) => !a.startsWith('-') && Object.hasOwn(ARITY, a))
    throw new UsageError(`${(e as Error).message}\n\n${PROMPTS_USAGE[named ?? '']}`)
  }
  const [command, ...args] = parsed.positionals
  const o = parsed.values
  if (command === undefined || command === 'help') {
    io.stdout.write(`${PROMPTS_USAGE['']}\n`)
    return 0
  }
  if (!Object.hasOwn(ARITY, command)) throw new UsageError(`unknown command "${command}".\n\n${PROMPTS_USAGE['']}`)
  if (o.help) {
    io.stdout.write(`${PROMPTS_USAGE[command]}\n`)
    return 0
  }
  const [min, max] = ARITY[command]!
  if (args.length < min || args.length > max) throw new UsageError(`${command} takes ${min === max ? min : `${min} to ${max}`} argument${max === 1 ? '' : 's'}, but got ${args.length}.\n\n${PROMPTS_USAGE[command]}`)
  if (o.reason !== undefined && command !== 'label' && command !== 'rollback') throw new UsageError(`--reason is for label and rollback, not ${command}.`)
  if ((o.ours !== undefined || o.theirs !== undefined) && command !== 'merge') throw new UsageError(`--ours and --theirs are for merge, not ${command}.`)
  if (command === 'merge-driver') return mergeDriver(args, io.cwd, io)
  if (o.dir === '') throw new UsageError('--dir needs a folder.')
  const root = resolve(io.cwd, o.dir ?? (io.env.ASSAY_PROMPTS_DIR?.trim() || 'prompts'))
  if (o.dir !== undefined && !isFolder(root)) throw new UsageError(`--dir ${o.dir}: there is no folder ${root}. Name the registry folder (the one holding prompts' folders), e.g. --dir prompts.`)
  const registry = new Registry({ root, cwd: io.cwd, env: io.env, notify: (text) => io.stderr.write(text) })
  const [a, b, c] = args as [string, string, string]
  switch (command) {
    case 'list':
      return list(registry, io)
    case 'show':
      return show(registry, a, io)
    case 'diff': {
      const scan = registry.scan(a, CALLER)
      const from = registry.resolve(scan, b, CALLER)
      const to = registry.resolve(scan, c, CALLER)
      await loadVersion(registry, scan, to.version)
      // Redacted as show redacts the parsed metadata, before the diff splits values over lines;
      // each side's credentials are hidden in the other's text too.
      const secrets = [...promptFileCredentials(from.text), ...promptFileCredentials(to.text)]
      io.stdout.write(createTwoFilesPatch(from.file, to.file, redactPromptFile(from.text, secrets), redactPromptFile(to.text, secrets), versionName({ name: scan.name, version: from.version }), versionName({ name: scan.name, version: to.version })))
      return 0
    }
    case 'label':
    case 'rollback': {
      const label = command === 'label' ? c : 'production'
      const action = command === 'rollback' ? 'rollback' : label === 'production' ? 'promote' : 'set'
      const reason = o.reason?.trim() ? o.reason : undefined
      const move = await moveLabel(registry, a, b, label, action, reason, CALLER)
      io.stdout.write(`${moved(a, move, label, b)}\n`)
      return 0
    }
    case 'forget': {
      const forgot = forgetVersion(registry, registry.scan(a, CALLER), b.normalize('NFC'))
      io.stdout.write(`${a}: ${forgot.version} is no longer registered (dropped ${forgot.dropped.map((h) => `sha256 ${h}`).join(', ')}). Recorded in the history: commit it with ${registry.show(resolve(root, a, 'labels.json'))}.\n`)
      return 0
    }
    case 'merge': {
      const sides = new Map<string, Side>()
      for (const [side, labels] of [['ours', o.ours ?? []], ['theirs', o.theirs ?? []]] as const) {
        for (const label of labels) {
          if (sides.has(label)) throw new UsageError(`the label "${label}" is named with both --ours and --theirs: name one side for it.`)
          sides.set(label, side)
        }
      }
      return mergeCommand(registry, a, sides, io)
    }
    default: {
      const moves = registry.scan(a, CALLER).files.history()
      if (moves.length === 0) {
        io.stdout.write(`${a}: no label moves yet. Move one with: npx assay prompts label ${a} VERSION LABEL\n`)
        return 0
      }
      const rows = [['time', 'label', 'from', 'to', 'action', 'reason'], ...moves.map((m) => [m.time, m.label, m.from ?? '-', m.to, m.action, m.reason ?? ''].map(printable))]
      io.stdout.write(`${table(rows)}\n`)
      return 0
    }
  }
}

/** Runs `assay prompts` with its arguments; resolves to the exit code. */
export async function main(argv: string[], given: PromptsIo): Promise<number> {
  // Prompt files may hold keys (in metadata, or a template under review): nothing printed keeps one.
  const io: PromptsIo = { ...given, stdout: { write: (text) => given.stdout.write(redactText(text)) }, stderr: { write: (text) => given.stderr.write(redactText(text)) } }
  try {
    return await run(argv, io)
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`${CALLER}: ${e.message}\n`)
      return 2
    }
    if (e instanceof AssayUsageError) {
      io.stderr.write(`${e.message}\n`)
      return 2
    }
    if (e instanceof PromptRegistryError || e instanceof StoreWriteError || (e instanceof Error && e.message.startsWith('Timed out after'))) {
      io.stderr.write(`${CALLER}: ${e.message}\n`)
      return 1
    }
    throw e
  }
}
