// The embedding modules load without an import cycle: a cycle makes the order in which
// modules initialise depend on which one is imported first.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { expect, test } from 'vitest'

const root = join(import.meta.dirname, '..', '..')

// The modules a module imports for their values (type-only imports vanish when compiled).
function valueImports(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  const found: string[] = []
  for (const m of text.matchAll(/^(?:import|export)\s+(type\s+)?[^'"]*?from\s+'(\.[^']+)'/gm)) {
    if (m[1]) continue
    const target = resolve(dirname(file), m[2]!)
    // Sources are TypeScript imported by their compiled name; a few are plain JavaScript.
    found.push(existsSync(target.replace(/\.js$/, '.ts')) ? target.replace(/\.js$/, '.ts') : target)
  }
  return found
}

// A path from `start` back to itself through value imports, if there is one.
function cycleFrom(start: string): string[] | undefined {
  const seen = new Set<string>()
  const walk = (file: string, path: string[]): string[] | undefined => {
    for (const next of valueImports(file)) {
      if (next === start) return [...path, next]
      if (seen.has(next)) continue
      seen.add(next)
      const found = walk(next, [...path, next])
      if (found) return found
    }
    return undefined
  }
  return walk(start, [start])
}

test.each(['src/judge/embed.ts', 'src/judge/embed-batching.ts'])('%s is on no import cycle', (file) => {
  const cycle = cycleFrom(join(root, file))
  expect(cycle?.map((f) => f.slice(root.length + 1)).join(' → ')).toBeUndefined()
})
