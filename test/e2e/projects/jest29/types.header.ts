/// <reference types="jest" />
/// <reference types="assay/jest" />
import AssayJestReporter from 'assay/reporter/jest'
export const reporter = new AssayJestReporter({ rootDir: '.' }, { outputDir: 'reports/assay', html: false })
// @ts-expect-error outputDir is a string
export const badReporter = new AssayJestReporter({ rootDir: '.' }, { outputDir: 3 })
