import { expect, test } from 'vitest'
import { runId } from '../../src/report/run-id.js'

test('ASSAY_RUN_ID names the run, before any CI id', () => {
  expect(runId({ ASSAY_RUN_ID: 'nightly-42', GITHUB_RUN_ID: '7', GITHUB_RUN_ATTEMPT: '1' })).toBe('nightly-42')
})

test('on GitHub Actions, the run id and its attempt', () => {
  expect(runId({ GITHUB_RUN_ID: '123456', GITHUB_RUN_ATTEMPT: '2' })).toBe('123456-2')
  // An attempt is always set on GitHub; without it, the run id alone.
  expect(runId({ GITHUB_RUN_ID: '123456' })).toBe('123456')
})

test('other CIs: the id their jobs of one pipeline, workflow or build share', () => {
  expect(runId({ CI_PIPELINE_ID: '991', GITLAB_CI: 'true' })).toBe('991')
  expect(runId({ CIRCLE_WORKFLOW_ID: 'a1b2-c3' })).toBe('a1b2-c3')
  expect(runId({ BUILDKITE_BUILD_ID: '0190-ab' })).toBe('0190-ab')
  expect(runId({ BUILD_BUILDID: '77', TF_BUILD: 'True' })).toBe('77')
})

test('absent outside CI, and for blank values', () => {
  expect(runId({})).toBeUndefined()
  expect(runId({ ASSAY_RUN_ID: '  ', GITHUB_RUN_ID: '' })).toBeUndefined()
  // BUILD_BUILDID alone is too common a name to be taken for Azure Pipelines.
  expect(runId({ BUILD_BUILDID: '77' })).toBeUndefined()
  expect(runId({ CI_PIPELINE_ID: '991' })).toBeUndefined()
})
