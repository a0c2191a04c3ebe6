// Keys a test worker learns (an app request's credential header, registerSecret in a test
// file, a judge key configured in the worker) are unknown to the process that runs the
// reporters, which redacts the runner's own error messages with the keys it knows. The
// worker hands each key to the run's coordinator, which lives in that process (without one,
// to the one the assay reporter starts for the purpose), so keys travel in memory: a side
// file would itself put them on disk.
import { knownSecrets, setSecretListener } from '../secrets.js'
import { post } from './coordinator.js'

let target: string | undefined
const sent = new Set<string>()
const sending = new Set<Promise<void>>()
let scheduled = false

/**
 * Hands every secret this worker knows to the coordinator at `url`: each new one as soon
 * as it is registered, the rest (configured keys) at {@link flushSecrets}. `undefined` stops.
 */
export function shareSecrets(url: string | undefined): void {
  target = url
  sent.clear()
  // A key goes as soon as it is learnt, not only at the file's end: a file that fails
  // before its end hooks run (a throw while it loads) may still quote it.
  setSecretListener(url ? soon : undefined)
}

// An Authorization header registers itself and its token: one request carries both.
function soon(): void {
  if (scheduled) return
  scheduled = true
  queueMicrotask(() => {
    scheduled = false
    void send()
  })
}

function send(): Promise<void> {
  const url = target
  const keys = url ? knownSecrets().filter((k) => !sent.has(k)) : []
  if (url === undefined || keys.length === 0) return Promise.resolve()
  for (const k of keys) sent.add(k)
  const done = post(url, '/secrets', { keys }).then(
    () => {},
    () => {
      // The next flush tries again.
      for (const k of keys) sent.delete(k)
    },
  )
  sending.add(done)
  void done.finally(() => sending.delete(done))
  return done
}

/** Sends the keys not sent yet and waits until every key sent so far has arrived. */
export async function flushSecrets(): Promise<void> {
  await send()
  await Promise.all(sending)
}
