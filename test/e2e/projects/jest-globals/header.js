const { expect, test } = require('@jest/globals')
const { z } = require('zod')
