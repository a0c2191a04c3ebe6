/**
 * Whether `CI` says this is a CI run. Cassettes lock down, baselines stop writing, the prompt
 * registry stops registering and progress prints plain lines there; all of them ask this.
 */
export function onCi(env: Record<string, string | undefined> = process.env): boolean {
  const ci = env.CI
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0'
}
