// `npx assay batch [runner arguments]`: a nightly run through the Batch API. A collect pass
// runs the suite with ASSAY_BATCH=collect (requests missing from the cassettes are written
// to the pending-requests file, not sent), runBatch sends them as one batch per endpoint
// and writes the answers into the cassettes, and a replay pass runs the suite again from
// the cassettes. The exit code is the replay pass's.
import { spawn } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'
import { batchDir, PENDING_FILE } from '../batch/pending.js'
import { runBatch, type BatchRunResult } from '../batch/run.js'
import { BATCH_SAVING_ENV, batchSaving } from '../batch/saving.js'
import { BatchRunLockedError, lockBatchRun } from '../batch/state.js'
import { redactText, registerSecret } from '../secrets.js'
import type { CliContext } from './merge.js'
import { redactingWriter } from './redacted-output.js'

export const USAGE = `Usage: assay batch [--runner=vitest|jest] [--failed=live|report] [--poll-interval=MS] [runner arguments]

Runs the suite through the OpenAI Batch API, at half the price of live requests:
  1. a collect pass (ASSAY_BATCH=collect): every judge request, and every app request made
     through recordingFetch, that misses its cassette is written to
     __llm_cassettes__/batch-pending.json instead of being sent; its test fails;
  2. the collected requests go out as one JSONL file and one batch per endpoint (several
     beyond 50,000 lines or 200 MB), polled with progress (done, failed, elapsed); a
     restarted run first finishes every batch an earlier run left
     (__llm_cassettes__/batch-state.json), then collects what they did not answer; a
     request that holds a secret is not batched, but handled as a failed line;
  3. the answers are written into the cassettes, priced at the batch discount;
  4. a replay pass runs the suite again from the cassettes (ASSAY_CACHE=lockdown); its
     results.json records the batch and its saving in totals.batch.
An expired, cancelled or failed batch writes nothing into the cassettes, and the replay
pass does not run. The answers an expired or cancelled batch completed (and was paid for)
are kept in __llm_cassettes__/batch-salvage.json; the next run writes them into the
cassettes for the same requests and batches only the rest.

Options:
  --runner=vitest|jest    The runner; by default Jest when a Jest config is found, else
                          Vitest, else Jest.
  --failed=live|report    Requests the batch did not answer (failed lines, answers without
                          a verdict): asked live in the replay pass (live, the default; the
                          pass then runs with ASSAY_CACHE=auto) or only reported by name,
                          their tests failing (report).
  --poll-interval=MS      Time between polls (default 30000, or ASSAY_BATCH_POLL_MS).
  -h, --help              Print this message.
Any other argument goes to the runner, e.g. npx assay batch --config vitest.config.ts test/

The batch is sent with OPENAI_API_KEY to OPENAI_BASE_URL (or the judge.baseURL its
requests were collected with). ASSAY_BATCH_DIR moves the pending, state and salvage files.
Everything printed is redacted. ASSAY_BATCH_MAX_LINES and ASSAY_BATCH_MAX_BYTES lower the
per-file limits, for tests.

Exit codes: the replay pass's; 1 when the batch expired, was cancelled or failed; 2 a usage error,
or another assay batch run in the same project holds its lock (__llm_cassettes__/batch-run.lock).`

/** The runner to spawn: its script, and the arguments that come before the user's. */
function runnerCommand(name: 'vitest' | 'jest', cwd: string): { script: string; args: string[] } | undefined {
  const require = createRequire(join(cwd, 'package.json'))
  try {
    return name === 'vitest' ? { script: join(require.resolve('vitest/package.json'), '..', 'vitest.mjs'), args: ['run'] } : { script: join(require.resolve('jest/package.json'), '..', 'bin', 'jest.js'), args: [] }
  } catch {
    return undefined
  }
}

