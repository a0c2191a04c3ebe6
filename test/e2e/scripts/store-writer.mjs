// Adds entries to a store file one update at a time and prints each key once its update
// has returned, so a test knows which entries were committed before it killed the process.
import { nodeFileSystem, updateStore } from '../../../dist/esm/src/store/file.js'

const [path, prefix, count] = process.argv.slice(2)
const fs = nodeFileSystem()
for (let i = 0; i < Number(count); i++) {
  const key = `${prefix}-${String(i).padStart(4, '0')}`
  updateStore(fs, path, { assay: 'test', version: 1 }, (entries) => {
    entries[key] = { i, text: 'recorded output '.repeat(20) }
  })
  process.stdout.write(`${key}\n`)
}
