// Takes a store's lock, prints "locked", and holds it until its stdin ends; then it
// releases the lock and exits. Killed with SIGKILL instead, it leaves a dead owner's lock.
import { nodeFileSystem } from '../../../dist/esm/src/store/file.js'

const release = nodeFileSystem().lock(process.argv[2])
process.stdout.write('locked\n')
process.stdin.resume()
process.stdin.on('end', () => {
  release()
  process.exit(0)
})