function detectRunner(cwd: string): 'vitest' | 'jest' {
  const jestConfig = ['js', 'cjs', 'mjs', 'ts', 'json'].some((ext) => existsSync(join(cwd, `jest.config.${ext}`)))
  let inPackage = false
  try {
    inPackage = 'jest' in (JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8')) as object)
  } catch {
    // No package.json, or an unreadable one: the config files decide.
  }
  if (jestConfig || inPackage) return 'jest'
  return runnerCommand('vitest', cwd) ? 'vitest' : 'jest'
}

function pass(cmd: { script: string; args: string[] }, args: string[], ctx: CliContext, env: Record<string, string>): Promise<number> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [cmd.script, ...cmd.args, ...args], { cwd: ctx.cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...ctx.env, ...env } })
    child.stdout.on('data', (d: Buffer) => ctx.stdout.write(d.toString()))
    child.stderr.on('data', (d: Buffer) => ctx.stderr.write(d.toString()))
    child.on('error', (e) => {
      ctx.stderr.write(`assay batch: could not start the runner: ${e.message}\n`)
      done(1)
    })
    child.on('close', (code) => done(code ?? 1))
  })
}

/** Runs `assay batch`; returns the exit code. Everything it prints, its own lines and the runners', is redacted. */
export async function main(argv: readonly string[], ctx: CliContext): Promise<number> {
  const stdout = redactingWriter(ctx.stdout)
  const stderr = redactingWriter(ctx.stderr)
  // The key the batch is sent with, as the environment given names it (a server may echo it).
  registerSecret(ctx.env.OPENAI_API_KEY)
  try {
    return await batch(argv, { ...ctx, stdout, stderr })
  } finally {
    stdout.end()
    stderr.end()
  }
}

async function batch(argv: readonly string[], ctx: CliContext): Promise<number> {
  const say = (line: string) => ctx.stdout.write(`${line}\n`)
  let runner: 'vitest' | 'jest' | undefined
  let failed: 'live' | 'report' = 'live'
  let pollIntervalMs = Number(ctx.env.ASSAY_BATCH_POLL_MS || 30_000)
  const rest: string[] = []
  for (const arg of argv) {
    const [name, value] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined]
    if (arg === '-h' || arg === '--help') {
      say(USAGE)
      return 0
    } else if (name === '--runner') {
      if (value !== 'vitest' && value !== 'jest') return usage(ctx, `--runner must be vitest or jest, but got "${value ?? ''}".`)
      runner = value
    } else if (name === '--failed') {
      if (value !== 'live' && value !== 'report') return usage(ctx, `--failed must be live or report, but got "${value ?? ''}".`)
      failed = value
    } else if (name === '--poll-interval') {
      pollIntervalMs = Number(value)
      if (!Number.isInteger(pollIntervalMs) || pollIntervalMs < 0) return usage(ctx, `--poll-interval must be a whole number of milliseconds, but got "${value ?? ''}".`)
    } else rest.push(arg)
  }
  if (!Number.isInteger(pollIntervalMs) || pollIntervalMs < 0) return usage(ctx, `ASSAY_BATCH_POLL_MS must be a whole number of milliseconds, but got "${ctx.env.ASSAY_BATCH_POLL_MS}".`)
  if (ctx.env.ASSAY_CACHE?.trim().toLowerCase() === 'off') return usage(ctx, 'ASSAY_CACHE is "off", but batch mode writes the answers into the cassettes and replays them: unset ASSAY_CACHE, or set it to auto or lockdown.')
  const name = runner ?? detectRunner(ctx.cwd)
  const cmd = runnerCommand(name, ctx.cwd)
  if (!cmd) return usage(ctx, `assay batch runs ${name}, but ${name} is not installed in ${ctx.cwd}. Install it, or name the runner with --runner=vitest or --runner=jest.`)

  const dir = resolve(ctx.cwd, batchDir(ctx.env as NodeJS.ProcessEnv, ctx.cwd))
  let release: () => void
  try {
    release = lockBatchRun(dir)
  } catch (error) {
    if (!(error instanceof BatchRunLockedError)) throw error
    ctx.stderr.write(`assay batch: ${error.message}\n`)
    return 2
  }
  try {
    return await sendAndReplay(cmd, rest, ctx, { dir, name, failed, pollIntervalMs })
  } finally {
    release()
  }
}

