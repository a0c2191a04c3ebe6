// The worker's side of the progress of dataset evals: notices go to the coordinator in the
// reporters' process (see progress.ts), a few at a time, so that a fast replayed run does
// not send a request per case.
import { post } from '../judge/coordinator.js'
import type { ProgressNotice } from './progress.js'

let target: string | undefined
let queue: ProgressNotice[] = []
let timer: NodeJS.Timeout | undefined
const sending = new Set<Promise<void>>()

// Often enough for a live line; rare enough that a replay sends few requests.
const BATCH_MS = 250

/** Where notices go: the reporters' coordinator, or nowhere (`undefined`). */
export function useProgressTarget(url: string | undefined): void {
  target = url
}

/** Queues a notice; it is sent within {@link BATCH_MS}, or at {@link flushProgress}. */
export function noteProgress(notice: ProgressNotice): void {
  if (target === undefined) return
  queue.push(notice)
  if (timer) return
  timer = setTimeout(() => void send(), BATCH_MS)
  // A pending batch must not keep a finished worker alive; the file's end flushes it.
  timer.unref()
}

function send(): Promise<void> {
  clearTimeout(timer)
  timer = undefined
  const url = target
  const notices = queue
  queue = []
  if (url === undefined || notices.length === 0) return Promise.resolve()
  // Progress is a courtesy: a coordinator that cannot be reached fails no test.
  const done = post(url, '/progress', { notices }).then(
    () => {},
    () => {},
  )
  sending.add(done)
  void done.finally(() => sending.delete(done))
  return done
}

/** Sends the queued notices and waits until every notice sent so far has arrived. */
export async function flushProgress(): Promise<void> {
  await send()
  await Promise.all(sending)
}
