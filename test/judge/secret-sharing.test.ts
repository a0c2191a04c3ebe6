import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, expect, test } from 'vitest'
import { configure, resetConfig } from '../../src/config.js'
import { flushSecrets, shareSecrets } from '../../src/judge/secret-sharing.js'
import { registerHeaderSecrets, registerSecret, resetSecrets } from '../../src/secrets.js'

// Stands in for the reporters' process: records what reaches /secrets, answering late (or
// with a 500 first) so that the tests see whether the worker waits for, and retries, a send.
interface Receiver {
  url: string
  requests: { authorization: string | undefined; keys: string[] }[]
  answered: number
  close(): Promise<void>
}

async function receiver(options: { delayMs?: number; failFirst?: boolean } = {}): Promise<Receiver> {
  const state = { requests: [] as Receiver['requests'], answered: 0 }
  let failing = options.failFirst === true
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      state.requests.push({ authorization: req.headers.authorization, keys: (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { keys: string[] }).keys })
      setTimeout(() => {
        state.answered++
        if (failing) {
          failing = false
          res.writeHead(500).end()
        } else res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
      }, options.delayMs ?? 0)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://assay:run-token@127.0.0.1:${port}`,
    get requests() {
      return state.requests
    },
    get answered() {
      return state.answered
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

let open: Receiver | undefined
afterEach(async () => {
  shareSecrets(undefined)
  resetSecrets()
  resetConfig()
  await open?.close()
})

const sent = (r: Receiver) => r.requests.flatMap((q) => q.keys)

test('a key the worker learns goes at once, with the run token; the file end sends the configured keys and waits until all have arrived', async () => {
  open = await receiver({ delayMs: 150 })
  shareSecrets(open.url)
  registerHeaderSecrets(new Headers({ authorization: 'Bearer sk-app-header-0123456789' }))
  registerSecret('sk-registered-0123456789')
  // Both keys of the same tick go in one request, before any file end.
  await expect.poll(() => open!.requests.length).toBe(1)
  expect(open.requests[0]).toMatchObject({ authorization: 'Bearer run-token' })
  expect(open.requests[0]!.keys).toEqual(expect.arrayContaining(['sk-app-header-0123456789', 'sk-registered-0123456789']))
  configure({ judge: { apiKey: 'sk-configured-in-worker-0123' } })
  await flushSecrets()
  expect(sent(open)).toContain('sk-configured-in-worker-0123')
  expect(open.answered).toBe(open.requests.length)
  // Each key goes once.
  registerSecret('sk-registered-0123456789')
  await flushSecrets()
  expect(sent(open).filter((k) => k === 'sk-registered-0123456789')).toHaveLength(1)
})

test('keys whose send failed go again at the next flush; after shareSecrets(undefined) nothing is sent', async () => {
  open = await receiver({ failFirst: true })
  shareSecrets(open.url)
  registerSecret('sk-retried-0123456789')
  await flushSecrets()
  expect(open.answered).toBe(1)
  await flushSecrets()
  expect(open.requests.map((q) => q.keys.includes('sk-retried-0123456789'))).toEqual([true, true])
  shareSecrets(undefined)
  registerSecret('sk-after-stop-0123456789')
  await flushSecrets()
  expect(sent(open)).not.toContain('sk-after-stop-0123456789')
})
