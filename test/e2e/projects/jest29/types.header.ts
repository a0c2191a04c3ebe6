/// <reference types="jest" />
/// <reference types="assay/jest" />
import AssayJestReporter from 'assay/reporter/jest'
export const reporter = new AssayJestReporter({ rootDir: '.' }, { outputDir: 'reports/assay', html: false })
// @ts-expect-error outputDir is a string
export const badReporter = new AssayJestReporter({ rootDir: '.' }, { outputDir: 3 })
// Jest 29's `@jest/globals` hands out the `expect` package's type, which `assay/jest` augments too.
import { expect as globalsExpect } from '@jest/globals'
globalsExpect('- a\n- b').toHaveBullets({ max: 3 })
// @ts-expect-error style is one of 'any' | 'bulleted' | 'numbered'
globalsExpect('- a').toHaveBullets({ style: 'dashes' })
