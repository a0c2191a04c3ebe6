// Dumps what judged assertions attached to each test's meta, for the e2e test to read.
import { writeFileSync } from 'node:fs'

export default class MetaReporter {
  onTestRunEnd(testModules) {
    const meta = {}
    for (const module of testModules) for (const test of module.children.allTests()) meta[test.name] = test.meta()
    writeFileSync('meta.json', JSON.stringify(meta))
  }
}
