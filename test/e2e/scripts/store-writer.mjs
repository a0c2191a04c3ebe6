// Adds entries to a cassette or baseline file one write at a time and prints each key once
// its write has returned, so a test knows which entries were committed before it killed
// the process. With a start time (epoch ms), it waits for it first, so that several
// writers started together reach the lock at the same moment.
import { Cassette } from '../../../dist/esm/src/judge/cassette.js'
import { BaselineFile } from '../../../dist/esm/src/baseline/store.js'
import { nodeFileSystem } from '../../../dist/esm/src/store/file.js'

const [kind, path, prefix, count, startAt] = process.argv.slice(2)
const store = kind === 'cassette' ? new Cassette(nodeFileSystem(), path) : new BaselineFile(nodeFileSystem(), path)
const wait = Number(startAt ?? 0) - Date.now()
if (wait > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, wait)
for (let i = 0; i < Number(count); i++) {
  const key = `${prefix}-${String(i).padStart(4, '0')}`
  store.record(key, { i, sample: 'recorded output '.repeat(20) })
  process.stdout.write(`${key}\n`)
}
