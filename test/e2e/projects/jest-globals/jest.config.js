module.exports = { testEnvironment: 'node', injectGlobals: false, setupFilesAfterEnv: ['assay/jest'], reporters: ['default', 'assay/reporter/jest'] }
