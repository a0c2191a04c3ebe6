module.exports = { testEnvironment: 'node', setupFilesAfterEnv: ['assay/jest'] }
