module.exports = { testEnvironment: 'node', injectGlobals: false, setupFilesAfterEnv: ['assay/jest'] }
