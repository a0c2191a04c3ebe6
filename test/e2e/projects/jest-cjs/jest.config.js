module.exports = {
  testEnvironment: 'node',
  setupFilesAfterEnv: ['assay/jest'],
  globalSetup: 'assay/jest/global-setup',
  globalTeardown: 'assay/jest/global-teardown',
}
