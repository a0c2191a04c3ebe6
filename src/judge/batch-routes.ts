// The coordinator's HTTP routes for cross-worker embedding batches (see batch-table.ts):
// `/batch/join` adds a worker's inputs and returns its ticket, `/batch/wait` is answered
// with a batch to send, the ticket's vectors or error, or after a hold, a request to ask
// again; `/batch/renew` keeps a sender's lease and `/batch/done` takes its outcome.
import type { ServerResponse } from 'node:http'
import type { EmbedCall } from './batcher.js'
import type { BatchTable } from './batch-table.js'

// Answered before an HTTP client would give up on a silent response; the worker asks again.
const HOLD_MS = 20_000

function json(res: ServerResponse, status: number, body: unknown): boolean {
  if (res.destroyed || res.writableEnded) return false
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
  return true
}

const isCount = (n: unknown, min: number): n is number => typeof n === 'number' && Number.isInteger(n) && n >= min

/** Answers one `/batch/*` request from `body`; a malformed request gets a 400 that says what was wrong. */
export function answerBatch(table: BatchTable, path: string, body: Record<string, unknown>, res: ServerResponse): void {
  const bad = (message: string) => void json(res, 400, { error: message })
  switch (path) {
    case '/batch/join': {
      const { key, inputs, maxBatchSize, maxWaitMs } = body
      if (typeof key !== 'string' || !Array.isArray(inputs) || inputs.length === 0 || !inputs.every((t) => typeof t === 'string')) return bad('expected { key, inputs: string[] } with at least one input')
      if (!isCount(maxBatchSize, 1) || !isCount(maxWaitMs, 0)) return bad('expected maxBatchSize ≥ 1 and maxWaitMs ≥ 0, whole numbers')
      return void json(res, 200, { ticket: table.join(key, inputs as string[], maxBatchSize, maxWaitMs) })
    }
    case '/batch/wait': {
      const holdMs = typeof body.holdMs === 'number' && body.holdMs >= 0 ? Math.min(HOLD_MS, body.holdMs) : HOLD_MS
      const cancel = table.wait(String(body.ticket), holdMs, (answer) => json(res, 200, answer))
      // A worker that went away no longer waits: what was for it stays for its next ask.
      res.on('close', () => {
        if (!res.writableEnded) cancel()
      })
      return
    }
    case '/batch/renew':
      return void json(res, 200, { held: table.renew(String(body.batch)) })
    case '/batch/done': {
      const error = body.error as { name?: unknown; message?: unknown } | undefined
      if (error) table.done(String(body.batch), { error: { name: String(error.name ?? 'Error'), message: String(error.message ?? 'the embeddings request failed') } })
      else table.done(String(body.batch), { call: body.call as EmbedCall })
      return void json(res, 200, {})
    }
    default:
      return void json(res, 404, {})
  }
}
