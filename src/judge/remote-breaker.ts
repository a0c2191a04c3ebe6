import type { Breaker } from './breaker.js'
import { post } from './coordinator.js'

/**
 * The coordinator's circuit breaker, seen from a worker: connection failures and answers
 * every worker sees count towards one circuit per endpoint, and an open circuit refuses
 * every worker's requests, with one probe per interval for the whole run.
 */
export function remoteBreaker(url: string): Breaker {
  return {
    refusal: async (endpoint) => ((await post(url, '/breaker/refusal', { url: endpoint })).refusal as string | null) ?? undefined,
    failed: async (endpoint, code) => (await post(url, '/breaker/failed', { url: endpoint, code })).open === true,
    answered: async (endpoint) => void (await post(url, '/breaker/answered', { url: endpoint })),
  }
}
