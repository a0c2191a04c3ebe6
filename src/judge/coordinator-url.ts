// The address of the run's coordinator, when global setup started one. Kept apart from the
// judge runtime so that the embedding modules can read it without importing the runtime,
// which imports them.
let coordinator: string | undefined

/**
 * Routes pacing, single-flight and embedding batches through the coordinator at `url`
 * (started by global setup), so that every worker draws on one budget; `undefined` goes
 * back to working within the worker.
 *
 * @example
 * ```ts
 * useCoordinator(process.env.ASSAY_COORDINATOR)
 * ```
 */
export function useCoordinator(url: string | undefined): void {
  coordinator = url
}

/** The coordinator in use, if any. */
export function coordinatorURL(): string | undefined {
  return coordinator
}
