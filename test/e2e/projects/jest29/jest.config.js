module.exports = {
  testEnvironment: 'node',
  reporters: ['default', 'assay/reporter/jest'],
  setupFilesAfterEnv: ['assay/jest'],
  globalSetup: 'assay/jest/global-setup',
  globalTeardown: 'assay/jest/global-teardown',
}
