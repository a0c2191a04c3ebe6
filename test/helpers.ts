import { expect } from 'vitest'

const ANSI = /\u001b\[[0-9;]*m/g

/** Runs an assertion that must fail and returns its message without colour codes. */
export function failure(assertion: () => unknown): string {
  try {
    assertion()
  } catch (error) {
    if (error instanceof Error && error.name === 'AssayUsageError') throw error
    return (error as Error).message.replace(ANSI, '')
  }
  throw new Error('expected the assertion to fail, but it passed')
}

/** Runs a call that must throw an AssayUsageError and returns its message. */
export function usageError(call: () => unknown): string {
  try {
    call()
  } catch (error) {
    expect((error as Error).name).toBe('AssayUsageError')
    return (error as Error).message
  }
  throw new Error('expected a usage error, but nothing was thrown')
}
