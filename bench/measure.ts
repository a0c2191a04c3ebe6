// Timing helpers for the benchmarks. Each comparison interleaves its two sides round by
// round, so that machine noise hits both alike, and reports medians.

/** Median of a list of numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** Milliseconds one call of `fn` takes, as the median over `rounds` rounds of `iterations` calls. */
export function time(fn: () => unknown, iterations: number, rounds: number): number {
  const samples: number[] = []
  for (let r = 0; r < rounds; r++) {
    const start = performance.now()
    for (let i = 0; i < iterations; i++) fn()
    samples.push((performance.now() - start) / iterations)
  }
  return median(samples)
}

/** Times `a` and `b` in alternating rounds and returns both medians and their ratio a/b. */
export function compare(a: () => unknown, b: () => unknown, iterations: number, rounds: number): { a: number; b: number; ratio: number } {
  for (let i = 0; i < iterations; i++) {
    a()
    b()
  }
  const as: number[] = []
  const bs: number[] = []
  for (let r = 0; r < rounds; r++) {
    as.push(time(a, iterations, 1))
    bs.push(time(b, iterations, 1))
  }
  const ma = median(as)
  const mb = median(bs)
  return { a: ma, b: mb, ratio: ma / mb }
}

/** One printed row: a name, figures, the goal and whether it was met. */
export function report(rows: { name: string; value: string; goal?: string; met?: boolean }[]): string {
  const width = Math.max(...rows.map((r) => r.name.length))
  const valueWidth = Math.max(...rows.map((r) => r.value.length))
  return rows.map((r) => `${r.name.padEnd(width)}  ${r.value.padEnd(valueWidth)}  ${r.goal === undefined ? '(for reference)' : `goal ${r.goal}  ${r.met ? 'met' : 'NOT MET'}`}`).join('\n')
}