async function sendAndReplay(cmd: { script: string; args: string[] }, rest: string[], ctx: CliContext, o: { dir: string; name: string; failed: 'live' | 'report'; pollIntervalMs: number }): Promise<number> {
  const say = (line: string) => ctx.stdout.write(`${line}\n`)
  const { dir, name, failed, pollIntervalMs } = o
  const send = (recordedOnly: boolean) => runBatch({ dir, write: say, pollIntervalMs, apiKey: ctx.env.OPENAI_API_KEY, recordedOnly })
  let early: BatchRunResult
  let result: BatchRunResult
  let collected: number
  try {
    // Batches an earlier run left are finished first, whatever is missing now: their
    // answers are paid for, and the collect pass then misses only what they did not answer.
    early = await send(true)
    // The pending file holds exactly what this collect pass misses.
    rmSync(join(dir, PENDING_FILE), { force: true })
    say(`assay batch: collect pass (${name}): requests missing from the cassettes are collected for the batch, and their tests fail.`)
    collected = await pass(cmd, rest, ctx, { ASSAY_BATCH: 'collect', ASSAY_BATCH_DIR: dir, [BATCH_SAVING_ENV]: '' })
    result = await send(false)
  } catch (error) {
    // A server's words: redacted as settings are, on top of what the output writer redacts.
    ctx.stderr.write(`assay batch: the batch could not be sent or read: ${redactText((error as Error).message)}\nThe cassettes are as they were; a new \`npx assay batch\` resumes a batch that was created.\n`)
    return 1
  }
  // The earlier batches' answers are replayed too, so their saving counts.
  result.written += early.written
  result.cost = result.cost === undefined || early.cost === undefined ? undefined : result.cost + early.cost
  result.standardCost = result.standardCost === undefined || early.standardCost === undefined ? undefined : result.standardCost + early.standardCost
  if (result.status === 'nothing') {
    say(`assay batch: the collect pass needed no answer it did not have, so it was the run (exit code ${collected}).`)
    return collected
  }
  if (result.discarded.length > 0) {
    say('assay batch: the replay pass does not run, since the cassettes lack the answers of the batch that did not complete.')
    return 1
  }
  const unanswered = [...result.failed, ...result.noVerdict, ...result.secret]
  const live = failed === 'live' && unanswered.length > 0
  say(
    live
      ? `assay batch: replay pass (ASSAY_CACHE=auto): ${unanswered.length} request(s) the batch did not answer${result.secret.length ? ` (${result.secret.length} holding a secret, never batched)` : ''} are asked live; everything else replays.`
      : `assay batch: replay pass (ASSAY_CACHE=lockdown): nothing is sent.${unanswered.length > 0 ? ` The tests of ${unanswered.length} unanswered request(s) fail: ${[...new Set(unanswered.flatMap((f) => f.tests))].join('; ')}.` : ''}`,
  )
  // Only a replay of answers the batch wrote has a batch to show in its results.
  const saving = result.written > 0 ? JSON.stringify(batchSaving(result.written, result.cost, result.standardCost)) : ''
  const code = await pass(cmd, rest, ctx, { ASSAY_BATCH: '', ASSAY_CACHE: live ? 'auto' : 'lockdown', [BATCH_SAVING_ENV]: saving })
  if (result.written > 0 && result.cost !== undefined && result.standardCost !== undefined) say(`assay batch: the batch cost $${result.cost.toFixed(6)} instead of $${result.standardCost.toFixed(6)} live: $${(result.standardCost - result.cost).toFixed(6)} saved (${(100 * (1 - result.cost / (result.standardCost || 1))).toFixed(0)}%).`)
  return code
}

function usage(ctx: CliContext, message: string): number {
  ctx.stderr.write(`assay batch: ${message}\nSee npx assay batch --help.\n`)
  return 2
}
