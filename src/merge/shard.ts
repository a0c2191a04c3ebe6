// What the merge modules share: a shard as read, and the error that refuses a merge.
import type { Results } from '../report/schema.js'

/** One shard's results, with where they came from (named in every message about it). */
export interface Shard {
  source: string
  results: Results
}

/**
 * The shards do not belong together (or cannot be read): nothing was merged. `exitCode` is
 * 2 for a usage error (no inputs, an unreadable file, bad arguments), 1 for shards that
 * were read but do not fit together.
 */
export class MergeError extends Error {
  override readonly name = 'MergeError'
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message)
  }
}
