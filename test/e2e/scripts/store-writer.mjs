// Adds entries to a cassette or baseline file one write at a time and prints each key once
// its write has returned, so a test knows which entries were committed before it killed
// the process.
import { Cassette } from '../../../dist/esm/src/judge/cassette.js'
import { BaselineFile } from '../../../dist/esm/src/baseline/store.js'
import { nodeFileSystem } from '../../../dist/esm/src/store/file.js'

const [kind, path, prefix, count] = process.argv.slice(2)
const store = kind === 'cassette' ? new Cassette(nodeFileSystem(), path) : new BaselineFile(nodeFileSystem(), path)
for (let i = 0; i < Number(count); i++) {
  const key = `${prefix}-${String(i).padStart(4, '0')}`
  store.record(key, { i, sample: 'recorded output '.repeat(20) })
  process.stdout.write(`${key}\n`)
}
